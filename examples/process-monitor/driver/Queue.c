/*
 * Queue.c - request dispatch and parking. Part of the template: do not edit.
 *
 * Every device-control request goes to the portable core (CoreDispatch), which checks lengths,
 * runs call handlers, answers the protocol-information call and decides about subscriptions.
 * A subscribe request that must wait is forwarded to its channel's manual queue: there the
 * framework owns its cancellation. When an event arrives the core takes the oldest request of
 * that handle back out of the queue (after which it can no longer be cancelled) and only then
 * writes the event into it: no event is ever written into a request that is then cancelled.
 */
#include "Driver.h"
#ifdef INVERTED_CALL_TEST_BUILD
#include "InvertedCallTest.h"
#include "EmitTest.h"
#include "AskTest.h"
#include "TestWorker.h"
#if DEVICE_PROCESS_NOTIFY
#include "NotifyTest.h"
#endif
#endif

static EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL QueueEvtIoDeviceControl;

/*
 * QueueCreateAll
 *   Creates the device's queues: the parallel default queue that receives every device-control
 *   request, and one manual queue per channel where subscribe requests wait.
 * IRQL: PASSIVE_LEVEL (from DeviceCreate).
 * Returns: STATUS_SUCCESS, or the status of the queue creation that failed (deleting the device
 *   then deletes the queues already made).
 */
NTSTATUS QueueCreateAll(WDFDEVICE Device, DRIVER_DEVICE_CONTEXT *Context)
{
    WDF_IO_QUEUE_CONFIG config;
    WDFQUEUE queue;
    NTSTATUS status;

    /* Default queue: parallel, so a slow call handler does not hold up subscribe requests. */
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&config, WdfIoQueueDispatchParallel);
    config.PowerManaged = WdfFalse;
    config.EvtIoDeviceControl = QueueEvtIoDeviceControl;
    status = WdfIoQueueCreate(Device, &config, WDF_NO_OBJECT_ATTRIBUTES, &queue);
    if (!NT_SUCCESS(status)) {
        return status;
    }

    /* One manual queue per channel: retrieving by file object then gives the oldest parked
     * request of exactly one subscription (file, channel). Not power-managed: a control device
     * has no power states, and parked requests must stay parked. No EvtIoCanceledOnQueue: the
     * framework completes a cancelled request itself, with STATUS_CANCELLED. */
#if DEVICE_CHANNEL_COUNT > 0
    {
        UINT32 index;
        for (index = 0; index < DEVICE_CHANNEL_COUNT; index++) {
            WDF_IO_QUEUE_CONFIG_INIT(&config, WdfIoQueueDispatchManual);
            config.PowerManaged = WdfFalse;
            status = WdfIoQueueCreate(Device, &config, WDF_NO_OBJECT_ATTRIBUTES, &Context->ParkedQueues[index]);
            if (!NT_SUCCESS(status)) {
                return status;
            }
        }
    }
#endif
    /* One manual queue per verdict, for the deciders' ask requests (V2), set up alike. */
#if DEVICE_VERDICT_COUNT > 0
    {
        UINT32 index;
        for (index = 0; index < DEVICE_VERDICT_COUNT; index++) {
            WDF_IO_QUEUE_CONFIG_INIT(&config, WdfIoQueueDispatchManual);
            config.PowerManaged = WdfFalse;
            status = WdfIoQueueCreate(Device, &config, WDF_NO_OBJECT_ATTRIBUTES, &Context->AskQueues[index]);
            if (!NT_SUCCESS(status)) {
                return status;
            }
        }
    }
#endif
    (void)Context; /* a device without channels or verdicts parks nothing */
    return STATUS_SUCCESS;
}

#ifdef INVERTED_CALL_TEST_BUILD
/*
 * QueueCompleteWork (TEST_WORKER_COMPLETE)
 *   A worker finished a test IOCTL's work: completes its request (counted like every completion).
 * IRQL: PASSIVE_LEVEL, on the worker thread.
 * Returns: nothing; the request is gone afterwards.
 */
static VOID QueueCompleteWork(void *GlueRequest, NTSTATUS Status, size_t Information)
{
    WDFREQUEST request = (WDFREQUEST)GlueRequest;
    TestRequestCompleted(DriverGetRequestContext(request)->Device, Status);
    WdfRequestCompleteWithInformation(request, Status, (ULONG_PTR)Information);
}

/*
 * QueueDispatchWork
 *   A test IOCTL whose work waits (AskTestStart, NotifyTestStart): hands its buffers to Start,
 *   which checks them and starts a worker that completes the request, or completes it here with
 *   the status Start refused it with. METHOD_BUFFERED: input and output are one system buffer.
 * IRQL: PASSIVE_LEVEL (the default queue's callback).
 * Returns: nothing; the request is completed now or by the worker.
 */
