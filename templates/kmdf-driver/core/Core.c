/*
 * Core.c - the portable core of an inverted-call driver: rules R1-R5 of protocol v1.
 * See Core.h for the contract. No WDF/WDM calls, no CRT: memory comes from CORE_OPS.
 */
#include "Core.h"

/* ---- small helpers ---------------------------------------------------------------------- */

static void CoreCopyBytes(UINT8 *Destination, const UINT8 *Source, size_t Bytes)
{
    size_t index;
    for (index = 0; index < Bytes; index++) {
        Destination[index] = Source[index];
    }
}

static void CoreZeroBytes(UINT8 *Destination, size_t Bytes)
{
    size_t index;
    for (index = 0; index < Bytes; index++) {
        Destination[index] = 0;
    }
}

static void CoreListInit(CORE_LINK *Head)
{
    Head->Next = Head;
    Head->Prev = Head;
}

static int CoreListIsEmpty(const CORE_LINK *Head)
{
    return Head->Next == Head;
}

static void CoreListAppend(CORE_LINK *Head, CORE_LINK *Link)
{
    Link->Prev = Head->Prev;
    Link->Next = Head;
    Head->Prev->Next = Link;
    Head->Prev = Link;
}

static void CoreListRemove(CORE_LINK *Link)
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

#define CORE_CONTAINER(Pointer, Type, Field) ((Type *)(void *)((UINT8 *)(Pointer) - offsetof(Type, Field)))

/* Completions decided under the lock and delivered, in order, after it is released. */
typedef struct _CORE_COMPLETIONS {
    CORE_REQUEST *First;
    CORE_REQUEST *Last;
} CORE_COMPLETIONS;

static void CoreQueueCompletion(CORE_COMPLETIONS *Completions, CORE_REQUEST *Request, NTSTATUS Status, size_t Information)
{
    Request->CompleteStatus = Status;
    Request->CompleteInformation = Information;
    Request->CompleteNext = NULL;
    Request->Subscription = NULL;
    Request->File = NULL;
    if (Completions->Last == NULL) {
        Completions->First = Request;
    } else {
        Completions->Last->CompleteNext = Request;
    }
    Completions->Last = Request;
}

static void CoreDeliverCompletions(CORE *Core, CORE_COMPLETIONS *Completions)
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
    return CORE_RECORD_BYTES(header.Size);
}

static void CoreWriteBatchHeader(UINT8 *Buffer, UINT32 Count, size_t BytesUsed, UINT64 DroppedTotal)
{
    INVERTED_CALL_BATCH_HEADER header;
    CoreZeroBytes((UINT8 *)&header, sizeof(header));
    header.Version = INVERTED_CALL_PROTOCOL_VERSION;
    header.Count = Count;
    header.BytesUsed = (UINT32)BytesUsed;
    header.Flags = 0;
    header.DroppedTotal = DroppedTotal;
    CoreCopyBytes(Buffer, (const UINT8 *)&header, sizeof(header));
}

/* Encodes one record (header, payload, zero padding) at Destination; returns its byte count. */
static size_t CoreEncodeRecord(UINT8 *Destination, UINT64 Sequence, UINT16 Kind, const UINT8 *Payload, UINT32 PayloadBytes)
{
    INVERTED_CALL_RECORD_HEADER header;
    size_t total = CORE_RECORD_BYTES(PayloadBytes);
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
    CoreWriteBatchHeader(Request->OutputBuffer, count, used, Subscription->DroppedTotal);
    return used;
}

/* ---- parked requests ------------------------------------------------------------------ */

static void CoreUnpark(CORE_REQUEST *Request)
{
    CoreListRemove(&Request->SubscriptionLink);
    CoreListRemove(&Request->FileLink);
}

/* ---- entry points --------------------------------------------------------------------- */

