/*
 * Verdict.c - the portable core's verdict channels: the question table and rules V1-V9.
 * Part of the template: do not edit. See Verdict.h for the contract. No WDF/WDM calls, no CRT:
 * memory comes from CORE_OPS, the clock, the parked ask requests and the wake-up from
 * CORE_VERDICT_OPS. Every routine below that is not an entry point runs with the core's lock held.
 */
#include "Verdict.h"
#include "CoreInternal.h"

#define VERDICT_SLOT_FREE 0u
#define VERDICT_SLOT_QUEUED 1u
#define VERDICT_SLOT_DELIVERED 2u
#define VERDICT_NO_SLOT 0xFFFFFFFFu

/* One question of the table: free, queued (in the verdict's queue) or delivered to a decider. */
typedef struct _CORE_VERDICT_SLOT {
    CORE_LINK QueueLink;
    UINT64 Id;
    UINT64 DeadlineAtMs;
    CORE_VERDICT_TICKET *Ticket;
    CORE_VERDICT_DECIDER *Owner; /* while delivered */
    UINT32 State;
    UINT32 NextFree;
} CORE_VERDICT_SLOT;

typedef struct _CORE_VERDICT {
    CORE_VERDICT_CONFIG Config;
    CORE_VERDICT_SLOT *Slots;    /* MaxPending */
    UINT8 *Questions;            /* MaxPending * QuestionBytes */
    CORE_LINK Queue;             /* CORE_VERDICT_SLOT.QueueLink, FIFO */
    CORE_LINK Deciders;          /* CORE_VERDICT_DECIDER.VerdictLink */
    UINT32 FreeHead;
    UINT32 Unsettled;
    UINT32 Queued;
    UINT32 DeciderCount;
    UINT64 Asked;
    UINT64 Answered;
    UINT64 TimedOut;
    UINT64 Defaulted;
    UINT64 Refused;
} CORE_VERDICT;

struct _CORE_VERDICTS {
    CORE_VERDICT_OPS Ops;
    UINT64 NextQuestionId;       /* per device, from 1: 0 is never an id */
    UINT32 Count;
    CORE_VERDICT *Verdicts;
};

/* ---- helpers (lock held) ------------------------------------------------------------------- */

/* The METHOD_BUFFERED transfer type: the low two bits of an IOCTL code are 0. */
#define VERDICT_CODE_IS_BUFFERED(Code) (((Code) & 3u) == 0u)

/* Whether Code is already used by the protocol information, a call, a channel or an earlier verdict. */
static int VerdictCodeIsTaken(const CORE *Core, const CORE_VERDICT_CONFIG *Verdicts, UINT32 Before, UINT32 Code)
{
    const CORE_DEVICE_CONFIG *device = Core->Device;
    UINT32 index;
    if (CoreCodeIsTaken(device, Code, device->ChannelCount, device->CallCount)) {
        return 1;
    }
    for (index = 0; index < Before; index++) {
        if (Verdicts[index].AskCode == Code || Verdicts[index].ReplyCode == Code) {
            return 1;
        }
    }
    return 0;
}

static int VerdictConfigIsValid(const CORE *Core, const CORE_VERDICT_CONFIG *Verdicts, UINT32 Index)
{
    const CORE_VERDICT_CONFIG *config = &Verdicts[Index];
    /* The table's bytes must fit a size_t (they do on 64-bit; a 32-bit build gets a clear refusal). */
    if (config->MaxPending >= 1u && (size_t)config->QuestionBytes > ((size_t)-1) / 2u / (size_t)config->MaxPending) {
        return 0;
    }
    return config->QuestionBytes >= 1u && config->AnswerBytes >= 1u && config->DefaultAnswer != NULL && config->DeadlineMs >= 1u && config->MaxPending >= 1u &&
           config->AskCode != config->ReplyCode && VERDICT_CODE_IS_BUFFERED(config->AskCode) && VERDICT_CODE_IS_BUFFERED(config->ReplyCode) &&
           !VerdictCodeIsTaken(Core, Verdicts, Index, config->AskCode) && !VerdictCodeIsTaken(Core, Verdicts, Index, config->ReplyCode);
}

