/*
 * Unit tests of the core's verdict channels (Verdict.c: rules V1-V9), built natively with
 * gcc -std=c11 -Wall -Wextra -Werror -fsanitize=address,undefined. Exit status 0 when all pass.
 * The glue double fakes what the real glue will supply: a clock the test moves, one FIFO queue of
 * parked ask requests per verdict (with the framework's cancellation), and the asker's wait: a
 * ticket's "event" is a wake counter, and a wait that times out is CoreVerdictTimeout.
 */
#include "Verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_test_support.h"


/* ---- the glue double ------------------------------------------------------------------------ */

#define MAX_LOG 128
#define MAX_QUEUED 16

typedef struct _TEST_FILE TEST_FILE;

typedef struct {
    CORE_REQUEST Core;
    TEST_FILE *File;
    UINT8 Buffer[256];
} TEST_REQUEST;

struct _TEST_FILE {
    CORE_FILE Core;
};

/* An asker: its ticket, answer buffer and "event" (how often it was woken). */
typedef struct {
    CORE_VERDICT_TICKET Ticket;
    UINT8 Answer[8];
    int Wakes;
} TEST_ASKER;

typedef struct {
    CORE_REQUEST *Request;
    NTSTATUS Status;
    size_t Information;
} COMPLETION;

static struct {
    int CompletedUnderLock;
    int OpsWithoutLock;
    int WakeOfUnknownTicket;
    UINT64 Now;
    NTSTATUS ParkStatus;
    TEST_REQUEST *Parked[2][MAX_QUEUED]; /* per verdict, oldest first */
    int ParkedCount[2];
    int Count;
    COMPLETION Log[MAX_LOG];
} G;

static NTSTATUS TestParkChannel(void *Context, CORE_REQUEST *Request, UINT32 ChannelIndex)
{
    (void)Context, (void)Request, (void)ChannelIndex;
    return STATUS_UNSUCCESSFUL; /* the verdict tests subscribe to nothing */
}

static CORE_REQUEST *TestTakeChannel(void *Context, CORE_FILE *File, UINT32 ChannelIndex)
{
    (void)Context, (void)File, (void)ChannelIndex;
    return NULL;
}

/* The stress test's: told of every completion, then the request's storage is its to free. */
static void (*OnComplete)(CORE_REQUEST *Request, NTSTATUS Status, size_t Information);

static void TestComplete(void *Context, CORE_REQUEST *Request, NTSTATUS Status, size_t Information)
{
    (void)Context;
    if (TestMemory.LockHeld) G.CompletedUnderLock = 1;
    if (G.Count > 100000) {
        /* No test completes this many: a request completed twice closes a loop in the core's list. */
        fprintf(stderr, "verdict_test: endless completions (a request completed twice?)\n");
        exit(2);
    }
    if (G.Count < MAX_LOG) {
        G.Log[G.Count].Request = Request;
        G.Log[G.Count].Status = Status;
        G.Log[G.Count].Information = Information;
    }
    G.Count++;
    if (OnComplete != NULL) OnComplete(Request, Status, Information);
}

static UINT64 TestNow(void *Context)
{
    (void)Context;
    return G.Now;
}

static NTSTATUS TestParkAsk(void *Context, CORE_REQUEST *Request, UINT32 VerdictIndex)
{
    TEST_REQUEST *request = (TEST_REQUEST *)Request->GlueRequest;
    (void)Context;
    if (!TestMemory.LockHeld) G.OpsWithoutLock = 1;
    if (G.ParkStatus != STATUS_SUCCESS) return G.ParkStatus;
    CHECK(G.ParkedCount[VerdictIndex] < MAX_QUEUED);
    G.Parked[VerdictIndex][G.ParkedCount[VerdictIndex]++] = request;
    return STATUS_SUCCESS;
}

static void Unqueue(UINT32 VerdictIndex, int Index)
{
    memmove(&G.Parked[VerdictIndex][Index], &G.Parked[VerdictIndex][Index + 1], (size_t)(G.ParkedCount[VerdictIndex] - Index - 1) * sizeof(TEST_REQUEST *));
    G.ParkedCount[VerdictIndex]--;
}

static CORE_REQUEST *TestTakeAsk(void *Context, UINT32 VerdictIndex, CORE_FILE *File)
{
    int index;
    (void)Context;
    if (!TestMemory.LockHeld) G.OpsWithoutLock = 1;
    for (index = 0; index < G.ParkedCount[VerdictIndex]; index++) {
        TEST_REQUEST *request = G.Parked[VerdictIndex][index];
        if (File == NULL || &request->File->Core == File) {
            Unqueue(VerdictIndex, index);
            return &request->Core;
        }
    }
    return NULL;
}

/* The asker's "event": the ticket's WaitContext is its asker (a wake of a freed asker trips ASan). */
static void TestWakeAsker(void *Context, CORE_VERDICT_TICKET *Ticket)
{
    TEST_ASKER *asker = (TEST_ASKER *)Ticket->WaitContext;
    (void)Context;
    if (!TestMemory.LockHeld) G.OpsWithoutLock = 1; /* the asker may be gone once the lock is released */
    if (asker == NULL || &asker->Ticket != Ticket) {
        G.WakeOfUnknownTicket = 1;
        return;
    }
    CHECK(Ticket->Outcome != CORE_VERDICT_OUTCOME_NONE); /* settled before it is woken */
    asker->Wakes++;
}

static CORE Core;
static const CORE_OPS Ops = { NULL, TestAllocate, TestFree, TestLock, TestUnlock, TestParkChannel, TestTakeChannel, TestComplete };
static const CORE_VERDICT_OPS VerdictOps = { TestNow, TestParkAsk, TestTakeAsk, TestWakeAsker };

/* ---- the test device ------------------------------------------------------------------------ */

#define CODE_INFO 0x00223FFCu
#define CODE_SUB 0x00220100u
#define CODE_CALL 0x00222000u
#define CODE_ASK0 0x00222080u
#define CODE_REPLY0 0x00222084u
#define CODE_ASK1 0x00222088u
#define CODE_REPLY1 0x0022208Cu
#define QUESTION0 12u
#define ANSWER0 4u
#define QUESTION1 8u
#define ANSWER1 8u
#define HEADER 16u

static NTSTATUS NoHandler(const CORE_CALL_CONTEXT *Context, const void *Input, void *Output)
{
    (void)Context, (void)Input, (void)Output;
    return STATUS_SUCCESS;
}

static const CORE_CHANNEL_CONFIG TestChannels[1] = { { CODE_SUB, 2, INVERTED_CALL_OVERFLOW_DROP_NEWEST, 128, 32 } };
static const CORE_CALL_CONFIG TestCalls[1] = { { CODE_CALL, 0, 4, NoHandler } };
static const UINT8 TestHash[32] = { 1 };
/* A device table without verdicts, where CoreVerdictInitialize takes any table (the table checks). */
static const CORE_DEVICE_CONFIG TestDevice = { CODE_INFO, TestHash, TestChannels, 1, TestCalls, 1, { 8, 8, 1u << 16 }, NULL, 0 };

static const UINT8 Default0[ANSWER0] = { 1, 0, 0, 0 }; /* Allow = 1 */
static const UINT8 Default1[ANSWER1] = { 0, 0, 0, 0, 7, 0, 0, 0 };
/* Verdict 0: deadline 200 ms, 3 pending at most; verdict 1: deadline 50 ms, 2 pending. */
static const CORE_VERDICT_CONFIG TestVerdicts[2] = {
    { CODE_ASK0, CODE_REPLY0, QUESTION0, ANSWER0, 200, 3, Default0 },
    { CODE_ASK1, CODE_REPLY1, QUESTION1, ANSWER1, 50, 2, Default1 },
};
/* The same device listing the verdicts, as a generated table does: the rules' tests use this one. */
static const CORE_DEVICE_CONFIG VerdictDevice = { CODE_INFO, TestHash, TestChannels, 1, TestCalls, 1, { 8, 8, 1u << 16 }, TestVerdicts, 2 };