NTSTATUS CoreInitialize(CORE *Core, const CORE_OPS *Ops, const CORE_CHANNEL_CONFIG *Channels, UINT32 ChannelCount)
{
    UINT32 index;
    size_t minimum = sizeof(INVERTED_CALL_BATCH_HEADER) + sizeof(INVERTED_CALL_RECORD_HEADER);

    if (Core == NULL || Ops == NULL || Ops->Allocate == NULL || Ops->Free == NULL || Ops->Lock == NULL ||
        Ops->Unlock == NULL || Ops->CompleteRequest == NULL || (Channels == NULL && ChannelCount != 0)) {
        return STATUS_INVALID_PARAMETER;
    }
    for (index = 0; index < ChannelCount; index++) {
        const CORE_CHANNEL_CONFIG *config = &Channels[index];
        if (config->Capacity < 1u || config->Overflow > CORE_OVERFLOW_DROP_OLDEST || config->MinimumOutputBytes < minimum ||
            (config->MinimumOutputBytes % 8u) != 0u) {
            return STATUS_INVALID_PARAMETER;
        }
    }
    Core->Ops = *Ops;
    Core->ChannelCount = ChannelCount;
    Core->Channels = NULL;
    if (ChannelCount > 0) {
        Core->Channels = (CORE_CHANNEL *)Ops->Allocate(Ops->Context, sizeof(CORE_CHANNEL) * (size_t)ChannelCount);
        if (Core->Channels == NULL) {
            Core->ChannelCount = 0;
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    for (index = 0; index < ChannelCount; index++) {
        Core->Channels[index].Config = Channels[index];
        Core->Channels[index].MaxPayloadBytes =
            (size_t)Channels[index].MinimumOutputBytes - sizeof(INVERTED_CALL_BATCH_HEADER) - sizeof(INVERTED_CALL_RECORD_HEADER);
        CoreListInit(&Core->Channels[index].Subscriptions);
    }
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

void CoreFileOpen(CORE *Core, CORE_FILE *File)
{
    (void)Core;
    CoreListInit(&File->Subscriptions);
    CoreListInit(&File->Parked);
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
        /* R5 (via R4): its parked requests are cancelled, oldest first. */
        while (!CoreListIsEmpty(&File->Parked)) {
            CORE_REQUEST *request = CORE_CONTAINER(File->Parked.Next, CORE_REQUEST, FileLink);
            CoreUnpark(request);
            CoreQueueCompletion(&completions, request, STATUS_CANCELLED, 0);
        }
        /* Its subscriptions leave their channels' fan-out lists now; memory is freed unlocked. */
        while (!CoreListIsEmpty(&File->Subscriptions)) {
            CORE_SUBSCRIPTION *subscription = CORE_CONTAINER(File->Subscriptions.Next, CORE_SUBSCRIPTION, FileLink);
            CoreListRemove(&subscription->FileLink);
            CoreListRemove(&subscription->ChannelLink);
            CoreListAppend(&detached, &subscription->FileLink);
        }
        File->Open = 0;
    }
    Core->Ops.Unlock(Core->Ops.Context, lockState);

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
    size_t slotBytes = CORE_RECORD_BYTES(channel->MaxPayloadBytes);
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
    CoreListInit(&subscription->Parked);
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
    return subscription;
}

NTSTATUS CoreSubscribe(CORE *Core, CORE_FILE *File, UINT32 ChannelIndex, CORE_REQUEST *Request)
{
    CORE_COMPLETIONS completions = { NULL, NULL };
    CORE_SUBSCRIPTION *subscription;
    NTSTATUS status;
    uintptr_t lockState;

    Request->CompleteNext = NULL;
    Request->Subscription = NULL;
    Request->File = NULL;
    CoreListInit(&Request->SubscriptionLink);
    CoreListInit(&Request->FileLink);

    lockState = Core->Ops.Lock(Core->Ops.Context);
    if (ChannelIndex >= Core->ChannelCount || !File->Open) {
        status = ChannelIndex >= Core->ChannelCount ? STATUS_INVALID_DEVICE_REQUEST : STATUS_INVALID_PARAMETER;
        CoreQueueCompletion(&completions, Request, status, 0);
    } else if (Request->OutputBuffer == NULL || Request->OutputLength < Core->Channels[ChannelIndex].Config.MinimumOutputBytes) {
        /* R1: refused at once, never parked, no subscription created. */
        status = STATUS_BUFFER_TOO_SMALL;
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
            Request->Subscription = subscription;
            Request->File = File;
            CoreListAppend(&subscription->Parked, &Request->SubscriptionLink);
            CoreListAppend(&File->Parked, &Request->FileLink);
            status = STATUS_PENDING;
        }
    }
    Core->Ops.Unlock(Core->Ops.Context, lockState);
    CoreDeliverCompletions(Core, &completions);
    return status;
}

int CoreCancel(CORE *Core, CORE_REQUEST *Request)
{
    CORE_COMPLETIONS completions = { NULL, NULL };
    int found = 0;
    uintptr_t lockState = Core->Ops.Lock(Core->Ops.Context);
    if (Request->Subscription != NULL) {
        CoreUnpark(Request);
        CoreQueueCompletion(&completions, Request, STATUS_CANCELLED, 0);
        found = 1;
    }
    Core->Ops.Unlock(Core->Ops.Context, lockState);
    CoreDeliverCompletions(Core, &completions);
    return found;
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

        if (subscription->Count == 0 && !CoreListIsEmpty(&subscription->Parked)) {
            CORE_REQUEST *request = CORE_CONTAINER(subscription->Parked.Next, CORE_REQUEST, SubscriptionLink);
            size_t used = sizeof(INVERTED_CALL_BATCH_HEADER);
            CoreUnpark(request);
            used += CoreEncodeRecord(request->OutputBuffer + used, sequence, Kind, (const UINT8 *)Payload, PayloadBytes);
            CoreWriteBatchHeader(request->OutputBuffer, 1u, used, subscription->DroppedTotal);
            CoreQueueCompletion(&completions, request, STATUS_SUCCESS, used);
            continue;
        }
        if (subscription->Count == subscription->Capacity) {
            subscription->DroppedTotal++;
            if (subscription->Overflow == CORE_OVERFLOW_DROP_NEWEST) {
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
