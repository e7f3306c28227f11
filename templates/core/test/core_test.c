/*
 * Unit tests of the portable core (rules R1-R7, batch layout, the glue contract), built natively
 * with gcc -std=c11 -Wall -Wextra -Werror -fsanitize=address,undefined. Exit status 0 when all
 * pass. The device table here is the test's own (three channels, four calls), so the tests do
 * not depend on any schema; CoreConfig.h still brings a generated header for the protocol structs.
 */
#include "Core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_test_support.h"

/* What a failed WdfRequestForwardToIoQueue might return (STATUS_INVALID_DEVICE_STATE). */
#define STATUS_INVALID_DEVICE_STATE_FOR_TEST ((NTSTATUS)0xC0000184L)


/* ---- a glue double (allocator and lock: core_test_support.h), one FIFO "manual queue" per (file, channel) */

#define MAX_COMPLETIONS 64
#define MAX_PARKED 8

typedef struct _TEST_FILE TEST_FILE;

typedef struct {
    CORE_REQUEST Core;
    TEST_FILE *File;
    UINT8 Buffer[1024];
} TEST_REQUEST;

struct _TEST_FILE {
    CORE_FILE Core;
    TEST_REQUEST *Parked[3][MAX_PARKED];
    int ParkedCount[3];
};

typedef struct {
    CORE_REQUEST *Request;
    NTSTATUS Status;
    size_t Information;
} COMPLETION;

static struct {
    NTSTATUS ParkStatus; /* what ParkRequest returns */
    int CompletedUnderLock;
    int ParkedWithoutLock;
    int Count;
    COMPLETION Log[MAX_COMPLETIONS];
} G;

static NTSTATUS TestPark(void *Context, CORE_REQUEST *Request, UINT32 ChannelIndex)
{
    TEST_REQUEST *request = (TEST_REQUEST *)Request->GlueRequest;
    TEST_FILE *file = request->File;
    (void)Context;
    if (!TestMemory.LockHeld) G.ParkedWithoutLock = 1;
    if (G.ParkStatus != STATUS_SUCCESS) return G.ParkStatus;
    CHECK(file->ParkedCount[ChannelIndex] < MAX_PARKED);
    file->Parked[ChannelIndex][file->ParkedCount[ChannelIndex]++] = request;
    return STATUS_SUCCESS;
}

static CORE_REQUEST *TestTakeParked(void *Context, CORE_FILE *File, UINT32 ChannelIndex)
{
    TEST_FILE *file = (TEST_FILE *)File->GlueFile;
    TEST_REQUEST *request;
    (void)Context;
    if (!TestMemory.LockHeld) G.ParkedWithoutLock = 1;
    if (file->ParkedCount[ChannelIndex] == 0) return NULL;
    request = file->Parked[ChannelIndex][0];
    memmove(&file->Parked[ChannelIndex][0], &file->Parked[ChannelIndex][1], (size_t)(--file->ParkedCount[ChannelIndex]) * sizeof(TEST_REQUEST *));
    return &request->Core;
}

static void Log(CORE_REQUEST *Request, NTSTATUS Status, size_t Information)
{
    if (G.Count < MAX_COMPLETIONS) {
        G.Log[G.Count].Request = Request;
        G.Log[G.Count].Status = Status;
        G.Log[G.Count].Information = Information;
    }
    G.Count++;
}

static void TestComplete(void *Context, CORE_REQUEST *Request, NTSTATUS Status, size_t Information)
{
    (void)Context;
    if (TestMemory.LockHeld) G.CompletedUnderLock = 1;
    Log(Request, Status, Information);
}

static CORE Core;

/* Takes Request out of its manual queue, as cancellation does; 1 if it was there. */
static int UnqueueForCancel(TEST_REQUEST *Request)
{
    TEST_FILE *file = Request->File;
    int channel, index;
    for (channel = 0; channel < 3; channel++) {
        for (index = 0; index < file->ParkedCount[channel]; index++) {
            if (file->Parked[channel][index] == Request) {
                memmove(&file->Parked[channel][index], &file->Parked[channel][index + 1],
                        (size_t)(file->ParkedCount[channel] - index - 1) * sizeof(TEST_REQUEST *));
                file->ParkedCount[channel]--;
                return 1;
            }
        }
    }
    return 0;
}

/* The framework cancels a parked request and completes it itself; the core hears of it only
 * through CoreParkedRequestCancelled (KMDF: the request's EvtCleanupCallback after completion). */
static int FrameworkCancel(TEST_REQUEST *Request)
{
    if (!UnqueueForCancel(Request)) {
        return 0;
    }
    Log(&Request->Core, STATUS_CANCELLED, 0);
    CoreParkedRequestCancelled(&Core, &Request->Core);
    return 1;
}

static const CORE_OPS Ops = { NULL, TestAllocate, TestFree, TestLock, TestUnlock, TestPark, TestTakeParked, TestComplete };

/* ---- the test device ----------------------------------------------------------------------- */

#define CODE_SUB0 0x00220100u
#define CODE_SUB1 0x00220104u
#define CODE_SUB2 0x00220108u
#define CODE_INFO 0x00223FFCu
#define CODE_ECHO 0x00222000u    /* 12 bytes in, 12 bytes out */
#define CODE_READ 0x00222004u    /* no input, 8 bytes out */
#define CODE_WRITE 0x00222008u   /* 8 bytes in, no output */
#define CODE_BIG 0x0022200Cu     /* 300 bytes in (beyond the stack copy), 4 bytes out */
#define CODE_UNKNOWN 0x00222FF0u

static NTSTATUS HandlerResult = STATUS_SUCCESS;
static const void *LastInput;