static VOID QueueDispatchWork(DRIVER_DEVICE_CONTEXT *Context, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                              TEST_WORK_START *Start)
{
    PVOID input = NULL;
    PVOID output = NULL;
    size_t inputLength = 0;
    size_t outputLength = 0;
    NTSTATUS status = STATUS_SUCCESS;

    if (InputBufferLength > 0) {
        status = WdfRequestRetrieveInputBuffer(Request, InputBufferLength, &input, &inputLength);
    }
    if (NT_SUCCESS(status) && OutputBufferLength > 0) {
        status = WdfRequestRetrieveOutputBuffer(Request, OutputBufferLength, &output, &outputLength);
    }
    if (NT_SUCCESS(status)) {
        status = Start(&Context->Core, input, inputLength, output, outputLength, QueueCompleteWork, Request);
    }
    if (status != STATUS_PENDING) {
        TestRequestCompleted(Context, status);
        WdfRequestComplete(Request, status);
    }
}
#endif

/*
 * QueueEvtIoDeviceControl
 *   Every device-control request: maps its input and output buffers and hands it to the core,
 *   which completes it now or parks it in a channel's manual queue.
 * IRQL: PASSIVE_LEVEL (the device's execution level), so call handlers run there too.
 * Returns: nothing; the request is completed (or parked) before this returns, a failure to map
 *   a buffer completing it with that status.
 */
static VOID QueueEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                                    size_t InputBufferLength, ULONG IoControlCode)
{
    DRIVER_DEVICE_CONTEXT *context = DriverGetDeviceContext(WdfIoQueueGetDevice(Queue));
    DRIVER_FILE_CONTEXT *file = DriverGetFileContext(WdfRequestGetFileObject(Request));
    DRIVER_REQUEST_CONTEXT *requestContext = DriverGetRequestContext(Request);
    CORE_REQUEST *request = &requestContext->Core;
    PVOID buffer;
    size_t length;
    NTSTATUS status;

    requestContext->Device = context;
#ifdef INVERTED_CALL_TEST_BUILD
    if (IoControlCode == IOCTL_INVERTED_CALL_TEST_STATE) {
        TestStateDispatch(context, file, Request, OutputBufferLength, InputBufferLength);
        return;
    }
    if (IoControlCode == IOCTL_INVERTED_CALL_TEST_EMIT) {
        TestEmitDispatch(context, Request, InputBufferLength);
        return;
    }
#endif
#ifdef INVERTED_CALL_TEST_BUILD
    if (IoControlCode == IOCTL_INVERTED_CALL_TEST_ASK) {
        /* Test builds only: ask a verdict's question on a worker (AskTest.h). */
        QueueDispatchWork(context, Request, OutputBufferLength, InputBufferLength, AskTestStart);
        return;
    }
#endif
#if defined(INVERTED_CALL_TEST_BUILD) && DEVICE_PROCESS_NOTIFY
    if (IoControlCode == IOCTL_INVERTED_CALL_TEST_PROCESS) {
        /* Test builds only: run the registered process-notify routine on the input, on a worker (NotifyTest.h). */
        QueueDispatchWork(context, Request, OutputBufferLength, InputBufferLength, NotifyTestStart);
        return;
    }
#endif
    request->GlueRequest = Request;
    request->InputBuffer = NULL;
    request->InputLength = 0;
    request->OutputBuffer = NULL;
    request->OutputLength = 0;
    if (InputBufferLength > 0) {
        status = WdfRequestRetrieveInputBuffer(Request, InputBufferLength, &buffer, &length);
        if (!NT_SUCCESS(status)) {
            WdfRequestComplete(Request, status);
            return;
        }
        request->InputBuffer = (const UINT8 *)buffer;
        request->InputLength = length;
    }
    if (OutputBufferLength > 0) {
        status = WdfRequestRetrieveOutputBuffer(Request, OutputBufferLength, &buffer, &length);
        if (!NT_SUCCESS(status)) {
            WdfRequestComplete(Request, status);
            return;
        }
        request->OutputBuffer = (UINT8 *)buffer;
        request->OutputLength = length;
    }
    /* Completed through QueueCompleteRequest, now or (parked) later: the status is not needed. */
    {
        UINT32 verdictIndex;
        int isReply;
        if (CoreVerdictFindCode(&context->Core, (UINT32)IoControlCode, &verdictIndex, &isReply)) {
            /* A decider's ask request (parked in the verdict's manual queue) or its reply (V1-V6).
             * The decider's process, for V7, is the handle's opener. */
            if (isReply) {
                (void)CoreVerdictReplyRequest(&context->Core, &file->Core, verdictIndex, request);
            } else {
                (void)CoreVerdictAskRequest(&context->Core, &file->Core, verdictIndex, request, file->OpenerProcessId);
            }
        } else {
            (void)CoreDispatch(&context->Core, &file->Core, request, (UINT32)IoControlCode);
        }
    }
}

