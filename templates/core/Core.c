/*
 * Core.c - the portable core of an inverted-call driver, protocol v2: the calls and channels
 * (rules R1-R6) and the protocol-information answer (R7: version 2, the schema hash, each
 * channel's ring and each verdict's table and counters). The verdicts themselves (rules V1-V9:
 * the question table, its state machine and the ask and reply requests) are Verdict.c's; this
 * file only reports their counters.
 * Part of the template: do not edit (your code goes in Handlers.c).
 * See Core.h for the contract. No WDF/WDM calls, no CRT: memory comes from CORE_OPS.
 */
#include "Core.h"
#include "CoreInternal.h"
#include "Verdict.h"

/* ---- small helpers ---------------------------------------------------------------------- */

void CoreCopyBytes(UINT8 *Destination, const UINT8 *Source, size_t Bytes)
{
    size_t index;
    for (index = 0; index < Bytes; index++) {
        Destination[index] = Source[index];
    }
}

void CoreZeroBytes(UINT8 *Destination, size_t Bytes)
{
    size_t index;
    for (index = 0; index < Bytes; index++) {
        Destination[index] = 0;
    }
}

void CoreListInit(CORE_LINK *Head)
{
    Head->Next = Head;
    Head->Prev = Head;
}

int CoreListIsEmpty(const CORE_LINK *Head)
{
    return Head->Next == Head;
}

void CoreListAppend(CORE_LINK *Head, CORE_LINK *Link)
{
    Link->Prev = Head->Prev;
    Link->Next = Head;
    Head->Prev->Next = Link;
    Head->Prev = Link;
}

void CoreListRemove(CORE_LINK *Link)
{
    Link->Prev->Next = Link->Next;
    Link->Next->Prev = Link->Prev;
    Link->Next = Link;
    Link->Prev = Link;
}

/* Ring index arithmetic without division (Index < Capacity, Offset <= Capacity). */
static UINT32 CoreRingIndex(UINT32 Index, UINT32 Offset, UINT32 Capacity)
{
    UINT32 sum = Index + Offset;
    return sum >= Capacity ? sum - Capacity : sum;
}

void CoreQueueCompletion(CORE_COMPLETIONS *Completions, CORE_REQUEST *Request, NTSTATUS Status, size_t Information)
{
    Request->CompleteStatus = Status;
    Request->CompleteInformation = Information;
    Request->CompleteNext = NULL;
    if (Completions->Last == NULL) {
        Completions->First = Request;
    } else {
        Completions->Last->CompleteNext = Request;
    }
    Completions->Last = Request;
}

void CoreDeliverCompletions(CORE *Core, CORE_COMPLETIONS *Completions)
{
    CORE_REQUEST *request = Completions->First;
    while (request != NULL) {
        CORE_REQUEST *next = request->CompleteNext; /* read first: the callback ends the request */
        Core->Ops.CompleteRequest(Core->Ops.Context, request, request->CompleteStatus, request->CompleteInformation);
        request = next;
    }
    Completions->First = NULL;
    Completions->Last = NULL;
}

/* ---- batches -------------------------------------------------------------------------- */

static size_t CoreSlotRecordBytes(const UINT8 *Slot)
{
    INVERTED_CALL_RECORD_HEADER header;
    CoreCopyBytes((UINT8 *)&header, Slot, sizeof(header));
    return (size_t)INVERTED_CALL_RECORD_BYTES(header.Size);
}

/*
 * Writes the header of a batch of Count records, BytesUsed bytes in all, at the start of Buffer.
 * IRQL: <= DISPATCH_LEVEL, with the core's lock held. Returns nothing.
 */
static void CoreWriteBatchHeader(UINT8 *Buffer, UINT32 Count, size_t BytesUsed, UINT32 Flags, UINT64 DroppedTotal)
{
    INVERTED_CALL_BATCH_HEADER header;
    CoreZeroBytes((UINT8 *)&header, sizeof(header));
    header.Version = INVERTED_CALL_PROTOCOL_VERSION;
    header.Count = Count;
    header.BytesUsed = (UINT32)BytesUsed;
    header.Flags = Flags;
    header.DroppedTotal = DroppedTotal;
    CoreCopyBytes(Buffer, (const UINT8 *)&header, sizeof(header));
}