static void Setup(void)
{
    memset(&G, 0, sizeof(G));
    TestMemoryReset();
    G.Now = 1000;
    CHECK(CoreInitialize(&Core, &Ops, &VerdictDevice) == STATUS_SUCCESS);
    CHECK(CoreVerdictInitialize(&Core, &VerdictOps, VerdictDevice.Verdicts, VerdictDevice.VerdictCount) == STATUS_SUCCESS);
}

static void Teardown(void)
{
    CoreVerdictUninitialize(&Core);
    CoreUninitialize(&Core);
    CHECK(TestMemory.Allocations == 0);
    CHECK(TestMemory.LockHeld == 0);
    CHECK(!G.CompletedUnderLock);
    CHECK(!G.OpsWithoutLock);
    CHECK(!G.WakeOfUnknownTicket);
}

static void OpenFile(TEST_FILE *File)
{
    memset(File, 0, sizeof(*File));
    CoreFileOpen(&Core, &File->Core, File);
}

static void CloseFile(TEST_FILE *File)
{
    CoreVerdictClose(&Core, &File->Core);
    CoreFileClose(&Core, &File->Core);
}

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

/* A decider's ask request from process ProcessId, with room for exactly one question. */
static NTSTATUS AskRequest(TEST_FILE *File, UINT32 Verdict, TEST_REQUEST *Request, UINT64 ProcessId)
{
    Prepare(Request, File, NULL, 0, HEADER + TestVerdicts[Verdict].QuestionBytes);
    return CoreVerdictAskRequest(&Core, &File->Core, Verdict, &Request->Core, ProcessId);
}

/* The framework cancels a parked ask request (it was still in the queue). */
static int FrameworkCancel(UINT32 Verdict, TEST_REQUEST *Request)
{
    int index;
    for (index = 0; index < G.ParkedCount[Verdict]; index++) {
        if (G.Parked[Verdict][index] == Request) {
            Unqueue(Verdict, index);
            CoreParkedRequestCancelled(&Core, &Request->Core);
            return 1;
        }
    }
    return 0;
}

/* Asks verdict Verdict a question tagged Tag for process ProcessId. */
static NTSTATUS Ask(TEST_ASKER *Asker, UINT32 Verdict, UINT8 Tag, UINT64 ProcessId, UINT32 Flags)
{
    UINT8 question[QUESTION0];
    memset(Asker, 0, sizeof(*Asker));
    memset(Asker->Answer, 0xEE, sizeof(Asker->Answer));
    memset(question, Tag, sizeof(question));
    Asker->Ticket.Answer = Asker->Answer;
    Asker->Ticket.WaitContext = Asker;
    return CoreVerdictAsk(&Core, Verdict, question, TestVerdicts[Verdict].QuestionBytes, ProcessId, Flags, &Asker->Ticket);
}

static NTSTATUS Reply(TEST_FILE *File, UINT32 Verdict, UINT64 Id, UINT8 Tag)
{
    UINT8 input[8 + ANSWER1];
    memcpy(input, &Id, 8);
    memset(input + 8, Tag, ANSWER1);
    return CoreVerdictReply(&Core, &File->Core, Verdict, input, 8 + TestVerdicts[Verdict].AnswerBytes);
}

static UINT64 ReadU64(const UINT8 *Bytes)
{
    UINT64 value;
    memcpy(&value, Bytes, 8);
    return value;
}

static UINT32 ReadU32(const UINT8 *Bytes)
{
    UINT32 value;
    memcpy(&value, Bytes, 4);
    return value;
}

static const COMPLETION *Last(void)
{
    return &G.Log[G.Count - 1];
}

/* V9: Asked = Answered + TimedOut + Defaulted + Refused + unsettled now; returns the counters. */
static CORE_VERDICT_COUNTERS Counters(UINT32 Verdict)
{
    CORE_VERDICT_COUNTERS counters;
    memset(&counters, 0, sizeof(counters));
    CHECK(CoreVerdictQueryCounters(&Core, Verdict, &counters) == STATUS_SUCCESS);
    CHECK(counters.Asked == counters.Answered + counters.TimedOut + counters.Defaulted + counters.Refused + counters.Unsettled);
    CHECK(counters.Queued <= counters.Unsettled && counters.Unsettled <= TestVerdicts[Verdict].MaxPending);
    return counters;
}

static int IsDefault0(const TEST_ASKER *Asker)
{
    return memcmp(Asker->Answer, Default0, ANSWER0) == 0 && Asker->Answer[ANSWER0] == 0xEE; /* nothing past the answer */
}

/* ---- tests: the table ----------------------------------------------------------------------- */

static void TestInitializeChecksTheTable(void)
{
    CORE_VERDICT_CONFIG verdicts[2];
    CORE_VERDICT_OPS ops = VerdictOps;
    struct { size_t Offset; UINT32 Value; } bad[] = {
        { offsetof(CORE_VERDICT_CONFIG, QuestionBytes), 0 },
        { offsetof(CORE_VERDICT_CONFIG, AnswerBytes), 0 },
        { offsetof(CORE_VERDICT_CONFIG, DeadlineMs), 0 },
        { offsetof(CORE_VERDICT_CONFIG, MaxPending), 0 },
        { offsetof(CORE_VERDICT_CONFIG, AskCode), CODE_REPLY1 },   /* the other verdict's code */
        { offsetof(CORE_VERDICT_CONFIG, AskCode), CODE_REPLY0 },   /* its own reply code */
        { offsetof(CORE_VERDICT_CONFIG, ReplyCode), CODE_CALL },   /* a call's code */
        { offsetof(CORE_VERDICT_CONFIG, AskCode), CODE_SUB },      /* a channel's code */
        { offsetof(CORE_VERDICT_CONFIG, ReplyCode), CODE_INFO },   /* the protocol information */
        { offsetof(CORE_VERDICT_CONFIG, AskCode), CODE_ASK0 | 1u }, /* METHOD_IN_DIRECT */
        { offsetof(CORE_VERDICT_CONFIG, ReplyCode), CODE_REPLY0 | 3u }, /* METHOD_NEITHER */
    };
    size_t index;
    memset(&G, 0, sizeof(G));
    TestMemoryReset();
    CHECK(CoreInitialize(&Core, &Ops, &TestDevice) == STATUS_SUCCESS);
    memcpy(verdicts, TestVerdicts, sizeof(verdicts));
    /* The unchanged table passes: each refusal below comes from the one field changed. */
    CHECK(CoreVerdictInitialize(&Core, &VerdictOps, verdicts, 2) == STATUS_SUCCESS);
    CoreVerdictUninitialize(&Core);
    CHECK(TestMemory.Allocations == 1); /* the channel array only */
    for (index = 0; index < sizeof(bad) / sizeof(bad[0]); index++) {
        memcpy(verdicts, TestVerdicts, sizeof(verdicts));
        memcpy((UINT8 *)&verdicts[0] + bad[index].Offset, &bad[index].Value, sizeof(UINT32));
        CHECK(CoreVerdictInitialize(&Core, &VerdictOps, verdicts, 2) == STATUS_INVALID_PARAMETER);
        CHECK(Core.Verdicts == NULL && TestMemory.Allocations == 1);
    }
    memcpy(verdicts, TestVerdicts, sizeof(verdicts));
    verdicts[1].DefaultAnswer = NULL;
    CHECK(CoreVerdictInitialize(&Core, &VerdictOps, verdicts, 2) == STATUS_INVALID_PARAMETER);
    ops.WakeAsker = NULL;
    CHECK(CoreVerdictInitialize(&Core, &ops, TestVerdicts, 2) == STATUS_INVALID_PARAMETER);
    CHECK(CoreVerdictInitialize(&Core, &VerdictOps, NULL, 1) == STATUS_INVALID_PARAMETER);
    /* The schema's upper bounds (5000 ms, 1024 pending) are the schema's to check; the core takes them. */
    memcpy(verdicts, TestVerdicts, sizeof(verdicts));
    verdicts[1].DeadlineMs = 5000u;
    verdicts[1].MaxPending = 1024u;
    CHECK(CoreVerdictInitialize(&Core, &VerdictOps, verdicts, 2) == STATUS_SUCCESS);
    CoreVerdictUninitialize(&Core);
    /* Out of memory at every allocation leaves nothing allocated. */
    for (index = 0; index < 6; index++) {
        TestMemory.FailAfter = (long)index;
        CHECK(CoreVerdictInitialize(&Core, &VerdictOps, TestVerdicts, 2) == STATUS_INSUFFICIENT_RESOURCES);
        CHECK(Core.Verdicts == NULL && TestMemory.Allocations == 1);
    }
    TestMemory.FailAfter = 6; /* table, verdict array, 2 x (slots, questions): six allocations */
    CHECK(CoreVerdictInitialize(&Core, &VerdictOps, TestVerdicts, 2) == STATUS_SUCCESS);
    TestMemory.FailAfter = -1;
    CoreVerdictUninitialize(&Core);
    CHECK(CoreVerdictInitialize(&Core, &VerdictOps, NULL, 0) == STATUS_SUCCESS); /* no verdicts */
    CoreVerdictUninitialize(&Core);
    CoreUninitialize(&Core);
    CHECK(TestMemory.Allocations == 0);
    /* A device table that lists verdicts is the one source: a copy of it, or a part, is refused. */
    CHECK(CoreInitialize(&Core, &Ops, &VerdictDevice) == STATUS_SUCCESS);
    memcpy(verdicts, TestVerdicts, sizeof(verdicts));
    CHECK(CoreVerdictInitialize(&Core, &VerdictOps, verdicts, 2) == STATUS_INVALID_PARAMETER);
    CHECK(CoreVerdictInitialize(&Core, &VerdictOps, TestVerdicts, 1) == STATUS_INVALID_PARAMETER);
    CHECK(CoreVerdictInitialize(&Core, &VerdictOps, NULL, 0) == STATUS_INVALID_PARAMETER);
    CHECK(Core.Verdicts == NULL);
    CoreUninitialize(&Core);
    CHECK(TestMemory.Allocations == 0);
}

