/*
 * TestWorker.h - test builds only: runs a test IOCTL's work on a system thread and completes the
 * request from there. Part of the template: do not edit. Rendered into every driver.
 *
 * The test IOCTLs that ask a verdict's question (AskTest.h, and NotifyTest.h's process IOCTL when
 * the schema asks on process creation) must wait for a decider's reply, which arrives as another
 * IOCTL. Windows dispatches each IOCTL in its sender's thread, but Wine dispatches every IRP of a
 * driver on one thread: waiting there would hold back the reply until the deadline. So the test
 * IOCTL's dispatch hands its work to a thread of its own, returns, and the thread completes the
 * request through the glue (TEST_WORKER_COMPLETE) once the work is done.
 */
#ifndef TEST_WORKER_H
#define TEST_WORKER_H

#include <ntddk.h>

#include "Core.h"

#ifdef INVERTED_CALL_TEST_BUILD
/* How the glue completes the request the work belongs to (IoCompleteRequest, WdfRequestComplete...).
 * Called once, from the worker thread at PASSIVE_LEVEL, after the work routine returned. */
typedef VOID TEST_WORKER_COMPLETE(void *GlueRequest, NTSTATUS Status, size_t Information);

/* The work: runs at PASSIVE_LEVEL on the worker thread; returns the request's status and sets
 * *Information to the bytes of output it wrote. Context is the Context given to TestWorkerStart. */
typedef NTSTATUS TEST_WORKER_ROUTINE(void *Context, size_t *Information);

/*
 * Starts Routine(Context) on a new system thread; once it returns, the thread frees Context (which
 * must come from TestWorkerAllocate) and calls Complete(GlueRequest, status, information).
 * IRQL: PASSIVE_LEVEL.
 * Returns: STATUS_PENDING when the thread took the work (the request is completed later, by it);
 *   otherwise the status of the failed thread creation, with Context freed and the request left
 *   for the caller to complete.
 */
NTSTATUS TestWorkerStart(CORE *Core, TEST_WORKER_ROUTINE *Routine, void *Context, TEST_WORKER_COMPLETE *Complete, void *GlueRequest);

/* The shape of AskTestStart and NotifyTestStart, which a glue dispatches alike: check the request,
 * start its worker. Returns STATUS_PENDING when the worker completes the request, else the status
 * to complete it with now. */
typedef NTSTATUS TEST_WORK_START(CORE *Core, const void *Input, size_t InputLength, void *Output, size_t OutputLength, TEST_WORKER_COMPLETE *Complete,
                                 void *GlueRequest);

/*
 * The test IOCTLs whose work waits, each a TEST_WORK_START. AskTestStart (AskTest.c, AskTest.h):
 * asks a verdict's question and completes with how it settled. NotifyTestStart (NotifyTest.c,
 * NotifyTest.h; only with a process channel): runs the registered process-notify routine and
 * completes with the CreationStatus it left. Both at PASSIVE_LEVEL; Output is the METHOD_BUFFERED
 * system buffer (the input is copied first: it is the same memory).
 */
TEST_WORK_START AskTestStart;
#if DEVICE_PROCESS_NOTIFY
TEST_WORK_START NotifyTestStart;
#endif

/* Zeroed memory for a worker's context, from the glue's allocator (CORE_OPS.Allocate: non-paged).
 * PASSIVE_LEVEL. NULL when the pool is exhausted. */
void *TestWorkerAllocate(CORE *Core, size_t Bytes);
#endif

#endif /* TEST_WORKER_H */
