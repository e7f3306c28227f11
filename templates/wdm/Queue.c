/*
 * Queue.c - IRP_MJ_DEVICE_CONTROL and the queues of parked subscribe requests.
 * Part of the template: do not edit.
 *
 * Every device-control request goes to the portable core (CoreDispatch), which checks lengths,
 * runs call handlers, answers the protocol-information call and decides about subscriptions.
 * A subscribe request that must wait is parked here, in its channel's list, with a cancel
 * routine: a cancel-safe queue of our own.
 *
 * Why not IoCsq, the system's cancel-safe queue: Wine does not implement IoCsqInsertIrp,
 * IoCsqRemoveIrp or IoCsqRemoveNextIrp (calling one ends Wine's driver host), and Wine is where
 * this flavour runs end to end. Our queue needs only IoSetCancelRoutine (an atomic exchange of
 * Irp->CancelRoutine that returns the previous value, NULL once cancellation has taken it) and
 * one spin lock, the core's own. The rules, each step under that lock:
 *
 *   park    mark the IRP pending, link it, set the cancel routine. If the IRP was cancelled
 *           before the routine was set and IoSetCancelRoutine(NULL) gets the routine back, the
 *           I/O manager will never call it: unlink, and the core completes it, STATUS_CANCELLED.
 *   take    unlink, then IoSetCancelRoutine(NULL). Not NULL: the cancel routine can no longer
 *           run and the IRP is the core's to fill. NULL: cancellation already took the routine
 *           and is calling it; leave the IRP to it (its entry now links to itself, so the cancel
 *           routine's RemoveEntryList does nothing) and look for the next one.
 *   cancel  release the cancel spin lock first, then take our lock, unlink (harmless after
 *           take), release, complete with STATUS_CANCELLED.
 *
 * The exchange in IoSetCancelRoutine gives each parked IRP to exactly one of take and cancel,
 * so it is completed once; and an event is written only into an IRP that take won, which can no
 * longer be cancelled (R4). The cancel routine never touches the handle's context, so a close
 * may free that context while a cancel routine is still on its way (Device.c).
 */
#include "Driver.h"
#ifdef INVERTED_CALL_TEST_BUILD
#include "InvertedCallTest.h"
#endif

static DRIVER_CANCEL QueueCancelParked;

/*
 * QueueCompleteIrp
 *   Counts the completion (and the cancel, for STATUS_CANCELLED) for the state IOCTL, then
 *   completes the IRP with Status and Information bytes.
 * IRQL: <= DISPATCH_LEVEL; never called with the core's lock held.
 * Returns: nothing; the IRP is gone afterwards.
 */
VOID QueueCompleteIrp(DRIVER_DEVICE *Device, PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    KIRQL irql;
    /* Counted before the IRP completes: a client that has seen the completion sees the count. */
    KeAcquireSpinLock(&Device->Lock, &irql);
    Device->Completions++;
    if (Status == STATUS_CANCELLED) {
        Device->Cancels++;
    }
    KeReleaseSpinLock(&Device->Lock, irql);
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

/*
 * QueueFinish
 *   Frees the request context and completes its IRP.
 * IRQL: <= DISPATCH_LEVEL; never called with the core's lock held.
 * Returns: nothing.
 */
static VOID QueueFinish(DRIVER_REQUEST *Request, NTSTATUS Status, ULONG_PTR Information)
{
    DRIVER_DEVICE *device = Request->Device;
    PIRP irp = (PIRP)Request->Core.GlueRequest;
    ExFreePoolWithTag(Request, DEVICE_POOL_TAG);
    QueueCompleteIrp(device, irp, Status, Information);
}

/*
 * QueueMapBuffers
 *   Gives the core its view of the request's buffers, by transfer method. Lengths are the I/O
 *   manager's, already checked by it.
 * IRQL: PASSIVE_LEVEL (from the dispatch routine).
 * Returns: STATUS_SUCCESS; STATUS_INSUFFICIENT_RESOURCES when a direct output buffer cannot be
 *   mapped into system space.
 */
static NTSTATUS QueueMapBuffers(PIRP Irp, const IO_STACK_LOCATION *Stack, CORE_REQUEST *Request)
{
    ULONG code = Stack->Parameters.DeviceIoControl.IoControlCode;
    ULONG inputLength = Stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG outputLength = Stack->Parameters.DeviceIoControl.OutputBufferLength;
    UINT8 *systemBuffer = (UINT8 *)Irp->AssociatedIrp.SystemBuffer;

    switch (METHOD_FROM_CTL_CODE(code)) {
    case METHOD_BUFFERED:
        /* One system buffer carries the input in and the output out; the core copies the input
         * aside before it writes any output. */
        Request->InputBuffer = inputLength > 0 ? systemBuffer : NULL;
        Request->InputLength = inputLength;
        Request->OutputBuffer = outputLength > 0 ? systemBuffer : NULL;
        Request->OutputLength = outputLength;
        break;
    case METHOD_IN_DIRECT:
    case METHOD_OUT_DIRECT:
        /* The input is buffered; the output buffer arrives locked down in an MDL and is mapped
         * into system space here (not executable; NULL when mapping resources run out). */
        Request->InputBuffer = inputLength > 0 ? systemBuffer : NULL;
        Request->InputLength = inputLength;
        if (outputLength > 0) {
            UINT8 *output = NULL;
            if (Irp->MdlAddress != NULL) {
                output = (UINT8 *)MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority | MdlMappingNoExecute);
            }
            if (output == NULL) {
                return STATUS_INSUFFICIENT_RESOURCES;
            }
            Request->OutputBuffer = output;
            Request->OutputLength = outputLength;
        }
        break;
    default:
        /* METHOD_NEITHER would hand over raw user addresses. No schema declares such a code, so
         * the core answers it as unknown, without buffers. */
        break;
    }
    return STATUS_SUCCESS;
}

