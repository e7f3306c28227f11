/*
 * Native scenario harness for the portable core: plays the KMDF glue (allocator, lock, request
 * completion) and reads a scenario script on stdin, one command a line:
 *
 *   open H ACCESS                  a file object H is created (ACCESS is recorded, not checked:
 *                                  the I/O manager's access check is not the core's)
 *   subscribe H REQ CHANNEL OUTLEN subscribe request REQ on handle H, channel index, output length
 *   emit CHANNEL KIND PAYLOADHEX   an event (PAYLOADHEX may be '-' for an empty payload)
 *   cancel REQ                     CancelIoEx of REQ (nothing if it is no longer outstanding)
 *   close H                        handle close (R5)
 *   reset                          closes every handle without printing its completions, checks
 *                                  that every allocation was freed, starts a fresh core, prints `reset`
 *   # ...                          comment; blank lines are ignored
 *
 * It prints one line per completion, in completion order: `REQ STATUS HEXBYTES`, STATUS as 8
 * upper-case hex digits, HEXBYTES the first Information bytes of the output buffer in lower-case
 * hex, or '-' when there are none. Channels come from the conformance device's generated header.
 * Exit status 0, or 2 with a message on stderr for a malformed script or a broken invariant.
 */
#include "Core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const CORE_CHANNEL_CONFIG Channels[CONFORMANCE_DEVICE_CHANNEL_COUNT] = {
    { CONFORMANCE_DEVICE_EVENTS_CAPACITY, CONFORMANCE_DEVICE_EVENTS_OVERFLOW_POLICY, CONFORMANCE_DEVICE_EVENTS_MINIMUM_OUTPUT_BYTES },
    { CONFORMANCE_DEVICE_LATEST_CAPACITY, CONFORMANCE_DEVICE_LATEST_OVERFLOW_POLICY, CONFORMANCE_DEVICE_LATEST_MINIMUM_OUTPUT_BYTES },
    { CONFORMANCE_DEVICE_AUDIT_CAPACITY, CONFORMANCE_DEVICE_AUDIT_OVERFLOW_POLICY, CONFORMANCE_DEVICE_AUDIT_MINIMUM_OUTPUT_BYTES },
};

typedef struct {
    long Id;
    unsigned Access;
    CORE_FILE File;
} HANDLE_SLOT;

typedef struct {
    long Id;
    CORE_REQUEST Core;
} REQUEST_SLOT;

static struct {
    long Allocations;
    int LockHeld;
    int Quiet;
    long Line;
} Glue;

static HANDLE_SLOT **Handles;
static size_t HandleCount, HandleCapacity;
static REQUEST_SLOT **Requests;
static size_t RequestCount, RequestCapacity;

static void Fail(const char *Message, const char *Detail)
{
    fprintf(stderr, "harness: line %ld: %s%s%s\n", Glue.Line, Message, Detail ? ": " : "", Detail ? Detail : "");
    fflush(stdout);
    exit(2);
}

static void *GlueAllocate(void *Context, size_t Bytes)
{
    void *memory;
    (void)Context;
    memory = malloc(Bytes);
    if (memory != NULL) {
        memset(memory, 0xA5, Bytes); /* not zeroed: the core must initialise what it uses */
        Glue.Allocations++;
    }
    return memory;
}

static void GlueFree(void *Context, void *Memory)
{
    (void)Context;
    if (Memory != NULL) {
        Glue.Allocations--;
        free(Memory);
    }
}

static uintptr_t GlueLock(void *Context)
{
    (void)Context;
    if (Glue.LockHeld) {
        Fail("lock taken twice (a spin lock would deadlock)", NULL);
    }
    Glue.LockHeld = 1;
    return 0x5A;
}

static void GlueUnlock(void *Context, uintptr_t State)
{
    (void)Context;
    if (!Glue.LockHeld || State != 0x5A) {
        Fail("unlock without the lock or with another state", NULL);
    }
    Glue.LockHeld = 0;
}