static CORE_VERDICT_DECIDER *VerdictFindDecider(CORE_FILE *File, UINT32 VerdictIndex)
{
    CORE_LINK *link;
    for (link = File->Deciders.Next; link != &File->Deciders; link = link->Next) {
        CORE_VERDICT_DECIDER *decider = CORE_CONTAINER(link, CORE_VERDICT_DECIDER, FileLink);
        if (decider->VerdictIndex == VerdictIndex) {
            return decider;
        }
    }
    return NULL;
}

/* V7: does a decider of the verdict run in the asker's process? (0: no process, never exempt) */
static int VerdictAskerIsDecider(const CORE_VERDICT *Verdict, UINT64 AskerProcessId)
{
    const CORE_LINK *link;
    if (AskerProcessId == 0) {
        return 0;
    }
    for (link = Verdict->Deciders.Next; link != &Verdict->Deciders; link = link->Next) {
        if (CORE_CONTAINER(link, CORE_VERDICT_DECIDER, VerdictLink)->ProcessId == AskerProcessId) {
            return 1;
        }
    }
    return 0;
}

/* V5: the decider remembers its last MaxPending settled ids (answered or timed out). */
static void VerdictRemember(CORE_VERDICT_DECIDER *Decider, UINT32 Capacity, UINT64 Id, UINT32 Outcome)
{
    UINT32 tail = Decider->SettledHead + Decider->SettledCount;
    if (tail >= Capacity) {
        tail -= Capacity;
    }
    Decider->SettledIds[tail] = Id;
    Decider->SettledOutcomes[tail] = (UINT8)Outcome;
    if (Decider->SettledCount < Capacity) {
        Decider->SettledCount++;
    } else {
        Decider->SettledHead = Decider->SettledHead + 1u == Capacity ? 0u : Decider->SettledHead + 1u;
    }
}

/* How the decider's question Id settled, if it still remembers it; CORE_VERDICT_OUTCOME_NONE if not. */
static UINT32 VerdictRecall(const CORE_VERDICT_DECIDER *Decider, UINT32 Capacity, UINT64 Id)
{
    UINT32 index;
    for (index = 0; index < Decider->SettledCount; index++) {
        UINT32 at = Decider->SettledHead + index;
        if (at >= Capacity) {
            at -= Capacity;
        }
        if (Decider->SettledIds[at] == Id) {
            return Decider->SettledOutcomes[at];
        }
    }
    return CORE_VERDICT_OUTCOME_NONE;
}

/* Counts one settled question under its outcome (V9). */
static void VerdictCount(CORE_VERDICT *Verdict, UINT32 Outcome)
{
    switch (Outcome) {
    case CORE_VERDICT_OUTCOME_ANSWERED: Verdict->Answered++; break;
    case CORE_VERDICT_OUTCOME_TIMED_OUT: Verdict->TimedOut++; break;
    case CORE_VERDICT_OUTCOME_REFUSED: Verdict->Refused++; break;
    default: Verdict->Defaulted++; break;
    }
}

/*
 * Settles the question in Slot (V8: whoever gets here first wins; a free slot is never settled):
 * the answer (Answer, or the default when NULL) goes into the ticket, the outcome is counted, the
 * slot is freed and, unless Wake is 0, the asker is woken.
 */
static void VerdictSettle(struct _CORE_VERDICTS *Verdicts, CORE_VERDICT *Verdict, CORE *Core, UINT32 Slot, UINT32 Outcome, const UINT8 *Answer, int Wake)
{
    CORE_VERDICT_SLOT *slot = &Verdict->Slots[Slot];
    CORE_VERDICT_TICKET *ticket = slot->Ticket;
    if (slot->State == VERDICT_SLOT_QUEUED) {
        CoreListRemove(&slot->QueueLink);
        Verdict->Queued--;
    } else if (slot->State == VERDICT_SLOT_DELIVERED) {
        slot->Owner->Delivered--;
        if (Outcome == CORE_VERDICT_OUTCOME_ANSWERED || Outcome == CORE_VERDICT_OUTCOME_TIMED_OUT) {
            VerdictRemember(slot->Owner, Verdict->Config.MaxPending, slot->Id, Outcome);
        }
    }
    Verdict->Unsettled--;
    VerdictCount(Verdict, Outcome);
    CoreCopyBytes(ticket->Answer, Answer != NULL ? Answer : Verdict->Config.DefaultAnswer, Verdict->Config.AnswerBytes);
    ticket->Outcome = Outcome;
    slot->State = VERDICT_SLOT_FREE;
    slot->Ticket = NULL;
    slot->Owner = NULL;
    slot->Id = 0;
    slot->NextFree = Verdict->FreeHead;
    Verdict->FreeHead = Slot;
    if (Wake) {
        Verdicts->Ops.WakeAsker(Core->Ops.Context, ticket);
    }
}

