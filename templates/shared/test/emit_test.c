/*
 * The native test program of EmitTest.c: the emit IOCTL's input check, built with gcc -std=c11
 * -Wall -Wextra -Werror -fsanitize=address,undefined, the native CoreConfig.h (templates/core/test)
 * and a rendered DeviceTable.h (its DEVICE_EVENT_KINDS). packages/driver-template/test/test-ioctls.test.ts
 * runs it.
 *
 *   emit_test --layout   prints the layout as EmitTest.h declares it (one JSON line), so the
 *                        TypeScript encoder is checked against the header, not a copy of it;
 *   emit_test            reads one input from stdin into a heap block of exactly its size (ASan
 *                        reports any read past it), parses it and prints the status and, on
 *                        success, what was parsed (one JSON line).
 */
#include "EmitTest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFFSET_OF(field) (int)FIELD_OFFSET(INVERTED_CALL_TEST_EMIT, field)

static int PrintLayout(void)
{
    printf("{\"function\":%d,\"code\":%lu,\"size\":%d,\"maxCount\":%u,"
           "\"offsets\":{\"channel\":%d,\"kind\":%d,\"reserved\":%d,\"count\":%d,\"payloadBytes\":%d}}\n",
           INVERTED_CALL_TEST_EMIT_FUNCTION, (unsigned long)IOCTL_INVERTED_CALL_TEST_EMIT, (int)sizeof(INVERTED_CALL_TEST_EMIT),
           INVERTED_CALL_TEST_EMIT_MAX_COUNT, OFFSET_OF(Channel), OFFSET_OF(Kind), OFFSET_OF(Reserved), OFFSET_OF(Count),
           OFFSET_OF(PayloadBytes));
    return 0;
}

/* Reads all of stdin into a block of exactly its size (at least one byte, so malloc never sees 0). */
static UINT8 *ReadInput(size_t *Length)
{
    size_t capacity = 4096;
    size_t used = 0;
    UINT8 *staging = (UINT8 *)malloc(capacity);
    UINT8 *exact;
    size_t got;
    if (staging == NULL) {
        return NULL;
    }
    while ((got = fread(staging + used, 1, capacity - used, stdin)) > 0) {
        used += got;
        if (used == capacity) {
            UINT8 *grown = (UINT8 *)realloc(staging, capacity * 2u);
            if (grown == NULL) {
                free(staging);
                return NULL;
            }
            staging = grown;
            capacity *= 2u;
        }
    }
    exact = (UINT8 *)malloc(used > 0 ? used : 1u);
    if (exact != NULL && used > 0) {
        memcpy(exact, staging, used);
    }
    free(staging);
    *Length = used;
    return exact;
}

static int ParseStdin(void)
{
    size_t length = 0;
    UINT8 *input = ReadInput(&length);
    EMIT_TEST_REQUEST request;
    NTSTATUS status;
    UINT32 index;
    if (input == NULL) {
        fprintf(stderr, "emit_test: out of memory\n");
        return 2;
    }
    memset(&request, 0xA5, sizeof(request)); /* untouched on failure: the test sees these bytes */
    /* An empty stdin stands for a NULL input buffer (an IOCTL sent without input). */
    status = EmitTestParse(length > 0 ? input : NULL, length, &request);
    printf("{\"status\":%lu", (unsigned long)(UINT32)status);
    if (status == STATUS_SUCCESS) {
        printf(",\"channel\":%u,\"kind\":%u,\"count\":%u,\"payloadBytes\":%u,\"payloadOffset\":%ld,\"payload\":[",
               request.Fixed.Channel, (unsigned int)request.Fixed.Kind, request.Fixed.Count, request.Fixed.PayloadBytes,
               (long)(request.Payload - input));
        for (index = 0; index < request.Fixed.PayloadBytes; index++) {
            printf(index == 0 ? "%u" : ",%u", (unsigned int)request.Payload[index]);
        }
        printf("]");
    } else {
        printf(",\"untouched\":%s", ((const UINT8 *)&request)[0] == 0xA5 && ((const UINT8 *)&request)[sizeof(request) - 1u] == 0xA5 ? "true" : "false");
    }
    printf("}\n");
    free(input);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--layout") == 0) {
        return PrintLayout();
    }
    return ParseStdin();
}