static void RemoveRequest(REQUEST_SLOT *Slot)
{
    size_t index;
    for (index = 0; index < RequestCount; index++) {
        if (Requests[index] == Slot) {
            memmove(&Requests[index], &Requests[index + 1], (RequestCount - index - 1) * sizeof(Requests[0]));
            RequestCount--;
            return;
        }
    }
    Fail("completion of a request the harness does not hold", NULL);
}

static void GlueComplete(void *Context, CORE_REQUEST *Request, NTSTATUS Status, size_t Information)
{
    REQUEST_SLOT *slot = (REQUEST_SLOT *)Request->GlueRequest;
    (void)Context;
    if (Glue.LockHeld) {
        Fail("request completed with the core's lock held", NULL);
    }
    if (Information > Request->OutputLength) {
        Fail("Information larger than the output buffer", NULL);
    }
    if (!Glue.Quiet) {
        size_t index;
        printf("%ld %08X ", slot->Id, (unsigned)(uint32_t)Status);
        if (Information == 0) {
            putchar('-');
        }
        for (index = 0; index < Information; index++) {
            printf("%02x", Request->OutputBuffer[index]);
        }
        putchar('\n');
    }
    RemoveRequest(slot);
    free(Request->OutputBuffer);
    free(slot);
}

static const CORE_OPS Ops = { NULL, GlueAllocate, GlueFree, GlueLock, GlueUnlock, GlueComplete };

static CORE Core;

static HANDLE_SLOT *FindHandle(long Id)
{
    size_t index;
    for (index = 0; index < HandleCount; index++) {
        if (Handles[index]->Id == Id) {
            return Handles[index];
        }
    }
    return NULL;
}

static REQUEST_SLOT *FindRequest(long Id)
{
    size_t index;
    for (index = 0; index < RequestCount; index++) {
        if (Requests[index]->Id == Id) {
            return Requests[index];
        }
    }
    return NULL;
}

static void CloseHandleSlot(HANDLE_SLOT *Slot)
{
    size_t index;
    CoreFileClose(&Core, &Slot->File);
    for (index = 0; index < HandleCount; index++) {
        if (Handles[index] == Slot) {
            memmove(&Handles[index], &Handles[index + 1], (HandleCount - index - 1) * sizeof(Handles[0]));
            HandleCount--;
            break;
        }
    }
    free(Slot);
}

static void StartCore(void)
{
    if (CoreInitialize(&Core, &Ops, Channels, CONFORMANCE_DEVICE_CHANNEL_COUNT) != STATUS_SUCCESS) {
        Fail("CoreInitialize failed", NULL);
    }
}

static void StopCore(void)
{
    Glue.Quiet = 1;
    while (HandleCount > 0) {
        CloseHandleSlot(Handles[0]);
    }
    Glue.Quiet = 0;
    if (RequestCount != 0) {
        Fail("requests outstanding after every handle was closed", NULL);
    }
    CoreUninitialize(&Core);
    if (Glue.Allocations != 0) {
        Fail("the core leaked allocations", NULL);
    }
}

static int HexDigit(int Character)
{
    if (Character >= '0' && Character <= '9') return Character - '0';
    if (Character >= 'a' && Character <= 'f') return Character - 'a' + 10;
    if (Character >= 'A' && Character <= 'F') return Character - 'A' + 10;
    return -1;
}

static long ParseLong(const char *Text)
{
    char *end;
    long value;
    if (Text == NULL) Fail("missing number", NULL);
    value = strtol(Text, &end, 0);
    if (*end != '\0') Fail("not a number", Text);
    return value;
}

static void Grow(void ***Array, size_t *Capacity, size_t Count)
{
    if (Count == *Capacity) {
        size_t capacity = *Capacity ? *Capacity * 2 : 16;
        void **grown = realloc(*Array, capacity * sizeof(void *));
        if (grown == NULL) Fail("out of memory", NULL);
        *Array = grown;
        *Capacity = capacity;
    }
}