/* Writes the question in Slot into Request (header, question) and gives it to Decider (V2). */
static void VerdictDeliver(CORE_VERDICT *Verdict, UINT32 Slot, CORE_VERDICT_DECIDER *Decider, CORE_REQUEST *Request, UINT64 NowMs,
                           CORE_COMPLETIONS *Completions)
{
    CORE_VERDICT_SLOT *slot = &Verdict->Slots[Slot];
    INVERTED_CALL_VERDICT_QUESTION_HEADER header;
    UINT64 remaining = slot->DeadlineAtMs > NowMs ? slot->DeadlineAtMs - NowMs : 0u;
    CoreZeroBytes((UINT8 *)&header, sizeof(header));
    header.Id = slot->Id;
    header.RemainingMs = remaining > 0xFFFFFFFFu ? 0xFFFFFFFFu : (UINT32)remaining;
    header.Size = Verdict->Config.QuestionBytes;
    CoreCopyBytes(Request->OutputBuffer, (const UINT8 *)&header, sizeof(header));
    CoreCopyBytes(Request->OutputBuffer + sizeof(header), Verdict->Questions + (size_t)Slot * Verdict->Config.QuestionBytes, Verdict->Config.QuestionBytes);
    if (slot->State == VERDICT_SLOT_QUEUED) {
        CoreListRemove(&slot->QueueLink);
        Verdict->Queued--;
    }
    slot->State = VERDICT_SLOT_DELIVERED;
    slot->Owner = Decider;
    Decider->Delivered++;
    CoreQueueCompletion(Completions, Request, STATUS_SUCCESS, sizeof(header) + (size_t)Verdict->Config.QuestionBytes);
}

/* Settles every queued question with the default (V6: the verdict has no decider left). */
static void VerdictDefaultQueued(struct _CORE_VERDICTS *Verdicts, CORE_VERDICT *Verdict, CORE *Core)
{
    while (!CoreListIsEmpty(&Verdict->Queue)) {
        CORE_VERDICT_SLOT *slot = CORE_CONTAINER(Verdict->Queue.Next, CORE_VERDICT_SLOT, QueueLink);
        VerdictSettle(Verdicts, Verdict, Core, (UINT32)(slot - Verdict->Slots), CORE_VERDICT_OUTCOME_DEFAULTED, NULL, 1);
    }
}

/* A new decider (V1) with its memory of settled ids, MaxPending of them (V5); NULL without memory. */
static CORE_VERDICT_DECIDER *VerdictCreateDecider(CORE *Core, CORE_FILE *File, UINT32 VerdictIndex)
{
    CORE_VERDICT *verdict = &Core->Verdicts->Verdicts[VerdictIndex];
    CORE_VERDICT_DECIDER *decider = (CORE_VERDICT_DECIDER *)Core->Ops.Allocate(Core->Ops.Context, sizeof(CORE_VERDICT_DECIDER));
    if (decider == NULL) {
        return NULL;
    }
    decider->SettledIds = (UINT64 *)Core->Ops.Allocate(Core->Ops.Context, sizeof(UINT64) * (size_t)verdict->Config.MaxPending);
    decider->SettledOutcomes = decider->SettledIds == NULL ? NULL : (UINT8 *)Core->Ops.Allocate(Core->Ops.Context, verdict->Config.MaxPending);
    if (decider->SettledOutcomes == NULL) {
        Core->Ops.Free(Core->Ops.Context, decider->SettledIds);
        Core->Ops.Free(Core->Ops.Context, decider);
        return NULL;
    }
    decider->File = File;
    decider->VerdictIndex = VerdictIndex;
    decider->ProcessId = 0;
    decider->Delivered = 0;
    decider->SettledHead = 0;
    decider->SettledCount = 0;
    CoreListAppend(&File->Deciders, &decider->FileLink);
    CoreListAppend(&verdict->Deciders, &decider->VerdictLink);
    verdict->DeciderCount++;
    return decider;
}