static NTSTATUS EchoHandler(const CORE_CALL_CONTEXT *Context, const void *Input, void *Output)
{
    CHECK(Context->Core != NULL && Context->File != NULL);
    CHECK(((const UINT8 *)Output)[11] == 0); /* the output arrives zeroed */
    LastInput = Input;
    memcpy(Output, Input, 12);
    return HandlerResult;
}

static NTSTATUS ReadHandler(const CORE_CALL_CONTEXT *Context, const void *Input, void *Output)
{
    (void)Context;
    CHECK(Input == NULL);
    ((UINT8 *)Output)[0] = 0x42; /* the other 7 bytes stay as zeroed by the core */
    return HandlerResult;
}

static NTSTATUS WriteHandler(const CORE_CALL_CONTEXT *Context, const void *Input, void *Output)
{
    (void)Context;
    CHECK(Input != NULL && Output == NULL);
    return HandlerResult;
}

static NTSTATUS BigHandler(const CORE_CALL_CONTEXT *Context, const void *Input, void *Output)
{
    const UINT8 *input = (const UINT8 *)Input;
    (void)Context;
    ((UINT8 *)Output)[0] = input[299];
    return STATUS_SUCCESS;
}

/* Channel 0: like Events (capacity 8 drop-newest, record 264 -> minimum 288); 1: like Latest (4,
 * drop-oldest, record 32 -> 56); 2: capacity 2 drop-newest, 13-byte payloads pad to 32. */
static const CORE_CHANNEL_CONFIG TestChannels[3] = {
    { CODE_SUB0, 8, INVERTED_CALL_OVERFLOW_DROP_NEWEST, 512, 264 },
    { CODE_SUB1, 4, INVERTED_CALL_OVERFLOW_DROP_OLDEST, 256, 32 },
    { CODE_SUB2, 2, INVERTED_CALL_OVERFLOW_DROP_NEWEST, 128, 32 },
};
static const CORE_CALL_CONFIG TestCalls[4] = {
    { CODE_ECHO, 12, 12, EchoHandler },
    { CODE_READ, 0, 8, ReadHandler },
    { CODE_WRITE, 8, 0, WriteHandler },
    { CODE_BIG, 300, 4, BigHandler },
};
static const UINT8 TestHash[32] = { 0xAB, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                    16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 0xCD };
/* Two verdicts, reported in the protocol information (issue 15: the core does not ask them yet). */
static const UINT8 TestDefaultAllow[4] = { 1, 0, 0, 0 };
static const UINT8 TestDefaultZero[16] = { 0 };
static const CORE_VERDICT_CONFIG TestVerdicts[2] = {
    { 0x00222080u, 0x00222084u, 568, 4, 200, 64, TestDefaultAllow },
    { 0x00222088u, 0x0022208Cu, 24, 16, 5000, 1, TestDefaultZero },
};
/* Limits far above what the other tests reach (the glue double parks at most MAX_PARKED per channel). */
static const CORE_DEVICE_CONFIG TestDevice = { CODE_INFO, TestHash, TestChannels, 3, TestCalls, 4, { 64, 3 * MAX_PARKED, 1u << 20 }, TestVerdicts, 2 };

static void Setup(void)
{
    memset(&G, 0, sizeof(G));
    TestMemoryReset();
    G.ParkStatus = STATUS_SUCCESS;
    HandlerResult = STATUS_SUCCESS;
    CHECK(CoreInitialize(&Core, &Ops, &TestDevice) == STATUS_SUCCESS);
}

static void Teardown(void)
{
    CoreUninitialize(&Core);
    CHECK(TestMemory.Allocations == 0);
    CHECK(TestMemory.LockHeld == 0);
    CHECK(!G.CompletedUnderLock);
    CHECK(!G.ParkedWithoutLock);
}

static void OpenFile(TEST_FILE *File)
{
    memset(File, 0, sizeof(*File));
    CoreFileOpen(&Core, &File->Core, File);
}

/* METHOD_BUFFERED: one buffer; Input bytes are copied in at its start. */
static void Prepare(TEST_REQUEST *Request, TEST_FILE *File, const void *Input, size_t InputLength, size_t OutputLength)
{
    memset(Request, 0, sizeof(*Request));
    memset(Request->Buffer, 0xCC, sizeof(Request->Buffer));
    Request->File = File;
    Request->Core.GlueRequest = Request;
    if (InputLength > 0) {
        memcpy(Request->Buffer, Input, InputLength);
        Request->Core.InputBuffer = Request->Buffer;
        Request->Core.InputLength = InputLength;
    }
    if (OutputLength > 0) {
        Request->Core.OutputBuffer = Request->Buffer;
        Request->Core.OutputLength = OutputLength;
    }
}

static NTSTATUS Subscribe(TEST_FILE *File, UINT32 Channel, TEST_REQUEST *Request, size_t OutputLength)
{
    Prepare(Request, File, NULL, 0, OutputLength);
    return CoreDispatch(&Core, &File->Core, &Request->Core, TestChannels[Channel].SubscribeCode);
}