/* Encodes one record (header, payload, zero padding) at Destination; returns its byte count. */
static size_t CoreEncodeRecord(UINT8 *Destination, UINT64 Sequence, UINT16 Kind, const UINT8 *Payload, UINT32 PayloadBytes)
{
    INVERTED_CALL_RECORD_HEADER header;
    /* No UINT32 overflow: CoreEmit has bounded PayloadBytes by the channel's MaxRecordBytes. */
    size_t total = (size_t)INVERTED_CALL_RECORD_BYTES(PayloadBytes);
    CoreZeroBytes((UINT8 *)&header, sizeof(header));
    header.Sequence = Sequence;
    header.Kind = Kind;
    header.Reserved = 0;
    header.Size = PayloadBytes;
    CoreCopyBytes(Destination, (const UINT8 *)&header, sizeof(header));
    CoreCopyBytes(Destination + sizeof(header), Payload, PayloadBytes);
    CoreZeroBytes(Destination + sizeof(header) + PayloadBytes, total - sizeof(header) - PayloadBytes);
    return total;
}

/* R2: moves as many whole records, oldest first, as fit into the request; returns BytesUsed. */
static size_t CoreFillFromRing(CORE_SUBSCRIPTION *Subscription, CORE_REQUEST *Request)
{
    size_t used = sizeof(INVERTED_CALL_BATCH_HEADER);
    UINT32 count = 0;
    while (Subscription->Count > 0) {
        const UINT8 *slot = Subscription->Slots + (size_t)Subscription->Head * Subscription->SlotBytes;
        size_t recordBytes = CoreSlotRecordBytes(slot);
        if (used + recordBytes > Request->OutputLength) {
            break;
        }
        CoreCopyBytes(Request->OutputBuffer + used, slot, recordBytes);
        used += recordBytes;
        count++;
        Subscription->Head = CoreRingIndex(Subscription->Head, 1u, Subscription->Capacity);
        Subscription->Count--;
    }
    /* RING_EMPTY when nothing is left behind: the drops no gap has shown yet are then the sequences
     * right after this batch's last record, which a client can report now, not at the next event. */
    CoreWriteBatchHeader(Request->OutputBuffer, count, used, Subscription->Count == 0 ? INVERTED_CALL_BATCH_FLAG_RING_EMPTY : 0u,
                         Subscription->DroppedTotal);
    return used;
}

/* Inserts Request into Completions ordered by ParkStamp (R5 cancels a file's requests oldest first). */
static void CoreQueueCompletionByParkStamp(CORE_COMPLETIONS *Completions, CORE_REQUEST *Request, NTSTATUS Status)
{
    CORE_REQUEST *previous = NULL;
    CORE_REQUEST *current = Completions->First;
    Request->CompleteStatus = Status;
    Request->CompleteInformation = 0;
    while (current != NULL && current->ParkStamp < Request->ParkStamp) {
        previous = current;
        current = current->CompleteNext;
    }
    Request->CompleteNext = current;
    if (previous == NULL) {
        Completions->First = Request;
    } else {
        previous->CompleteNext = Request;
    }
    if (current == NULL) {
        Completions->Last = Request;
    }
}

/* ---- device table -------------------------------------------------------------------- */

int CoreCodeIsTaken(const CORE_DEVICE_CONFIG *Device, UINT32 Code, UINT32 ChannelLimit, UINT32 CallLimit)
{
    UINT32 index;
    if (Code == Device->ProtocolInfoCode) {
        return 1;
    }
    for (index = 0; index < ChannelLimit; index++) {
        if (Device->Channels[index].SubscribeCode == Code) {
            return 1;
        }
    }
    for (index = 0; index < CallLimit; index++) {
        if (Device->Calls[index].Code == Code) {
            return 1;
        }
    }
    return 0;
}

/* METHOD_IN_DIRECT's second buffer is mapped for read access only (the method is the low two bits). */
#define CORE_CODE_IS_IN_DIRECT(Code) (((Code) & 3u) == 1u)