static void RunLine(char *Line)
{
    char *words[8];
    int count = 0;
    char *word = strtok(Line, " \t\r\n");
    while (word != NULL && count < 8) {
        words[count++] = word;
        word = strtok(NULL, " \t\r\n");
    }
    if (count == 0 || words[0][0] == '#') {
        return;
    }
    if (strcmp(words[0], "open") == 0 && count == 3) {
        long id = ParseLong(words[1]);
        HANDLE_SLOT *slot;
        if (FindHandle(id) != NULL) Fail("handle already open", words[1]);
        slot = calloc(1, sizeof(*slot));
        if (slot == NULL) Fail("out of memory", NULL);
        slot->Id = id;
        slot->Access = (unsigned)ParseLong(words[2]);
        CoreFileOpen(&Core, &slot->File);
        Grow((void ***)&Handles, &HandleCapacity, HandleCount);
        Handles[HandleCount++] = slot;
    } else if (strcmp(words[0], "subscribe") == 0 && count == 5) {
        HANDLE_SLOT *handle = FindHandle(ParseLong(words[1]));
        long id = ParseLong(words[2]);
        long channel = ParseLong(words[3]);
        long length = ParseLong(words[4]);
        REQUEST_SLOT *slot;
        if (handle == NULL) Fail("handle not open", words[1]);
        if (FindRequest(id) != NULL) Fail("request still outstanding", words[2]);
        if (channel < 0 || length < 0) Fail("negative channel or length", NULL);
        slot = calloc(1, sizeof(*slot));
        if (slot == NULL) Fail("out of memory", NULL);
        slot->Id = id;
        slot->Core.GlueRequest = slot;
        slot->Core.OutputLength = (size_t)length;
        slot->Core.OutputBuffer = malloc(length > 0 ? (size_t)length : 1u);
        if (slot->Core.OutputBuffer == NULL) Fail("out of memory", NULL);
        memset(slot->Core.OutputBuffer, 0xCC, length > 0 ? (size_t)length : 1u); /* garbage the core must overwrite */
        Grow((void ***)&Requests, &RequestCapacity, RequestCount);
        Requests[RequestCount++] = slot;
        (void)CoreSubscribe(&Core, &handle->File, (UINT32)channel, &slot->Core);
    } else if (strcmp(words[0], "emit") == 0 && count == 4) {
        long channel = ParseLong(words[1]);
        long kind = ParseLong(words[2]);
        const char *hex = words[3];
        size_t length = strcmp(hex, "-") == 0 ? 0 : strlen(hex);
        UINT8 *payload;
        size_t index;
        if (length % 2 != 0) Fail("odd number of hex digits", hex);
        payload = malloc(length / 2 + 1);
        if (payload == NULL) Fail("out of memory", NULL);
        for (index = 0; index < length / 2; index++) {
            int high = HexDigit(hex[2 * index]);
            int low = HexDigit(hex[2 * index + 1]);
            if (high < 0 || low < 0) Fail("bad hex digit", hex);
            payload[index] = (UINT8)(high * 16 + low);
        }
        if (CoreEmit(&Core, (UINT32)channel, (UINT16)kind, payload, (UINT32)(length / 2)) != STATUS_SUCCESS) {
            Fail("CoreEmit refused the event", NULL);
        }
        free(payload);
    } else if (strcmp(words[0], "cancel") == 0 && count == 2) {
        REQUEST_SLOT *slot = FindRequest(ParseLong(words[1]));
        if (slot != NULL) {
            (void)CoreCancel(&Core, &slot->Core);
        }
    } else if (strcmp(words[0], "close") == 0 && count == 2) {
        HANDLE_SLOT *slot = FindHandle(ParseLong(words[1]));
        if (slot == NULL) Fail("handle not open", words[1]);
        CloseHandleSlot(slot);
    } else if (strcmp(words[0], "reset") == 0 && count == 1) {
        StopCore();
        StartCore();
        printf("reset\n");
    } else {
        Fail("unknown or malformed command", words[0]);
    }
}

int main(void)
{
    static char line[8192];
    StartCore();
    while (fgets(line, sizeof(line), stdin) != NULL) {
        Glue.Line++;
        if (strchr(line, '\n') == NULL && !feof(stdin)) Fail("line too long", NULL);
        RunLine(line);
    }
    StopCore();
    free(Handles);
    free(Requests);
    return 0;
}
