/*
 * KmdfQueue.c - I/O queues and requests: the default queue's parallel dispatch, manual queues
 * whose requests the framework cancels itself, retrieval by file object, request buffers and
 * completion.
 *
 * A request in a manual queue has the runtime's cancel routine set on its IRP. Retrieval and
 * cancellation race for it through IoSetCancelRoutine's exchange, so exactly one of them gets it:
 * retrieval gives it back to the driver, no longer cancelable; cancellation completes it with
 * STATUS_CANCELLED, as KMDF does for a queue without EvtIoCanceledOnQueue. A request found
 * cancelled while being forwarded is completed when the driver's callback has returned (the
 * caller may hold its own lock, and completion runs the request's cleanup callback).
 */
#include "KmdfRuntime.h"

/* The IRP's slot that points back to its request (the framework's own; drivers do not see it). */
#define KR_IRP_REQUEST_SLOT 3

static DRIVER_CANCEL KrCancelQueued;

/*
 * WdfIoQueueCreate
 *   A parallel default queue (device-control dispatch) or a manual queue of the device. Power
 *   management, sequential dispatch and the callbacks the template does not use are refused.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: STATUS_SUCCESS; STATUS_INSUFFICIENT_RESOURCES; STATUS_INVALID_PARAMETER for a second
 *   default queue.
 */