static int CoreDeviceIsValid(const CORE_DEVICE_CONFIG *Device)
{
    UINT32 index;
    if (Device->SchemaHash == NULL || (Device->Channels == NULL && Device->ChannelCount != 0) ||
        (Device->Calls == NULL && Device->CallCount != 0) || (Device->Verdicts == NULL && Device->VerdictCount != 0) ||
        Device->Limits.MaxSubscriptions < 1u ||
        Device->Limits.MaxParkedPerHandle < 1u || Device->Limits.MaxRingBytes < 1u) {
        return 0;
    }
    for (index = 0; index < Device->ChannelCount; index++) {
        const CORE_CHANNEL_CONFIG *channel = &Device->Channels[index];
        if (channel->Capacity < 1u ||
            (channel->Overflow != INVERTED_CALL_OVERFLOW_DROP_NEWEST && channel->Overflow != INVERTED_CALL_OVERFLOW_DROP_OLDEST) ||
            channel->MaxRecordBytes < sizeof(INVERTED_CALL_RECORD_HEADER) || (channel->MaxRecordBytes % INVERTED_CALL_RECORD_ALIGNMENT) != 0u ||
            CoreCodeIsTaken(Device, channel->SubscribeCode, index, 0) || CORE_CODE_IS_IN_DIRECT(channel->SubscribeCode)) {
            return 0;
        }
    }
    for (index = 0; index < Device->CallCount; index++) {
        const CORE_CALL_CONFIG *call = &Device->Calls[index];
        if (call->Handler == NULL || CoreCodeIsTaken(Device, call->Code, Device->ChannelCount, index) ||
            (CORE_CODE_IS_IN_DIRECT(call->Code) && call->OutputBytes > 0u)) {
            return 0;
        }
    }
    return 1;
}

/* ---- parked-request accounting (MaxParkedPerHandle) ------------------------------------- */

/* With the lock held, right after ParkRequest (or ParkAskRequest) succeeded: Request counts against File. */
void CoreCountParked(CORE_FILE *File, CORE_REQUEST *Request)
{
    Request->ParkedFile = File;
    CoreListAppend(&File->Parked, &Request->ParkedLink);
    File->ParkedCount++;
}

/* With the lock held: Request left its queue (taken back or cancelled); no-op if not counted. */
void CoreUncountParked(CORE_REQUEST *Request)
{
    if (Request->ParkedFile == NULL) {
        return;
    }
    CoreListRemove(&Request->ParkedLink);
    Request->ParkedFile->ParkedCount--;
    Request->ParkedFile = NULL;
}

/* With the lock held: File has MaxParkedPerHandle requests parked, subscribe and ask requests together. */
int CoreParkedLimitReached(const CORE *Core, const CORE_FILE *File)
{
    return File->ParkedCount >= Core->Device->Limits.MaxParkedPerHandle;
}

/* The ring bytes of one subscription of Channel; saturated, so a ring no size_t holds is over any limit. */
static size_t CoreRingBytesOf(const CORE_CHANNEL *Channel)
{
    size_t slotBytes = (size_t)Channel->Config.MaxRecordBytes;
    if ((size_t)Channel->Config.Capacity > ((size_t)-1) / slotBytes) {
        return (size_t)-1;
    }
    return (size_t)Channel->Config.Capacity * slotBytes;
}

/* ---- entry points --------------------------------------------------------------------- */