static NTSTATUS Call(TEST_FILE *File, UINT32 Code, TEST_REQUEST *Request, const void *Input, size_t InputLength, size_t OutputLength)
{
    Prepare(Request, File, Input, InputLength, OutputLength);
    return CoreDispatch(&Core, &File->Core, &Request->Core, Code);
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

static UINT32 BatchFlags(const TEST_REQUEST *Request)
{
    return ReadU32(Request->Buffer + 12);
}

static const COMPLETION *Last(void)
{
    return &G.Log[G.Count - 1];
}

/* ---- tests: the table ---------------------------------------------------------------------- */

static void TestInitializeChecksTheTable(void)
{
    CORE core;
    CORE_CHANNEL_CONFIG channel = { 0x100, 1, 0, 64, 32 };
    CORE_CALL_CONFIG call = { 0x200, 0, 0, ReadHandler };
    CORE_DEVICE_CONFIG device = { 0x3FC, TestHash, &channel, 1, &call, 1, { 1, 1, 1 }, NULL, 0 };
    memset(&G, 0, sizeof(G));
    TestMemoryReset();
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_SUCCESS);
    CoreUninitialize(&core);
    channel.Capacity = 0;
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    channel.Capacity = 1;
    channel.Overflow = 2;
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    channel.Overflow = 1;
    channel.MaxRecordBytes = 8; /* below a record header */
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    channel.MaxRecordBytes = 36; /* not 8-aligned */
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    channel.MaxRecordBytes = 32;
    call.Code = 0x100; /* the subscribe code again */
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    call.Code = 0x3FC; /* the protocol-information code */
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    call.Code = 0x200;
    call.Handler = NULL;
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    call.Handler = ReadHandler;
    device.SchemaHash = NULL;
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    device.SchemaHash = TestHash;
    device.VerdictCount = 1; /* a verdict count without a verdict table */
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    device.VerdictCount = 0;
    /* METHOD_IN_DIRECT: the second buffer is mapped read-only, so the core must never write it. */
    call.Code = 0x201;
    call.OutputBytes = 8;
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    call.OutputBytes = 0; /* an IN_DIRECT call without output is fine */
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_SUCCESS);
    CoreUninitialize(&core);
    call.Code = 0x200;
    channel.SubscribeCode = 0x101; /* a subscribe code is written with batches */
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    channel.SubscribeCode = 0x100;
    /* Every limit is at least 1. */
    device.Limits.MaxSubscriptions = 0;
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    device.Limits.MaxSubscriptions = 1;
    device.Limits.MaxParkedPerHandle = 0;
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    device.Limits.MaxParkedPerHandle = 1;
    device.Limits.MaxRingBytes = 0;
    CHECK(CoreInitialize(&core, &Ops, &device) == STATUS_INVALID_PARAMETER);
    device.Limits.MaxRingBytes = 1;
    TestMemory.FailAfter = 0;
    CHECK(CoreInitialize(&core, &Ops, &TestDevice) == STATUS_INSUFFICIENT_RESOURCES);
    CHECK(TestMemory.Allocations == 0);
}

/* ---- tests: subscriptions (R1-R5) -------------------------------------------------------- */

static void TestR1TooSmallIsRefusedAndCreatesNothing(void)
{
    TEST_FILE file;
    TEST_REQUEST request, later;
    Setup();
    OpenFile(&file);
    CHECK(Subscribe(&file, 0, &request, 287) == STATUS_BUFFER_TOO_SMALL);
    CHECK(G.Count == 1 && G.Log[0].Status == STATUS_BUFFER_TOO_SMALL && G.Log[0].Information == 0);
    CHECK(Subscribe(&file, 0, &request, 0) == STATUS_BUFFER_TOO_SMALL); /* no output buffer at all */
    CHECK(TestMemory.Allocations == 1); /* the channel table only: no subscription */
    CHECK(CoreQueryState(&Core, NULL, 0) == 0);
    EmitTag(0, 1);             /* offered to nobody */
    CHECK(Subscribe(&file, 0, &later, 288) == STATUS_PENDING);
    EmitTag(0, 2);
    CHECK(G.Count == 3 && Last()->Status == STATUS_SUCCESS && Last()->Information == 24 + 32);
    CHECK(ReadU64(later.Buffer + 24) == 0); /* the first event this subscription saw */
    CHECK(later.Buffer[40] == 2);
    CoreFileClose(&Core, &file.Core);
    Teardown();
}

static void TestR2BatchLayoutAndPartialFill(void)
{
    TEST_FILE file;
    TEST_REQUEST first, second;
    UINT8 payload[13];
    int index;
    Setup();
    OpenFile(&file);
    CHECK(Subscribe(&file, 2, &first, 56) == STATUS_PENDING); /* creates it, parks */
    CHECK(FrameworkCancel(&first) == 1);
    for (index = 0; index < 13; index++) payload[index] = (UINT8)(0xF0 + index);
    CHECK(CoreEmit(&Core, 2, 5, payload, 13) == STATUS_SUCCESS);
    CHECK(CoreEmit(&Core, 2, 6, payload, 13) == STATUS_SUCCESS);
    CHECK(CoreEmit(&Core, 2, 7, payload, 13) == STATUS_SUCCESS); /* ring of 2 full: dropped */
    CHECK(CoreEmit(&Core, 2, 8, payload, 14) == STATUS_SUCCESS); /* 14 still fits 32 - 16 */
    CHECK(CoreEmit(&Core, 2, 8, payload, 17) == STATUS_INVALID_PARAMETER);
    CHECK(Subscribe(&file, 2, &second, 24 + 32 + 31) == STATUS_SUCCESS); /* room for one record only */
    CHECK(Last()->Information == 56);
    CHECK(ReadU32(second.Buffer + 0) == INVERTED_CALL_PROTOCOL_VERSION); /* Version */
    CHECK(ReadU32(second.Buffer + 4) == 1);   /* Count */
    CHECK(ReadU32(second.Buffer + 8) == 56);  /* BytesUsed */
    CHECK(ReadU32(second.Buffer + 12) == 0);  /* Flags: a record is left in the ring */
    CHECK(ReadU64(second.Buffer + 16) == 2);  /* DroppedTotal: sequences 2 and 3 */
    CHECK(ReadU64(second.Buffer + 24) == 0);  /* Sequence */
    CHECK(second.Buffer[32] == 5 && second.Buffer[33] == 0); /* Kind */
    CHECK(second.Buffer[34] == 0 && second.Buffer[35] == 0); /* Reserved */
    CHECK(ReadU32(second.Buffer + 36) == 13); /* Size */
    CHECK(memcmp(second.Buffer + 40, payload, 13) == 0);
    CHECK(second.Buffer[53] == 0 && second.Buffer[54] == 0 && second.Buffer[55] == 0); /* zero padding */
    CHECK(second.Buffer[56] == 0xCC); /* nothing written past BytesUsed */
    CHECK(Subscribe(&file, 2, &second, 1024) == STATUS_SUCCESS);
    CHECK(ReadU32(second.Buffer + 4) == 1 && ReadU64(second.Buffer + 24) == 1 && second.Buffer[32] == 6);
    CHECK(BatchFlags(&second) == INVERTED_CALL_BATCH_FLAG_RING_EMPTY); /* this one drained the ring */
    CoreFileClose(&Core, &file.Core);
    Teardown();
}

