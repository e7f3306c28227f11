/*
 * Unit tests of the portable core (rules R1-R5, batch layout, glue contract), built natively with
 * gcc -std=c11 -Wall -Wextra -Werror -fsanitize=address,undefined. Exit status 0 when all pass.
 */
#include "Core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int Failures;
static int Checks;

#define CHECK(condition)                                                              \
    do {                                                                              \
        Checks++;                                                                     \
        if (!(condition)) {                                                           \
            Failures++;                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
        }                                                                             \
    } while (0)

/* ---- a glue double ------------------------------------------------------------------------ */

#define MAX_COMPLETIONS 64

typedef struct {
    CORE_REQUEST *Request;
    NTSTATUS Status;
    size_t Information;
} COMPLETION;

static struct {
    long Allocations;
    long FailAfter; /* -1: never fail; n: the (n+1)th allocation from now fails */
    int LockHeld;
    int CompletedUnderLock;
    int Count;
    COMPLETION Log[MAX_COMPLETIONS];
} G;

static void *TestAllocate(void *Context, size_t Bytes)
{
    void *memory;
    (void)Context;
    if (G.FailAfter == 0) return NULL;
    if (G.FailAfter > 0) G.FailAfter--;
    memory = malloc(Bytes);
    if (memory) {
        memset(memory, 0xA5, Bytes);
        G.Allocations++;
    }
    return memory;
}

static void TestFree(void *Context, void *Memory)
{
    (void)Context;
    if (Memory) {
        G.Allocations--;
        free(Memory);
    }
}

static uintptr_t TestLock(void *Context)
{
    (void)Context;
    G.LockHeld++;
    return 7;
}

static void TestUnlock(void *Context, uintptr_t State)
{
    (void)Context;
    CHECK(State == 7);
    G.LockHeld--;
}

static void TestComplete(void *Context, CORE_REQUEST *Request, NTSTATUS Status, size_t Information)
{
    (void)Context;
    if (G.LockHeld) G.CompletedUnderLock = 1;
    if (G.Count < MAX_COMPLETIONS) {
        G.Log[G.Count].Request = Request;
        G.Log[G.Count].Status = Status;
        G.Log[G.Count].Information = Information;
    }
    G.Count++;
}

static const CORE_OPS Ops = { NULL, TestAllocate, TestFree, TestLock, TestUnlock, TestComplete };

/* Channel 0: like Events (capacity 8 drop-newest, 288); 1: like Latest (4, drop-oldest, 56);
 * 2: capacity 2 drop-newest with room for 13-byte payloads (record 32 bytes, 3 bytes padding). */
static const CORE_CHANNEL_CONFIG TestChannels[3] = {
    { 8, CORE_OVERFLOW_DROP_NEWEST, 288 },
    { 4, CORE_OVERFLOW_DROP_OLDEST, 56 },
    { 2, CORE_OVERFLOW_DROP_NEWEST, 56 },
};

static CORE Core;

static void Setup(void)
{
    memset(&G, 0, sizeof(G));
    G.FailAfter = -1;
    CHECK(CoreInitialize(&Core, &Ops, TestChannels, 3) == STATUS_SUCCESS);
}

static void Teardown(void)
{
    CoreUninitialize(&Core);
    CHECK(G.Allocations == 0);
    CHECK(G.LockHeld == 0);
    CHECK(!G.CompletedUnderLock);
}

typedef struct {
    CORE_REQUEST Core;
    UINT8 Buffer[1024];
} TEST_REQUEST;

static void Prepare(TEST_REQUEST *Request, size_t OutputLength)
{
    memset(Request, 0, sizeof(*Request));
    memset(Request->Buffer, 0xCC, sizeof(Request->Buffer));
    Request->Core.GlueRequest = Request;
    Request->Core.OutputBuffer = Request->Buffer;
    Request->Core.OutputLength = OutputLength;
}

static UINT32 ReadU32(const UINT8 *Bytes)
{
    return (UINT32)Bytes[0] | ((UINT32)Bytes[1] << 8) | ((UINT32)Bytes[2] << 16) | ((UINT32)Bytes[3] << 24);
}

