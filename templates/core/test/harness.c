/*
 * Native scenario harness for the portable core. It plays the KMDF glue and the framework around
 * it: allocator, lock, one "manual queue" per (handle, channel) from which the framework cancels
 * and the core takes back, METHOD_BUFFERED buffers (input and output share memory), and request
 * completion. It links the device table rendered for a device and that device's Handlers.c.
 * It reads a scenario script on stdin, one command a line:
 *
 *   open H ACCESS [PID]            a file object H is created (ACCESS is recorded, not checked:
 *                                  the I/O manager's access check is not the core's) by process
 *                                  PID (default 0: no process), the decider's process of V7
 *   subscribe H REQ CHANNEL OUTLEN the subscribe request of a channel (by index), no input
 *   ioctl H REQ CODE OUTLEN INHEX  any device-control request: IOCTL code, output length, input
 *                                  bytes in hex ('-' for no input)
 *   emit CHANNEL KIND PAYLOADHEX   an event through CoreEmit (PAYLOADHEX '-' for none)
 *   cancel REQ                     CancelIoEx of REQ: the framework cancels it if it is parked
 *                                  (nothing happens if it is no longer outstanding)
 *   close H                        handle close (cleanup: R5, then CoreVerdictClose: V6)
 *   ask T VERDICT PID FLAGS QHEX   kernel code asks question QHEX of verdict VERDICT (by index)
 *                                  on behalf of process PID with CoreVerdictAsk flags FLAGS; T
 *                                  names the asker. Prints `asked T OUTCOME ID ANSWERHEX` when it
 *                                  settles (OUTCOME answered, timedOut, defaulted or refused): at
 *                                  once, or when a reply, a close or an advance settles it
 *   advance MS                     the clock moves MS ms; every waiting asker whose deadline it
 *                                  reaches times out (CoreVerdictTimeout), in (deadline, id)
 *                                  order, with the clock at that deadline: what the glue's timed
 *                                  wait does (the core has no clock sweep of its own)
 *   state                          prints `state N` then one line per subscription:
 *                                  `sub H CHANNEL RINGFILL DROPPED NEXTSEQUENCE PARKED`
 *   echo TOKEN                     prints `echo TOKEN` (lets a driver of the harness know that
 *                                  every command before it has been carried out)
 *   reset                          closes every handle without printing its completions, checks
 *                                  that every allocation was freed, starts a fresh core, prints `reset`
 *   # ...                          comment; blank lines are ignored
 *
 * Ask and reply requests (a verdict's codes, found with CoreVerdictFindCode as a glue does) go to
 * CoreVerdictAskRequest and CoreVerdictReplyRequest; parked ask requests wait in one FIFO per
 * verdict, which the framework can cancel (`cancel REQ`).
 *
 * It prints one line per completion, in completion order: `REQ STATUS HEXBYTES`, STATUS as 8
 * upper-case hex digits, HEXBYTES the first Information bytes of the output buffer in lower-case
 * hex, or '-' when there are none. Exit status 0, or 2 with a message on stderr for a malformed
 * script or a broken glue contract (lock misuse, double completion, a leak).
 */
#include "Handlers.h"
#include "Verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ConformanceHandlersReset(void);

#define MAX_CHANNELS 16
#define MAX_VERDICTS 16

typedef struct _REQUEST_SLOT REQUEST_SLOT;

typedef struct {
    long Id;
    unsigned Access;
    UINT64 ProcessId;
    CORE_FILE File;
    REQUEST_SLOT *Parked[MAX_CHANNELS]; /* FIFO per channel: the framework's manual queue */
} HANDLE_SLOT;

struct _REQUEST_SLOT {
    long Id;
    CORE_REQUEST Core;
    UINT8 *Buffer;                      /* METHOD_BUFFERED: one buffer for input and output */
    REQUEST_SLOT *NextParked;
    HANDLE_SLOT *ParkedOn;              /* set while in a manual queue */
    UINT32 ParkedChannel;
    HANDLE_SLOT *Owner;                 /* the handle it was sent on */
    UINT32 AskParkedOn;                 /* 1 + the verdict whose ask FIFO holds it; 0 when in none */
};