/* V9 in the protocol information (R7): each VERDICT_INFO carries the verdict table's counters. */
static void TestProtocolInfoCarriesTheCounters(void)
{
    TEST_FILE file;
    TEST_REQUEST info;
    TEST_ASKER asker;
    const size_t bytes = sizeof(INVERTED_CALL_PROTOCOL_INFO) + sizeof(INVERTED_CALL_CHANNEL_INFO) + 2 * sizeof(INVERTED_CALL_VERDICT_INFO);
    INVERTED_CALL_VERDICT_INFO verdicts[2];
    Setup();
    OpenFile(&file);
    CHECK(Ask(&asker, 1, 1, 500, 0) == STATUS_SUCCESS);                            /* no decider: defaulted */
    CHECK(Ask(&asker, 1, 2, 500, CORE_VERDICT_ASK_CANNOT_WAIT) == STATUS_SUCCESS); /* defaulted */
    CHECK(sizeof(info.Buffer) >= bytes);
    Prepare(&info, &file, NULL, 0, bytes);
    CHECK(CoreDispatch(&Core, &file.Core, &info.Core, CODE_INFO) == STATUS_SUCCESS);
    CHECK(Last()->Request == &info.Core && Last()->Status == STATUS_SUCCESS && Last()->Information == bytes);
    memcpy(verdicts, info.Buffer + sizeof(INVERTED_CALL_PROTOCOL_INFO) + sizeof(INVERTED_CALL_CHANNEL_INFO), sizeof(verdicts));
    CHECK(verdicts[0].DeadlineMs == 200 && verdicts[0].MaxPending == 3 && verdicts[0].Asked == 0 && verdicts[0].Defaulted == 0);
    CHECK(verdicts[1].DeadlineMs == 50 && verdicts[1].QuestionBytes == QUESTION1 && verdicts[1].AnswerBytes == ANSWER1);
    CHECK(verdicts[1].Asked == 2 && verdicts[1].Defaulted == 2 && verdicts[1].Answered == 0 && verdicts[1].TimedOut == 0 && verdicts[1].Refused == 0);
    CloseFile(&file);
    Teardown();
}

static void TestFindCode(void)
{
    UINT32 verdict = 99;
    int isReply = -1;
    Setup();
    CHECK(CoreVerdictFindCode(&Core, CODE_ASK1, &verdict, &isReply) == 1 && verdict == 1 && isReply == 0);
    CHECK(CoreVerdictFindCode(&Core, CODE_REPLY0, &verdict, &isReply) == 1 && verdict == 0 && isReply == 1);
    CHECK(CoreVerdictFindCode(&Core, CODE_CALL, &verdict, &isReply) == 0);
    Teardown();
}

/* ---- tests: the rules ----------------------------------------------------------------------- */

static void TestV1NoDeciderSettlesAtOnceWithTheDefault(void)
{
    TEST_FILE file;
    TEST_REQUEST small, request;
    TEST_ASKER asker;
    CORE_VERDICT_COUNTERS counters;
    Setup();
    OpenFile(&file);
    CHECK(Ask(&asker, 0, 1, 500, 0) == STATUS_SUCCESS);
    CHECK(asker.Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED && asker.Ticket.Id == 0 && IsDefault0(&asker) && asker.Wakes == 0);
    /* An ask request too small for a question is refused and makes no decider. */
    Prepare(&small, &file, NULL, 0, HEADER + QUESTION0 - 1);
    CHECK(CoreVerdictAskRequest(&Core, &file.Core, 0, &small.Core, 7) == STATUS_BUFFER_TOO_SMALL);
    CHECK(Last()->Request == &small.Core && Last()->Status == STATUS_BUFFER_TOO_SMALL && Last()->Information == 0);
    CHECK(G.ParkedCount[0] == 0);
    /* So is one with input. */
    Prepare(&small, &file, "x", 1, HEADER + QUESTION0);
    CHECK(CoreVerdictAskRequest(&Core, &file.Core, 0, &small.Core, 7) == STATUS_INVALID_PARAMETER);
    CHECK(Ask(&asker, 0, 2, 500, 0) == STATUS_SUCCESS && asker.Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED);
    counters = Counters(0);
    CHECK(counters.Asked == 2 && counters.Defaulted == 2 && counters.Deciders == 0);
    /* One ask request makes the handle a decider, and it stays one after the request is cancelled. */
    CHECK(AskRequest(&file, 0, &request, 7) == STATUS_PENDING);
    CHECK(FrameworkCancel(0, &request) == 1);
    CHECK(Ask(&asker, 0, 3, 500, 0) == STATUS_PENDING);
    counters = Counters(0);
    CHECK(counters.Deciders == 1 && counters.Queued == 1 && counters.Unsettled == 1);
    /* Verdicts are separate: the other has no decider. */
    {
        TEST_ASKER other;
        CHECK(Ask(&other, 1, 4, 500, 0) == STATUS_SUCCESS && other.Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED);
        CHECK(memcmp(other.Answer, Default1, ANSWER1) == 0);
    }
    CloseFile(&file);
    CHECK(asker.Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED && asker.Wakes == 1);
    Teardown();
}