static UINT64 ReadU64(const UINT8 *Bytes)
{
    return (UINT64)ReadU32(Bytes) | ((UINT64)ReadU32(Bytes + 4) << 32);
}

static void EmitTag(UINT32 Channel, UINT8 Tag)
{
    UINT8 payload[16];
    memset(payload, 0, sizeof(payload));
    payload[0] = Tag;
    CHECK(CoreEmit(&Core, Channel, 1, payload, sizeof(payload)) == STATUS_SUCCESS);
}

/* ---- tests ------------------------------------------------------------------------------- */

static void TestInitializeChecksTheTable(void)
{
    CORE core;
    CORE_CHANNEL_CONFIG bad;
    memset(&G, 0, sizeof(G));
    G.FailAfter = -1;
    bad.Capacity = 0; bad.Overflow = 0; bad.MinimumOutputBytes = 56;
    CHECK(CoreInitialize(&core, &Ops, &bad, 1) == STATUS_INVALID_PARAMETER);
    bad.Capacity = 1; bad.Overflow = 2;
    CHECK(CoreInitialize(&core, &Ops, &bad, 1) == STATUS_INVALID_PARAMETER);
    bad.Overflow = 1; bad.MinimumOutputBytes = 40 - 8; /* below header + record header */
    CHECK(CoreInitialize(&core, &Ops, &bad, 1) == STATUS_INVALID_PARAMETER);
    G.FailAfter = 0;
    CHECK(CoreInitialize(&core, &Ops, TestChannels, 3) == STATUS_INSUFFICIENT_RESOURCES);
    CHECK(G.Allocations == 0);
}

static void TestR1TooSmallIsRefusedAndCreatesNothing(void)
{
    CORE_FILE file;
    TEST_REQUEST request, later;
    Setup();
    CoreFileOpen(&Core, &file);
    Prepare(&request, 287);
    CHECK(CoreSubscribe(&Core, &file, 0, &request.Core) == STATUS_BUFFER_TOO_SMALL);
    CHECK(G.Count == 1 && G.Log[0].Status == STATUS_BUFFER_TOO_SMALL && G.Log[0].Information == 0);
    CHECK(G.Allocations == 1); /* the channel table only: no subscription */
    EmitTag(0, 1);             /* offered to nobody */
    Prepare(&later, 288);
    CHECK(CoreSubscribe(&Core, &file, 0, &later.Core) == STATUS_PENDING);
    EmitTag(0, 2);
    CHECK(G.Count == 2 && G.Log[1].Status == STATUS_SUCCESS && G.Log[1].Information == 24 + 32);
    CHECK(ReadU64(later.Buffer + 24) == 0); /* the first event this subscription saw */
    CHECK(later.Buffer[40] == 2);
    CoreFileClose(&Core, &file);
    Teardown();
}

static void TestR2BatchLayoutAndPartialFill(void)
{
    CORE_FILE file;
    TEST_REQUEST first, second;
    UINT8 payload[13];
    int index;
    Setup();
    CoreFileOpen(&Core, &file);
    Prepare(&first, 56);
    CHECK(CoreSubscribe(&Core, &file, 2, &first.Core) == STATUS_PENDING); /* creates it, parks */
    CHECK(CoreCancel(&Core, &first.Core) == 1);
    for (index = 0; index < 13; index++) payload[index] = (UINT8)(0xF0 + index);
    CHECK(CoreEmit(&Core, 2, 5, payload, 13) == STATUS_SUCCESS);
    CHECK(CoreEmit(&Core, 2, 6, payload, 13) == STATUS_SUCCESS);
    CHECK(CoreEmit(&Core, 2, 7, payload, 13) == STATUS_SUCCESS); /* ring of 2 full: dropped */
    CHECK(CoreEmit(&Core, 2, 8, payload, 14) == STATUS_SUCCESS); /* 14 still fits 56 - 40 */
    CHECK(CoreEmit(&Core, 2, 8, payload, 17) == STATUS_INVALID_PARAMETER);
    Prepare(&second, 24 + 32 + 31); /* room for one record only */
    CHECK(CoreSubscribe(&Core, &file, 2, &second.Core) == STATUS_SUCCESS);
    CHECK(G.Log[G.Count - 1].Information == 56);
    CHECK(ReadU32(second.Buffer + 0) == 1);   /* Version */
    CHECK(ReadU32(second.Buffer + 4) == 1);   /* Count */
    CHECK(ReadU32(second.Buffer + 8) == 56);  /* BytesUsed */
    CHECK(ReadU32(second.Buffer + 12) == 0);  /* Flags */
    CHECK(ReadU64(second.Buffer + 16) == 2);  /* DroppedTotal: sequences 2 and 3 */
    CHECK(ReadU64(second.Buffer + 24) == 0);  /* Sequence */
    CHECK(second.Buffer[32] == 5 && second.Buffer[33] == 0); /* Kind */
    CHECK(second.Buffer[34] == 0 && second.Buffer[35] == 0); /* Reserved */
    CHECK(ReadU32(second.Buffer + 36) == 13); /* Size */
    CHECK(memcmp(second.Buffer + 40, payload, 13) == 0);
    CHECK(second.Buffer[53] == 0 && second.Buffer[54] == 0 && second.Buffer[55] == 0); /* zero padding */
    CHECK(second.Buffer[56] == 0xCC); /* nothing written past BytesUsed */
    Prepare(&second, 1024);
    CHECK(CoreSubscribe(&Core, &file, 2, &second.Core) == STATUS_SUCCESS);
    CHECK(ReadU32(second.Buffer + 4) == 1 && ReadU64(second.Buffer + 24) == 1 && second.Buffer[32] == 6);
    CoreFileClose(&Core, &file);
    Teardown();
}