/* Kernel code waiting on a question: its ticket, answer buffer and when it asked. */
typedef struct _ASKER {
    long T;
    CORE_VERDICT_TICKET Ticket;
    UINT8 *Answer;
    UINT64 AskedAtMs;
    int Settled;
    struct _ASKER *Next;
} ASKER;

static struct {
    long Allocations;
    int LockHeld;
    int Quiet;
    long Line;
    UINT64 NowMs;
} Glue;

static HANDLE_SLOT **Handles;
static size_t HandleCount, HandleCapacity;
static REQUEST_SLOT **Requests;
static size_t RequestCount, RequestCapacity;
static CORE Core;
static REQUEST_SLOT *AskParked[MAX_VERDICTS]; /* FIFO per verdict: the glue's cancelable ask queue */
static ASKER *Askers;                          /* waiting or just settled, oldest first */

static void Fail(const char *Message, const char *Detail)
{
    fprintf(stderr, "harness: line %ld: %s%s%s\n", Glue.Line, Message, Detail ? ": " : "", Detail ? Detail : "");
    fflush(stdout);
    exit(2);
}

/* ---- the glue's side of CORE_OPS ------------------------------------------------------- */

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
    if (Glue.LockHeld) Fail("lock taken twice (a spin lock would deadlock)", NULL);
    Glue.LockHeld = 1;
    return 0x5A;
}

static void GlueUnlock(void *Context, uintptr_t State)
{
    (void)Context;
    if (!Glue.LockHeld || State != 0x5A) Fail("unlock without the lock or with another state", NULL);
    Glue.LockHeld = 0;
}

static HANDLE_SLOT *HandleOfFile(CORE_FILE *File)
{
    return (HANDLE_SLOT *)File->GlueFile;
}

static REQUEST_SLOT *Dispatching; /* the request CoreDispatch is working on */
static HANDLE_SLOT *DispatchingHandle;

static NTSTATUS GlueParkRequest(void *Context, CORE_REQUEST *Request, UINT32 ChannelIndex)
{
    REQUEST_SLOT *slot = (REQUEST_SLOT *)Request->GlueRequest;
    REQUEST_SLOT **link;
    (void)Context;
    if (!Glue.LockHeld) Fail("ParkRequest called without the lock", NULL);
    if (ChannelIndex >= MAX_CHANNELS) Fail("ParkRequest on an unknown channel", NULL);
    if (slot != Dispatching || slot->ParkedOn != NULL) Fail("ParkRequest of a request that is not being dispatched", NULL);
    link = &DispatchingHandle->Parked[ChannelIndex];
    while (*link != NULL) link = &(*link)->NextParked;
    *link = slot;
    slot->NextParked = NULL;
    slot->ParkedOn = DispatchingHandle;
    slot->ParkedChannel = ChannelIndex;
    return STATUS_SUCCESS;
}

static CORE_REQUEST *GlueTakeParked(void *Context, CORE_FILE *File, UINT32 ChannelIndex)
{
    HANDLE_SLOT *handle = HandleOfFile(File);
    REQUEST_SLOT *slot;
    (void)Context;
    if (!Glue.LockHeld) Fail("TakeParkedRequest called without the lock", NULL);
    if (ChannelIndex >= MAX_CHANNELS) Fail("TakeParkedRequest on an unknown channel", NULL);
    slot = handle->Parked[ChannelIndex];
    if (slot == NULL) return NULL;
    handle->Parked[ChannelIndex] = slot->NextParked;
    slot->NextParked = NULL;
    slot->ParkedOn = NULL;
    return &slot->Core;
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
    Fail("completion of a request the harness does not hold (completed twice?)", NULL);
}