static void TestV2OldestParkedRequestAcrossDecidersThenTheQueue(void)
{
    TEST_FILE a, b;
    TEST_REQUEST ra, rb, rb2;
    TEST_ASKER q1, q2, q3;
    Setup();
    OpenFile(&a);
    OpenFile(&b);
    CHECK(AskRequest(&a, 0, &ra, 10) == STATUS_PENDING);
    G.Now += 5;
    CHECK(AskRequest(&b, 0, &rb, 20) == STATUS_PENDING);
    CHECK(Ask(&q1, 0, 0x11, 500, 0) == STATUS_PENDING); /* to a: its request waited longest */
    CHECK(G.Count == 1 && Last()->Request == &ra.Core && Last()->Status == STATUS_SUCCESS && Last()->Information == HEADER + QUESTION0);
    CHECK(ReadU64(ra.Buffer) == 1 && ReadU32(ra.Buffer + 8) == 200 && ReadU32(ra.Buffer + 12) == QUESTION0);
    CHECK(ra.Buffer[16] == 0x11 && ra.Buffer[27] == 0x11 && ra.Buffer[28] == 0xCC);
    CHECK(Ask(&q2, 0, 0x22, 500, 0) == STATUS_PENDING); /* to b */
    CHECK(G.Count == 2 && Last()->Request == &rb.Core && ReadU64(rb.Buffer) == 2 && rb.Buffer[16] == 0x22);
    CHECK(Ask(&q3, 0, 0x33, 500, 0) == STATUS_PENDING); /* no request parked: queued */
    CHECK(G.Count == 2 && Counters(0).Queued == 1);
    G.Now += 30;
    CHECK(AskRequest(&b, 0, &rb2, 20) == STATUS_SUCCESS); /* the next ask request gets it at once */
    CHECK(Last()->Request == &rb2.Core && ReadU64(rb2.Buffer) == 3 && rb2.Buffer[16] == 0x33);
    CHECK(ReadU32(rb2.Buffer + 8) == 170); /* RemainingMs: 200 - 30 */
    /* From delivery on only its handle can answer it. */
    CHECK(Reply(&b, 0, 1, 0x55) == STATUS_NOT_FOUND);
    CHECK(q1.Ticket.Outcome == CORE_VERDICT_OUTCOME_NONE && q1.Wakes == 0);
    CHECK(Reply(&a, 0, 1, 0x55) == STATUS_SUCCESS);
    CHECK(q1.Ticket.Outcome == CORE_VERDICT_OUTCOME_ANSWERED && q1.Wakes == 1 && q1.Answer[0] == 0x55 && q1.Answer[3] == 0x55 && q1.Answer[4] == 0xEE);
    CHECK(Reply(&b, 0, 3, 0x66) == STATUS_SUCCESS && q3.Answer[0] == 0x66);
    CHECK(Reply(&b, 0, 2, 0x77) == STATUS_SUCCESS && q2.Answer[0] == 0x77);
    CHECK(Counters(0).Answered == 3 && Counters(0).Unsettled == 0);
    CloseFile(&a);
    CloseFile(&b);
    Teardown();
}

static void TestV3PendingLimitRefuses(void)
{
    TEST_FILE file;
    TEST_REQUEST request;
    TEST_ASKER q[5];
    CORE_VERDICT_COUNTERS counters;
    Setup();
    OpenFile(&file);
    CHECK(AskRequest(&file, 0, &request, 10) == STATUS_PENDING);
    CHECK(Ask(&q[0], 0, 1, 500, 0) == STATUS_PENDING); /* delivered */
    CHECK(Ask(&q[1], 0, 2, 500, 0) == STATUS_PENDING); /* queued */
    CHECK(Ask(&q[2], 0, 3, 500, 0) == STATUS_PENDING); /* queued: 3 unsettled, the limit */
    CHECK(Ask(&q[3], 0, 4, 500, 0) == STATUS_SUCCESS);
    CHECK(q[3].Ticket.Outcome == CORE_VERDICT_OUTCOME_REFUSED && IsDefault0(&q[3]) && q[3].Ticket.Id == 0);
    counters = Counters(0);
    CHECK(counters.Refused == 1 && counters.Unsettled == 3 && counters.Queued == 2);
    CHECK(Reply(&file, 0, 1, 9) == STATUS_SUCCESS); /* one settles: room for one more */
    CHECK(Ask(&q[4], 0, 5, 500, 0) == STATUS_PENDING && q[4].Ticket.Id == 4); /* refused questions took no id */
    CHECK(Ask(&q[3], 0, 6, 500, 0) == STATUS_SUCCESS && q[3].Ticket.Outcome == CORE_VERDICT_OUTCOME_REFUSED);
    CloseFile(&file); /* the last decider: the queued ones settle with the default */
    CHECK(q[1].Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED && q[2].Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED && q[4].Wakes == 1);
    counters = Counters(0);
    CHECK(counters.Asked == 6 && counters.Answered == 1 && counters.Refused == 2 && counters.Defaulted == 3 && counters.Unsettled == 0);
    Teardown();
}

static void TestV4DeadlineSettlesWithTheDefault(void)
{
    TEST_FILE file;
    TEST_REQUEST request, late;
    TEST_ASKER delivered, queued, expired;
    Setup();
    OpenFile(&file);
    CHECK(AskRequest(&file, 0, &request, 10) == STATUS_PENDING);
    CHECK(Ask(&delivered, 0, 1, 500, 0) == STATUS_PENDING);
    CHECK(delivered.Ticket.DeadlineMs == 200); /* what the asker waits */
    /* The glue's wait timed out: default, no wake-up (the asker is the one calling). */
    G.Now += 200;
    CHECK(CoreVerdictTimeout(&Core, &delivered.Ticket) == CORE_VERDICT_OUTCOME_TIMED_OUT);
    CHECK(IsDefault0(&delivered) && delivered.Wakes == 0);
    CHECK(Reply(&file, 0, 1, 5) == STATUS_IO_TIMEOUT); /* late: changes nothing */
    CHECK(IsDefault0(&delivered) && delivered.Ticket.Outcome == CORE_VERDICT_OUTCOME_TIMED_OUT);
    /* A question whose deadline passes while queued is never delivered. */
    CHECK(Ask(&expired, 0, 2, 500, 0) == STATUS_PENDING);
    G.Now += 150;
    CHECK(Ask(&queued, 0, 3, 500, 0) == STATUS_PENDING);
    G.Now += 50; /* expired: 200 ms old; queued: 50 ms old */
    CHECK(AskRequest(&file, 0, &late, 10) == STATUS_SUCCESS);
    CHECK(expired.Ticket.Outcome == CORE_VERDICT_OUTCOME_TIMED_OUT && expired.Wakes == 1 && IsDefault0(&expired));
    CHECK(ReadU64(late.Buffer) == 3 && ReadU32(late.Buffer + 8) == 150);
    CHECK(Reply(&file, 0, 2, 5) == STATUS_NOT_FOUND); /* expired while queued: this handle never had it */
    CHECK(CoreVerdictTimeout(&Core, &expired.Ticket) == CORE_VERDICT_OUTCOME_TIMED_OUT); /* the asker's wait ends: no change */
    CHECK(Counters(0).TimedOut == 2);
    CHECK(Reply(&file, 0, 3, 6) == STATUS_SUCCESS && queued.Answer[0] == 6);
    CloseFile(&file);
    Teardown();
}

