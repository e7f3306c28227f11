/*
 * TestWorker.c - test builds only: a test IOCTL's work on a system thread (TestWorker.h).
 * Part of the template: do not edit. Compiled into every build, but empty unless
 * INVERTED_CALL_TEST_BUILD is defined. DDK calls only: shared by both flavours.
 *
 * A test build's unload waits for nothing here: a worker completes its request as its last act,
 * and a driver is unloaded only after every handle is closed, which needs that completion. What
 * remains is the thread's return from this file's code after the completion: a window of a few
 * instructions, acceptable in a build that is never shipped.
 */
/* Included only in test builds: a WDK build compiles this file to nothing without reading the
 * DDK headers, which is most of what compiling and analysing a file costs. */
#ifdef INVERTED_CALL_TEST_BUILD
#include "TestWorker.h"

/* What the thread needs; allocated by TestWorkerStart, freed by the thread. */
typedef struct _TEST_WORKER {
    CORE *Core;
    TEST_WORKER_ROUTINE *Routine;
    void *Context;
    TEST_WORKER_COMPLETE *Complete;
    void *GlueRequest;
} TEST_WORKER;

/*
 * TestWorkerAllocate
 *   Zeroed memory from the glue's allocator, for a worker's context.
 * IRQL: PASSIVE_LEVEL.
 * Returns: the memory, or NULL when the pool is exhausted.
 */
void *TestWorkerAllocate(CORE *Core, size_t Bytes)
{
    void *memory = Core->Ops.Allocate(Core->Ops.Context, Bytes);
    if (memory != NULL) {
        RtlZeroMemory(memory, Bytes);
    }
    return memory;
}

/*
 * TestWorkerThread (KSTART_ROUTINE)
 *   Runs the work, frees its memory, completes the request.
 * IRQL: PASSIVE_LEVEL, in a system thread of its own.
 * Returns: nothing; the thread ends.
 */
static VOID NTAPI TestWorkerThread(PVOID Parameter)
{
    TEST_WORKER *worker = (TEST_WORKER *)Parameter;
    CORE *core = worker->Core;
    TEST_WORKER_COMPLETE *complete = worker->Complete;
    void *glueRequest = worker->GlueRequest;
    size_t information = 0;
    NTSTATUS status = worker->Routine(worker->Context, &information);
    core->Ops.Free(core->Ops.Context, worker->Context);
    core->Ops.Free(core->Ops.Context, worker);
    complete(glueRequest, status, information);
}

/*
 * TestWorkerStart
 *   Hands Routine(Context) to a new system thread, which completes the request (TestWorker.h).
 * IRQL: PASSIVE_LEVEL.
 * Returns: STATUS_PENDING once the thread has the work; else the failure, Context freed.
 */
NTSTATUS TestWorkerStart(CORE *Core, TEST_WORKER_ROUTINE *Routine, void *Context, TEST_WORKER_COMPLETE *Complete, void *GlueRequest)
{
    TEST_WORKER *worker = (TEST_WORKER *)TestWorkerAllocate(Core, sizeof(TEST_WORKER));
    HANDLE thread = NULL;
    NTSTATUS status;

    if (worker == NULL) {
        Core->Ops.Free(Core->Ops.Context, Context);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    worker->Core = Core;
    worker->Routine = Routine;
    worker->Context = Context;
    worker->Complete = Complete;
    worker->GlueRequest = GlueRequest;
    status = PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, NULL, NULL, TestWorkerThread, worker);
    if (!NT_SUCCESS(status)) {
        Core->Ops.Free(Core->Ops.Context, Context);
        Core->Ops.Free(Core->Ops.Context, worker);
        return status;
    }
    /* The thread runs on without its handle. */
    (void)ZwClose(thread);
    return STATUS_PENDING;
}

#else
/* A translation unit must declare something. */
typedef int TestWorkerIsOff;
#endif