static void PrintCompletion(REQUEST_SLOT *Slot, NTSTATUS Status, size_t Information)
{
    size_t index;
    if (Glue.Quiet) return;
    printf("%ld %08X ", Slot->Id, (unsigned)(uint32_t)Status);
    if (Information == 0) putchar('-');
    for (index = 0; index < Information; index++) printf("%02x", Slot->Buffer[index]);
    putchar('\n');
}

static void FinishRequest(REQUEST_SLOT *Slot, NTSTATUS Status, size_t Information)
{
    if (Slot->ParkedOn != NULL || Slot->AskParkedOn != 0) Fail("a request completed while still in a manual queue", NULL);
    if (Information > Slot->Core.OutputLength) Fail("Information larger than the output buffer", NULL);
    PrintCompletion(Slot, Status, Information);
    RemoveRequest(Slot);
    free(Slot->Buffer);
    free(Slot);
}

static void GlueComplete(void *Context, CORE_REQUEST *Request, NTSTATUS Status, size_t Information)
{
    (void)Context;
    if (Glue.LockHeld) Fail("request completed with the core's lock held", NULL);
    FinishRequest((REQUEST_SLOT *)Request->GlueRequest, Status, Information);
}

static const CORE_OPS Ops = { NULL, GlueAllocate, GlueFree, GlueLock, GlueUnlock, GlueParkRequest, GlueTakeParked, GlueComplete };

/* ---- the glue's side of CORE_VERDICT_OPS ------------------------------------------------ */

static UINT64 GlueNowMs(void *Context)
{
    (void)Context;
    return Glue.NowMs;
}

static NTSTATUS GlueParkAsk(void *Context, CORE_REQUEST *Request, UINT32 VerdictIndex)
{
    REQUEST_SLOT *slot = (REQUEST_SLOT *)Request->GlueRequest;
    REQUEST_SLOT **link;
    (void)Context;
    if (!Glue.LockHeld) Fail("ParkAskRequest called without the lock", NULL);
    if (VerdictIndex >= MAX_VERDICTS) Fail("ParkAskRequest on an unknown verdict", NULL);
    if (slot != Dispatching || slot->ParkedOn != NULL || slot->AskParkedOn != 0) Fail("ParkAskRequest of a request that is not being dispatched", NULL);
    link = &AskParked[VerdictIndex];
    while (*link != NULL) link = &(*link)->NextParked;
    *link = slot;
    slot->NextParked = NULL;
    slot->AskParkedOn = VerdictIndex + 1u;
    return STATUS_SUCCESS;
}

static CORE_REQUEST *GlueTakeAsk(void *Context, UINT32 VerdictIndex, CORE_FILE *File)
{
    REQUEST_SLOT **link;
    (void)Context;
    if (!Glue.LockHeld) Fail("TakeAskRequest called without the lock", NULL);
    if (VerdictIndex >= MAX_VERDICTS) Fail("TakeAskRequest on an unknown verdict", NULL);
    for (link = &AskParked[VerdictIndex]; *link != NULL; link = &(*link)->NextParked) {
        REQUEST_SLOT *slot = *link;
        if (File == NULL || &slot->Owner->File == File) {
            *link = slot->NextParked;
            slot->NextParked = NULL;
            slot->AskParkedOn = 0;
            return &slot->Core;
        }
    }
    return NULL;
}

static const char *OutcomeName(UINT32 Outcome)
{
    switch (Outcome) {
    case CORE_VERDICT_OUTCOME_ANSWERED: return "answered";
    case CORE_VERDICT_OUTCOME_TIMED_OUT: return "timedOut";
    case CORE_VERDICT_OUTCOME_DEFAULTED: return "defaulted";
    case CORE_VERDICT_OUTCOME_REFUSED: return "refused";
    default: Fail("a settled ticket without an outcome", NULL); return "";
    }
}

/* The asker learns how its question settled: one line, in the order questions settle. */
static void PrintSettled(ASKER *Asker)
{
    UINT32 index;
    UINT32 bytes = DeviceConfig.Verdicts[Asker->Ticket.VerdictIndex].AnswerBytes;
    if (Asker->Settled) Fail("a question settled twice", NULL);
    Asker->Settled = 1;
    if (Glue.Quiet) return;
    printf("asked %ld %s %llu ", Asker->T, OutcomeName(Asker->Ticket.Outcome), (unsigned long long)Asker->Ticket.Id);
    for (index = 0; index < bytes; index++) printf("%02x", Asker->Answer[index]);
    putchar('\n');
}

