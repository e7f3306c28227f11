/*
 * Verdict.h - the portable core's verdict channels: the question table and its state machine
 * (rules V1-V9 of the verdict design: a kernel -> user question with a reply and a deadline).
 * Part of the template: do not edit.
 *
 * A question is asked by kernel code (the asker, e.g. the process-notify callback) with
 * CoreVerdictAsk. It either settles at once (no decider, pending limit, self-exemption, an asker
 * that may not wait) or is given a ticket the asker waits on. Deciders are handles that sent an
 * ask request (a parked request that receives ONE question); a reply is a request carrying the
 * question's id and the answer. Whoever settles a question first (reply, deadline, the decider's
 * close) wins; the others change nothing.
 *
 * The core never waits and never holds its lock across a wait (V8): the wait is the glue's. The
 * glue supplies, through CORE_VERDICT_OPS, a monotonic millisecond clock, a cancelable queue per
 * verdict for parked ask requests (the glue's, like the channels' manual queues: the core keeps no
 * parked list), and a wake-up for a waiting asker. The glue's wait, for a pending ticket:
 *
 *     status = KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &relativeDeadline);
 *     if (status == STATUS_TIMEOUT) CoreVerdictTimeout(core, &ticket);
 *     -> ticket.Outcome and the answer buffer hold the result.
 *
 * Memory: CoreVerdictInitialize allocates every verdict's table (MaxPending question slots with
 * their question bytes); asking allocates nothing. A decider's memory of settled ids (V5) is
 * allocated by its handle's first ask request of that verdict, as a channel's ring is by the first
 * subscribe request.
 */
#ifndef INVERTED_CALL_VERDICT_H
#define INVERTED_CALL_VERDICT_H

#include "Core.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef STATUS_NOT_FOUND
#define STATUS_NOT_FOUND ((NTSTATUS)0xC0000225L)
#endif
#ifndef STATUS_IO_TIMEOUT
#define STATUS_IO_TIMEOUT ((NTSTATUS)0xC00000B5L)
#endif
#ifndef STATUS_INVALID_DEVICE_STATE
#define STATUS_INVALID_DEVICE_STATE ((NTSTATUS)0xC0000184L)
#endif

/*
 * The wire headers of the ask and reply requests are the generated device header's
 * (INVERTED_CALL_VERDICT_QUESTION_HEADER, INVERTED_CALL_VERDICT_REPLY_HEADER): Core.h requires a
 * protocol-v2 header, which always declares them.
 */

/* How a question settled (V9). NONE: not settled yet. */
#define CORE_VERDICT_OUTCOME_NONE 0u
#define CORE_VERDICT_OUTCOME_ANSWERED 1u
#define CORE_VERDICT_OUTCOME_TIMED_OUT 2u
#define CORE_VERDICT_OUTCOME_DEFAULTED 3u
#define CORE_VERDICT_OUTCOME_REFUSED 4u

/* CoreVerdictAsk flags. CANNOT_WAIT: the asker runs above PASSIVE_LEVEL (V8): defaulted at once. */
#define CORE_VERDICT_ASK_CANNOT_WAIT 0x1u

struct _CORE_VERDICT_TICKET;

/*
 * What the glue provides for verdicts (Context is CORE_OPS.Context).
 *   NowMs: a monotonic clock in milliseconds (KeQueryInterruptTime / 10000). Any IRQL.
 *   ParkAskRequest (lock held): puts an ask request into the verdict's cancelable queue. After
 *     success the core forgets it; on failure the core completes it with the returned status.
 *   TakeAskRequest (lock held): takes back the oldest parked ask request of the verdict that is no
 *     longer cancelable: of File, or of any handle when File is NULL (V2: the longest waiting
 *     across deciders). NULL when none is left.
 *   WakeAsker (lock held, so it is never called after the asker's CoreVerdictTimeout returned and
 *     its ticket is gone): the ticket settled; wake its waiting asker (KeSetEvent(event, 0, FALSE)
 *     on the event Ticket->WaitContext names). Called at most once per ticket, and only for a
 *     ticket CoreVerdictAsk returned STATUS_PENDING for.
 */
typedef struct _CORE_VERDICT_OPS {
    UINT64 (*NowMs)(void *Context);
    NTSTATUS (*ParkAskRequest)(void *Context, CORE_REQUEST *Request, UINT32 VerdictIndex);
    CORE_REQUEST *(*TakeAskRequest)(void *Context, UINT32 VerdictIndex, CORE_FILE *File);
    void (*WakeAsker)(void *Context, struct _CORE_VERDICT_TICKET *Ticket);
} CORE_VERDICT_OPS;

/*
 * One asked question, in storage the asker owns (non-paged: the core writes the answer into it
 * with its spin lock held) until it has settled and the asker has stopped waiting. The asker sets
 * Answer and WaitContext before CoreVerdictAsk; the core fills in the rest.
 */