NTSTATUS CoreInitialize(CORE *Core, const CORE_OPS *Ops, const CORE_DEVICE_CONFIG *Device)
{
    UINT32 index;

    if (Core == NULL || Ops == NULL || Device == NULL || Ops->Allocate == NULL || Ops->Free == NULL || Ops->Lock == NULL ||
        Ops->Unlock == NULL || Ops->ParkRequest == NULL || Ops->TakeParkedRequest == NULL || Ops->CompleteRequest == NULL ||
        !CoreDeviceIsValid(Device)) {
        return STATUS_INVALID_PARAMETER;
    }
    Core->Ops = *Ops;
    Core->Device = Device;
    Core->ChannelCount = 0;
    Core->Channels = NULL;
    Core->NextParkStamp = 0;
    Core->SubscriptionCount = 0;
    Core->RingBytes = 0;
    Core->Verdicts = NULL; /* CoreVerdictInitialize (Verdict.c) sets them up */
    if (Device->ChannelCount > 0) {
        Core->Channels = (CORE_CHANNEL *)Ops->Allocate(Ops->Context, sizeof(CORE_CHANNEL) * (size_t)Device->ChannelCount);
        if (Core->Channels == NULL) {
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    for (index = 0; index < Device->ChannelCount; index++) {
        CORE_CHANNEL *channel = &Core->Channels[index];
        channel->Config = Device->Channels[index];
        channel->MinimumOutputBytes = sizeof(INVERTED_CALL_BATCH_HEADER) + (size_t)channel->Config.MaxRecordBytes;
        channel->MaxPayloadBytes = (size_t)channel->Config.MaxRecordBytes - sizeof(INVERTED_CALL_RECORD_HEADER);
        CoreListInit(&channel->Subscriptions);
    }
    Core->ChannelCount = Device->ChannelCount;
    return STATUS_SUCCESS;
}

void CoreUninitialize(CORE *Core)
{
    if (Core->Channels != NULL) {
        Core->Ops.Free(Core->Ops.Context, Core->Channels);
        Core->Channels = NULL;
    }
    Core->ChannelCount = 0;
}

void CoreFileOpen(CORE *Core, CORE_FILE *File, void *GlueFile)
{
    (void)Core;
    File->GlueFile = GlueFile;
    CoreListInit(&File->Subscriptions);
    CoreListInit(&File->Parked);
    CoreListInit(&File->Deciders);
    File->VerdictsClosed = 0;
    File->ParkedCount = 0;
    File->Open = 1;
}

void CoreFileClose(CORE *Core, CORE_FILE *File)
{
    CORE_COMPLETIONS completions = { NULL, NULL };
    CORE_LINK detached;
    uintptr_t lockState;

    CoreListInit(&detached);
    lockState = Core->Ops.Lock(Core->Ops.Context);
    if (File->Open) {
        /* Its subscriptions leave their channels' fan-out lists; every request still parked for
         * them is taken back from the framework and cancelled (R5 via R4), oldest first. */
        while (!CoreListIsEmpty(&File->Subscriptions)) {
            CORE_SUBSCRIPTION *subscription = CORE_CONTAINER(File->Subscriptions.Next, CORE_SUBSCRIPTION, FileLink);
            CORE_REQUEST *request;
            while ((request = Core->Ops.TakeParkedRequest(Core->Ops.Context, File, subscription->ChannelIndex)) != NULL) {
                CoreUncountParked(request);
                CoreQueueCompletionByParkStamp(&completions, request, STATUS_CANCELLED);
            }
            CoreListRemove(&subscription->FileLink);
            CoreListRemove(&subscription->ChannelLink);
            CoreListAppend(&detached, &subscription->FileLink);
            Core->SubscriptionCount--;
            Core->RingBytes -= CoreRingBytesOf(&Core->Channels[subscription->ChannelIndex]);
        }
        /* Left: requests whose cancellation is under way (take skipped them). Their glue will still
         * report them, after this file may be gone: they forget it now. */
        while (!CoreListIsEmpty(&File->Parked)) {
            CoreUncountParked(CORE_CONTAINER(File->Parked.Next, CORE_REQUEST, ParkedLink));
        }
        File->Open = 0;
    }
    Core->Ops.Unlock(Core->Ops.Context, lockState);

    /* Memory is freed without the lock. */
    while (!CoreListIsEmpty(&detached)) {
        CORE_SUBSCRIPTION *subscription = CORE_CONTAINER(detached.Next, CORE_SUBSCRIPTION, FileLink);
        CoreListRemove(&subscription->FileLink);
        Core->Ops.Free(Core->Ops.Context, subscription->Slots);
        Core->Ops.Free(Core->Ops.Context, subscription);
    }
    CoreDeliverCompletions(Core, &completions);
}

static CORE_SUBSCRIPTION *CoreFindSubscription(CORE_FILE *File, UINT32 ChannelIndex)
{
    CORE_LINK *link;
    for (link = File->Subscriptions.Next; link != &File->Subscriptions; link = link->Next) {
        CORE_SUBSCRIPTION *subscription = CORE_CONTAINER(link, CORE_SUBSCRIPTION, FileLink);
        if (subscription->ChannelIndex == ChannelIndex) {
            return subscription;
        }
    }
    return NULL;
}

/* Called with the lock held (non-paged allocation). NULL when out of memory. */
static CORE_SUBSCRIPTION *CoreCreateSubscription(CORE *Core, CORE_FILE *File, UINT32 ChannelIndex)
{
    CORE_CHANNEL *channel = &Core->Channels[ChannelIndex];
    size_t slotBytes = (size_t)channel->Config.MaxRecordBytes;
    CORE_SUBSCRIPTION *subscription;

    if ((size_t)channel->Config.Capacity > ((size_t)-1) / slotBytes) {
        return NULL;
    }
    subscription = (CORE_SUBSCRIPTION *)Core->Ops.Allocate(Core->Ops.Context, sizeof(CORE_SUBSCRIPTION));
    if (subscription == NULL) {
        return NULL;
    }
    subscription->Slots = (UINT8 *)Core->Ops.Allocate(Core->Ops.Context, slotBytes * channel->Config.Capacity);
    if (subscription->Slots == NULL) {
        Core->Ops.Free(Core->Ops.Context, subscription);
        return NULL;
    }
    subscription->File = File;
    subscription->ChannelIndex = ChannelIndex;
    subscription->Capacity = channel->Config.Capacity;
    subscription->Overflow = channel->Config.Overflow;
    subscription->Head = 0;
    subscription->Count = 0;
    subscription->SlotBytes = slotBytes;
    subscription->NextSequence = 0;
    subscription->DroppedTotal = 0;
    CoreListAppend(&File->Subscriptions, &subscription->FileLink);
    CoreListAppend(&channel->Subscriptions, &subscription->ChannelLink);
    Core->SubscriptionCount++;
    Core->RingBytes += slotBytes * channel->Config.Capacity;
    return subscription;
}

/*
 * With the lock held: would this subscribe request pass a limit? A new subscription must fit under
 * MaxSubscriptions and MaxRingBytes; a request that will be parked (its ring is empty, as a new
 * one is) must fit under MaxParkedPerHandle. One that completes at once from the ring parks nothing.
 */
static int CoreSubscribeIsOverLimit(const CORE *Core, CORE_FILE *File, UINT32 ChannelIndex)
{
    const CORE_LIMITS *limits = &Core->Device->Limits;
    const CORE_SUBSCRIPTION *subscription = CoreFindSubscription(File, ChannelIndex);
    if (subscription == NULL) {
        size_t ringBytes = CoreRingBytesOf(&Core->Channels[ChannelIndex]);
        if (Core->SubscriptionCount >= limits->MaxSubscriptions || ringBytes > (size_t)limits->MaxRingBytes ||
            Core->RingBytes > (size_t)limits->MaxRingBytes - ringBytes) {
            return 1;
        }
    } else if (subscription->Count > 0) {
        return 0;
    }
    return CoreParkedLimitReached(Core, File);
}

/* A subscribe request on ChannelIndex whose input length was checked (R1, R2, limits, parking). */
static NTSTATUS CoreSubscribe(CORE *Core, CORE_FILE *File, UINT32 ChannelIndex, CORE_REQUEST *Request)
{
    CORE_COMPLETIONS completions = { NULL, NULL };
    CORE_SUBSCRIPTION *subscription;
    NTSTATUS status;
    uintptr_t lockState;

    lockState = Core->Ops.Lock(Core->Ops.Context);
    if (!File->Open) {
        /* A request racing its own handle's cleanup: nothing may be parked for a closed file. */
        status = STATUS_CANCELLED;
        CoreQueueCompletion(&completions, Request, status, 0);
    } else if (Request->OutputBuffer == NULL || Request->OutputLength < Core->Channels[ChannelIndex].MinimumOutputBytes) {
        /* R1: refused at once, never parked, no subscription created. */
        status = STATUS_BUFFER_TOO_SMALL;
        CoreQueueCompletion(&completions, Request, status, 0);
    } else if (CoreSubscribeIsOverLimit(Core, File, ChannelIndex)) {
        /* A limit: refused at once, like R1, never parked, nothing created. */
        status = STATUS_QUOTA_EXCEEDED;
        CoreQueueCompletion(&completions, Request, status, 0);
    } else {
        subscription = CoreFindSubscription(File, ChannelIndex);
        if (subscription == NULL) {
            subscription = CoreCreateSubscription(Core, File, ChannelIndex);
        }
        if (subscription == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            CoreQueueCompletion(&completions, Request, status, 0);
        } else if (subscription->Count > 0) {
            /* R2: events are waiting. */
            size_t used = CoreFillFromRing(subscription, Request);
            status = STATUS_SUCCESS;
            CoreQueueCompletion(&completions, Request, status, used);
        } else {
            /* Parked under the lock, so no event can slip into the ring while it is on its way. */
            Request->ParkStamp = Core->NextParkStamp++;
            status = Core->Ops.ParkRequest(Core->Ops.Context, Request, ChannelIndex);
            if (CORE_SUCCESS(status)) {
                CoreCountParked(File, Request);
                status = STATUS_PENDING;
            } else {
                CoreQueueCompletion(&completions, Request, status, 0);
            }
        }
    }
    Core->Ops.Unlock(Core->Ops.Context, lockState);
    CoreDeliverCompletions(Core, &completions);
    return status;
}

/* R7 (protocol v2): protocol version, schema hash, each channel's capacities, then each verdict's. */
static size_t CoreProtocolInfoBytes(const CORE *Core)
{
    return sizeof(INVERTED_CALL_PROTOCOL_INFO) + (size_t)Core->ChannelCount * sizeof(INVERTED_CALL_CHANNEL_INFO) +
           (size_t)Core->Device->VerdictCount * sizeof(INVERTED_CALL_VERDICT_INFO);
}

/*
 * Writes the whole protocol-information answer into Output (CoreProtocolInfoBytes long); a
 * verdict's counters come from the verdict table (0 before CoreVerdictInitialize).
 * IRQL: <= DISPATCH_LEVEL (takes the lock to read the counters). Returns nothing.
 */
static void CoreWriteProtocolInfo(CORE *Core, UINT8 *Output)
{
    INVERTED_CALL_PROTOCOL_INFO info;
    UINT8 *verdicts;
    UINT32 index;
    CoreZeroBytes((UINT8 *)&info, sizeof(info));
    info.ProtocolVersion = INVERTED_CALL_PROTOCOL_VERSION;
    info.ChannelCount = Core->ChannelCount;
    CoreCopyBytes(info.SchemaHash, Core->Device->SchemaHash, sizeof(info.SchemaHash));
    info.VerdictCount = Core->Device->VerdictCount;
    CoreCopyBytes(Output, (const UINT8 *)&info, sizeof(info));
    for (index = 0; index < Core->ChannelCount; index++) {
        const CORE_CHANNEL_CONFIG *config = &Core->Channels[index].Config;
        INVERTED_CALL_CHANNEL_INFO channel;
        CoreZeroBytes((UINT8 *)&channel, sizeof(channel));
        channel.Capacity = config->Capacity;
        channel.OverflowPolicy = config->Overflow;
        channel.BatchBytes = config->BatchBytes;
        channel.MaxRecordBytes = config->MaxRecordBytes;
        CoreCopyBytes(Output + sizeof(info) + (size_t)index * sizeof(channel), (const UINT8 *)&channel, sizeof(channel));
    }
    verdicts = Output + sizeof(info) + (size_t)Core->ChannelCount * sizeof(INVERTED_CALL_CHANNEL_INFO);
    for (index = 0; index < Core->Device->VerdictCount; index++) {
        const CORE_VERDICT_CONFIG *config = &Core->Device->Verdicts[index];
        INVERTED_CALL_VERDICT_INFO verdict;
        CORE_VERDICT_COUNTERS counters;
        CoreZeroBytes((UINT8 *)&verdict, sizeof(verdict));
        verdict.DeadlineMs = config->DeadlineMs;
        verdict.MaxPending = config->MaxPending;
        verdict.QuestionBytes = config->QuestionBytes;
        verdict.AnswerBytes = config->AnswerBytes;
        if (CoreVerdictQueryCounters(Core, index, &counters) == STATUS_SUCCESS) {
            verdict.Asked = counters.Asked;
            verdict.Answered = counters.Answered;
            verdict.TimedOut = counters.TimedOut;
            verdict.Defaulted = counters.Defaulted;
            verdict.Refused = counters.Refused;
        }
        CoreCopyBytes(verdicts + (size_t)index * sizeof(verdict), (const UINT8 *)&verdict, sizeof(verdict));
    }
}

/* R6 after the length checks: the handler gets its own copy of the input and a zeroed output. */
static NTSTATUS CoreRunCall(CORE *Core, CORE_FILE *File, const CORE_CALL_CONFIG *Call, CORE_REQUEST *Request)
{
    UINT64 stackInput[CORE_INPUT_STACK_BYTES / sizeof(UINT64)];
    UINT8 *input = NULL;
    CORE_CALL_CONTEXT context;
    NTSTATUS status;

    if (Call->InputBytes > 0) {
        /* METHOD_BUFFERED: input and output share one buffer; zeroing the output would erase it. */
        input = Call->InputBytes <= sizeof(stackInput) ? (UINT8 *)stackInput
                                                        : (UINT8 *)Core->Ops.Allocate(Core->Ops.Context, Call->InputBytes);
        if (input == NULL) {
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        CoreCopyBytes(input, Request->InputBuffer, Call->InputBytes);
    }
    if (Call->OutputBytes > 0) {
        CoreZeroBytes(Request->OutputBuffer, Call->OutputBytes); /* no stale kernel bytes reach the caller */
    }
    context.Core = Core;
    context.File = File;
    context.DeviceContext = Core->Ops.Context;
    status = Call->Handler(&context, input, Call->OutputBytes > 0 ? Request->OutputBuffer : NULL);
    if (status == STATUS_PENDING) {
        status = STATUS_UNSUCCESSFUL; /* handlers complete synchronously (see CORE_CALL_HANDLER) */
    }
    if (input != NULL && input != (UINT8 *)stackInput) {
        Core->Ops.Free(Core->Ops.Context, input);
    }
    return status;
}

static void CoreCompleteNow(CORE *Core, CORE_REQUEST *Request, NTSTATUS Status, size_t Information)
{
    Core->Ops.CompleteRequest(Core->Ops.Context, Request, Status, Information);
}

NTSTATUS CoreDispatch(CORE *Core, CORE_FILE *File, CORE_REQUEST *Request, UINT32 IoControlCode)
{
    const CORE_DEVICE_CONFIG *device = Core->Device;
    NTSTATUS status;
    UINT32 index;

    Request->CompleteNext = NULL;
    Request->ParkedFile = NULL;
    if (Request->InputBuffer == NULL) {
        Request->InputLength = 0;
    }
    if (Request->OutputBuffer == NULL) {
        Request->OutputLength = 0;
    }

    if (IoControlCode == device->ProtocolInfoCode) {
        /* R7: a call without input; the whole answer or STATUS_BUFFER_TOO_SMALL. */
        size_t bytes = CoreProtocolInfoBytes(Core);
        if (Request->InputLength != 0) {
            status = STATUS_INVALID_PARAMETER;
        } else if (Request->OutputLength < bytes) {
            status = STATUS_BUFFER_TOO_SMALL;
        } else {
            CoreWriteProtocolInfo(Core, Request->OutputBuffer);
            CoreCompleteNow(Core, Request, STATUS_SUCCESS, bytes);
            return STATUS_SUCCESS;
        }
        CoreCompleteNow(Core, Request, status, 0);
        return status;
    }

    for (index = 0; index < device->CallCount; index++) {
        const CORE_CALL_CONFIG *call = &device->Calls[index];
        if (call->Code != IoControlCode) {
            continue;
        }
        /* R6: exact input size (none without an input struct), output at least the output struct. */
        if (Request->InputLength != call->InputBytes) {
            status = STATUS_INVALID_PARAMETER;
        } else if (Request->OutputLength < call->OutputBytes) {
            status = STATUS_BUFFER_TOO_SMALL;
        } else {
            status = CoreRunCall(Core, File, call, Request);
            CoreCompleteNow(Core, Request, status, CORE_SUCCESS(status) ? call->OutputBytes : 0u);
            return status;
        }
        CoreCompleteNow(Core, Request, status, 0);
        return status;
    }

    for (index = 0; index < Core->ChannelCount; index++) {
        if (Core->Channels[index].Config.SubscribeCode != IoControlCode) {
            continue;
        }
        if (Request->InputLength != 0) {
            /* A subscribe request carries no input, like a call without an input struct. */
            CoreCompleteNow(Core, Request, STATUS_INVALID_PARAMETER, 0);
            return STATUS_INVALID_PARAMETER;
        }
        return CoreSubscribe(Core, File, index, Request);
    }

    CoreCompleteNow(Core, Request, STATUS_INVALID_DEVICE_REQUEST, 0);
    return STATUS_INVALID_DEVICE_REQUEST;
}

void CoreParkedRequestCancelled(CORE *Core, CORE_REQUEST *Request)
{
    uintptr_t lockState = Core->Ops.Lock(Core->Ops.Context);
    CoreUncountParked(Request); /* ParkedFile is NULL once its file closed: the file is not touched */
    Core->Ops.Unlock(Core->Ops.Context, lockState);
}

NTSTATUS CoreEmit(CORE *Core, UINT32 ChannelIndex, UINT16 Kind, const void *Payload, UINT32 PayloadBytes)
{
    CORE_COMPLETIONS completions = { NULL, NULL };
    CORE_CHANNEL *channel;
    CORE_LINK *link;
    uintptr_t lockState;

    if (ChannelIndex >= Core->ChannelCount || (Payload == NULL && PayloadBytes != 0)) {
        return STATUS_INVALID_PARAMETER;
    }
    channel = &Core->Channels[ChannelIndex];
    if ((size_t)PayloadBytes > channel->MaxPayloadBytes) {
        return STATUS_INVALID_PARAMETER;
    }

    lockState = Core->Ops.Lock(Core->Ops.Context);
    /* R3: fan-out in subscription creation order. */
    for (link = channel->Subscriptions.Next; link != &channel->Subscriptions; link = link->Next) {
        CORE_SUBSCRIPTION *subscription = CORE_CONTAINER(link, CORE_SUBSCRIPTION, ChannelLink);
        UINT64 sequence = subscription->NextSequence++; /* every offer takes a number */

        if (subscription->Count == 0) {
            /* A request taken back is no longer cancelable: the event written into it is delivered. */
            CORE_REQUEST *request = Core->Ops.TakeParkedRequest(Core->Ops.Context, subscription->File, subscription->ChannelIndex);
            if (request != NULL) {
                CoreUncountParked(request);
                size_t used = sizeof(INVERTED_CALL_BATCH_HEADER);
                used += CoreEncodeRecord(request->OutputBuffer + used, sequence, Kind, (const UINT8 *)Payload, PayloadBytes);
                /* Only an empty ring gets here, and this event bypassed it: RING_EMPTY, as in R2. */
                CoreWriteBatchHeader(request->OutputBuffer, 1u, used, INVERTED_CALL_BATCH_FLAG_RING_EMPTY, subscription->DroppedTotal);
                CoreQueueCompletion(&completions, request, STATUS_SUCCESS, used);
                continue;
            }
        }
        if (subscription->Count == subscription->Capacity) {
            subscription->DroppedTotal++;
            if (subscription->Overflow == INVERTED_CALL_OVERFLOW_DROP_NEWEST) {
                continue; /* this event is the one dropped */
            }
            /* drop-oldest: evict the head to make room */
            subscription->Head = CoreRingIndex(subscription->Head, 1u, subscription->Capacity);
            subscription->Count--;
        }
        {
            UINT32 tail = CoreRingIndex(subscription->Head, subscription->Count, subscription->Capacity);
            CoreEncodeRecord(subscription->Slots + (size_t)tail * subscription->SlotBytes, sequence, Kind, (const UINT8 *)Payload, PayloadBytes);
            subscription->Count++;
        }
    }
    Core->Ops.Unlock(Core->Ops.Context, lockState);
    CoreDeliverCompletions(Core, &completions);
    return STATUS_SUCCESS;
}

UINT32 CoreQueryState(CORE *Core, CORE_SUBSCRIPTION_STATE *States, UINT32 MaxStates)
{
    UINT32 total = 0;
    UINT32 index;
    uintptr_t lockState = Core->Ops.Lock(Core->Ops.Context);
    for (index = 0; index < Core->ChannelCount; index++) {
        CORE_LINK *link;
        for (link = Core->Channels[index].Subscriptions.Next; link != &Core->Channels[index].Subscriptions; link = link->Next) {
            const CORE_SUBSCRIPTION *subscription = CORE_CONTAINER(link, CORE_SUBSCRIPTION, ChannelLink);
            if (States != NULL && total < MaxStates) {
                CORE_SUBSCRIPTION_STATE *state = &States[total];
                state->GlueFile = subscription->File->GlueFile;
                state->ChannelIndex = subscription->ChannelIndex;
                state->RingFill = subscription->Count;
                state->DroppedTotal = subscription->DroppedTotal;
                state->NextSequence = subscription->NextSequence;
            }
            total++;
        }
    }
    Core->Ops.Unlock(Core->Ops.Context, lockState);
    return total;
}

size_t CoreCopyUtf16(WCHAR *Destination, size_t Capacity, const WCHAR *Source, size_t SourceUnits, int *Truncated)
{
    size_t units = SourceUnits;
    size_t index;
    if (Source == NULL) {
        units = 0;
    }
    *Truncated = units > Capacity - 1u;
    if (*Truncated) {
        units = Capacity - 1u;
        /* A high surrogate whose low half did not fit would be half a character: leave it out. */
        if (units > 0 && (UINT16)Source[units - 1u] >= 0xD800u && (UINT16)Source[units - 1u] <= 0xDBFFu) {
            units--;
        }
    }
    for (index = 0; index < units; index++) {
        Destination[index] = Source[index];
    }
    for (; index < Capacity; index++) {
        Destination[index] = 0; /* the NUL, and no stale bytes after it */
    }
    return units;
}