static void GlueWakeAsker(void *Context, CORE_VERDICT_TICKET *Ticket)
{
    ASKER *asker;
    (void)Context;
    if (!Glue.LockHeld) Fail("WakeAsker called without the lock", NULL);
    for (asker = Askers; asker != NULL && &asker->Ticket != Ticket; asker = asker->Next) {}
    if (asker == NULL || asker->Settled) Fail("WakeAsker of a ticket no asker waits on", NULL);
    if (Ticket->Outcome == CORE_VERDICT_OUTCOME_NONE) Fail("WakeAsker before the ticket settled", NULL);
    PrintSettled(asker);
}

static const CORE_VERDICT_OPS VerdictOps = { GlueNowMs, GlueParkAsk, GlueTakeAsk, GlueWakeAsker };

/* Settled askers stop waiting: the core no longer touches their tickets once its lock is free. */
static void ReleaseSettledAskers(void)
{
    ASKER **link = &Askers;
    while (*link != NULL) {
        ASKER *asker = *link;
        if (asker->Settled) {
            *link = asker->Next;
            free(asker->Answer);
            free(asker);
        } else {
            link = &asker->Next;
        }
    }
}

/* The framework cancels a request in a manual queue and completes it itself. */
static void FrameworkCancel(REQUEST_SLOT *Slot)
{
    REQUEST_SLOT **link;
    if (Slot->AskParkedOn != 0) {
        /* An ask request in its verdict's queue holds no question (V6); it leaves the handle's
         * parked count (MaxParkedPerHandle) as a subscribe request does. */
        link = &AskParked[Slot->AskParkedOn - 1u];
        while (*link != Slot) link = &(*link)->NextParked;
        *link = Slot->NextParked;
        Slot->AskParkedOn = 0;
        CoreParkedRequestCancelled(&Core, &Slot->Core);
        FinishRequest(Slot, STATUS_CANCELLED, 0);
        return;
    }
    if (Slot->ParkedOn == NULL) return; /* not in a queue: not cancelable (ERROR_NOT_FOUND) */
    link = &Slot->ParkedOn->Parked[Slot->ParkedChannel];
    while (*link != Slot) link = &(*link)->NextParked;
    *link = Slot->NextParked;
    Slot->ParkedOn = NULL;
    /* KMDF's request EvtCleanupCallback tells the core; here before the slot is freed. */
    CoreParkedRequestCancelled(&Core, &Slot->Core);
    FinishRequest(Slot, STATUS_CANCELLED, 0);
}

/* ---- scenario commands -------------------------------------------------------------------- */

static HANDLE_SLOT *FindHandle(long Id)
{
    size_t index;
    for (index = 0; index < HandleCount; index++) {
        if (Handles[index]->Id == Id) return Handles[index];
    }
    return NULL;
}

static REQUEST_SLOT *FindRequest(long Id)
{
    size_t index;
    for (index = 0; index < RequestCount; index++) {
        if (Requests[index]->Id == Id) return Requests[index];
    }
    return NULL;
}