static void TestV5ReplyStatuses(void)
{
    TEST_FILE a, b;
    TEST_REQUEST ra, rb;
    TEST_ASKER q1, q2, q3;
    UINT8 input[8 + ANSWER0 + 1];
    TEST_REQUEST reply;
    Setup();
    OpenFile(&a);
    OpenFile(&b);
    CHECK(Reply(&a, 0, 1, 1) == STATUS_NOT_FOUND); /* not a decider, no such id */
    CHECK(AskRequest(&a, 0, &ra, 10) == STATUS_PENDING);
    CHECK(AskRequest(&b, 0, &rb, 20) == STATUS_PENDING);
    CHECK(Ask(&q1, 0, 1, 500, 0) == STATUS_PENDING); /* id 1 to a */
    CHECK(Ask(&q2, 0, 2, 500, 0) == STATUS_PENDING); /* id 2 to b */
    CHECK(Ask(&q3, 0, 3, 500, 0) == STATUS_PENDING); /* id 3 queued */
    CHECK(Reply(&a, 0, 3, 1) == STATUS_NOT_FOUND);   /* still queued */
    CHECK(Reply(&a, 0, 2, 1) == STATUS_NOT_FOUND);   /* another handle's */
    CHECK(Reply(&a, 0, 99, 1) == STATUS_NOT_FOUND);  /* never given */
    CHECK(Reply(&a, 0, 0, 1) == STATUS_NOT_FOUND);   /* 0 is never an id */
    CHECK(Reply(&a, 1, 1, 1) == STATUS_NOT_FOUND);   /* the other verdict's reply */
    /* Wrong lengths. */
    memset(input, 0, sizeof(input));
    input[0] = 1;
    CHECK(CoreVerdictReply(&Core, &a.Core, 0, input, 8 + ANSWER0 - 1) == STATUS_INVALID_PARAMETER);
    CHECK(CoreVerdictReply(&Core, &a.Core, 0, input, 8 + ANSWER0 + 1) == STATUS_INVALID_PARAMETER);
    CHECK(CoreVerdictReply(&Core, &a.Core, 0, NULL, 0) == STATUS_INVALID_PARAMETER);
    CHECK(q1.Ticket.Outcome == CORE_VERDICT_OUTCOME_NONE && q2.Ticket.Outcome == CORE_VERDICT_OUTCOME_NONE);
    /* A reply request with an output buffer is refused; a proper one answers. */
    Prepare(&reply, &a, input, 8 + ANSWER0, 4);
    CHECK(CoreVerdictReplyRequest(&Core, &a.Core, 0, &reply.Core) == STATUS_INVALID_PARAMETER);
    CHECK(Last()->Request == &reply.Core && Last()->Status == STATUS_INVALID_PARAMETER);
    input[8] = 0x42;
    Prepare(&reply, &a, input, 8 + ANSWER0, 0);
    CHECK(CoreVerdictReplyRequest(&Core, &a.Core, 0, &reply.Core) == STATUS_SUCCESS);
    CHECK(Last()->Request == &reply.Core && Last()->Status == STATUS_SUCCESS && Last()->Information == 0);
    CHECK(q1.Ticket.Outcome == CORE_VERDICT_OUTCOME_ANSWERED && q1.Answer[0] == 0x42);
    /* A second reply: answered already, and the answer stays. */
    CHECK(Reply(&a, 0, 1, 0x43) == STATUS_INVALID_DEVICE_STATE && q1.Answer[0] == 0x42);
    CHECK(Reply(&b, 0, 1, 0x43) == STATUS_NOT_FOUND); /* b was never given id 1 */
    CHECK(Counters(0).Answered == 1);
    CHECK(Reply(&b, 0, 2, 0x44) == STATUS_SUCCESS);
    CloseFile(&b);
    CloseFile(&a);
    CHECK(q3.Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED);
    Teardown();
}

/* V5: each handle remembers its last MaxPending settled ids; older ones are "not found". */
static void TestV5MemoryOfSettledIds(void)
{
    TEST_FILE file;
    TEST_REQUEST request;
    TEST_ASKER asker;
    UINT64 id;
    Setup();
    OpenFile(&file);
    /* Verdict 1 remembers 2. Ids 1..4: 1 answered, 2 timed out, 3 and 4 answered. */
    for (id = 1; id <= 4; id++) {
        CHECK(AskRequest(&file, 1, &request, 10) == STATUS_PENDING);
        CHECK(Ask(&asker, 1, (UINT8)id, 500, 0) == STATUS_PENDING && asker.Ticket.Id == id);
        if (id == 2) {
            CHECK(CoreVerdictTimeout(&Core, &asker.Ticket) == CORE_VERDICT_OUTCOME_TIMED_OUT);
            CHECK(memcmp(asker.Answer, Default1, ANSWER1) == 0);
        } else {
            CHECK(Reply(&file, 1, id, (UINT8)id) == STATUS_SUCCESS);
        }
        if (id == 2) {
            /* Negative control for the forgetting below: while remembered, the statuses differ. */
            CHECK(Reply(&file, 1, 1, 0) == STATUS_INVALID_DEVICE_STATE);
            CHECK(Reply(&file, 1, 2, 0) == STATUS_IO_TIMEOUT);
        }
    }
    CHECK(Reply(&file, 1, 1, 0) == STATUS_NOT_FOUND); /* forgotten */
    CHECK(Reply(&file, 1, 2, 0) == STATUS_NOT_FOUND); /* forgotten */
    CHECK(Reply(&file, 1, 3, 0) == STATUS_INVALID_DEVICE_STATE);
    CHECK(Reply(&file, 1, 4, 0) == STATUS_INVALID_DEVICE_STATE);
    CloseFile(&file);
    Teardown();
}

static void TestV6DeciderCloseSettlesDeliveredAndQueued(void)
{
    TEST_FILE a, b;
    TEST_REQUEST ra1, ra2, ra3, rb, after;
    TEST_ASKER d1, d2, queued, other;
    CORE_VERDICT_COUNTERS counters;
    Setup();
    OpenFile(&a);
    OpenFile(&b);
    CHECK(AskRequest(&a, 0, &ra1, 10) == STATUS_PENDING);
    CHECK(AskRequest(&a, 0, &ra2, 10) == STATUS_PENDING);
    CHECK(Ask(&d1, 0, 1, 500, 0) == STATUS_PENDING);
    CHECK(Ask(&d2, 0, 2, 500, 0) == STATUS_PENDING); /* both delivered to a */
    CHECK(Ask(&queued, 0, 3, 500, 0) == STATUS_PENDING);
    CHECK(AskRequest(&a, 0, &ra3, 10) == STATUS_SUCCESS); /* takes the queued one: 3 delivered to a */
    CHECK(Reply(&a, 0, 3, 0x30) == STATUS_SUCCESS);
    CHECK(AskRequest(&a, 1, &ra3, 10) == STATUS_PENDING); /* a also decides verdict 1, parked */
    CHECK(AskRequest(&b, 0, &rb, 20) == STATUS_PENDING);
    CHECK(Ask(&other, 0, 4, 500, 0) == STATUS_PENDING); /* delivered to b: 3 unsettled */
    G.Count = 0;
    CloseFile(&a);
    CHECK(d1.Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED && d1.Wakes == 1 && IsDefault0(&d1));
    CHECK(d2.Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED && d2.Wakes == 1);
    CHECK(other.Ticket.Outcome == CORE_VERDICT_OUTCOME_NONE); /* b's question is not a's */
    CHECK(G.Count == 1 && G.Log[0].Request == &ra3.Core && G.Log[0].Status == STATUS_CANCELLED); /* its parked ask request */
    CHECK(ra3.Buffer[0] == 0xCC); /* never written */
    CHECK(G.ParkedCount[1] == 0 && Counters(1).Deciders == 0);
    counters = Counters(0);
    CHECK(counters.Deciders == 1 && counters.Defaulted == 2 && counters.Unsettled == 1);
    CHECK(Ask(&queued, 0, 5, 500, 0) == STATUS_PENDING); /* queued: b is still a decider */
    CHECK(Counters(0).Queued == 1);
    /* An ask request on the closed handle is cancelled, not parked: it becomes no decider again. */
    CHECK(AskRequest(&a, 0, &after, 10) == STATUS_CANCELLED && G.ParkedCount[0] == 0);
    CHECK(Counters(0).Deciders == 1 && Counters(0).Queued == 1);
    CHECK(Reply(&a, 0, 1, 0) == STATUS_NOT_FOUND);
    CHECK(Reply(&b, 0, 4, 0x50) == STATUS_SUCCESS && other.Answer[0] == 0x50);
    /* b, the last decider, goes: the queued question settles with the default. */
    CloseFile(&b);
    CHECK(queued.Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED && queued.Wakes == 1 && IsDefault0(&queued));
    counters = Counters(0);
    CHECK(counters.Deciders == 0 && counters.Unsettled == 0 && counters.Asked == 5);
    CHECK(counters.Answered == 2 && counters.Defaulted == 3 && counters.TimedOut == 0);
    CloseFile(&b); /* again: harmless */
    Teardown();
}