/* ---- what the core calls back ---------------------------------------------------------- */

/*
 * QueueAllocate (CORE_OPS.Allocate)
 *   Non-paged memory tagged DEVICE_POOL_TAG: the core allocates rings with its spin lock held.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: the memory (not zeroed), or NULL when the pool is exhausted.
 */
static void *QueueAllocate(void *Context, size_t Bytes)
{
    (void)Context;
    /* Non-paged: the core allocates rings with its spin lock held. */
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, Bytes, DEVICE_POOL_TAG);
}

/*
 * QueueFree (CORE_OPS.Free)
 *   Frees memory from QueueAllocate; NULL is allowed.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: nothing.
 */
static void QueueFree(void *Context, void *Memory)
{
    (void)Context;
    if (Memory != NULL) {
        ExFreePoolWithTag(Memory, DEVICE_POOL_TAG);
    }
}

/*
 * QueueLock (CORE_OPS.Lock)
 *   Acquires the core's WDFSPINLOCK, raising to DISPATCH_LEVEL.
 * IRQL: <= DISPATCH_LEVEL on entry; DISPATCH_LEVEL on return.
 * Returns: 0 (the spin lock keeps the previous IRQL itself).
 */
static uintptr_t QueueLock(void *Context)
{
    WdfSpinLockAcquire(((DRIVER_DEVICE_CONTEXT *)Context)->CoreLock);
    return 0; /* WDFSPINLOCK keeps the previous IRQL itself */
}

/*
 * QueueUnlock (CORE_OPS.Unlock)
 *   Releases the core's spin lock, restoring the IRQL it was acquired at.
 * IRQL: DISPATCH_LEVEL.
 * Returns: nothing.
 */
static void QueueUnlock(void *Context, uintptr_t LockState)
{
    (void)LockState;
    WdfSpinLockRelease(((DRIVER_DEVICE_CONTEXT *)Context)->CoreLock);
}

/*
 * QueuePark (CORE_OPS.ParkRequest)
 *   Forwards a subscribe request to its channel's manual queue, where the framework may cancel
 *   it. Called with the core's lock held: forwarding does not call back into the driver.
 * IRQL: DISPATCH_LEVEL (the lock is held).
 * Returns: STATUS_SUCCESS once parked, else the forwarding status (the core then completes the
 *   request with it).
 */
static NTSTATUS QueuePark(void *Context, CORE_REQUEST *Request, UINT32 ChannelIndex)
{
    DRIVER_DEVICE_CONTEXT *context = (DRIVER_DEVICE_CONTEXT *)Context;
    WDFREQUEST request = (WDFREQUEST)Request->GlueRequest;
#ifdef INVERTED_CALL_TEST_BUILD
    /* Counted before it can be cancelled: the cleanup callback counts it out again. */
    TestRequestParked(context, DriverGetRequestContext(request), DriverGetFileContext(WdfRequestGetFileObject(request)), ChannelIndex);
    {
        NTSTATUS status = WdfRequestForwardToIoQueue(request, context->ParkedQueues[ChannelIndex]);
        if (!NT_SUCCESS(status)) {
            TestRequestTaken(context, DriverGetRequestContext(request)); /* the core completes it */
        }
        return status;
    }
#else
    return WdfRequestForwardToIoQueue(request, context->ParkedQueues[ChannelIndex]);
#endif
}

/*
 * QueueTakeParked (CORE_OPS.TakeParkedRequest)
 *   Takes the oldest request of one handle out of a channel's manual queue. A request retrieved
 *   from a manual queue is the driver's again and can no longer be cancelled; one the framework
 *   is cancelling is not returned. Called with the core's lock held.
 * IRQL: DISPATCH_LEVEL (the lock is held).
 * Returns: the request's core part, or NULL when the handle has nothing parked there.
 */