static void TestR3FanOutAndOverflowPolicies(void)
{
    CORE_FILE a, b;
    TEST_REQUEST ra, rb, take;
    int tag;
    Setup();
    CoreFileOpen(&Core, &a);
    CoreFileOpen(&Core, &b);
    Prepare(&rb, 56);
    Prepare(&ra, 56);
    CHECK(CoreSubscribe(&Core, &b, 1, &rb.Core) == STATUS_PENDING); /* b's subscription first */
    CHECK(CoreSubscribe(&Core, &a, 1, &ra.Core) == STATUS_PENDING);
    EmitTag(1, 100);
    CHECK(G.Count == 2 && G.Log[0].Request == &rb.Core && G.Log[1].Request == &ra.Core);
    for (tag = 1; tag <= 6; tag++) EmitTag(1, (UINT8)tag); /* drop-oldest, capacity 4: 1 and 2 go */
    Prepare(&take, 1024);
    CHECK(CoreSubscribe(&Core, &a, 1, &take.Core) == STATUS_SUCCESS);
    CHECK(ReadU32(take.Buffer + 4) == 4);
    CHECK(ReadU64(take.Buffer + 16) == 2);
    CHECK(ReadU64(take.Buffer + 24) == 3 && take.Buffer[40] == 3); /* sequence 3 carries tag 3 */
    CHECK(ReadU64(take.Buffer + 24 + 3 * 32) == 6 && take.Buffer[40 + 3 * 32] == 6);
    CoreFileClose(&Core, &a);
    CoreFileClose(&Core, &b);

    CoreFileOpen(&Core, &a);
    Prepare(&ra, 288);
    CHECK(CoreSubscribe(&Core, &a, 0, &ra.Core) == STATUS_PENDING);
    CHECK(CoreCancel(&Core, &ra.Core) == 1);
    for (tag = 0; tag < 10; tag++) EmitTag(0, (UINT8)tag); /* drop-newest, capacity 8: 8 and 9 go */
    Prepare(&take, 1024);
    CHECK(CoreSubscribe(&Core, &a, 0, &take.Core) == STATUS_SUCCESS);
    CHECK(ReadU32(take.Buffer + 4) == 8 && ReadU64(take.Buffer + 16) == 2);
    CHECK(ReadU64(take.Buffer + 24 + 7 * 32) == 7);
    EmitTag(0, 42);
    Prepare(&take, 1024);
    CHECK(CoreSubscribe(&Core, &a, 0, &take.Core) == STATUS_SUCCESS);
    CHECK(ReadU64(take.Buffer + 24) == 10); /* dropped events took sequence numbers 8 and 9 */
    CoreFileClose(&Core, &a);
    Teardown();
}