NTSTATUS WdfIoQueueCreate(WDFDEVICE Device, PWDF_IO_QUEUE_CONFIG Config, PWDF_OBJECT_ATTRIBUTES QueueAttributes, WDFQUEUE *Queue)
{
    KR_DEVICE *device = (KR_DEVICE *)KrCheckHandle(Device, KrTypeDevice, "WdfIoQueueCreate");
    KR_QUEUE *queue;
    KIRQL irql;

    if (Config->PowerManaged == WdfTrue || Config->DispatchType == WdfIoQueueDispatchSequential ||
        Config->EvtIoDefault != NULL || Config->EvtIoRead != NULL || Config->EvtIoWrite != NULL ||
        Config->EvtIoInternalDeviceControl != NULL || Config->EvtIoStop != NULL || Config->EvtIoResume != NULL ||
        Config->EvtIoCanceledOnQueue != NULL) {
        KrVerifierStop(KrRuleUnsupported, "WdfIoQueueCreate (only parallel device-control and manual queues, not power-managed)", Device);
    }
    if (Config->DispatchType == WdfIoQueueDispatchParallel && Config->Settings.Parallel.NumberOfPresentedRequests != (ULONG)-1) {
        KrVerifierStop(KrRuleUnsupported, "WdfIoQueueCreate (NumberOfPresentedRequests)", Device);
    }
    if (Config->DefaultQueue && device->DefaultQueue != NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    queue = (KR_QUEUE *)KrObjectCreate(KrTypeQueue, sizeof(KR_QUEUE), QueueAttributes, &device->Header);
    if (queue == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    queue->Device = device;
    queue->Dispatch = Config->DispatchType;
    queue->EvtIoDeviceControl = Config->EvtIoDeviceControl;
    KeInitializeSpinLock(&queue->Lock);
    InitializeListHead(&queue->Requests);
    KeAcquireSpinLock(&device->Lock, &irql);
    if (Config->DefaultQueue) {
        device->DefaultQueue = queue;
    }
    KeReleaseSpinLock(&device->Lock, irql);
    if (Queue != NULL) {
        *Queue = (WDFQUEUE)queue;
    }
    return STATUS_SUCCESS;
}

/*
 * KrQueueDelete
 *   Deletes a queue, which must be empty (a request left in it would never complete).
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: nothing.
 */
VOID KrQueueDelete(KR_QUEUE *Queue)
{
    KR_DEVICE *device = Queue->Device;
    KIRQL irql;
    if (!IsListEmpty(&Queue->Requests)) {
        KrVerifierStop(KrRuleObjectLeft, "deleting a queue that still holds requests", Queue);
    }
    KeAcquireSpinLock(&device->Lock, &irql);
    if (device->DefaultQueue == Queue) {
        device->DefaultQueue = NULL;
    }
    KeReleaseSpinLock(&device->Lock, irql);
    KrObjectRunCleanup(&Queue->Header);
    KrObjectRetire(&Queue->Header, KrTypeDeleted);
}

/*
 * WdfIoQueueGetDevice
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: the queue's device.
 */
WDFDEVICE WdfIoQueueGetDevice(WDFQUEUE Queue)
{
    return (WDFDEVICE)((KR_QUEUE *)KrCheckHandle(Queue, KrTypeQueue, "WdfIoQueueGetDevice"))->Device;
}

/*
 * KrRequestCreate
 *   The framework request for an IRP, with the device's request context.
 * IRQL: PASSIVE_LEVEL (from dispatch).
 * Returns: the request, owned by the driver once presented; NULL when the pool is exhausted.
 */
KR_REQUEST *KrRequestCreate(KR_DEVICE *Device, PIRP Irp, KR_FILE *File, KR_QUEUE *Queue)
{
    KR_REQUEST *request = (KR_REQUEST *)KrObjectCreate(KrTypeRequest, sizeof(KR_REQUEST),
                                                       Device->RequestAttributes.Size != 0 ? &Device->RequestAttributes : NULL, NULL);
    if (request == NULL) {
        return NULL;
    }
    request->Irp = Irp;
    request->Device = Device;
    request->File = File;
    request->Queue = Queue;
    request->State = KrRequestDriverOwned;
    InitializeListHead(&request->QueueLink);
    Irp->Tail.Overlay.DriverContext[KR_IRP_REQUEST_SLOT] = request;
    return request;
}

/*
 * KrRequestFinish
 *   Completes the request's IRP, then deletes the request: its cleanup callback runs and its
 *   handle is retired (later use stops the driver).
 * IRQL: <= DISPATCH_LEVEL; no runtime lock held.
 * Returns: nothing.
 */
VOID KrRequestFinish(KR_REQUEST *Request, NTSTATUS Status, ULONG_PTR Information)
{
    PIRP irp = Request->Irp;
    irp->Tail.Overlay.DriverContext[KR_IRP_REQUEST_SLOT] = NULL;
    irp->IoStatus.Status = Status;
    irp->IoStatus.Information = Information;
    Request->Irp = NULL;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    KrObjectRunCleanup(&Request->Header);
    KrObjectRetire(&Request->Header, KrTypeCompletedRequest);
}

/*
 * WdfRequestCompleteWithInformation
 *   Completes a request the driver owns. A request completed before, or still in a queue, stops.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: nothing; the request handle is dead afterwards.
 */
VOID WdfRequestCompleteWithInformation(WDFREQUEST Request, NTSTATUS Status, ULONG_PTR Information)
{
    const KR_OBJECT *header = (const KR_OBJECT *)(ULONG_PTR)Request;
    KR_REQUEST *request;
    if (header != NULL && header->Signature == KR_SIGNATURE && header->Type == KrTypeCompletedRequest) {
        KrVerifierStop(KrRuleCompletedTwice, "WdfRequestComplete", Request);
    }
    request = (KR_REQUEST *)KrCheckHandle(Request, KrTypeRequest, "WdfRequestComplete");
    if (request->State != KrRequestDriverOwned) {
        KrVerifierStop(KrRuleCompletedWhileQueued, "WdfRequestComplete", Request);
    }
    KrRequestFinish(request, Status, Information);
}

/*
 * WdfRequestComplete
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: nothing (as WdfRequestCompleteWithInformation, with no bytes).
 */
VOID WdfRequestComplete(WDFREQUEST Request, NTSTATUS Status)
{
    WdfRequestCompleteWithInformation(Request, Status, 0);
}

/* The request must be the driver's: presented or retrieved, not queued, not being cancelled. */
static KR_REQUEST *KrOwnedRequest(WDFREQUEST Request, const char *Where)
{
    KR_REQUEST *request = (KR_REQUEST *)KrCheckHandle(Request, KrTypeRequest, Where);
    if (request->State != KrRequestDriverOwned) {
        KrVerifierStop(KrRuleNotOwned, Where, Request);
    }
    return request;
}

/*
 * WdfRequestForwardToIoQueue
 *   Puts a request the driver owns at the tail of a manual queue of the same device, where it is
 *   cancelable. One already cancelled is completed with STATUS_CANCELLED by the framework once
 *   the driver's callback has returned.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: STATUS_SUCCESS; STATUS_INVALID_DEVICE_REQUEST for a queue of another device.
 */
NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST Request, WDFQUEUE DestinationQueue)
{
    KR_REQUEST *request = KrOwnedRequest(Request, "WdfRequestForwardToIoQueue");
    KR_QUEUE *queue = (KR_QUEUE *)KrCheckHandle(DestinationQueue, KrTypeQueue, "WdfRequestForwardToIoQueue");
    BOOLEAN cancelled = FALSE;
    KIRQL irql;

    if (queue->Dispatch != WdfIoQueueDispatchManual) {
        KrVerifierStop(KrRuleUnsupported, "WdfRequestForwardToIoQueue (only to manual queues)", DestinationQueue);
    }
    if (queue->Device != request->Device) {
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    KeAcquireSpinLock(&queue->Lock, &irql);
    request->Queue = queue;
    request->State = KrRequestQueued;
    InsertTailList(&queue->Requests, &request->QueueLink);
    (void)IoSetCancelRoutine(request->Irp, KrCancelQueued);
    if (request->Irp->Cancel && IoSetCancelRoutine(request->Irp, NULL) != NULL) {
        /* Cancelled before it was cancelable, and the routine is ours again: nobody else will
         * complete it. */
        RemoveEntryList(&request->QueueLink);
        request->State = KrRequestCancelling;
        cancelled = TRUE;
    }
    KeReleaseSpinLock(&queue->Lock, irql);
    if (cancelled) {
        KeAcquireSpinLock(&request->Device->Lock, &irql);
        InsertTailList(&request->Device->Deferred, &request->QueueLink);
        KeReleaseSpinLock(&request->Device->Lock, irql);
    }
    return STATUS_SUCCESS;
}

/*
 * KrDeviceCompleteDeferred
 *   Completes, with STATUS_CANCELLED, the requests found cancelled while being forwarded.
 * IRQL: PASSIVE_LEVEL, after a driver callback returned; no lock held.
 * Returns: nothing.
 */
VOID KrDeviceCompleteDeferred(KR_DEVICE *Device)
{
    for (;;) {
        KR_REQUEST *request = NULL;
        KIRQL irql;
        KeAcquireSpinLock(&Device->Lock, &irql);
        if (!IsListEmpty(&Device->Deferred)) {
            request = CONTAINING_RECORD(RemoveHeadList(&Device->Deferred), KR_REQUEST, QueueLink);
        }
        KeReleaseSpinLock(&Device->Lock, irql);
        if (request == NULL) {
            return;
        }
        KrRequestFinish(request, STATUS_CANCELLED, 0);
    }
}

/*
 * KrCancelQueued (DRIVER_CANCEL)
 *   The I/O manager cancels a queued request: released from the cancel spin lock, taken out of
 *   its queue and completed with STATUS_CANCELLED (no EvtIoCanceledOnQueue: the framework's job).
 * IRQL: DISPATCH_LEVEL on entry; the IRP's CancelIrql once the cancel spin lock is released.
 * Returns: nothing.
 */
static VOID NTAPI KrCancelQueued(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KR_REQUEST *request = (KR_REQUEST *)Irp->Tail.Overlay.DriverContext[KR_IRP_REQUEST_SLOT];
    KR_QUEUE *queue = request->Queue;
    KIRQL irql;
    (void)DeviceObject;
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    KeAcquireSpinLock(&queue->Lock, &irql);
    RemoveEntryList(&request->QueueLink);
    InitializeListHead(&request->QueueLink);
    request->State = KrRequestCancelling;
    KeReleaseSpinLock(&queue->Lock, irql);
    KrRequestFinish(request, STATUS_CANCELLED, 0);
}

/* Takes the oldest request of the queue that matches File (any when File is NULL) and that
 * cancellation has not claimed. Called with the queue's lock held. */
static KR_REQUEST *KrQueueTake(KR_QUEUE *Queue, const KR_FILE *File)
{
    LIST_ENTRY *link;
    for (link = Queue->Requests.Flink; link != &Queue->Requests; link = link->Flink) {
        KR_REQUEST *request = CONTAINING_RECORD(link, KR_REQUEST, QueueLink);
        if (File != NULL && request->File != File) {
            continue;
        }
        if (IoSetCancelRoutine(request->Irp, NULL) == NULL) {
            continue; /* its cancel routine runs and will take it out */
        }
        RemoveEntryList(&request->QueueLink);
        InitializeListHead(&request->QueueLink);
        request->State = KrRequestDriverOwned;
        return request;
    }
    return NULL;
}

static NTSTATUS KrRetrieve(WDFQUEUE Queue, const KR_FILE *File, WDFREQUEST *OutRequest, const char *Where)
{
    KR_QUEUE *queue = (KR_QUEUE *)KrCheckHandle(Queue, KrTypeQueue, Where);
    KR_REQUEST *request;
    KIRQL irql;
    if (queue->Dispatch != WdfIoQueueDispatchManual) {
        KrVerifierStop(KrRuleUnsupported, Where, Queue);
    }
    KeAcquireSpinLock(&queue->Lock, &irql);
    request = KrQueueTake(queue, File);
    KeReleaseSpinLock(&queue->Lock, irql);
    if (request == NULL) {
        return STATUS_NO_MORE_ENTRIES;
    }
    *OutRequest = (WDFREQUEST)request;
    return STATUS_SUCCESS;
}

/*
 * WdfIoQueueRetrieveRequestByFileObject
 *   The oldest request of FileObject in a manual queue, given back to the driver.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: STATUS_SUCCESS with *OutRequest; STATUS_NO_MORE_ENTRIES (OutRequest untouched).
 */
NTSTATUS WdfIoQueueRetrieveRequestByFileObject(WDFQUEUE Queue, WDFFILEOBJECT FileObject, WDFREQUEST *OutRequest)
{
    const KR_FILE *file = (const KR_FILE *)KrCheckHandle(FileObject, KrTypeFile, "WdfIoQueueRetrieveRequestByFileObject");
    return KrRetrieve(Queue, file, OutRequest, "WdfIoQueueRetrieveRequestByFileObject");
}

/*
 * WdfIoQueueRetrieveNextRequest
 *   The oldest request of a manual queue, given back to the driver.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: STATUS_SUCCESS with *OutRequest; STATUS_NO_MORE_ENTRIES.
 */
NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE Queue, WDFREQUEST *OutRequest)
{
    return KrRetrieve(Queue, NULL, OutRequest, "WdfIoQueueRetrieveNextRequest");
}

/*
 * KrQueueHoldsFileRequests
 *   Whether the queue still holds a request of File (for the verifier's cleanup check).
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: TRUE or FALSE.
 */
BOOLEAN KrQueueHoldsFileRequests(KR_QUEUE *Queue, const KR_FILE *File)
{
    BOOLEAN found = FALSE;
    LIST_ENTRY *link;
    KIRQL irql;
    KeAcquireSpinLock(&Queue->Lock, &irql);
    for (link = Queue->Requests.Flink; link != &Queue->Requests && !found; link = link->Flink) {
        found = CONTAINING_RECORD(link, KR_REQUEST, QueueLink)->File == File;
    }
    KeReleaseSpinLock(&Queue->Lock, irql);
    return found;
}

/*
 * WdfRequestGetIoQueue
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: the queue that delivered the request, or holds it.
 */
WDFQUEUE WdfRequestGetIoQueue(WDFREQUEST Request)
{
    return (WDFQUEUE)((KR_REQUEST *)KrCheckHandle(Request, KrTypeRequest, "WdfRequestGetIoQueue"))->Queue;
}

/*
 * WdfRequestGetFileObject
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: the request's file object, or NULL.
 */
WDFFILEOBJECT WdfRequestGetFileObject(WDFREQUEST Request)
{
    return (WDFFILEOBJECT)((KR_REQUEST *)KrCheckHandle(Request, KrTypeRequest, "WdfRequestGetFileObject"))->File;
}

/* The device-control parameters of the request's IRP. */
static const IO_STACK_LOCATION *KrStack(const KR_REQUEST *Request)
{
    return IoGetCurrentIrpStackLocation(Request->Irp);
}

/*
 * WdfRequestRetrieveInputBuffer
 *   A device-control request's input: the system buffer (buffered and direct methods).
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: STATUS_SUCCESS; STATUS_BUFFER_TOO_SMALL when there is no input or less than
 *   MinimumRequiredLength; STATUS_INVALID_DEVICE_REQUEST for METHOD_NEITHER or another major code.
 */
NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST Request, size_t MinimumRequiredLength, PVOID *Buffer, size_t *Length)
{
    KR_REQUEST *request = KrOwnedRequest(Request, "WdfRequestRetrieveInputBuffer");
    const IO_STACK_LOCATION *stack = KrStack(request);
    size_t length;
    if (stack->MajorFunction != IRP_MJ_DEVICE_CONTROL || METHOD_FROM_CTL_CODE(stack->Parameters.DeviceIoControl.IoControlCode) == METHOD_NEITHER) {
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    length = stack->Parameters.DeviceIoControl.InputBufferLength;
    if (length == 0 || length < MinimumRequiredLength || request->Irp->AssociatedIrp.SystemBuffer == NULL) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    *Buffer = request->Irp->AssociatedIrp.SystemBuffer;
    if (Length != NULL) {
        *Length = length;
    }
    return STATUS_SUCCESS;
}

/*
 * WdfRequestRetrieveOutputBuffer
 *   A device-control request's output: the system buffer (METHOD_BUFFERED) or the MDL mapped into
 *   system space (direct methods).
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: STATUS_SUCCESS; STATUS_BUFFER_TOO_SMALL when there is no output or less than
 *   MinimumRequiredSize; STATUS_INSUFFICIENT_RESOURCES when the MDL cannot be mapped;
 *   STATUS_INVALID_DEVICE_REQUEST for METHOD_NEITHER or another major code.
 */
NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST Request, size_t MinimumRequiredSize, PVOID *Buffer, size_t *Length)
{
    KR_REQUEST *request = KrOwnedRequest(Request, "WdfRequestRetrieveOutputBuffer");
    const IO_STACK_LOCATION *stack = KrStack(request);
    ULONG method;
    size_t length;
    PVOID output;
    if (stack->MajorFunction != IRP_MJ_DEVICE_CONTROL) {
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    method = METHOD_FROM_CTL_CODE(stack->Parameters.DeviceIoControl.IoControlCode);
    length = stack->Parameters.DeviceIoControl.OutputBufferLength;
    if (method == METHOD_NEITHER) {
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (length == 0 || length < MinimumRequiredSize) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    if (method == METHOD_BUFFERED) {
        output = request->Irp->AssociatedIrp.SystemBuffer;
    } else {
        output = request->Irp->MdlAddress != NULL ? MmGetSystemAddressForMdlSafe(request->Irp->MdlAddress, NormalPagePriority) : NULL;
        if (output == NULL) {
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    *Buffer = output;
    if (Length != NULL) {
        *Length = length;
    }
    return STATUS_SUCCESS;
}