/* A cancel loses no question: a cancelled ask request was never written, and the question stays queued. */
static void TestV6CancelLosesNoQuestion(void)
{
    TEST_FILE file;
    TEST_REQUEST first, second;
    TEST_ASKER asker;
    Setup();
    OpenFile(&file);
    CHECK(AskRequest(&file, 0, &first, 10) == STATUS_PENDING);
    CHECK(FrameworkCancel(0, &first) == 1);
    CHECK(Ask(&asker, 0, 1, 500, 0) == STATUS_PENDING);
    CHECK(first.Buffer[0] == 0xCC && Counters(0).Queued == 1);
    CHECK(AskRequest(&file, 0, &second, 10) == STATUS_SUCCESS && ReadU64(second.Buffer) == 1);
    CHECK(Reply(&file, 0, 1, 3) == STATUS_SUCCESS && asker.Answer[0] == 3);
    CloseFile(&file);
    Teardown();
}

/* Parked ask requests count against MaxParkedPerHandle (8 here) with the subscribe requests. */
static void TestParkedAskRequestsCountAgainstTheHandleLimit(void)
{
    TEST_FILE file, other;
    TEST_REQUEST requests[8], refused, again, extra;
    TEST_ASKER asker;
    int index;
    Setup();
    OpenFile(&file);
    OpenFile(&other);
    for (index = 0; index < 8; index++) {
        CHECK(AskRequest(&file, (UINT32)index % 2u, &requests[index], 10) == STATUS_PENDING);
    }
    /* One more, of either verdict, is refused and parks nothing; another handle has its own budget. */
    CHECK(AskRequest(&file, 0, &refused, 10) == STATUS_QUOTA_EXCEEDED && Last()->Status == STATUS_QUOTA_EXCEEDED);
    CHECK(AskRequest(&file, 1, &refused, 10) == STATUS_QUOTA_EXCEEDED);
    CHECK(AskRequest(&other, 0, &extra, 11) == STATUS_PENDING);
    /* A cancelled one gives its place back. */
    CHECK(FrameworkCancel(0, &requests[0]) == 1);
    CHECK(AskRequest(&file, 0, &again, 10) == STATUS_PENDING);
    CHECK(AskRequest(&file, 0, &refused, 10) == STATUS_QUOTA_EXCEEDED);
    /* A question delivered into one gives its place back too (requests[2], the oldest of verdict 0). */
    CHECK(Ask(&asker, 0, 1, 500, 0) == STATUS_PENDING && ReadU64(requests[2].Buffer) == 1);
    CHECK(AskRequest(&file, 1, &refused, 10) == STATUS_PENDING);
    CHECK(Reply(&file, 0, 1, 3) == STATUS_SUCCESS);
    CloseFile(&file);
    CloseFile(&other);
    Teardown();
}

static void TestV7SelfExemption(void)
{
    TEST_FILE file;
    TEST_REQUEST request;
    TEST_ASKER self, stranger, none;
    Setup();
    OpenFile(&file);
    CHECK(AskRequest(&file, 0, &request, 100) == STATUS_PENDING);
    CHECK(Ask(&self, 0, 1, 100, 0) == STATUS_SUCCESS); /* raised for the decider's own process */
    CHECK(self.Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED && IsDefault0(&self) && G.ParkedCount[0] == 1);
    CHECK(Ask(&stranger, 0, 2, 200, 0) == STATUS_PENDING && G.ParkedCount[0] == 0); /* another process: asked */
    CHECK(Ask(&none, 0, 3, 0, 0) == STATUS_PENDING); /* no process: no exemption */
    CHECK(Counters(0).Defaulted == 1);
    CloseFile(&file);
    Teardown();
}

static void TestV8WaitingAndWhoeverSettlesFirstWins(void)
{
    TEST_FILE file;
    TEST_REQUEST r1, r2;
    TEST_ASKER above, replied, timedOut;
    CORE_VERDICT_COUNTERS before, after;
    Setup();
    OpenFile(&file);
    CHECK(AskRequest(&file, 0, &r1, 10) == STATUS_PENDING);
    /* An asker above PASSIVE_LEVEL may not wait: default at once, the parked request untouched. */
    CHECK(Ask(&above, 0, 1, 500, CORE_VERDICT_ASK_CANNOT_WAIT) == STATUS_SUCCESS);
    CHECK(above.Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED && G.ParkedCount[0] == 1);
    /* Reply first, then the asker's wait times out anyway (the wake raced the timeout): the reply wins. */
    CHECK(Ask(&replied, 0, 2, 500, 0) == STATUS_PENDING);
    CHECK(Reply(&file, 0, replied.Ticket.Id, 0x61) == STATUS_SUCCESS && replied.Wakes == 1);
    before = Counters(0);
    CHECK(CoreVerdictTimeout(&Core, &replied.Ticket) == CORE_VERDICT_OUTCOME_ANSWERED);
    after = Counters(0);
    CHECK(replied.Answer[0] == 0x61 && after.TimedOut == before.TimedOut && after.Answered == before.Answered);
    /* Timeout first, then the reply: the timeout wins, the reply gets STATUS_IO_TIMEOUT. */
    CHECK(AskRequest(&file, 0, &r2, 10) == STATUS_PENDING);
    CHECK(Ask(&timedOut, 0, 3, 500, 0) == STATUS_PENDING);
    CHECK(CoreVerdictTimeout(&Core, &timedOut.Ticket) == CORE_VERDICT_OUTCOME_TIMED_OUT);
    CHECK(CoreVerdictTimeout(&Core, &timedOut.Ticket) == CORE_VERDICT_OUTCOME_TIMED_OUT); /* twice: no change */
    CHECK(Reply(&file, 0, timedOut.Ticket.Id, 0x62) == STATUS_IO_TIMEOUT);
    CHECK(IsDefault0(&timedOut) && timedOut.Wakes == 0);
    /* Then close: the settled question is not settled again. */
    before = Counters(0);
    CloseFile(&file);
    after = Counters(0);
    CHECK(after.Defaulted == before.Defaulted && timedOut.Ticket.Outcome == CORE_VERDICT_OUTCOME_TIMED_OUT);
    CHECK(after.Asked == 3 && after.Answered == 1 && after.TimedOut == 1 && after.Defaulted == 1);
    Teardown();
}