static void CloseHandleSlot(HANDLE_SLOT *Slot)
{
    size_t index;
    UINT32 channel;
    REQUEST_SLOT *ask;
    CoreFileClose(&Core, &Slot->File);
    CoreVerdictClose(&Core, &Slot->File);
    CoreFileClose(&Core, &Slot->File); /* EvtFileClose after EvtFileCleanup: must be harmless */
    CoreVerdictClose(&Core, &Slot->File);
    for (channel = 0; channel < MAX_CHANNELS; channel++) {
        if (Slot->Parked[channel] != NULL) Fail("a request is still parked after its handle was closed", NULL);
    }
    for (channel = 0; channel < MAX_VERDICTS; channel++) {
        for (ask = AskParked[channel]; ask != NULL; ask = ask->NextParked) {
            if (ask->Owner == Slot) Fail("an ask request is still parked after its handle was closed", NULL);
        }
    }
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
    if (CoreInitialize(&Core, &Ops, &DeviceConfig) != STATUS_SUCCESS) Fail("CoreInitialize failed", NULL);
    if (Core.ChannelCount > MAX_CHANNELS) Fail("the device has more channels than the harness supports", NULL);
    if (DeviceConfig.VerdictCount > MAX_VERDICTS) Fail("the device has more verdicts than the harness supports", NULL);
    if (CoreVerdictInitialize(&Core, &VerdictOps, DeviceConfig.Verdicts, DeviceConfig.VerdictCount) != STATUS_SUCCESS) Fail("CoreVerdictInitialize failed", NULL);
    Glue.NowMs = 0;
    ConformanceHandlersReset();
}