static void TestR4CancelWritesNothing(void)
{
    CORE_FILE file;
    TEST_REQUEST first, second;
    Setup();
    CoreFileOpen(&Core, &file);
    Prepare(&first, 56);
    Prepare(&second, 56);
    CHECK(CoreSubscribe(&Core, &file, 1, &first.Core) == STATUS_PENDING);
    CHECK(CoreSubscribe(&Core, &file, 1, &second.Core) == STATUS_PENDING);
    CHECK(CoreCancel(&Core, &first.Core) == 1);
    CHECK(G.Count == 1 && G.Log[0].Status == STATUS_CANCELLED && G.Log[0].Information == 0);
    CHECK(first.Buffer[0] == 0xCC);
    CHECK(CoreCancel(&Core, &first.Core) == 0); /* already completed */
    EmitTag(1, 9);
    CHECK(G.Count == 2 && G.Log[1].Request == &second.Core && G.Log[1].Status == STATUS_SUCCESS);
    CHECK(CoreCancel(&Core, &second.Core) == 0);
    CoreFileClose(&Core, &file);
    Teardown();
}

static void TestR5CloseCancelsInParkOrderAndFreesOnlyItsOwn(void)
{
    CORE_FILE a, b;
    TEST_REQUEST r1, r2, r3, other;
    Setup();
    CoreFileOpen(&Core, &a);
    CoreFileOpen(&Core, &b);
    Prepare(&r1, 56);
    Prepare(&r2, 288);
    Prepare(&r3, 56);
    Prepare(&other, 56);
    CHECK(CoreSubscribe(&Core, &a, 1, &r1.Core) == STATUS_PENDING);
    CHECK(CoreSubscribe(&Core, &a, 0, &r2.Core) == STATUS_PENDING);
    CHECK(CoreSubscribe(&Core, &b, 1, &other.Core) == STATUS_PENDING);
    CHECK(CoreSubscribe(&Core, &a, 1, &r3.Core) == STATUS_PENDING);
    CoreFileClose(&Core, &a);
    CHECK(G.Count == 3);
    CHECK(G.Log[0].Request == &r1.Core && G.Log[1].Request == &r2.Core && G.Log[2].Request == &r3.Core);
    CHECK(G.Log[0].Status == STATUS_CANCELLED && G.Log[2].Status == STATUS_CANCELLED);
    CHECK(G.Allocations == 1 + 2); /* the table and b's subscription (struct + ring) */
    CoreFileClose(&Core, &a);     /* again (cleanup then close): harmless */
    CHECK(G.Count == 3);
    EmitTag(1, 1);
    CHECK(G.Count == 4 && G.Log[3].Request == &other.Core);
    CoreFileClose(&Core, &b);
    Teardown();
}

static void TestOutOfMemoryCreatingASubscription(void)
{
    CORE_FILE file;
    TEST_REQUEST request;
    Setup();
    CoreFileOpen(&Core, &file);
    G.FailAfter = 1; /* the subscription struct succeeds, its ring fails */
    Prepare(&request, 56);
    CHECK(CoreSubscribe(&Core, &file, 1, &request.Core) == STATUS_INSUFFICIENT_RESOURCES);
    CHECK(G.Count == 1 && G.Log[0].Status == STATUS_INSUFFICIENT_RESOURCES);
    CHECK(G.Allocations == 1);
    G.FailAfter = -1;
    CHECK(CoreSubscribe(&Core, &file, 7, &request.Core) == STATUS_INVALID_DEVICE_REQUEST);
    CHECK(CoreEmit(&Core, 7, 1, NULL, 0) == STATUS_INVALID_PARAMETER);
    CoreFileClose(&Core, &file);
    Teardown();
}

int main(void)
{
    TestInitializeChecksTheTable();
    TestR1TooSmallIsRefusedAndCreatesNothing();
    TestR2BatchLayoutAndPartialFill();
    TestR3FanOutAndOverflowPolicies();
    TestR4CancelWritesNothing();
    TestR5CloseCancelsInParkOrderAndFreesOnlyItsOwn();
    TestOutOfMemoryCreatingASubscription();
    printf("core_test: %d checks, %d failed\n", Checks, Failures);
    return Failures == 0 ? 0 : 1;
}