static void TestR3FanOutAndOverflowPolicies(void)
{
    TEST_FILE a, b;
    TEST_REQUEST ra, rb, take;
    int tag;
    Setup();
    OpenFile(&a);
    OpenFile(&b);
    CHECK(Subscribe(&b, 1, &rb, 56) == STATUS_PENDING); /* b's subscription first */
    CHECK(Subscribe(&a, 1, &ra, 56) == STATUS_PENDING);
    EmitTag(1, 100);
    CHECK(G.Count == 2 && G.Log[0].Request == &rb.Core && G.Log[1].Request == &ra.Core);
    for (tag = 1; tag <= 6; tag++) EmitTag(1, (UINT8)tag); /* drop-oldest, capacity 4: 1 and 2 go */
    CHECK(Subscribe(&a, 1, &take, 1024) == STATUS_SUCCESS);
    CHECK(ReadU32(take.Buffer + 4) == 4);
    CHECK(ReadU64(take.Buffer + 16) == 2);
    CHECK(ReadU64(take.Buffer + 24) == 3 && take.Buffer[40] == 3); /* sequence 3 carries tag 3 */
    CHECK(ReadU64(take.Buffer + 24 + 3 * 32) == 6 && take.Buffer[40 + 3 * 32] == 6);
    CoreFileClose(&Core, &a.Core);
    CoreFileClose(&Core, &b.Core);

    OpenFile(&a);
    CHECK(Subscribe(&a, 0, &ra, 288) == STATUS_PENDING);
    CHECK(FrameworkCancel(&ra) == 1);
    for (tag = 0; tag < 10; tag++) EmitTag(0, (UINT8)tag); /* drop-newest, capacity 8: 8 and 9 go */
    CHECK(Subscribe(&a, 0, &take, 1024) == STATUS_SUCCESS);
    CHECK(ReadU32(take.Buffer + 4) == 8 && ReadU64(take.Buffer + 16) == 2);
    CHECK(ReadU64(take.Buffer + 24 + 7 * 32) == 7);
    EmitTag(0, 42);
    CHECK(Subscribe(&a, 0, &take, 1024) == STATUS_SUCCESS);
    CHECK(ReadU64(take.Buffer + 24) == 10); /* dropped events took sequence numbers 8 and 9 */
    CoreFileClose(&Core, &a.Core);
    Teardown();
}

/* BatchHeader.Flags RING_EMPTY: set exactly when the ring holds no event once the batch is filled. */
static void TestRingEmptyFlagWhenTheBatchLeavesTheRingEmpty(void)
{
    TEST_FILE file;
    TEST_REQUEST parked, take;
    int tag;
    Setup();
    OpenFile(&file);
    /* R3 direct completion: a parked request and an empty ring, so the ring stays empty. */
    CHECK(Subscribe(&file, 1, &parked, 56) == STATUS_PENDING);
    EmitTag(1, 1);
    CHECK(Last()->Request == &parked.Core && ReadU32(parked.Buffer + 4) == 1);
    CHECK(BatchFlags(&parked) == INVERTED_CALL_BATCH_FLAG_RING_EMPTY);
    /* R2: a batch that leaves records behind is clear; the one that takes the rest is set. */
    for (tag = 2; tag <= 4; tag++) EmitTag(1, (UINT8)tag);
    CHECK(Subscribe(&file, 1, &take, 24 + 2 * 32) == STATUS_SUCCESS);
    CHECK(ReadU32(take.Buffer + 4) == 2 && BatchFlags(&take) == 0);
    CHECK(Subscribe(&file, 1, &take, 24 + 2 * 32) == STATUS_SUCCESS);
    CHECK(ReadU32(take.Buffer + 4) == 1 && BatchFlags(&take) == INVERTED_CALL_BATCH_FLAG_RING_EMPTY);
    CoreFileClose(&Core, &file.Core);
    Teardown();
}

/*
 * Trailing drops: with RING_EMPTY set, the drops no gap has shown are the sequences right after the
 * batch's last record. Under drop-newest those are the burst's last events; under drop-oldest the
 * evicted events were older than every record, so the gap before the batch shows them all.
 */
