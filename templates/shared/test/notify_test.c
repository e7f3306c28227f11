/*
 * The native test program of NotifyTestInput.c: the process IOCTL's input check, built with gcc
 * -std=c11 -Wall -Wextra -Werror -fsanitize=address,undefined and the native CoreConfig.h
 * (templates/core/test). packages/driver-template/test/notify-test.test.ts runs it.
 *
 *   notify_test --layout   prints the layout as NotifyTest.h declares it (one JSON line), so the
 *                          TypeScript encoder is checked against the header, not a copy of it;
 *   notify_test            reads one input from stdin into a heap block of exactly its size (ASan
 *                          reports any read past it), parses it and prints the status and, on
 *                          success, what was parsed (one JSON line);
 *   notify_test --odd      the same with the input at an odd address (one byte into its block).
 */
#include "NotifyTest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFFSET_OF(field) (int)FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, field)

static int PrintLayout(void)
{
    printf("{\"function\":%d,\"code\":%lu,\"size\":%d,\"maxNameBytes\":%u,\"kinds\":{\"created\":%u,\"exited\":%u},"
           "\"flags\":{\"image\":%u,\"fileOpenName\":%u},"
           "\"offsets\":{\"kind\":%d,\"flags\":%d,\"processId\":%d,\"parentProcessId\":%d,\"creatingProcessId\":%d,"
           "\"creatingThreadId\":%d,\"imageNameBytes\":%d,\"reserved\":%d}}\n",
           INVERTED_CALL_TEST_PROCESS_FUNCTION, (unsigned long)IOCTL_INVERTED_CALL_TEST_PROCESS, (int)sizeof(INVERTED_CALL_TEST_PROCESS),
           INVERTED_CALL_TEST_PROCESS_MAX_NAME_BYTES, INVERTED_CALL_TEST_PROCESS_CREATED, INVERTED_CALL_TEST_PROCESS_EXITED,
           INVERTED_CALL_TEST_PROCESS_IMAGE, INVERTED_CALL_TEST_PROCESS_FILE_OPEN_NAME, OFFSET_OF(Kind), OFFSET_OF(Flags),
           OFFSET_OF(ProcessId), OFFSET_OF(ParentProcessId), OFFSET_OF(CreatingProcessId), OFFSET_OF(CreatingThreadId),
           OFFSET_OF(ImageNameBytes), OFFSET_OF(Reserved));
    return 0;
}

/* Reads all of stdin into a block of exactly Skip bytes more than its size (at least one byte,
 * so malloc never sees 0); the input starts Skip bytes in. */
static UINT8 *ReadInput(size_t Skip, size_t *Length)
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
    exact = (UINT8 *)malloc(used + Skip > 0 ? used + Skip : 1u);
    if (exact != NULL && used > 0) {
        memcpy(exact + Skip, staging, used);
    }
    free(staging);
    *Length = used;
    return exact;
}

static int ParseStdin(size_t Skip)
{
    size_t length = 0;
    UINT8 *block = ReadInput(Skip, &length);
    UINT8 *input;
    NOTIFY_TEST_PROCESS process;
    NTSTATUS status;
    UINT32 index;
    if (block == NULL) {
        fprintf(stderr, "notify_test: out of memory\n");
        return 2;
    }
    input = block + Skip;
    memset(&process, 0xA5, sizeof(process)); /* untouched on failure: the test sees these bytes */
    /* An empty stdin stands for a NULL input buffer (an IOCTL sent without input). */
    status = NotifyTestParse(length > 0 ? input : NULL, length, &process);
    printf("{\"status\":%lu", (unsigned long)(UINT32)status);
    if (status == STATUS_SUCCESS) {
        printf(",\"kind\":%u,\"flags\":%u,\"processId\":\"%llu\",\"parentProcessId\":\"%llu\",\"creatingProcessId\":\"%llu\","
               "\"creatingThreadId\":\"%llu\",\"imageNameBytes\":%u,\"imageName\":",
               process.Fixed.Kind, process.Fixed.Flags, (unsigned long long)process.Fixed.ProcessId,
               (unsigned long long)process.Fixed.ParentProcessId, (unsigned long long)process.Fixed.CreatingProcessId,
               (unsigned long long)process.Fixed.CreatingThreadId, process.Fixed.ImageNameBytes);
        if (process.ImageName == NULL) {
            printf("null");
        } else {
            printf("[");
            for (index = 0; index < process.Fixed.ImageNameBytes / sizeof(WCHAR); index++) {
                printf(index == 0 ? "%u" : ",%u", (unsigned int)process.ImageName[index]);
            }
            printf("]");
        }
    } else {
        printf(",\"untouched\":%s", ((const UINT8 *)&process)[0] == 0xA5 && ((const UINT8 *)&process)[sizeof(process) - 1u] == 0xA5 ? "true" : "false");
    }
    printf("}\n");
    free(block);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--layout") == 0) {
        return PrintLayout();
    }
    return ParseStdin(argc > 1 && strcmp(argv[1], "--odd") == 0 ? 1u : 0u);
}