/* Ids are unique per device: one counter for all verdicts, never reused after a question settles. */
static void TestIdsAreNeverReused(void)
{
    TEST_FILE file;
    TEST_REQUEST request;
    TEST_ASKER asker;
    UINT64 expected = 1;
    int round;
    Setup();
    OpenFile(&file);
    for (round = 0; round < 20; round++) {
        UINT32 verdict = (UINT32)(round % 2);
        CHECK(AskRequest(&file, verdict, &request, 10) == STATUS_PENDING);
        CHECK(Ask(&asker, verdict, (UINT8)round, 500, 0) == STATUS_PENDING);
        CHECK(asker.Ticket.Id == expected && ReadU64(request.Buffer) == expected);
        if (round % 3 == 0) {
            CHECK(CoreVerdictTimeout(&Core, &asker.Ticket) == CORE_VERDICT_OUTCOME_TIMED_OUT);
        } else {
            CHECK(Reply(&file, verdict, expected, 1) == STATUS_SUCCESS);
        }
        expected++;
    }
    CHECK(Counters(0).Asked + Counters(1).Asked == 20);
    CloseFile(&file);
    Teardown();
}

static void TestResourceFailures(void)
{
    TEST_FILE file;
    TEST_REQUEST request;
    TEST_ASKER asker;
    Setup();
    OpenFile(&file);
    TestMemory.FailAfter = 1; /* the decider succeeds, its memory of ids fails */
    CHECK(AskRequest(&file, 0, &request, 10) == STATUS_INSUFFICIENT_RESOURCES);
    CHECK(Last()->Status == STATUS_INSUFFICIENT_RESOURCES && G.ParkedCount[0] == 0);
    TestMemory.FailAfter = -1;
    CHECK(Counters(0).Deciders == 0);
    CHECK(Ask(&asker, 0, 1, 500, 0) == STATUS_SUCCESS && asker.Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED);
    /* Parking fails (the glue could not forward it): completed with that status, still a decider. */
    G.ParkStatus = STATUS_INVALID_DEVICE_STATE;
    CHECK(AskRequest(&file, 0, &request, 10) == STATUS_INVALID_DEVICE_STATE);
    CHECK(Last()->Request == &request.Core && Last()->Status == STATUS_INVALID_DEVICE_STATE);
    G.ParkStatus = STATUS_SUCCESS;
    CHECK(Counters(0).Deciders == 1);
    /* Asking allocates nothing. */
    TestMemory.FailAfter = 0;
    CHECK(Ask(&asker, 0, 2, 500, 0) == STATUS_PENDING);
    TestMemory.FailAfter = -1;
    /* Bad arguments. */
    CHECK(CoreVerdictAsk(&Core, 2, "question", QUESTION0, 1, 0, &asker.Ticket) == STATUS_INVALID_PARAMETER);
    CHECK(CoreVerdictAsk(&Core, 0, "question", QUESTION0 - 1, 1, 0, &asker.Ticket) == STATUS_INVALID_PARAMETER);
    CHECK(CoreVerdictQueryCounters(&Core, 2, NULL) == STATUS_INVALID_PARAMETER);
    /* A timeout for a ticket that never waited changes nothing. */
    {
        TEST_ASKER never;
        memset(&never, 0, sizeof(never));
        never.Ticket.Answer = never.Answer;
        never.Ticket.Slot = 0; /* slot 0 holds another asker's question */
        CHECK(CoreVerdictTimeout(&Core, &never.Ticket) == CORE_VERDICT_OUTCOME_NONE);
        CHECK(asker.Ticket.Outcome == CORE_VERDICT_OUTCOME_NONE && Counters(0).TimedOut == 0);
        never.Ticket.VerdictIndex = 7;
        CHECK(CoreVerdictTimeout(&Core, &never.Ticket) == CORE_VERDICT_OUTCOME_NONE);
    }
    CloseFile(&file);
    Teardown();
}


/* ---- a seeded random interleaving -------------------------------------------------------------
 * Askers, files and requests live on the heap and are freed the moment the glue would let them go
 * (a settled asker returns, a closed handle's context, a completed request), so ASan reports any
 * late touch by the core. Checked after every step: an outcome, once set, never changes; an asker
 * is woken at most once, and not after its own timeout; V9 holds and Unsettled matches the askers
 * still waiting; ids grow by one per waiting question; a delivered question is an unsettled one.
 */
#define STRESS_FILES 3
#define STRESS_ASKS 10

typedef struct {
    TEST_ASKER *Asker; /* NULL: unused */
    UINT32 Verdict;
    UINT32 Outcome;    /* as last seen */
    UINT64 AskedAt;
    int TimedOutByUs;
} STRESS_ASK;

static struct {
    TEST_FILE *Files[STRESS_FILES]; /* NULL: closed, storage freed */
    UINT64 Given[STRESS_FILES][8];  /* the last ids delivered to each open handle */
    UINT32 GivenCount[STRESS_FILES];
    STRESS_ASK Asks[STRESS_ASKS];
    UINT64 LastId;
    UINT32 Seed;
    long Delivered;
    long Answered;
} S;

static UINT32 Random(UINT32 Bound)
{
    S.Seed = S.Seed * 1103515245u + 12345u;
    return (S.Seed >> 8) % Bound;
}

static void StressComplete(CORE_REQUEST *Request, NTSTATUS Status, size_t Information)
{
    TEST_REQUEST *request = (TEST_REQUEST *)Request->GlueRequest;
    if (Status == STATUS_SUCCESS && Information >= HEADER) {
        UINT64 id = ReadU64(request->Buffer);
        int index, found = 0;
        for (index = 0; index < STRESS_ASKS; index++) {
            STRESS_ASK *ask = &S.Asks[index];
            if (ask->Asker != NULL && ask->Asker->Ticket.Id == id) {
                found = ask->Asker->Ticket.Outcome == CORE_VERDICT_OUTCOME_NONE;
                CHECK(Information == HEADER + TestVerdicts[ask->Verdict].QuestionBytes);
                CHECK(request->Buffer[HEADER] == (UINT8)id); /* the question asked with this id */
            }
        }
        CHECK(found);
        for (index = 0; index < STRESS_FILES; index++) {
            if (S.Files[index] == request->File) {
                S.Given[index][S.GivenCount[index]++ % 8u] = id;
            }
        }
        S.Delivered++;
    }
    free(request);
}

static int StressOpenFile(void)
{
    int index = (int)Random(STRESS_FILES);
    if (S.Files[index] == NULL) {
        S.Files[index] = (TEST_FILE *)malloc(sizeof(TEST_FILE));
        OpenFile(S.Files[index]);
        S.GivenCount[index] = 0;
    }
    return index;
}

static void StressAsk(void)
{
    int index = (int)Random(STRESS_ASKS);
    STRESS_ASK *ask = &S.Asks[index];
    UINT32 verdict = Random(2);
    UINT8 tag = (UINT8)(S.LastId + 1u);
    NTSTATUS status;
    if (ask->Asker != NULL) return;
    ask->Asker = (TEST_ASKER *)malloc(sizeof(TEST_ASKER));
    ask->Verdict = verdict;
    ask->AskedAt = G.Now;
    ask->TimedOutByUs = 0;
    status = Ask(ask->Asker, verdict, tag, Random(5) /* process 0 (none) to 4 */, Random(16) == 0 ? CORE_VERDICT_ASK_CANNOT_WAIT : 0u);
    if (status == STATUS_SUCCESS) {
        CHECK(ask->Asker->Ticket.Id == 0 && ask->Asker->Wakes == 0);
        CHECK(ask->Asker->Ticket.Outcome == CORE_VERDICT_OUTCOME_DEFAULTED || ask->Asker->Ticket.Outcome == CORE_VERDICT_OUTCOME_REFUSED);
        free(ask->Asker); /* settled at once: the asker goes on */
        ask->Asker = NULL;
        return;
    }
    CHECK(status == STATUS_PENDING);
    CHECK(ask->Asker->Ticket.Id == S.LastId + 1u);
    S.LastId = ask->Asker->Ticket.Id;
    ask->Outcome = ask->Asker->Ticket.Outcome; /* NONE, or ANSWERED never: delivered at most */
    CHECK(ask->Outcome == CORE_VERDICT_OUTCOME_NONE);
}