static void TestRingEmptyFlagAccountsForTrailingDrops(void)
{
    TEST_FILE file;
    TEST_REQUEST request, take;
    int tag;
    Setup();
    OpenFile(&file);
    /* drop-oldest, capacity 4: six events with nothing parked, then a request. */
    CHECK(Subscribe(&file, 1, &request, 56) == STATUS_PENDING);
    CHECK(FrameworkCancel(&request) == 1);
    for (tag = 0; tag < 6; tag++) EmitTag(1, (UINT8)tag);
    CHECK(Subscribe(&file, 1, &take, 1024) == STATUS_SUCCESS);
    CHECK(ReadU32(take.Buffer + 4) == 4 && ReadU64(take.Buffer + 16) == 2);
    CHECK(BatchFlags(&take) == INVERTED_CALL_BATCH_FLAG_RING_EMPTY);
    CHECK(ReadU64(take.Buffer + 24) == 2 && ReadU64(take.Buffer + 24 + 3 * 32) == 5); /* the gap 0-1 is both drops */
    /* drop-newest, capacity 2: four events with nothing parked, then a request. */
    CHECK(Subscribe(&file, 2, &request, 56) == STATUS_PENDING);
    CHECK(FrameworkCancel(&request) == 1);
    for (tag = 0; tag < 4; tag++) EmitTag(2, (UINT8)tag);
    CHECK(Subscribe(&file, 2, &take, 128) == STATUS_SUCCESS);
    CHECK(ReadU32(take.Buffer + 4) == 2 && ReadU64(take.Buffer + 16) == 2);
    CHECK(BatchFlags(&take) == INVERTED_CALL_BATCH_FLAG_RING_EMPTY);
    CHECK(ReadU64(take.Buffer + 24) == 0 && ReadU64(take.Buffer + 24 + 32) == 1); /* no gap: 2 and 3 trail */
    CHECK(Subscribe(&file, 2, &request, 56) == STATUS_PENDING);
    EmitTag(2, 9);
    CHECK(Last()->Request == &request.Core && ReadU64(request.Buffer + 24) == 4); /* 2 and 3 were the drops */
    CHECK(BatchFlags(&request) == INVERTED_CALL_BATCH_FLAG_RING_EMPTY && ReadU64(request.Buffer + 16) == 2);
    CoreFileClose(&Core, &file.Core);
    Teardown();
}

static void TestR4CancelledRequestGetsNoEvent(void)
{
    TEST_FILE file;
    TEST_REQUEST first, second;
    CORE_SUBSCRIPTION_STATE state;
    Setup();
    OpenFile(&file);
    CHECK(Subscribe(&file, 1, &first, 56) == STATUS_PENDING);
    CHECK(Subscribe(&file, 1, &second, 56) == STATUS_PENDING);
    CHECK(FrameworkCancel(&first) == 1);
    CHECK(G.Count == 1 && G.Log[0].Status == STATUS_CANCELLED && G.Log[0].Information == 0);
    CHECK(first.Buffer[0] == 0xCC);
    CHECK(FrameworkCancel(&first) == 0); /* already completed */
    EmitTag(1, 9);                       /* goes to the request still parked */
    CHECK(G.Count == 2 && G.Log[1].Request == &second.Core && G.Log[1].Status == STATUS_SUCCESS);
    CHECK(first.Buffer[0] == 0xCC);      /* the cancelled request was never written */
    EmitTag(1, 10);                      /* nothing parked now: into the ring */
    CHECK(CoreQueryState(&Core, &state, 1) == 1);
    CHECK(state.GlueFile == &file && state.ChannelIndex == 1 && state.RingFill == 1 && state.NextSequence == 2 && state.DroppedTotal == 0);
    CoreFileClose(&Core, &file.Core);
    Teardown();
}

static void TestR5CloseCancelsInParkOrderAndFreesOnlyItsOwn(void)
{
    TEST_FILE a, b;
    TEST_REQUEST r1, r2, r3, other;
    Setup();
    OpenFile(&a);
    OpenFile(&b);
    CHECK(Subscribe(&a, 1, &r1, 56) == STATUS_PENDING);
    CHECK(Subscribe(&a, 0, &r2, 288) == STATUS_PENDING);
    CHECK(Subscribe(&b, 1, &other, 56) == STATUS_PENDING);
    CHECK(Subscribe(&a, 1, &r3, 56) == STATUS_PENDING);
    CoreFileClose(&Core, &a.Core);
    CHECK(G.Count == 3);
    /* Oldest first across channels, although the core takes them back channel by channel. */
    CHECK(G.Log[0].Request == &r1.Core && G.Log[1].Request == &r2.Core && G.Log[2].Request == &r3.Core);
    CHECK(G.Log[0].Status == STATUS_CANCELLED && G.Log[2].Status == STATUS_CANCELLED);
    CHECK(a.ParkedCount[0] == 0 && a.ParkedCount[1] == 0);
    CHECK(TestMemory.Allocations == 1 + 2); /* the table and b's subscription (struct + ring) */
    CoreFileClose(&Core, &a.Core); /* again (cleanup then close): harmless */
    CHECK(G.Count == 3);
    CHECK(Subscribe(&a, 1, &r1, 56) == STATUS_CANCELLED); /* a request racing its handle's cleanup */
    CHECK(a.ParkedCount[1] == 0);
    EmitTag(1, 1);
    CHECK(G.Count == 5 && Last()->Request == &other.Core);
    CoreFileClose(&Core, &b.Core);
    Teardown();
}

static void TestResourceFailures(void)
{
    TEST_FILE file;
    TEST_REQUEST request;
    UINT8 big[300];
    Setup();
    OpenFile(&file);
    TestMemory.FailAfter = 1; /* the subscription struct succeeds, its ring fails */
    CHECK(Subscribe(&file, 1, &request, 56) == STATUS_INSUFFICIENT_RESOURCES);
    CHECK(G.Count == 1 && G.Log[0].Status == STATUS_INSUFFICIENT_RESOURCES);
    CHECK(TestMemory.Allocations == 1);
    TestMemory.FailAfter = -1;
    G.ParkStatus = STATUS_INVALID_DEVICE_STATE_FOR_TEST;
    CHECK(Subscribe(&file, 1, &request, 56) == STATUS_INVALID_DEVICE_STATE_FOR_TEST); /* forwarding failed */
    CHECK(Last()->Request == &request.Core && Last()->Status == STATUS_INVALID_DEVICE_STATE_FOR_TEST);
    G.ParkStatus = STATUS_SUCCESS;
    memset(big, 7, sizeof(big));
    TestMemory.FailAfter = 0; /* the heap copy of a large input fails */
    CHECK(Call(&file, CODE_BIG, &request, big, 300, 4) == STATUS_INSUFFICIENT_RESOURCES);
    TestMemory.FailAfter = -1;
    CHECK(CoreEmit(&Core, 7, 1, NULL, 0) == STATUS_INVALID_PARAMETER);
    CHECK(CoreEmit(&Core, 0, 1, NULL, 4) == STATUS_INVALID_PARAMETER);
    CoreFileClose(&Core, &file.Core);
    Teardown();
}