/*
 * QueueDispatchDeviceControl (IRP_MJ_DEVICE_CONTROL)
 *   Every device-control request: wraps the IRP in a request context, maps its buffers and hands
 *   it to the core, which completes it now or parks it. A test build answers its state IOCTL here.
 * IRQL: PASSIVE_LEVEL, in the caller's thread, so call handlers run there too.
 * Returns: STATUS_PENDING when the IRP was parked (even if it completed since); otherwise the
 *   status it was completed with.
 */
NTSTATUS NTAPI QueueDispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    DRIVER_DEVICE *device = (DRIVER_DEVICE *)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    DRIVER_FILE *file = stack->FileObject != NULL ? (DRIVER_FILE *)stack->FileObject->FsContext : NULL;
    ULONG code = stack->Parameters.DeviceIoControl.IoControlCode;
    BOOLEAN markedPending = FALSE;
    DRIVER_REQUEST *request;
    NTSTATUS status;

    if (file == NULL) {
        /* Every handle of this device gets a context in DeviceDispatchCreate. */
        QueueCompleteIrp(device, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
#ifdef INVERTED_CALL_TEST_BUILD
    if (TestOwnsCode(code)) {
        return TestDispatch(device, file, Irp);
    }
#endif

    request = (DRIVER_REQUEST *)ExAllocatePoolWithTag(DRIVER_POOL, sizeof(DRIVER_REQUEST), DEVICE_POOL_TAG);
    if (request == NULL) {
        QueueCompleteIrp(device, Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlZeroMemory(request, sizeof(*request));
    request->Core.GlueRequest = Irp;
    request->Device = device;
    request->File = &file->Core;
    InitializeListHead(&request->ParkLink);
    status = QueueMapBuffers(Irp, stack, &request->Core);
    if (!NT_SUCCESS(status)) {
        QueueFinish(request, status, 0);
        return status;
    }
    /* The cancel routine finds the request through the IRP. */
    Irp->Tail.Overlay.DriverContext[0] = request;
    request->MarkedPending = &markedPending;

    status = CoreDispatch(&device->Core, &file->Core, &request->Core, (UINT32)code);
    /* The request may be completed and freed by now: only the local flag is read. An IRP marked
     * pending must be answered STATUS_PENDING even when it has been completed meanwhile (one
     * cancelled while it was being parked, say). */
    return markedPending ? STATUS_PENDING : status;
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
    return ExAllocatePoolWithTag(DRIVER_POOL, Bytes, DEVICE_POOL_TAG);
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
 *   Acquires the device's spin lock, raising to DISPATCH_LEVEL.
 * IRQL: <= DISPATCH_LEVEL on entry; DISPATCH_LEVEL on return.
 * Returns: the IRQL before, which QueueUnlock restores.
 */
static uintptr_t QueueLock(void *Context)
{
    /* KeAcquireSpinLock may be a macro that static analysers do not see through: start defined. */
    KIRQL irql = PASSIVE_LEVEL;
    KeAcquireSpinLock(&((DRIVER_DEVICE *)Context)->Lock, &irql);
    return (uintptr_t)irql;
}

/*
 * QueueUnlock (CORE_OPS.Unlock)
 *   Releases the device's spin lock and returns to the IRQL QueueLock saved.
 * IRQL: DISPATCH_LEVEL.
 * Returns: nothing.
 */
static void QueueUnlock(void *Context, uintptr_t LockState)
{
    KeReleaseSpinLock(&((DRIVER_DEVICE *)Context)->Lock, (KIRQL)LockState);
}

/*
 * QueuePark (CORE_OPS.ParkRequest)
 *   Parks a subscribe request in its channel's list with a cancel routine, following the rules
 *   at the top of this file. Called with the core's lock held.
 * IRQL: DISPATCH_LEVEL (the lock is held).
 * Returns: STATUS_SUCCESS once parked; STATUS_CANCELLED when the IRP was cancelled before it
 *   became cancelable (the core then completes it with that status).
 */
static NTSTATUS QueuePark(void *Context, CORE_REQUEST *Request, UINT32 ChannelIndex)
{
    DRIVER_DEVICE *device = (DRIVER_DEVICE *)Context;
    DRIVER_REQUEST *request = CONTAINING_RECORD(Request, DRIVER_REQUEST, Core);
    PIRP irp = (PIRP)Request->GlueRequest;

    IoMarkIrpPending(irp);
    if (request->MarkedPending != NULL) {
        *request->MarkedPending = TRUE; /* the dispatch routine must now return STATUS_PENDING */
        request->MarkedPending = NULL;  /* its frame ends soon after: never written again */
    }
    InsertTailList(&device->Parked[ChannelIndex], &request->ParkLink);
    (void)IoSetCancelRoutine(irp, QueueCancelParked);
    if (irp->Cancel && IoSetCancelRoutine(irp, NULL) != NULL) {
        /* Cancelled before it was cancelable, and we got the routine back: no one else will
         * complete it. (NULL instead: the cancel routine has it and waits for our lock.) */
        RemoveEntryList(&request->ParkLink);
        InitializeListHead(&request->ParkLink);
        return STATUS_CANCELLED;
    }
    return STATUS_SUCCESS;
}

/*
 * QueueTakeParked (CORE_OPS.TakeParkedRequest)
 *   Takes the oldest parked request of File on the channel that cancellation has not claimed.
 *   Requests claimed by their cancel routine are unlinked on the way and left to it. Called with
 *   the core's lock held.
 * IRQL: DISPATCH_LEVEL (the lock is held).
 * Returns: the request's core part, no longer cancelable; NULL when none is left.
 */
/* cppcheck-suppress constParameter ; the signature is CORE_OPS.TakeParkedRequest's */
static CORE_REQUEST *QueueTakeParked(void *Context, CORE_FILE *File, UINT32 ChannelIndex)
{
    DRIVER_DEVICE *device = (DRIVER_DEVICE *)Context;
    LIST_ENTRY *head = &device->Parked[ChannelIndex];
    LIST_ENTRY *link = head->Flink;

    while (link != head) {
        DRIVER_REQUEST *request = CONTAINING_RECORD(link, DRIVER_REQUEST, ParkLink);
        link = link->Flink;
        if (request->File != File) {
            continue;
        }
        RemoveEntryList(&request->ParkLink);
        InitializeListHead(&request->ParkLink);
        if (IoSetCancelRoutine((PIRP)request->Core.GlueRequest, NULL) != NULL) {
            return &request->Core; /* no longer cancelable: the core may write into it */
        }
    }
    return NULL;
}

/*
 * QueueCompleteRequest (CORE_OPS.CompleteRequest)
 *   Completes a request with the core's status and byte count, freeing its context. Never called
 *   with the core's lock held.
 * IRQL: <= DISPATCH_LEVEL; PASSIVE_LEVEL in this driver (dispatch, close, call handlers and
 *   process notifications all run there).
 * Returns: nothing; the request is gone afterwards.
 */
static void QueueCompleteRequest(void *Context, CORE_REQUEST *Request, NTSTATUS Status, size_t Information)
{
    (void)Context;
    QueueFinish(CONTAINING_RECORD(Request, DRIVER_REQUEST, Core), Status, (ULONG_PTR)Information);
}

/*
 * QueueCancelParked (DRIVER_CANCEL)
 *   The I/O manager cancels a parked IRP. Called with the system's cancel spin lock held, which
 *   is released first so that it is never held together with ours; then the request is unlinked
 *   under our lock and completed. The request knows its device: nothing here depends on the
 *   stack location's device object.
 * IRQL: DISPATCH_LEVEL on entry (the cancel spin lock); the IRP's CancelIrql once released.
 * Returns: nothing; the IRP completes with STATUS_CANCELLED.
 */
static VOID NTAPI QueueCancelParked(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    DRIVER_REQUEST *request = (DRIVER_REQUEST *)Irp->Tail.Overlay.DriverContext[0];
    DRIVER_DEVICE *device = request->Device;
    KIRQL irql;

    (void)DeviceObject;
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    KeAcquireSpinLock(&device->Lock, &irql);
    RemoveEntryList(&request->ParkLink); /* does nothing if take unlinked it already */
    InitializeListHead(&request->ParkLink);
    KeReleaseSpinLock(&device->Lock, irql);
    QueueFinish(request, STATUS_CANCELLED, 0);
}

const CORE_OPS QueueCoreOps = {
    NULL, /* Context: the device extension, set by DeviceCreate */
    QueueAllocate,
    QueueFree,
    QueueLock,
    QueueUnlock,
    QueuePark,
    QueueTakeParked,
    QueueCompleteRequest,
};