static void StopCore(void)
{
    Glue.Quiet = 1;
    while (HandleCount > 0) CloseHandleSlot(Handles[0]);
    Glue.Quiet = 0;
    if (RequestCount != 0) Fail("requests outstanding after every handle was closed", NULL);
    /* With every decider gone, every question has settled (V6): no asker may still wait. */
    ReleaseSettledAskers();
    if (Askers != NULL) Fail("an asker still waits after every handle was closed", NULL);
    CoreVerdictUninitialize(&Core);
    CoreUninitialize(&Core);
    if (Glue.Allocations != 0) Fail("the core leaked allocations", NULL);
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

/* Decodes HEX ('-' for none) into a new buffer of at least MinimumBytes; *Length gets the bytes. */
static UINT8 *ParseHex(const char *Hex, size_t MinimumBytes, size_t *Length)
{
    size_t digits = strcmp(Hex, "-") == 0 ? 0 : strlen(Hex);
    size_t bytes;
    size_t index;
    UINT8 *buffer;
    if (digits % 2 != 0) Fail("odd number of hex digits", Hex);
    bytes = digits / 2;
    buffer = malloc((bytes > MinimumBytes ? bytes : MinimumBytes) + 1);
    if (buffer == NULL) Fail("out of memory", NULL);
    memset(buffer, 0xCC, (bytes > MinimumBytes ? bytes : MinimumBytes) + 1); /* garbage the core must not return */
    for (index = 0; index < bytes; index++) {
        int high = HexDigit(Hex[2 * index]);
        int low = HexDigit(Hex[2 * index + 1]);
        if (high < 0 || low < 0) Fail("bad hex digit", Hex);
        buffer[index] = (UINT8)(high * 16 + low);
    }
    *Length = bytes;
    return buffer;
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

/* A device-control request as the I/O manager builds it for METHOD_BUFFERED. */
static void Submit(HANDLE_SLOT *Handle, long Id, UINT32 Code, long OutputLength, const char *InputHex)
{
    REQUEST_SLOT *slot;
    size_t inputLength;
    UINT32 verdictIndex;
    int isReply;
    if (FindRequest(Id) != NULL) Fail("request still outstanding", NULL);
    if (OutputLength < 0) Fail("negative output length", NULL);
    slot = calloc(1, sizeof(*slot));
    if (slot == NULL) Fail("out of memory", NULL);
    slot->Id = Id;
    slot->Owner = Handle;
    slot->Buffer = ParseHex(InputHex, (size_t)OutputLength, &inputLength);
    slot->Core.GlueRequest = slot;
    slot->Core.InputBuffer = inputLength > 0 ? slot->Buffer : NULL;
    slot->Core.InputLength = inputLength;
    slot->Core.OutputBuffer = OutputLength > 0 ? slot->Buffer : NULL;
    slot->Core.OutputLength = (size_t)OutputLength;
    Grow((void ***)&Requests, &RequestCapacity, RequestCount);
    Requests[RequestCount++] = slot;
    Dispatching = slot;
    DispatchingHandle = Handle;
    /* As a glue dispatches: a verdict's codes to the verdict table, everything else to CoreDispatch. */
    if (CoreVerdictFindCode(&Core, Code, &verdictIndex, &isReply)) {
        if (isReply) {
            (void)CoreVerdictReplyRequest(&Core, &Handle->File, verdictIndex, &slot->Core);
        } else {
            (void)CoreVerdictAskRequest(&Core, &Handle->File, verdictIndex, &slot->Core, Handle->ProcessId);
        }
    } else {
        (void)CoreDispatch(&Core, &Handle->File, &slot->Core, Code);
    }
    Dispatching = NULL;
    DispatchingHandle = NULL;
}

static void PrintState(void)
{
    CORE_SUBSCRIPTION_STATE states[64];
    UINT32 total = CoreQueryState(&Core, states, 64);
    UINT32 index;
    if (total > 64) Fail("more subscriptions than the state command prints", NULL);
    printf("state %u\n", (unsigned)total);
    for (index = 0; index < total; index++) {
        HANDLE_SLOT *handle = (HANDLE_SLOT *)states[index].GlueFile;
        unsigned parked = 0;
        REQUEST_SLOT *slot;
        for (slot = handle->Parked[states[index].ChannelIndex]; slot != NULL; slot = slot->NextParked) parked++;
        printf("sub %ld %u %u %llu %llu %u\n", handle->Id, (unsigned)states[index].ChannelIndex, (unsigned)states[index].RingFill,
               (unsigned long long)states[index].DroppedTotal, (unsigned long long)states[index].NextSequence, parked);
    }
}

/* Kernel code asks a question: CoreVerdictAsk, then (when it must wait) a timed wait on its ticket. */
static void Ask(long T, long VerdictIndex, UINT64 ProcessId, UINT32 Flags, const char *QuestionHex)
{
    ASKER *asker;
    ASKER **tail;
    size_t length;
    UINT8 *question;
    NTSTATUS status;
    if (VerdictIndex < 0 || (UINT32)VerdictIndex >= DeviceConfig.VerdictCount) Fail("no such verdict", NULL);
    asker = calloc(1, sizeof(*asker));
    if (asker == NULL) Fail("out of memory", NULL);
    asker->T = T;
    asker->Answer = malloc(DeviceConfig.Verdicts[VerdictIndex].AnswerBytes);
    if (asker->Answer == NULL) Fail("out of memory", NULL);
    memset(asker->Answer, 0xCC, DeviceConfig.Verdicts[VerdictIndex].AnswerBytes); /* the core must fill it */
    asker->Ticket.WaitContext = asker;
    asker->Ticket.Answer = asker->Answer;
    asker->AskedAtMs = Glue.NowMs;
    for (tail = &Askers; *tail != NULL; tail = &(*tail)->Next) {}
    *tail = asker; /* listed before asking: WakeAsker may find it during CoreVerdictAsk's deliveries */
    question = ParseHex(QuestionHex, 0, &length);
    status = CoreVerdictAsk(&Core, (UINT32)VerdictIndex, question, (UINT32)length, ProcessId, Flags, &asker->Ticket);
    free(question);
    if (status == STATUS_SUCCESS) {
        PrintSettled(asker);
    } else if (status != STATUS_PENDING) {
        Fail("CoreVerdictAsk refused the question", NULL);
    }
}

/* The clock moves; each waiting asker whose deadline it reaches gives up, earliest (deadline, id) first. */
static void Advance(long Ms)
{
    UINT64 target;
    if (Ms < 0) Fail("the clock does not go back", NULL);
    target = Glue.NowMs + (UINT64)Ms;
    for (;;) {
        ASKER *asker;
        ASKER *next = NULL;
        UINT64 nextDeadline = 0;
        for (asker = Askers; asker != NULL; asker = asker->Next) {
            UINT64 deadline = asker->AskedAtMs + asker->Ticket.DeadlineMs;
            if (asker->Settled || deadline > target) continue;
            if (next == NULL || deadline < nextDeadline || (deadline == nextDeadline && asker->Ticket.Id < next->Ticket.Id)) {
                next = asker;
                nextDeadline = deadline;
            }
        }
        if (next == NULL) break;
        if (nextDeadline > Glue.NowMs) Glue.NowMs = nextDeadline;
        (void)CoreVerdictTimeout(&Core, &next->Ticket);
        /* A timeout settles without a wake-up: the asker stopped waiting and reads its ticket. */
        PrintSettled(next);
    }
    Glue.NowMs = target;
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
    if (count == 0 || words[0][0] == '#') return;
    if (strcmp(words[0], "open") == 0 && (count == 3 || count == 4)) {
        long id = ParseLong(words[1]);
        HANDLE_SLOT *slot;
        if (FindHandle(id) != NULL) Fail("handle already open", words[1]);
        slot = calloc(1, sizeof(*slot));
        if (slot == NULL) Fail("out of memory", NULL);
        slot->Id = id;
        slot->Access = (unsigned)ParseLong(words[2]);
        slot->ProcessId = count == 4 ? (UINT64)ParseLong(words[3]) : 0u;
        CoreFileOpen(&Core, &slot->File, slot);
        Grow((void ***)&Handles, &HandleCapacity, HandleCount);
        Handles[HandleCount++] = slot;
    } else if (strcmp(words[0], "subscribe") == 0 && count == 5) {
        HANDLE_SLOT *handle = FindHandle(ParseLong(words[1]));
        long channel = ParseLong(words[3]);
        if (handle == NULL) Fail("handle not open", words[1]);
        if (channel < 0 || (UINT32)channel >= Core.ChannelCount) Fail("no such channel", words[3]);
        Submit(handle, ParseLong(words[2]), DeviceConfig.Channels[channel].SubscribeCode, ParseLong(words[4]), "-");
    } else if (strcmp(words[0], "ioctl") == 0 && count == 6) {
        HANDLE_SLOT *handle = FindHandle(ParseLong(words[1]));
        if (handle == NULL) Fail("handle not open", words[1]);
        Submit(handle, ParseLong(words[2]), (UINT32)strtoul(words[3], NULL, 0), ParseLong(words[4]), words[5]);
    } else if (strcmp(words[0], "emit") == 0 && count == 4) {
        size_t length;
        UINT8 *payload = ParseHex(words[3], 0, &length);
        if (CoreEmit(&Core, (UINT32)ParseLong(words[1]), (UINT16)ParseLong(words[2]), payload, (UINT32)length) != STATUS_SUCCESS) {
            Fail("CoreEmit refused the event", NULL);
        }
        free(payload);
    } else if (strcmp(words[0], "cancel") == 0 && count == 2) {
        REQUEST_SLOT *slot = FindRequest(ParseLong(words[1]));
        if (slot != NULL) FrameworkCancel(slot);
    } else if (strcmp(words[0], "close") == 0 && count == 2) {
        HANDLE_SLOT *slot = FindHandle(ParseLong(words[1]));
        if (slot == NULL) Fail("handle not open", words[1]);
        CloseHandleSlot(slot);
    } else if (strcmp(words[0], "ask") == 0 && count == 6) {
        Ask(ParseLong(words[1]), ParseLong(words[2]), (UINT64)ParseLong(words[3]), (UINT32)ParseLong(words[4]), words[5]);
    } else if (strcmp(words[0], "advance") == 0 && count == 2) {
        Advance(ParseLong(words[1]));
    } else if (strcmp(words[0], "state") == 0 && count == 1) {
        PrintState();
    } else if (strcmp(words[0], "echo") == 0 && count == 2) {
        printf("echo %s\n", words[1]);
    } else if (strcmp(words[0], "reset") == 0 && count == 1) {
        StopCore();
        StartCore();
        printf("reset\n");
    } else {
        Fail("unknown or malformed command", words[0]);
    }
    ReleaseSettledAskers();
    fflush(stdout);
}

int main(void)
{
    static char line[65536];
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
