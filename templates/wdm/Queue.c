/*
 * Queue.c - IRP_MJ_DEVICE_CONTROL and the cancel-safe queue of parked subscribe requests.
 * Part of the template: do not edit.
 *
 * Every device-control request goes to the portable core (CoreDispatch), which checks lengths,
 * runs call handlers, answers the protocol-information call and decides about subscriptions.
 * A subscribe request that must wait is parked in the system's cancel-safe queue (IoCsq*): the
 * queue owns the cancel routine and the race between cancelling a request and taking it back, so
 * the glue implements no cancellation of its own. On Windows the IoCsq routines are ntoskrnl's;
 * the Wine build links the project's own (Wine 8 lacks them), written from the same documented
 * semantics. The glue provides the queue's callbacks:
 *
 *   insert    (under ParkLock) refuses an IRP already cancelled, with STATUS_CANCELLED: it is not
 *             queued and the core completes it. Otherwise marks it pending and appends it to its
 *             handle's list for the channel, File->Parked[channel].
 *   remove    (under ParkLock) unlinks it.
 *   peek      (under ParkLock) the first request of one (handle, channel) list, or the one after
 *             a given request: taking the oldest request of a handle looks at one list head, so
 *             closing a handle with n parked requests is linear, not a scan of every request of
 *             the channel per take. Requests whose cancellation is in progress are skipped by
 *             IoCsqRemoveNextIrp and stay linked until the queue's cancel routine removes them.
 *   lock      ParkLock, a spin lock of its own (below).
 *   complete-canceled  tells the core the request left (CoreParkedRequestCancelled: the
 *             parked-request limit) and completes the IRP with STATUS_CANCELLED, outside every
 *             lock; or, when the request is still inside QueuePark, leaves that to the core (below).
 *
 * Why ParkLock and not the core's lock: the core calls ParkRequest and TakeParkedRequest with its
 * lock held, and IoCsqInsertIrpEx and IoCsqRemoveNextIrp take the queue's lock themselves. Spin
 * locks do not nest on one thread, so the core's lock as the queue's lock would deadlock there;
 * making it recursive would mean tracking its owner by hand, the kind of hand-made
 * synchronization the queue is here to replace. So the queue has its own lock, always taken
 * after the core's when both are held (park, take, the state IOCTL) and alone in the cancel
 * path, never before the core's: one order, no deadlock. The core's contract is unchanged.
 *
 * A request cancelled while it is being parked. IoCsqInsertIrpEx may find, after inserting, that
 * the IRP was cancelled before its cancel routine was set; it then removes it again and calls
 * complete-canceled before returning, that is, inside QueuePark with the core's lock held (and a
 * cancel routine on another processor may do the same at that moment). Completing there would
 * complete under a spin lock and re-take the core's lock for the counters. So while
 * DRIVER_REQUEST.Parking is set, complete-canceled only records CancelledWhileParking, and
 * QueuePark returns STATUS_CANCELLED: the core completes the request once its lock is released,
 * exactly as for an IRP the insert callback refused.
 *
 * Each parked IRP is completed once: IoSetCancelRoutine's exchange, inside the queue, gives it to
 * either IoCsqRemoveNextIrp or the cancel routine. An event is written only into a request
 * IoCsqRemoveNextIrp returned, which can no longer be cancelled (R4).
 */
#include "Driver.h"
#ifdef INVERTED_CALL_TEST_BUILD
#include "InvertedCallTest.h"
#endif

/* What IoCsqRemoveNextIrp looks for: the requests of one handle on one channel, or the ask
 * requests of one verdict (of one handle, or of any when File is NULL). */
typedef struct _QUEUE_PEEK {
    DRIVER_FILE *File;
    UINT32 ChannelIndex;      /* or the verdict index, with Ask */
    BOOLEAN Ask;
} QUEUE_PEEK;