typedef struct _CORE_VERDICT_TICKET {
    void *WaitContext;        /* the glue's: what WakeAsker wakes (a KEVENT, say) */
    UINT8 *Answer;            /* AnswerBytes of the verdict: the reply's answer, else the default */
    UINT64 Id;                /* the question's id (V2), 0 when it settled at once */
    UINT32 VerdictIndex;
    UINT32 Slot;              /* core-private: where the question is in the table */
    UINT32 DeadlineMs;        /* how long the asker waits: the verdict's deadline */
    volatile UINT32 Outcome;  /* CORE_VERDICT_OUTCOME_*: NONE while unsettled */
} CORE_VERDICT_TICKET;

/* Per-verdict counters (V9); Asked = Answered + TimedOut + Defaulted + Refused + Unsettled. */
typedef struct _CORE_VERDICT_COUNTERS {
    UINT64 Asked;
    UINT64 Answered;
    UINT64 TimedOut;
    UINT64 Defaulted;
    UINT64 Refused;
    UINT32 Unsettled;         /* queued + delivered now */
    UINT32 Queued;
    UINT32 Deciders;          /* open handles that are deciders of the verdict (V1) */
} CORE_VERDICT_COUNTERS;

/* A (file, verdict) whose handle sent an ask request (V1); allocated by the core. */
typedef struct _CORE_VERDICT_DECIDER {
    CORE_LINK FileLink;       /* in CORE_FILE.Deciders */
    CORE_LINK VerdictLink;    /* in its verdict's list of deciders */
    CORE_FILE *File;
    UINT32 VerdictIndex;
    UINT64 ProcessId;         /* the process that sent its ask requests (V7) */
    UINT32 Delivered;         /* questions delivered to it and not settled */
    /* V5: its last MaxPending settled ids (a ring), and how each settled. */
    UINT64 *SettledIds;
    UINT8 *SettledOutcomes;
    UINT32 SettledHead;
    UINT32 SettledCount;
} CORE_VERDICT_DECIDER;

/*
 * Sets up the verdicts of the device, after CoreInitialize: checks the table (sizes, deadline and
 * MaxPending >= 1, a default answer, METHOD_BUFFERED codes used once and by no call or channel;
 * the schema owns the upper bounds) and
 * allocates every verdict's fixed table. Count may be 0 (Verdicts may then be NULL). A driver
 * passes its generated table, DeviceConfig.Verdicts and DeviceConfig.VerdictCount (anything else
 * is refused when the device table lists verdicts): the protocol information reports the counters
 * of verdict i for the device table's verdict i.
 * IRQL: PASSIVE_LEVEL (device creation).
 * Returns: STATUS_SUCCESS; STATUS_INVALID_PARAMETER (a bad table or missing op) or
 *   STATUS_INSUFFICIENT_RESOURCES, leaving nothing allocated.
 */
NTSTATUS CoreVerdictInitialize(CORE *Core, const CORE_VERDICT_OPS *Ops, const CORE_VERDICT_CONFIG *Verdicts, UINT32 Count);

/*
 * Frees what CoreVerdictInitialize allocated. Close every file first (CoreVerdictClose), and let
 * no asker be waiting. IRQL: PASSIVE_LEVEL. Returns nothing.
 */
void CoreVerdictUninitialize(CORE *Core);

/*
 * Which verdict an IOCTL code belongs to, for the glue's dispatch.
 * IRQL: any. Returns: 1 and *VerdictIndex, *IsReply when Code is a verdict's ask or reply code;
 *   else 0.
 */
int CoreVerdictFindCode(const CORE *Core, UINT32 Code, UINT32 *VerdictIndex, int *IsReply);

/*
 * Asks one question (V1-V4, V7, V8). Question holds QuestionBytes (the verdict's size exactly),
 * copied into the table. AskerProcessId is the process the question is raised for (the creating
 * process of a process creation): a decider in that process never gets it (V7). Ticket->Answer
 * must hold the verdict's AnswerBytes; Ticket->WaitContext is passed back to WakeAsker.
 * Settles at once with the default answer in Ticket->Answer: no decider (V1, DEFAULTED), the
 * self-exemption (V7, DEFAULTED), CORE_VERDICT_ASK_CANNOT_WAIT (V8, DEFAULTED), MaxPending
 * unsettled questions already (V3, REFUSED). Otherwise the question gets the next id and goes to
 * the oldest parked ask request of any decider, or waits in the verdict's queue.
 * IRQL: <= DISPATCH_LEVEL (the lock); Question and Ticket in non-paged memory.
 * Returns: STATUS_SUCCESS when settled at once (Ticket->Outcome says how); STATUS_PENDING when the
 *   asker must wait on the ticket (then CoreVerdictTimeout when the wait times out);
 *   STATUS_INVALID_PARAMETER for an unknown verdict, a wrong size or a NULL pointer.
 */
