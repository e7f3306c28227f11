/*
 * VerdictWait.h - the asker's side of a verdict, shared by the KMDF and the WDM glue: the clock and
 * the wake-up the core asks the glue for (CORE_VERDICT_OPS.NowMs, .WakeAsker), and the timed wait of
 * kernel code that asks a question (rules V4 and V8). Part of the template: do not edit.
 *
 * The core never waits (Verdict.h). Whoever asks waits here, on a KEVENT on its own stack, at
 * PASSIVE_LEVEL, for at most the verdict's deadline; the core settles the question with the default
 * if no reply came by then. Only the DDK is used, so one file serves both flavours.
 *
 * Under Wine every IRP of a driver is dispatched by one thread: a dispatch routine that waited here
 * would keep the decider's reply from ever being dispatched. The test IOCTLs that ask (AskTest.h,
 * NotifyTest.h) therefore ask on a worker thread (TestWorkerStart), as Windows asks in the thread
 * that creates a process.
 */
#ifndef VERDICT_WAIT_H
#define VERDICT_WAIT_H

#include <ntddk.h>

#include "Verdict.h"

/* CORE_VERDICT_OPS.NowMs: the interrupt time in milliseconds (monotonic). Any IRQL. */
UINT64 VerdictWaitNowMs(void *Context);

/* CORE_VERDICT_OPS.WakeAsker: signals the KEVENT the ticket's WaitContext names. DISPATCH_LEVEL
 * (the core's lock is held). */
void VerdictWaitWake(void *Context, CORE_VERDICT_TICKET *Ticket);

/* The result of one question, as the asker sees it. */
typedef struct _VERDICT_WAIT_RESULT {
    UINT32 Outcome;           /* CORE_VERDICT_OUTCOME_ANSWERED, _TIMED_OUT, _DEFAULTED or _REFUSED */
    UINT64 Id;                /* the question's id; 0 when it settled at once */
} VERDICT_WAIT_RESULT;

/* Flags of VerdictWaitAsk. */
#define VERDICT_WAIT_CANNOT_WAIT CORE_VERDICT_ASK_CANNOT_WAIT /* treat the caller as above PASSIVE_LEVEL (V8) */

/*
 * Asks verdict VerdictIndex one question and waits for it to settle (V1-V8): the decider's answer,
 * or the verdict's default answer (no decider, its deadline, its pending limit, the asker's own
 * process deciding, a decider closing). Answer receives the verdict's AnswerBytes either way.
 * IRQL: any <= DISPATCH_LEVEL; only a caller at PASSIVE_LEVEL (and without
 *   VERDICT_WAIT_CANNOT_WAIT) waits, for at most the verdict's deadline; any other gets the default
 *   at once. Question and Answer in non-paged memory (the core copies with its spin lock held).
 * Returns: STATUS_SUCCESS with *Result filled in; STATUS_INVALID_PARAMETER for an unknown verdict
 *   or a question of the wrong size (Answer untouched).
 */
NTSTATUS VerdictWaitAsk(CORE *Core, UINT32 VerdictIndex, const void *Question, UINT32 QuestionBytes, UINT64 AskerProcessId, UINT32 Flags,
                        void *Answer, VERDICT_WAIT_RESULT *Result);

#endif /* VERDICT_WAIT_H */