/* IoCsqInsertIrpEx's InsertContext: the channel index, or the verdict index with this bit. */
#define QUEUE_INSERT_ASK 0x80000000u

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
    request->File = file;
    InitializeListHead(&request->ParkLink);
    status = QueueMapBuffers(Irp, stack, &request->Core);
    if (!NT_SUCCESS(status)) {
        QueueFinish(request, status, 0);
        return status;
    }
    /* The cancel routine finds the request through the IRP. */
    Irp->Tail.Overlay.DriverContext[0] = request;
    request->MarkedPending = &markedPending;

    {
        UINT32 verdictIndex;
        int isReply;
        if (CoreVerdictFindCode(&device->Core, (UINT32)code, &verdictIndex, &isReply)) {
            /* A decider's ask request (parked in the verdict's list) or its reply (V1-V6). The
             * decider's process, for V7, is the handle's opener. */
            status = isReply ? CoreVerdictReplyRequest(&device->Core, &file->Core, verdictIndex, &request->Core)
                             : CoreVerdictAskRequest(&device->Core, &file->Core, verdictIndex, &request->Core, file->OpenerProcessId);
        } else {
            status = CoreDispatch(&device->Core, &file->Core, &request->Core, (UINT32)code);
        }
    }
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
 * QueueParkIn, and QueuePark (CORE_OPS.ParkRequest)
 *   Inserts a request into the cancel-safe queue: a subscribe request in its handle's list for the
 *   channel (QueuePark), an ask request in its verdict's list (QueueParkAsk, InsertContext with
 *   QUEUE_INSERT_ASK). Called with the core's lock held; the queue takes ParkLock itself.
 * IRQL: DISPATCH_LEVEL (the lock is held).
 * Returns: STATUS_SUCCESS once parked; STATUS_CANCELLED when the IRP was cancelled before it
 *   became cancelable, or while it was being inserted (the core then completes it with that
 *   status, once its lock is released).
 */
static NTSTATUS QueueParkIn(DRIVER_DEVICE *Device, CORE_REQUEST *Request, UINT32 InsertContext)
{
    DRIVER_REQUEST *request = CONTAINING_RECORD(Request, DRIVER_REQUEST, Core);
    NTSTATUS status;
    BOOLEAN cancelled;
    KIRQL irql;

    KeAcquireSpinLock(&Device->ParkLock, &irql);
    request->Parking = TRUE;
    KeReleaseSpinLock(&Device->ParkLock, irql);

    status = IoCsqInsertIrpEx(&Device->Csq, (PIRP)Request->GlueRequest, NULL, (PVOID)(ULONG_PTR)InsertContext);

    KeAcquireSpinLock(&Device->ParkLock, &irql);
    request->Parking = FALSE;
    cancelled = request->CancelledWhileParking;
    KeReleaseSpinLock(&Device->ParkLock, irql);
    if (NT_SUCCESS(status) && cancelled) {
        /* The queue removed it again and left its completion to us (QueueCsqCompleteCanceled). */
        status = STATUS_CANCELLED;
    }
    return status;
}

static NTSTATUS QueuePark(void *Context, CORE_REQUEST *Request, UINT32 ChannelIndex)
{
    return QueueParkIn((DRIVER_DEVICE *)Context, Request, ChannelIndex);
}

/*
 * QueueParkAsk (CORE_VERDICT_OPS.ParkAskRequest)
 *   Inserts a decider's ask request into the cancel-safe queue, last in its verdict's list (V2:
 *   the longest-waiting ask request across handles gets the next question). Called with the
 *   core's lock held, as QueuePark.
 * IRQL: DISPATCH_LEVEL (the lock is held).
 * Returns: as QueuePark.
 */
static NTSTATUS QueueParkAsk(void *Context, CORE_REQUEST *Request, UINT32 VerdictIndex)
{
    return QueueParkIn((DRIVER_DEVICE *)Context, Request, VerdictIndex | QUEUE_INSERT_ASK);
}

/*
 * QueueTakeAsk (CORE_VERDICT_OPS.TakeAskRequest)
 *   Takes the oldest parked ask request of the verdict that cancellation has not claimed: of File,
 *   or of any handle when File is NULL. Called with the core's lock held.
 * IRQL: DISPATCH_LEVEL (the lock is held).
 * Returns: the request's core part, no longer cancelable; NULL when none is left.
 */
static CORE_REQUEST *QueueTakeAsk(void *Context, UINT32 VerdictIndex, CORE_FILE *File)
{
    DRIVER_DEVICE *device = (DRIVER_DEVICE *)Context;
    QUEUE_PEEK peek;
    PIRP irp;

    peek.File = File != NULL ? CONTAINING_RECORD(File, DRIVER_FILE, Core) : NULL;
    peek.ChannelIndex = VerdictIndex;
    peek.Ask = TRUE;
    irp = IoCsqRemoveNextIrp(&device->Csq, &peek);
    if (irp == NULL) {
        return NULL;
    }
    return &((DRIVER_REQUEST *)irp->Tail.Overlay.DriverContext[0])->Core;
}

/*
 * QueueTakeParked (CORE_OPS.TakeParkedRequest)
 *   Takes the oldest parked request of File on the channel that cancellation has not claimed,
 *   through IoCsqRemoveNextIrp and the peek callback, which look at File's own list. Called with
 *   the core's lock held; the queue takes ParkLock itself.
 * IRQL: DISPATCH_LEVEL (the lock is held).
 * Returns: the request's core part, no longer cancelable; NULL when none is left.
 */