/* ---- entry points -------------------------------------------------------------------------- */

NTSTATUS CoreVerdictInitialize(CORE *Core, const CORE_VERDICT_OPS *Ops, const CORE_VERDICT_CONFIG *Verdicts, UINT32 Count)
{
    struct _CORE_VERDICTS *table;
    UINT32 index;

    if (Core == NULL || Ops == NULL || Ops->NowMs == NULL || Ops->ParkAskRequest == NULL || Ops->TakeAskRequest == NULL ||
        Ops->WakeAsker == NULL || (Verdicts == NULL && Count != 0)) {
        return STATUS_INVALID_PARAMETER;
    }
    /* The protocol information reports verdict i of the device table: a device that lists verdicts sets up exactly those. */
    if (Core->Device->VerdictCount != 0 && (Verdicts != Core->Device->Verdicts || Count != Core->Device->VerdictCount)) {
        return STATUS_INVALID_PARAMETER;
    }
    for (index = 0; index < Count; index++) {
        if (!VerdictConfigIsValid(Core, Verdicts, index)) {
            return STATUS_INVALID_PARAMETER;
        }
    }
    table = (struct _CORE_VERDICTS *)Core->Ops.Allocate(Core->Ops.Context, sizeof(*table));
    if (table == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    table->Ops = *Ops;
    table->NextQuestionId = 1;
    table->Count = 0;
    table->Verdicts = NULL;
    Core->Verdicts = table;
    if (Count > 0) {
        table->Verdicts = (CORE_VERDICT *)Core->Ops.Allocate(Core->Ops.Context, sizeof(CORE_VERDICT) * (size_t)Count);
        if (table->Verdicts == NULL) {
            CoreVerdictUninitialize(Core);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    for (index = 0; index < Count; index++) {
        CORE_VERDICT *verdict = &table->Verdicts[index];
        UINT32 slot;
        verdict->Config = Verdicts[index];
        verdict->Slots = (CORE_VERDICT_SLOT *)Core->Ops.Allocate(Core->Ops.Context, sizeof(CORE_VERDICT_SLOT) * (size_t)verdict->Config.MaxPending);
        verdict->Questions = verdict->Slots == NULL ? NULL
                                                    : (UINT8 *)Core->Ops.Allocate(Core->Ops.Context, (size_t)verdict->Config.QuestionBytes * verdict->Config.MaxPending);
        table->Count = index + 1u; /* so that Uninitialize frees this one too */
        if (verdict->Questions == NULL) {
            CoreVerdictUninitialize(Core);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        CoreListInit(&verdict->Queue);
        CoreListInit(&verdict->Deciders);
        for (slot = 0; slot < verdict->Config.MaxPending; slot++) {
            verdict->Slots[slot].State = VERDICT_SLOT_FREE;
            verdict->Slots[slot].Id = 0;
            verdict->Slots[slot].Ticket = NULL;
            verdict->Slots[slot].Owner = NULL;
            verdict->Slots[slot].NextFree = slot + 1u < verdict->Config.MaxPending ? slot + 1u : VERDICT_NO_SLOT;
        }
        verdict->FreeHead = 0;
        verdict->Unsettled = 0;
        verdict->Queued = 0;
        verdict->DeciderCount = 0;
        verdict->Asked = 0;
        verdict->Answered = 0;
        verdict->TimedOut = 0;
        verdict->Defaulted = 0;
        verdict->Refused = 0;
    }
    return STATUS_SUCCESS;
}

void CoreVerdictUninitialize(CORE *Core)
{
    struct _CORE_VERDICTS *table = Core->Verdicts;
    UINT32 index;
    if (table == NULL) {
        return;
    }
    for (index = 0; index < table->Count; index++) {
        Core->Ops.Free(Core->Ops.Context, table->Verdicts[index].Questions);
        Core->Ops.Free(Core->Ops.Context, table->Verdicts[index].Slots);
    }
    Core->Ops.Free(Core->Ops.Context, table->Verdicts);
    Core->Ops.Free(Core->Ops.Context, table);
    Core->Verdicts = NULL;
}

int CoreVerdictFindCode(const CORE *Core, UINT32 Code, UINT32 *VerdictIndex, int *IsReply)
{
    UINT32 index;
    if (Core->Verdicts == NULL) {
        return 0;
    }
    for (index = 0; index < Core->Verdicts->Count; index++) {
        const CORE_VERDICT_CONFIG *config = &Core->Verdicts->Verdicts[index].Config;
        if (config->AskCode == Code || config->ReplyCode == Code) {
            *VerdictIndex = index;
            *IsReply = config->ReplyCode == Code;
            return 1;
        }
    }
    return 0;
}

NTSTATUS CoreVerdictAsk(CORE *Core, UINT32 VerdictIndex, const void *Question, UINT32 QuestionBytes, UINT64 AskerProcessId,
                        UINT32 Flags, CORE_VERDICT_TICKET *Ticket)
{
    struct _CORE_VERDICTS *table = Core->Verdicts;
    CORE_COMPLETIONS completions = { NULL, NULL };
    CORE_VERDICT *verdict;
    UINT32 outcome = CORE_VERDICT_OUTCOME_NONE;
    NTSTATUS status = STATUS_PENDING;
    uintptr_t lockState;

    if (table == NULL || VerdictIndex >= table->Count || Question == NULL || Ticket == NULL || Ticket->Answer == NULL ||
        QuestionBytes != table->Verdicts[VerdictIndex].Config.QuestionBytes) {
        return STATUS_INVALID_PARAMETER;
    }
    verdict = &table->Verdicts[VerdictIndex];
    Ticket->Id = 0;
    Ticket->VerdictIndex = VerdictIndex;
    Ticket->Slot = VERDICT_NO_SLOT;
    Ticket->DeadlineMs = verdict->Config.DeadlineMs;
    Ticket->Outcome = CORE_VERDICT_OUTCOME_NONE;

    lockState = Core->Ops.Lock(Core->Ops.Context);
    verdict->Asked++;
    if (verdict->DeciderCount == 0 || VerdictAskerIsDecider(verdict, AskerProcessId) || (Flags & CORE_VERDICT_ASK_CANNOT_WAIT) != 0) {
        outcome = CORE_VERDICT_OUTCOME_DEFAULTED; /* V1, V7, V8 */
    } else if (verdict->Unsettled >= verdict->Config.MaxPending) {
        outcome = CORE_VERDICT_OUTCOME_REFUSED;   /* V3 */
    }
    if (outcome != CORE_VERDICT_OUTCOME_NONE) {
        VerdictCount(verdict, outcome);
        CoreCopyBytes(Ticket->Answer, verdict->Config.DefaultAnswer, verdict->Config.AnswerBytes);
        Ticket->Outcome = outcome;
        status = STATUS_SUCCESS;
    } else {
        /* A free slot exists: slots are freed as questions settle, and fewer than MaxPending are unsettled. */
        UINT32 slotIndex = verdict->FreeHead;
        CORE_VERDICT_SLOT *slot = &verdict->Slots[slotIndex];
        UINT64 now = table->Ops.NowMs(Core->Ops.Context);
        CORE_REQUEST *request;
        verdict->FreeHead = slot->NextFree;
        verdict->Unsettled++;
        slot->Id = table->NextQuestionId++;
        slot->DeadlineAtMs = now + verdict->Config.DeadlineMs;
        slot->Ticket = Ticket;
        slot->Owner = NULL;
        slot->State = VERDICT_SLOT_QUEUED;
        CoreCopyBytes(verdict->Questions + (size_t)slotIndex * verdict->Config.QuestionBytes, (const UINT8 *)Question, QuestionBytes);
        CoreListAppend(&verdict->Queue, &slot->QueueLink);
        verdict->Queued++;
        Ticket->Id = slot->Id;
        Ticket->Slot = slotIndex;
        /* V2: the ask request that has waited longest, across deciders; else it stays queued. */
        request = table->Ops.TakeAskRequest(Core->Ops.Context, VerdictIndex, NULL);
        if (request != NULL) {
            /* Its handle is a decider: it parked the request, and CoreVerdictClose takes back all of its requests. */
            CORE_VERDICT_DECIDER *decider = request->AskFile == NULL ? NULL : VerdictFindDecider(request->AskFile, VerdictIndex);
            request->AskFile = NULL;
            CoreUncountParked(request);
            if (decider != NULL) {
                VerdictDeliver(verdict, slotIndex, decider, request, now, &completions);
            } else {
                CoreQueueCompletion(&completions, request, STATUS_CANCELLED, 0); /* never happens; the question stays queued */
            }
        }
    }
    Core->Ops.Unlock(Core->Ops.Context, lockState);
    CoreDeliverCompletions(Core, &completions);
    return status;
}

UINT32 CoreVerdictTimeout(CORE *Core, CORE_VERDICT_TICKET *Ticket)
{
    struct _CORE_VERDICTS *table = Core->Verdicts;
    UINT32 outcome;
    uintptr_t lockState = Core->Ops.Lock(Core->Ops.Context);
    if (Ticket->Outcome == CORE_VERDICT_OUTCOME_NONE) {
        /* Unsettled: the ticket's slot still holds its question (a settled one frees its slot). The
         * check of the slot only guards against a ticket CoreVerdictAsk never made pending. */
        CORE_VERDICT *verdict = table != NULL && Ticket->VerdictIndex < table->Count ? &table->Verdicts[Ticket->VerdictIndex] : NULL;
        if (verdict != NULL && Ticket->Slot < verdict->Config.MaxPending && verdict->Slots[Ticket->Slot].Ticket == Ticket) {
            VerdictSettle(table, verdict, Core, Ticket->Slot, CORE_VERDICT_OUTCOME_TIMED_OUT, NULL, 0); /* the asker waits no more */
        }
    }
    outcome = Ticket->Outcome;
    Core->Ops.Unlock(Core->Ops.Context, lockState);
    return outcome;
}

NTSTATUS CoreVerdictAskRequest(CORE *Core, CORE_FILE *File, UINT32 VerdictIndex, CORE_REQUEST *Request, UINT64 DeciderProcessId)
{
    struct _CORE_VERDICTS *table = Core->Verdicts;
    CORE_COMPLETIONS completions = { NULL, NULL };
    CORE_VERDICT *verdict;
    CORE_VERDICT_DECIDER *decider;
    NTSTATUS status;
    uintptr_t lockState;

    Request->CompleteNext = NULL;
    Request->ParkedFile = NULL;
    Request->AskFile = NULL;
    if (Request->InputBuffer == NULL) {
        Request->InputLength = 0;
    }
    if (Request->OutputBuffer == NULL) {
        Request->OutputLength = 0;
    }
    if (table == NULL || VerdictIndex >= table->Count || Request->InputLength != 0) {
        Core->Ops.CompleteRequest(Core->Ops.Context, Request, STATUS_INVALID_PARAMETER, 0);
        return STATUS_INVALID_PARAMETER;
    }
    verdict = &table->Verdicts[VerdictIndex];
    if (Request->OutputLength < sizeof(INVERTED_CALL_VERDICT_QUESTION_HEADER) + (size_t)verdict->Config.QuestionBytes) {
        Core->Ops.CompleteRequest(Core->Ops.Context, Request, STATUS_BUFFER_TOO_SMALL, 0);
        return STATUS_BUFFER_TOO_SMALL; /* never parked; the handle does not become a decider */
    }

    lockState = Core->Ops.Lock(Core->Ops.Context);
    decider = VerdictFindDecider(File, VerdictIndex);
    if (!File->Open || File->VerdictsClosed) {
        status = STATUS_CANCELLED; /* racing its handle's cleanup: nothing may be parked for it */
        CoreQueueCompletion(&completions, Request, status, 0);
    } else {
        if (decider == NULL) {
            decider = VerdictCreateDecider(Core, File, VerdictIndex);
        }
        if (decider == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            CoreQueueCompletion(&completions, Request, status, 0);
        } else {
            UINT64 now = table->Ops.NowMs(Core->Ops.Context);
            decider->ProcessId = DeciderProcessId;
            status = STATUS_PENDING;
            /* The oldest queued question still in time; those past their deadline are never delivered (V4). */
            while (!CoreListIsEmpty(&verdict->Queue)) {
                CORE_VERDICT_SLOT *slot = CORE_CONTAINER(verdict->Queue.Next, CORE_VERDICT_SLOT, QueueLink);
                UINT32 slotIndex = (UINT32)(slot - verdict->Slots);
                if (slot->DeadlineAtMs <= now) {
                    VerdictSettle(table, verdict, Core, slotIndex, CORE_VERDICT_OUTCOME_TIMED_OUT, NULL, 1);
                    continue;
                }
                VerdictDeliver(verdict, slotIndex, decider, Request, now, &completions);
                status = STATUS_SUCCESS;
                break;
            }
            if (status == STATUS_PENDING && CoreParkedLimitReached(Core, File)) {
                /* Parked ask requests count against MaxParkedPerHandle with the subscribe requests. */
                status = STATUS_QUOTA_EXCEEDED;
                CoreQueueCompletion(&completions, Request, status, 0);
            } else if (status == STATUS_PENDING) {
                status = table->Ops.ParkAskRequest(Core->Ops.Context, Request, VerdictIndex);
                if (CORE_SUCCESS(status)) {
                    Request->AskFile = File;
                    CoreCountParked(File, Request);
                    status = STATUS_PENDING;
                } else {
                    CoreQueueCompletion(&completions, Request, status, 0);
                }
            }
        }
    }
    Core->Ops.Unlock(Core->Ops.Context, lockState);
    CoreDeliverCompletions(Core, &completions);
    return status;
}

NTSTATUS CoreVerdictReply(CORE *Core, CORE_FILE *File, UINT32 VerdictIndex, const void *Input, size_t InputBytes)
{
    struct _CORE_VERDICTS *table = Core->Verdicts;
    CORE_VERDICT *verdict;
    INVERTED_CALL_VERDICT_REPLY_HEADER header;
    const UINT8 *answer;
    NTSTATUS status = STATUS_NOT_FOUND;
    uintptr_t lockState;
    UINT32 index;

    if (table == NULL || VerdictIndex >= table->Count || Input == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    verdict = &table->Verdicts[VerdictIndex];
    if (InputBytes != sizeof(header) + (size_t)verdict->Config.AnswerBytes) {
        return STATUS_INVALID_PARAMETER;
    }
    CoreCopyBytes((UINT8 *)&header, (const UINT8 *)Input, sizeof(header));
    answer = (const UINT8 *)Input + sizeof(header);

    lockState = Core->Ops.Lock(Core->Ops.Context);
    for (index = 0; index < verdict->Config.MaxPending; index++) {
        const CORE_VERDICT_SLOT *slot = &verdict->Slots[index];
        if (slot->State == VERDICT_SLOT_DELIVERED && slot->Id == header.Id && header.Id != 0) {
            if (slot->Owner->File == File) {
                VerdictSettle(table, verdict, Core, index, CORE_VERDICT_OUTCOME_ANSWERED, answer, 1);
                status = STATUS_SUCCESS;
            }
            break; /* another handle's question: not found for this one */
        }
    }
    if (status == STATUS_NOT_FOUND) {
        const CORE_VERDICT_DECIDER *decider = VerdictFindDecider(File, VerdictIndex);
        UINT32 outcome = decider == NULL || header.Id == 0 ? CORE_VERDICT_OUTCOME_NONE : VerdictRecall(decider, verdict->Config.MaxPending, header.Id);
        if (outcome == CORE_VERDICT_OUTCOME_ANSWERED) {
            status = STATUS_INVALID_DEVICE_STATE;
        } else if (outcome == CORE_VERDICT_OUTCOME_TIMED_OUT) {
            status = STATUS_IO_TIMEOUT;
        }
    }
    Core->Ops.Unlock(Core->Ops.Context, lockState);
    return status;
}

NTSTATUS CoreVerdictReplyRequest(CORE *Core, CORE_FILE *File, UINT32 VerdictIndex, CORE_REQUEST *Request)
{
    NTSTATUS status;
    if (Request->OutputBuffer != NULL && Request->OutputLength != 0) {
        status = STATUS_INVALID_PARAMETER; /* a reply has no output */
    } else {
        status = CoreVerdictReply(Core, File, VerdictIndex, Request->InputBuffer, Request->InputBuffer == NULL ? 0u : Request->InputLength);
    }
    Core->Ops.CompleteRequest(Core->Ops.Context, Request, status, 0);
    return status;
}

void CoreVerdictClose(CORE *Core, CORE_FILE *File)
{
    struct _CORE_VERDICTS *table = Core->Verdicts;
    CORE_COMPLETIONS completions = { NULL, NULL };
    CORE_LINK detached;
    uintptr_t lockState;

    if (table == NULL) {
        return;
    }
    CoreListInit(&detached);
    lockState = Core->Ops.Lock(Core->Ops.Context);
    File->VerdictsClosed = 1;
    while (!CoreListIsEmpty(&File->Deciders)) {
        CORE_VERDICT_DECIDER *decider = CORE_CONTAINER(File->Deciders.Next, CORE_VERDICT_DECIDER, FileLink);
        CORE_VERDICT *verdict = &table->Verdicts[decider->VerdictIndex];
        CORE_REQUEST *request;
        UINT32 index;
        /* Its parked ask requests are cancelled; none of them was written into. */
        while ((request = table->Ops.TakeAskRequest(Core->Ops.Context, decider->VerdictIndex, File)) != NULL) {
            request->AskFile = NULL;
            CoreUncountParked(request);
            CoreQueueCompletion(&completions, request, STATUS_CANCELLED, 0);
        }
        /* V6: what was delivered to it settles with the default at once. */
        for (index = 0; index < verdict->Config.MaxPending && decider->Delivered > 0; index++) {
            if (verdict->Slots[index].State == VERDICT_SLOT_DELIVERED && verdict->Slots[index].Owner == decider) {
                VerdictSettle(table, verdict, Core, index, CORE_VERDICT_OUTCOME_DEFAULTED, NULL, 1);
            }
        }
        CoreListRemove(&decider->FileLink);
        CoreListRemove(&decider->VerdictLink);
        CoreListAppend(&detached, &decider->FileLink);
        verdict->DeciderCount--;
        if (verdict->DeciderCount == 0) {
            VerdictDefaultQueued(table, verdict, Core);
        }
    }
    Core->Ops.Unlock(Core->Ops.Context, lockState);

    while (!CoreListIsEmpty(&detached)) {
        CORE_VERDICT_DECIDER *decider = CORE_CONTAINER(detached.Next, CORE_VERDICT_DECIDER, FileLink);
        CoreListRemove(&decider->FileLink);
        Core->Ops.Free(Core->Ops.Context, decider->SettledOutcomes);
        Core->Ops.Free(Core->Ops.Context, decider->SettledIds);
        Core->Ops.Free(Core->Ops.Context, decider);
    }
    CoreDeliverCompletions(Core, &completions);
}

NTSTATUS CoreVerdictQueryCounters(CORE *Core, UINT32 VerdictIndex, CORE_VERDICT_COUNTERS *Counters)
{
    const CORE_VERDICT *verdict;
    uintptr_t lockState;
    if (Core->Verdicts == NULL || VerdictIndex >= Core->Verdicts->Count || Counters == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    verdict = &Core->Verdicts->Verdicts[VerdictIndex];
    lockState = Core->Ops.Lock(Core->Ops.Context);
    Counters->Asked = verdict->Asked;
    Counters->Answered = verdict->Answered;
    Counters->TimedOut = verdict->TimedOut;
    Counters->Defaulted = verdict->Defaulted;
    Counters->Refused = verdict->Refused;
    Counters->Unsettled = verdict->Unsettled;
    Counters->Queued = verdict->Queued;
    Counters->Deciders = verdict->DeciderCount;
    Core->Ops.Unlock(Core->Ops.Context, lockState);
    return STATUS_SUCCESS;
}
