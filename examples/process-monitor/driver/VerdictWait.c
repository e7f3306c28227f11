/*
 * VerdictWait.c - the asker's timed wait and the clock and wake-up ops of verdicts (VerdictWait.h).
 * Part of the template: do not edit. Shared by the KMDF and the WDM flavour; DDK calls only.
 */
#include "VerdictWait.h"

/*
 * VerdictWaitNowMs (CORE_VERDICT_OPS.NowMs)
 *   The interrupt time (100-ns units since boot, not adjusted by clock changes) in milliseconds.
 * IRQL: any.
 * Returns: milliseconds since boot.
 */
UINT64 VerdictWaitNowMs(void *Context)
{
    (void)Context;
    return (UINT64)KeQueryInterruptTime() / 10000u;
}

/*
 * VerdictWaitWake (CORE_VERDICT_OPS.WakeAsker)
 *   The ticket's question settled: wakes the asker waiting in VerdictWaitAsk. The core calls this
 *   with its lock held, so the asker, which takes that lock once more after its wait
 *   (CoreVerdictTimeout), cannot leave and free the event while KeSetEvent is still using it.
 * IRQL: DISPATCH_LEVEL (KeSetEvent with Wait FALSE is allowed there).
 * Returns: nothing.
 */
void VerdictWaitWake(void *Context, CORE_VERDICT_TICKET *Ticket)
{
    (void)Context;
    (void)KeSetEvent((PKEVENT)Ticket->WaitContext, IO_NO_INCREMENT, FALSE);
}

NTSTATUS VerdictWaitAsk(CORE *Core, UINT32 VerdictIndex, const void *Question, UINT32 QuestionBytes, UINT64 AskerProcessId, UINT32 Flags,
                        void *Answer, VERDICT_WAIT_RESULT *Result)
{
    CORE_VERDICT_TICKET ticket;
    KEVENT settled;
    NTSTATUS status;

    RtlZeroMemory(&ticket, sizeof(ticket));
    /* V8: only PASSIVE_LEVEL may wait; the core settles anything else with the default at once. */
    if (KeGetCurrentIrql() > PASSIVE_LEVEL) {
        Flags |= VERDICT_WAIT_CANNOT_WAIT;
    }
    KeInitializeEvent(&settled, NotificationEvent, FALSE);
    ticket.WaitContext = &settled;
    ticket.Answer = (UINT8 *)Answer;
    status = CoreVerdictAsk(Core, VerdictIndex, Question, QuestionBytes, AskerProcessId, Flags & VERDICT_WAIT_CANNOT_WAIT, &ticket);
    if (status == STATUS_PENDING) {
        LARGE_INTEGER timeout;
        /* Relative (negative), in 100-ns units: the verdict's deadline from now. */
        timeout.QuadPart = -(LONGLONG)ticket.DeadlineMs * 10000;
        /* KernelMode and not alertable: only STATUS_SUCCESS (woken) or STATUS_TIMEOUT can come back,
         * and this stack (event, ticket, maybe Answer) stays resident while it waits. */
        (void)KeWaitForSingleObject(&settled, Executive, KernelMode, FALSE, &timeout);
        /* Always, woken or not: on a timeout this settles the question with the default (V4); after
         * a wake-up it changes nothing but waits for the core's lock, which WakeAsker held while it
         * signalled the event, so the event is no longer in use when this frame ends. */
        (void)CoreVerdictTimeout(Core, &ticket);
        status = STATUS_SUCCESS;
    }
    if (NT_SUCCESS(status)) {
        Result->Outcome = ticket.Outcome;
        Result->Id = ticket.Id;
    }
    return status;
}