static void StressAskRequest(void)
{
    int file = StressOpenFile();
    UINT32 verdict = Random(2);
    TEST_REQUEST *request;
    NTSTATUS status;
    if (G.ParkedCount[verdict] >= MAX_QUEUED) return;
    request = (TEST_REQUEST *)malloc(sizeof(TEST_REQUEST));
    Prepare(request, S.Files[file], NULL, 0, HEADER + TestVerdicts[verdict].QuestionBytes);
    status = CoreVerdictAskRequest(&Core, &S.Files[file]->Core, verdict, &request->Core, (UINT64)file + 1u);
    /* A file past MaxParkedPerHandle is refused; the request is freed once completed. */
    CHECK(status == STATUS_PENDING || status == STATUS_SUCCESS || status == STATUS_QUOTA_EXCEEDED);
}

static void StressReply(void)
{
    int file = (int)Random(STRESS_FILES);
    UINT64 id;
    NTSTATUS status;
    if (S.Files[file] == NULL) return;
    id = S.GivenCount[file] > 0 && Random(4) != 0 ? S.Given[file][Random(S.GivenCount[file] < 8u ? S.GivenCount[file] : 8u)] : Random((UINT32)S.LastId + 3u);
    status = Reply(S.Files[file], Random(2), id, (UINT8)(0x80u + id));
    CHECK(status == STATUS_SUCCESS || status == STATUS_NOT_FOUND || status == STATUS_IO_TIMEOUT || status == STATUS_INVALID_DEVICE_STATE);
    if (status == STATUS_SUCCESS) {
        int index, found = 0;
        for (index = 0; index < STRESS_ASKS; index++) {
            TEST_ASKER *asker = S.Asks[index].Asker;
            if (asker != NULL && asker->Ticket.Id == id) {
                found = asker->Ticket.Outcome == CORE_VERDICT_OUTCOME_ANSWERED && asker->Answer[0] == (UINT8)(0x80u + id);
            }
        }
        CHECK(found);
        S.Answered++;
    }
}

/* The glue's wait for one waiting asker times out (only once its deadline has passed, as a real wait). */
static void StressTimeout(void)
{
    STRESS_ASK *ask = &S.Asks[Random(STRESS_ASKS)];
    UINT32 before;
    if (ask->Asker == NULL || ask->Outcome != CORE_VERDICT_OUTCOME_NONE || G.Now - ask->AskedAt < TestVerdicts[ask->Verdict].DeadlineMs) return;
    before = ask->Asker->Ticket.Outcome;
    CHECK(CoreVerdictTimeout(&Core, &ask->Asker->Ticket) == (before == CORE_VERDICT_OUTCOME_NONE ? CORE_VERDICT_OUTCOME_TIMED_OUT : before));
    ask->TimedOutByUs = before == CORE_VERDICT_OUTCOME_NONE;
}

static void StressClose(void)
{
    int file = (int)Random(STRESS_FILES);
    if (S.Files[file] == NULL) return;
    CloseFile(S.Files[file]);
    free(S.Files[file]);
    S.Files[file] = NULL;
}

static void StressCancel(void)
{
    UINT32 verdict = Random(2);
    TEST_REQUEST *request;
    if (G.ParkedCount[verdict] == 0) return;
    request = G.Parked[verdict][Random((UINT32)G.ParkedCount[verdict])];
    CHECK(FrameworkCancel(verdict, request) == 1);
    free(request);
}

/* After every step: the invariants; askers whose question settled return (and are freed). */
static void StressCheck(void)
{
    UINT32 unsettled[2] = { 0, 0 };
    int index;
    for (index = 0; index < STRESS_ASKS; index++) {
        STRESS_ASK *ask = &S.Asks[index];
        TEST_ASKER *asker = ask->Asker;
        if (asker == NULL) continue;
        if (ask->Outcome != CORE_VERDICT_OUTCOME_NONE) CHECK(asker->Ticket.Outcome == ask->Outcome);
        ask->Outcome = asker->Ticket.Outcome;
        CHECK(asker->Wakes <= 1);
        if (ask->Outcome == CORE_VERDICT_OUTCOME_NONE) {
            unsettled[ask->Verdict]++;
            CHECK(asker->Wakes == 0);
            continue;
        }
        /* Settled: woken once unless its own timeout settled it. */
        CHECK(asker->Wakes == (ask->TimedOutByUs ? 0 : 1));
        if (Random(2) == 0) CHECK(CoreVerdictTimeout(&Core, &asker->Ticket) == ask->Outcome); /* a timeout racing the wake-up */
        free(asker);
        ask->Asker = NULL;
    }
    CHECK(Counters(0).Unsettled == unsettled[0]);
    CHECK(Counters(1).Unsettled == unsettled[1]);
}

static void TestRandomInterleavings(void)
{
    UINT32 seed;
    for (seed = 1; seed <= 6; seed++) {
        int step, index;
        Setup();
        memset(&S, 0, sizeof(S));
        S.Seed = seed;
        OnComplete = StressComplete;
        for (step = 0; step < 4000; step++) {
            G.Count = 0;
            switch (Random(10)) {
            case 0: case 1: StressAsk(); break;
            case 2: case 3: StressAskRequest(); break;
            case 4: case 5: StressReply(); break;
            case 6: StressTimeout(); break;
            case 7: G.Now += Random(80); break;
            case 8: if (Random(4) == 0) StressClose(); break;
            default: StressCancel(); break;
            }
            StressCheck();
        }
        /* Every handle closes: nothing is left unsettled, and everything is freed. */
        for (index = 0; index < STRESS_FILES; index++) {
            if (S.Files[index] != NULL) {
                CloseFile(S.Files[index]);
                free(S.Files[index]);
                S.Files[index] = NULL;
            }
        }
        StressCheck();
        for (index = 0; index < STRESS_ASKS; index++) CHECK(S.Asks[index].Asker == NULL);
        CHECK(Counters(0).Unsettled == 0 && Counters(1).Unsettled == 0);
        /* The walk is not vacuous: it delivered and answered, and reached every outcome in both verdicts. */
        CHECK(S.Delivered > 100 && S.Answered > 20);
        for (index = 0; index < 2; index++) {
            CORE_VERDICT_COUNTERS counters = Counters((UINT32)index);
            CHECK(counters.Answered > 0 && counters.TimedOut > 0 && counters.Defaulted > 0 && counters.Refused > 0);
        }
        OnComplete = NULL;
        Teardown();
    }
}

int main(void)
{
    TestInitializeChecksTheTable();
    TestFindCode();
    TestProtocolInfoCarriesTheCounters();
    TestV1NoDeciderSettlesAtOnceWithTheDefault();
    TestV2OldestParkedRequestAcrossDecidersThenTheQueue();
    TestV3PendingLimitRefuses();
    TestV4DeadlineSettlesWithTheDefault();
    TestV5ReplyStatuses();
    TestV5MemoryOfSettledIds();
    TestV6DeciderCloseSettlesDeliveredAndQueued();
    TestV6CancelLosesNoQuestion();
    TestParkedAskRequestsCountAgainstTheHandleLimit();
    TestV7SelfExemption();
    TestV8WaitingAndWhoeverSettlesFirstWins();
    TestIdsAreNeverReused();
    TestResourceFailures();
    TestRandomInterleavings();
    printf("verdict_test: %d checks, %d failed\n", Checks, Failures);
    return Failures == 0 ? 0 : 1;
}