NTSTATUS CoreVerdictAsk(CORE *Core, UINT32 VerdictIndex, const void *Question, UINT32 QuestionBytes, UINT64 AskerProcessId,
                        UINT32 Flags, CORE_VERDICT_TICKET *Ticket);

/*
 * The asker's wait ended without a wake-up (V4, V8): settles the ticket's question with the
 * default (TIMED_OUT) unless it has settled meanwhile, in which case nothing changes. After this
 * returns the core no longer touches the ticket. Also harmless after a wake-up, and for a ticket
 * CoreVerdictAsk settled at once (its outcome is returned unchanged).
 * IRQL: <= DISPATCH_LEVEL (the lock). Returns: the ticket's outcome (CORE_VERDICT_OUTCOME_*).
 */
UINT32 CoreVerdictTimeout(CORE *Core, CORE_VERDICT_TICKET *Ticket);

/*
 * A decider's ask request (the verdict's ask code), after the I/O manager's access check. Input
 * present: STATUS_INVALID_PARAMETER. Output below the question header plus QuestionBytes:
 * STATUS_BUFFER_TOO_SMALL, never parked, the handle does not become a decider. Otherwise the
 * handle is a decider from now on (V1); the oldest queued question whose deadline has not passed
 * is written into the request (header: Id, RemainingMs, Size) and it completes with
 * 16 + QuestionBytes; with none, it is parked (ParkAskRequest) if the handle has fewer than
 * MaxParkedPerHandle requests parked (subscribe and ask requests together), else it completes with
 * STATUS_QUOTA_EXCEEDED. A cancelled parked ask request leaves the count through
 * CoreParkedRequestCancelled, as a subscribe request does. Queued questions found past their
 * deadline settle TIMED_OUT and are never delivered (V4). DeciderProcessId: the sender's process
 * (PsGetCurrentProcessId in the dispatch routine), for V7.
 * IRQL: <= DISPATCH_LEVEL (the lock).
 * Returns: STATUS_PENDING when parked; else the status the request was completed with before
 *   this returned (STATUS_CANCELLED for a handle being closed, STATUS_QUOTA_EXCEEDED,
 *   STATUS_INSUFFICIENT_RESOURCES).
 */
NTSTATUS CoreVerdictAskRequest(CORE *Core, CORE_FILE *File, UINT32 VerdictIndex, CORE_REQUEST *Request, UINT64 DeciderProcessId);

/*
 * A reply's content (V5): Input holds exactly the reply header plus the verdict's AnswerBytes.
 * Settles the question with this answer (ANSWERED) when it was delivered to File and has not
 * settled; otherwise changes nothing. The glue completes the reply request with the status.
 * IRQL: <= DISPATCH_LEVEL (the lock); Input in non-paged memory (the system buffer).
 * Returns: STATUS_SUCCESS (answered); STATUS_INVALID_PARAMETER (wrong length, unknown verdict);
 *   STATUS_NOT_FOUND (an id this handle was never given, is still queued, or was forgotten);
 *   STATUS_IO_TIMEOUT (this handle's question settled by its deadline); STATUS_INVALID_DEVICE_STATE
 *   (this handle answered it already).
 */
NTSTATUS CoreVerdictReply(CORE *Core, CORE_FILE *File, UINT32 VerdictIndex, const void *Input, size_t InputBytes);

/*
 * A reply request (the verdict's reply code): checks that it carries no output buffer
 * (STATUS_INVALID_PARAMETER), then CoreVerdictReply, and completes it with that status and no
 * bytes. IRQL: <= DISPATCH_LEVEL. Returns: the status it was completed with.
 */
NTSTATUS CoreVerdictReplyRequest(CORE *Core, CORE_FILE *File, UINT32 VerdictIndex, CORE_REQUEST *Request);

/*
 * The handle closes (V6): every question delivered to it and not settled settles at once with the
 * default (DEFAULTED); its parked ask requests are taken back and cancelled; a verdict left
 * without a decider settles its queued questions with the default (DEFAULTED). Call from the
 * glue's file cleanup, before or after CoreFileClose; again, harmlessly.
 * IRQL: <= DISPATCH_LEVEL (memory is freed after the lock is released). Returns nothing.
 */
void CoreVerdictClose(CORE *Core, CORE_FILE *File);

/*
 * Copies one verdict's counters (V9) for the protocol information.
 * IRQL: <= DISPATCH_LEVEL. Returns: STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for an unknown index.
 */
NTSTATUS CoreVerdictQueryCounters(CORE *Core, UINT32 VerdictIndex, CORE_VERDICT_COUNTERS *Counters);

#ifdef __cplusplus
}
#endif

#endif /* INVERTED_CALL_VERDICT_H */