/* ---- tests: calls and bad input (R6, R7) ------------------------------------------------ */

static void ExpectCall(TEST_FILE *File, UINT32 Code, size_t InputLength, size_t OutputLength, NTSTATUS Expected, size_t Information)
{
    TEST_REQUEST request;
    UINT8 input[400];
    memset(input, 0x5A, sizeof(input));
    CHECK(Call(File, Code, &request, input, InputLength, OutputLength) == Expected);
    CHECK(Last()->Request == &request.Core && Last()->Status == Expected && Last()->Information == Information);
}

static void TestR6LengthsAndUnknownCodes(void)
{
    TEST_FILE file;
    Setup();
    OpenFile(&file);
    /* Echo: exactly 12 bytes in, at least 12 out. */
    ExpectCall(&file, CODE_ECHO, 0, 12, STATUS_INVALID_PARAMETER, 0);  /* input absent */
    ExpectCall(&file, CODE_ECHO, 11, 12, STATUS_INVALID_PARAMETER, 0); /* input short */
    ExpectCall(&file, CODE_ECHO, 13, 13, STATUS_INVALID_PARAMETER, 0); /* input long */
    ExpectCall(&file, CODE_ECHO, 12, 0, STATUS_BUFFER_TOO_SMALL, 0);   /* output absent */
    ExpectCall(&file, CODE_ECHO, 12, 11, STATUS_BUFFER_TOO_SMALL, 0);  /* output short */
    ExpectCall(&file, CODE_ECHO, 12, 12, STATUS_SUCCESS, 12);
    ExpectCall(&file, CODE_ECHO, 12, 100, STATUS_SUCCESS, 12);         /* output long: fine, 12 returned */
    /* ReadCounter: no input allowed. */
    ExpectCall(&file, CODE_READ, 1, 8, STATUS_INVALID_PARAMETER, 0);
    ExpectCall(&file, CODE_READ, 0, 7, STATUS_BUFFER_TOO_SMALL, 0);
    ExpectCall(&file, CODE_READ, 0, 8, STATUS_SUCCESS, 8);
    /* WriteCounter: no output needed, any output accepted, nothing returned. */
    ExpectCall(&file, CODE_WRITE, 8, 0, STATUS_SUCCESS, 0);
    ExpectCall(&file, CODE_WRITE, 8, 64, STATUS_SUCCESS, 0);
    ExpectCall(&file, CODE_WRITE, 7, 0, STATUS_INVALID_PARAMETER, 0);
    /* Subscribe requests carry no input. */
    ExpectCall(&file, CODE_SUB1, 4, 56, STATUS_INVALID_PARAMETER, 0);
    /* Unknown codes, including a neighbour of a real one. */
    ExpectCall(&file, CODE_UNKNOWN, 0, 0, STATUS_INVALID_DEVICE_REQUEST, 0);
    ExpectCall(&file, CODE_ECHO + 1, 12, 12, STATUS_INVALID_DEVICE_REQUEST, 0);
    CHECK(CoreQueryState(&Core, NULL, 0) == 0); /* the refused subscribe created nothing */
    CoreFileClose(&Core, &file.Core);
    Teardown();
}