static CORE_REQUEST *QueueTakeParked(void *Context, CORE_FILE *File, UINT32 ChannelIndex)
{
    DRIVER_DEVICE *device = (DRIVER_DEVICE *)Context;
    QUEUE_PEEK peek;
    PIRP irp;

    peek.File = CONTAINING_RECORD(File, DRIVER_FILE, Core);
    peek.ChannelIndex = ChannelIndex;
    peek.Ask = FALSE;
    irp = IoCsqRemoveNextIrp(&device->Csq, &peek);
    if (irp == NULL) {
        return NULL;
    }
    return &((DRIVER_REQUEST *)irp->Tail.Overlay.DriverContext[0])->Core;
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

/* ---- the cancel-safe queue's callbacks -------------------------------------------------- */

/*
 * QueueCsqInsert (IO_CSQ_INSERT_IRP_EX)
 *   Appends the IRP's request to its handle's list for the channel InsertContext names, unless
 *   the IRP is already cancelled; marks it pending and tells the dispatch routine so.
 * IRQL: DISPATCH_LEVEL (ParkLock held, inside IoCsqInsertIrpEx).
 * Returns: STATUS_SUCCESS once linked; STATUS_CANCELLED for an IRP already cancelled, which is
 *   then not queued (the core completes it).
 */
static NTSTATUS NTAPI QueueCsqInsert(PIO_CSQ Csq, PIRP Irp, PVOID InsertContext)
{
    DRIVER_REQUEST *request = (DRIVER_REQUEST *)Irp->Tail.Overlay.DriverContext[0];
    UINT32 target = (UINT32)(ULONG_PTR)InsertContext;
    LIST_ENTRY *list;

    if ((target & QUEUE_INSERT_ASK) != 0u) {
        list = &CONTAINING_RECORD(Csq, DRIVER_DEVICE, Csq)->AskParked[target & ~QUEUE_INSERT_ASK];
    } else {
        list = &request->File->Parked[target];
    }
    if (Irp->Cancel) {
        return STATUS_CANCELLED;
    }
    IoMarkIrpPending(Irp);
    if (request->MarkedPending != NULL) {
        *request->MarkedPending = TRUE; /* the dispatch routine must now return STATUS_PENDING */
        request->MarkedPending = NULL;  /* its frame ends soon after: never written again */
    }
    InsertTailList(list, &request->ParkLink);
    return STATUS_SUCCESS;
}

/*
 * QueueCsqRemove (IO_CSQ_REMOVE_IRP)
 *   Unlinks the IRP's request from its handle's list.
 * IRQL: DISPATCH_LEVEL (ParkLock held).
 * Returns: nothing.
 */
static VOID NTAPI QueueCsqRemove(PIO_CSQ Csq, PIRP Irp)
{
    DRIVER_REQUEST *request = (DRIVER_REQUEST *)Irp->Tail.Overlay.DriverContext[0];
    (void)Csq;
    RemoveEntryList(&request->ParkLink);
    InitializeListHead(&request->ParkLink);
}

/*
 * QueueCsqPeek (IO_CSQ_PEEK_NEXT_IRP)
 *   The request after Irp (the first one when Irp is NULL) in the list of the handle and channel
 *   PeekContext (a QUEUE_PEEK) names. Every request of that list matches, so no scan.
 * IRQL: DISPATCH_LEVEL (ParkLock held).
 * Returns: its IRP, or NULL at the end of the list.
 */
static PIRP NTAPI QueueCsqPeek(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext)
{
    const QUEUE_PEEK *peek = (const QUEUE_PEEK *)PeekContext;
    LIST_ENTRY *head = peek->Ask ? &CONTAINING_RECORD(Csq, DRIVER_DEVICE, Csq)->AskParked[peek->ChannelIndex] : &peek->File->Parked[peek->ChannelIndex];
    LIST_ENTRY *next;

    if (Irp == NULL) {
        next = head->Flink;
    } else {
        next = ((DRIVER_REQUEST *)Irp->Tail.Overlay.DriverContext[0])->ParkLink.Flink;
    }
    /* A verdict's list holds every handle's ask requests: one handle's are found by a scan (a
     * handle closing takes its own back, at most as many as it parked). */
    while (next != head && peek->Ask && peek->File != NULL && CONTAINING_RECORD(next, DRIVER_REQUEST, ParkLink)->File != peek->File) {
        next = next->Flink;
    }
    if (next == head) {
        return NULL;
    }
    return (PIRP)CONTAINING_RECORD(next, DRIVER_REQUEST, ParkLink)->Core.GlueRequest;
}

/*
 * QueueCsqAcquireLock (IO_CSQ_ACQUIRE_LOCK)
 *   Acquires ParkLock, the queue's lock.
 * IRQL: <= DISPATCH_LEVEL on entry; DISPATCH_LEVEL on return.
 * Returns: nothing; *Irql receives the IRQL before.
 */
static VOID NTAPI QueueCsqAcquireLock(PIO_CSQ Csq, PKIRQL Irql)
{
    KeAcquireSpinLock(&CONTAINING_RECORD(Csq, DRIVER_DEVICE, Csq)->ParkLock, Irql);
}

/*
 * QueueCsqReleaseLock (IO_CSQ_RELEASE_LOCK)
 *   Releases ParkLock and returns to Irql.
 * IRQL: DISPATCH_LEVEL.
 * Returns: nothing.
 */
static VOID NTAPI QueueCsqReleaseLock(PIO_CSQ Csq, KIRQL Irql)
{
    KeReleaseSpinLock(&CONTAINING_RECORD(Csq, DRIVER_DEVICE, Csq)->ParkLock, Irql);
}

/*
 * QueueCsqCompleteCanceled (IO_CSQ_COMPLETE_CANCELED_IRP)
 *   A parked request was cancelled and the queue has removed it: completes it with
 *   STATUS_CANCELLED. While QueuePark is still inserting it, the core's lock may be held on this
 *   very thread: then only records the cancel, and QueuePark hands the request back to the core.
 *   The request knows its device: nothing here depends on the stack location's device object,
 *   nor touches the handle's context.
 * IRQL: <= DISPATCH_LEVEL, no lock of the queue held.
 * Returns: nothing; the IRP is completed, or left to QueuePark's caller.
 */
static VOID NTAPI QueueCsqCompleteCanceled(PIO_CSQ Csq, PIRP Irp)
{
    DRIVER_DEVICE *device = CONTAINING_RECORD(Csq, DRIVER_DEVICE, Csq);
    DRIVER_REQUEST *request = (DRIVER_REQUEST *)Irp->Tail.Overlay.DriverContext[0];
    BOOLEAN parking;
    KIRQL irql;

    KeAcquireSpinLock(&device->ParkLock, &irql);
    parking = request->Parking;
    if (parking) {
        request->CancelledWhileParking = TRUE;
    }
    KeReleaseSpinLock(&device->ParkLock, irql);
    if (!parking) {
        /* The core counted it parked: it leaves without being taken (the parked-request limit). */
        CoreParkedRequestCancelled(&device->Core, &request->Core);
        QueueFinish(request, STATUS_CANCELLED, 0);
    }
}

/*
 * QueueInitialize
 *   Sets up the device's cancel-safe queue and its lock.
 * IRQL: PASSIVE_LEVEL (DeviceCreate).
 * Returns: IoCsqInitializeEx's status.
 */
NTSTATUS QueueInitialize(DRIVER_DEVICE *Device)
{
    UINT32 index;
    KeInitializeSpinLock(&Device->ParkLock);
    for (index = 0; index < DEVICE_VERDICT_SLOTS; index++) {
        InitializeListHead(&Device->AskParked[index]);
    }
    return IoCsqInitializeEx(&Device->Csq, QueueCsqInsert, QueueCsqRemove, QueueCsqPeek, QueueCsqAcquireLock, QueueCsqReleaseLock,
                             QueueCsqCompleteCanceled);
}

/*
 * QueueFileInitialize
 *   Gives a new handle its empty per-channel lists of parked requests.
 * IRQL: PASSIVE_LEVEL (DeviceDispatchCreate).
 * Returns: nothing.
 */
VOID QueueFileInitialize(DRIVER_FILE *File)
{
    UINT32 index;
    for (index = 0; index < DEVICE_CHANNEL_SLOTS; index++) {
        InitializeListHead(&File->Parked[index]);
    }
}

/*
 * QueueFileHasParked
 *   Whether any request of File is still linked: in one of its lists, or an ask request in a
 *   verdict's list.
 * IRQL: DISPATCH_LEVEL (ParkLock held).
 * Returns: TRUE when one is.
 */
BOOLEAN QueueFileHasParked(const DRIVER_DEVICE *Device, const DRIVER_FILE *File)
{
    UINT32 index;
    for (index = 0; index < DEVICE_CHANNEL_SLOTS; index++) {
        if (!IsListEmpty(&File->Parked[index])) {
            return TRUE;
        }
    }
    for (index = 0; index < DEVICE_VERDICT_SLOTS; index++) {
        const LIST_ENTRY *entry;
        for (entry = Device->AskParked[index].Flink; entry != &Device->AskParked[index]; entry = entry->Flink) {
            if (CONTAINING_RECORD(entry, DRIVER_REQUEST, ParkLink)->File == File) {
                return TRUE;
            }
        }
    }
    return FALSE;
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

const CORE_VERDICT_OPS QueueVerdictOps = {
    VerdictWaitNowMs,
    QueueParkAsk,
    QueueTakeAsk,
    VerdictWaitWake,
};