static CORE_REQUEST *QueueTakeParked(void *Context, CORE_FILE *File, UINT32 ChannelIndex)
{
    DRIVER_DEVICE_CONTEXT *context = (DRIVER_DEVICE_CONTEXT *)Context;
    WDFREQUEST request;
    NTSTATUS status = WdfIoQueueRetrieveRequestByFileObject(context->ParkedQueues[ChannelIndex], (WDFFILEOBJECT)File->GlueFile, &request);
    if (!NT_SUCCESS(status)) {
        return NULL; /* STATUS_NO_MORE_ENTRIES: nothing parked for this handle */
    }
#ifdef INVERTED_CALL_TEST_BUILD
    TestRequestTaken(context, DriverGetRequestContext(request));
#endif
    return &DriverGetRequestContext(request)->Core;
}

/*
 * QueueParkAsk (CORE_VERDICT_OPS.ParkAskRequest)
 *   Forwards a decider's ask request to its verdict's manual queue, where the framework may cancel
 *   it. Called with the core's lock held, as QueuePark.
 * IRQL: DISPATCH_LEVEL (the lock is held).
 * Returns: STATUS_SUCCESS once parked, else the forwarding status (the core completes it).
 */
static NTSTATUS QueueParkAsk(void *Context, CORE_REQUEST *Request, UINT32 VerdictIndex)
{
    return WdfRequestForwardToIoQueue((WDFREQUEST)Request->GlueRequest, ((DRIVER_DEVICE_CONTEXT *)Context)->AskQueues[VerdictIndex]);
}

/*
 * QueueTakeAsk (CORE_VERDICT_OPS.TakeAskRequest)
 *   Takes the oldest ask request out of a verdict's manual queue: of File, or of any handle when
 *   File is NULL (V2). Retrieved, it can no longer be cancelled. Called with the core's lock held.
 * IRQL: DISPATCH_LEVEL (the lock is held).
 * Returns: the request's core part, or NULL when none is parked there.
 */
static CORE_REQUEST *QueueTakeAsk(void *Context, UINT32 VerdictIndex, CORE_FILE *File)
{
    WDFQUEUE queue = ((DRIVER_DEVICE_CONTEXT *)Context)->AskQueues[VerdictIndex];
    WDFREQUEST request;
    NTSTATUS status = File != NULL ? WdfIoQueueRetrieveRequestByFileObject(queue, (WDFFILEOBJECT)File->GlueFile, &request)
                                   : WdfIoQueueRetrieveNextRequest(queue, &request);
    if (!NT_SUCCESS(status)) {
        return NULL; /* STATUS_NO_MORE_ENTRIES */
    }
    return &DriverGetRequestContext(request)->Core;
}

/*
 * QueueCompleteRequest (CORE_OPS.CompleteRequest)
 *   Completes a request with the core's status and byte count. Never called with the lock held.
 * IRQL: <= DISPATCH_LEVEL; PASSIVE_LEVEL in this driver (dispatch, cleanup, call handlers and
 *   process notifications all run there).
 * Returns: nothing; the request is gone afterwards.
 */
static void QueueCompleteRequest(void *Context, CORE_REQUEST *Request, NTSTATUS Status, size_t Information)
{
#ifdef INVERTED_CALL_TEST_BUILD
    TestRequestCompleted((DRIVER_DEVICE_CONTEXT *)Context, Status);
#else
    (void)Context;
#endif
    WdfRequestCompleteWithInformation((WDFREQUEST)Request->GlueRequest, Status, (ULONG_PTR)Information);
}

/*
 * QueueEvtRequestCleanup (the request's EvtCleanupCallback)
 *   The framework deletes a request after its completion. If it was still parked, the framework
 *   cancelled it and completed it without the driver (no EvtIoCanceledOnQueue): the core gives its
 *   place back under the handle's parked-request limit. For any other request this does nothing.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: nothing.
 */
VOID QueueEvtRequestCleanup(WDFOBJECT Object)
{
    DRIVER_REQUEST_CONTEXT *requestContext = DriverGetRequestContext(Object);
#ifdef INVERTED_CALL_TEST_BUILD
    TestRequestCleanup(requestContext); /* the state IOCTL's account of framework cancellations */
#endif
    if (requestContext->Device != NULL) {
        CoreParkedRequestCancelled(&requestContext->Device->Core, &requestContext->Core);
    }
}

const CORE_OPS QueueCoreOps = {
    NULL, /* Context: the device context, set by DeviceCreate */
    QueueAllocate,
    QueueFree,
    QueueLock,
    QueueUnlock,
    QueuePark,
    QueueTakeParked,
    QueueCompleteRequest,
};

const CORE_VERDICT_OPS QueueVerdictOps = {
    VerdictWaitNowMs,
    QueueParkAsk,
    QueueTakeAsk,
    VerdictWaitWake,
};