static void TestR6HandlersSeeACopiedInputAndAZeroedOutput(void)
{
    TEST_FILE file;
    TEST_REQUEST request;
    UINT8 input[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
    UINT8 big[300];
    Setup();
    OpenFile(&file);
    /* METHOD_BUFFERED: input and output are one buffer, yet the output is zeroed and the echo intact. */
    CHECK(Call(&file, CODE_ECHO, &request, input, 12, 12) == STATUS_SUCCESS);
    CHECK(memcmp(request.Buffer, input, 12) == 0);
    CHECK(LastInput != (const void *)request.Buffer);
    CHECK(Call(&file, CODE_READ, &request, NULL, 0, 16) == STATUS_SUCCESS);
    CHECK(request.Buffer[0] == 0x42 && ReadU32(request.Buffer + 1) == 0 && request.Buffer[7] == 0);
    CHECK(request.Buffer[8] == 0xCC); /* beyond the output struct: untouched, and not returned */
    /* A failing handler: its status, nothing returned. */
    HandlerResult = (NTSTATUS)0xC0000022L;
    CHECK(Call(&file, CODE_ECHO, &request, input, 12, 12) == (NTSTATUS)0xC0000022L);
    CHECK(Last()->Information == 0);
    /* A handler may not pend: the core completes, so the request cannot leak. */
    HandlerResult = STATUS_PENDING;
    CHECK(Call(&file, CODE_WRITE, &request, input, 8, 0) == STATUS_UNSUCCESSFUL);
    HandlerResult = STATUS_SUCCESS;
    /* A large input is copied to the heap and freed. */
    memset(big, 0, sizeof(big));
    big[299] = 0x77;
    CHECK(Call(&file, CODE_BIG, &request, big, 300, 4) == STATUS_SUCCESS);
    CHECK(request.Buffer[0] == 0x77 && TestMemory.Allocations == 1);
    CoreFileClose(&Core, &file.Core);
    Teardown();
}

static void TestR7ProtocolInformation(void)
{
    TEST_FILE file;
    TEST_REQUEST request;
    size_t bytes = 48 + 3 * 16 + 2 * 56;
    const UINT8 *verdict = request.Buffer + 48 + 3 * 16;
    UINT32 offset;
    Setup();
    OpenFile(&file);
    ExpectCall(&file, CODE_INFO, 1, 300, STATUS_INVALID_PARAMETER, 0);
    ExpectCall(&file, CODE_INFO, 0, bytes - 1, STATUS_BUFFER_TOO_SMALL, 0);
    ExpectCall(&file, CODE_INFO, 0, 0, STATUS_BUFFER_TOO_SMALL, 0);
    CHECK(Call(&file, CODE_INFO, &request, NULL, 0, 300) == STATUS_SUCCESS);
    CHECK(Last()->Information == bytes);
    /* Version 2, ChannelCount, the hash, VerdictCount, Reserved. */
    CHECK(ReadU32(request.Buffer) == 2 && ReadU32(request.Buffer + 4) == 3);
    CHECK(memcmp(request.Buffer + 8, TestHash, 32) == 0);
    CHECK(ReadU32(request.Buffer + 40) == 2 && ReadU32(request.Buffer + 44) == 0);
    CHECK(ReadU32(request.Buffer + 48) == 8 && ReadU32(request.Buffer + 52) == 0);  /* Capacity, policy */
    CHECK(ReadU32(request.Buffer + 56) == 512 && ReadU32(request.Buffer + 60) == 264);
    CHECK(ReadU32(request.Buffer + 64) == 4 && ReadU32(request.Buffer + 68) == 1);
    CHECK(ReadU32(request.Buffer + 88) == 128 && ReadU32(request.Buffer + 92) == 32);
    /* VERDICT_INFO: DeadlineMs, MaxPending, QuestionBytes, AnswerBytes, then five zero counters. */
    CHECK(ReadU32(verdict) == 200 && ReadU32(verdict + 4) == 64 && ReadU32(verdict + 8) == 568 && ReadU32(verdict + 12) == 4);
    CHECK(ReadU32(verdict + 56) == 5000 && ReadU32(verdict + 60) == 1 && ReadU32(verdict + 64) == 24 && ReadU32(verdict + 68) == 16);
    for (offset = 16; offset < 56; offset += 4) {
        CHECK(ReadU32(verdict + offset) == 0 && ReadU32(verdict + 56 + offset) == 0);
    }
    CHECK(request.Buffer[bytes] == 0xCC);
    CoreFileClose(&Core, &file.Core);
    Teardown();
}

/* ---- tests: limits ------------------------------------------------------------------------ */

/* Channel 0 rings take 8 * 264 = 2112 bytes, channel 1 rings 4 * 32 = 128, channel 2 rings 2 * 32 = 64. */
static void SetupWithLimits(UINT32 MaxSubscriptions, UINT32 MaxParkedPerHandle, UINT32 MaxRingBytes)
{
    static CORE_DEVICE_CONFIG device;
    device = TestDevice;
    device.Limits.MaxSubscriptions = MaxSubscriptions;
    device.Limits.MaxParkedPerHandle = MaxParkedPerHandle;
    device.Limits.MaxRingBytes = MaxRingBytes;
    memset(&G, 0, sizeof(G));
    TestMemoryReset();
    G.ParkStatus = STATUS_SUCCESS;
    HandlerResult = STATUS_SUCCESS;
    CHECK(CoreInitialize(&Core, &Ops, &device) == STATUS_SUCCESS);
}

static void ExpectQuota(TEST_FILE *File, UINT32 Channel, size_t OutputLength)
{
    TEST_REQUEST request;
    UINT32 before = CoreQueryState(&Core, NULL, 0);
    CHECK(Subscribe(File, Channel, &request, OutputLength) == STATUS_QUOTA_EXCEEDED);
    CHECK(Last()->Request == &request.Core && Last()->Status == STATUS_QUOTA_EXCEEDED && Last()->Information == 0);
    CHECK(CoreQueryState(&Core, NULL, 0) == before); /* nothing created */
    CHECK(request.Buffer[0] == 0xCC);                 /* nothing written */
}

static void TestLimitParkedPerHandle(void)
{
    TEST_FILE a, b;
    TEST_REQUEST r1, r2, r3, r4, w1, other;
    SetupWithLimits(16, 2, 1u << 20);
    OpenFile(&a);
    OpenFile(&b);
    /* a gets one event waiting in its channel-1 ring: a request then completes at once. */
    CHECK(Subscribe(&a, 1, &w1, 56) == STATUS_PENDING);
    EmitTag(1, 1); /* completes w1 */
    EmitTag(1, 2); /* waits in the ring */
    /* Two parked requests across channels fill a's quota. */
    CHECK(Subscribe(&a, 2, &r1, 56) == STATUS_PENDING);
    CHECK(Subscribe(&a, 2, &r2, 56) == STATUS_PENDING);
    ExpectQuota(&a, 2, 56);  /* would park a third */
    ExpectQuota(&a, 0, 288); /* a new subscription would park at once: refused, not created */
    CHECK(Subscribe(&a, 1, &r3, 56) == STATUS_SUCCESS); /* served from the ring: parks nothing */
    CHECK(Subscribe(&b, 2, &other, 56) == STATUS_PENDING); /* per handle: b is not affected */
    /* A cancelled request gives its place back... */
    CHECK(FrameworkCancel(&r1) == 1);
    CHECK(Subscribe(&a, 2, &r3, 56) == STATUS_PENDING);
    ExpectQuota(&a, 2, 56);
    /* ...and so does one an event completes. */
    EmitTag(2, 3); /* completes r2 (a) and other (b) */
    CHECK(Subscribe(&a, 2, &r4, 56) == STATUS_PENDING);
    ExpectQuota(&a, 1, 56);
    CoreFileClose(&Core, &a.Core);
    CoreFileClose(&Core, &b.Core);
    Teardown();
}

static void TestLimitSubscriptionsAndRingBytes(void)
{
    TEST_FILE a, b;
    TEST_REQUEST r1, r2, r3;
    /* Two subscriptions at most. */
    SetupWithLimits(2, 8, 1u << 20);
    OpenFile(&a);
    OpenFile(&b);
    CHECK(Subscribe(&a, 1, &r1, 56) == STATUS_PENDING);
    CHECK(Subscribe(&a, 2, &r2, 56) == STATUS_PENDING);
    ExpectQuota(&b, 1, 56);
    ExpectQuota(&a, 0, 288);
    CHECK(Subscribe(&a, 1, &r3, 56) == STATUS_PENDING); /* an existing subscription is not a new one */
    CoreFileClose(&Core, &a.Core);                      /* frees both */
    CHECK(Subscribe(&b, 1, &r1, 56) == STATUS_PENDING);
    CoreFileClose(&Core, &b.Core);
    Teardown();

    /* Ring bytes: room for channel 0 (2112) and channel 1 (128), not channel 2 (64) as well. */
    SetupWithLimits(16, 8, 2112 + 128);
    OpenFile(&a);
    OpenFile(&b);
    CHECK(Subscribe(&a, 0, &r1, 288) == STATUS_PENDING);
    CHECK(Subscribe(&b, 1, &r2, 56) == STATUS_PENDING);
    ExpectQuota(&b, 2, 56);
    CoreFileClose(&Core, &a.Core); /* gives 2112 back */
    CHECK(Subscribe(&b, 2, &r3, 56) == STATUS_PENDING);
    CoreFileClose(&Core, &b.Core);
    Teardown();

    /* A ring larger than the whole limit is refused even on an idle device. */
    SetupWithLimits(16, 8, 2111);
    OpenFile(&a);
    ExpectQuota(&a, 0, 288);
    CoreFileClose(&Core, &a.Core);
    Teardown();
}

/* WDM's race: a cancel routine is on its way when the handle closes and its context is freed.
 * The core must forget the request at close and never touch the freed file afterwards (ASan). */
static void TestCancelReportedAfterTheFileIsGone(void)
{
    TEST_FILE *file = (TEST_FILE *)malloc(sizeof(TEST_FILE));
    TEST_REQUEST request;
    SetupWithLimits(16, 1, 1u << 20);
    CHECK(file != NULL);
    if (file == NULL) return;
    OpenFile(file);
    CHECK(Subscribe(file, 1, &request, 56) == STATUS_PENDING);
    CHECK(UnqueueForCancel(&request) == 1); /* cancellation claimed it: take no longer sees it */
    CoreFileClose(&Core, &file->Core);
    free(file);
    CoreParkedRequestCancelled(&Core, &request.Core); /* must not touch the freed file */
    CoreParkedRequestCancelled(&Core, &request.Core); /* twice, or for a request never parked: harmless */
    Teardown();
}

/* ---- tests: helpers for event sources --------------------------------------------------- */

static void TestCopyUtf16TruncatesWithoutSplittingAPair(void)
{
    WCHAR destination[5];
    const WCHAR ascii[] = { 'a', 'b', 'c', 'd', 'e', 'f' };
    const WCHAR pair[] = { 'a', 'b', 'c', 0xD83D, 0xDE00 };
    int truncated;
    CHECK(CoreCopyUtf16(destination, 5, ascii, 4, &truncated) == 4 && !truncated);
    CHECK(destination[3] == 'd' && destination[4] == 0);
    CHECK(CoreCopyUtf16(destination, 5, ascii, 6, &truncated) == 4 && truncated && destination[4] == 0);
    CHECK(CoreCopyUtf16(destination, 5, pair, 5, &truncated) == 3 && truncated); /* the high half is left out */
    CHECK(destination[2] == 'c' && destination[3] == 0 && destination[4] == 0);
    CHECK(CoreCopyUtf16(destination, 5, pair, 4, &truncated) == 4 && !truncated && destination[3] == 0xD83D); /* whole source: copied as is */
    CHECK(CoreCopyUtf16(destination, 5, NULL, 9, &truncated) == 0 && !truncated && destination[0] == 0);
    CHECK(CoreCopyUtf16(destination, 1, ascii, 6, &truncated) == 0 && truncated && destination[0] == 0);
}

int main(void)
{
    TestInitializeChecksTheTable();
    TestR1TooSmallIsRefusedAndCreatesNothing();
    TestR2BatchLayoutAndPartialFill();
    TestR3FanOutAndOverflowPolicies();
    TestRingEmptyFlagWhenTheBatchLeavesTheRingEmpty();
    TestRingEmptyFlagAccountsForTrailingDrops();
    TestR4CancelledRequestGetsNoEvent();
    TestR5CloseCancelsInParkOrderAndFreesOnlyItsOwn();
    TestResourceFailures();
    TestR6LengthsAndUnknownCodes();
    TestR6HandlersSeeACopiedInputAndAZeroedOutput();
    TestR7ProtocolInformation();
    TestLimitParkedPerHandle();
    TestLimitSubscriptionsAndRingBytes();
    TestCancelReportedAfterTheFileIsGone();
    TestCopyUtf16TruncatesWithoutSplittingAPair();
    printf("core_test: %d checks, %d failed\n", Checks, Failures);
    return Failures == 0 ? 0 : 1;
}
