/*
 * IoCsq.c - the system's cancel-safe IRP queue routines the WDM glue calls, for the Wine build.
 *
 * Windows has these in ntoskrnl. Wine 8's ntoskrnl.exe lacks IoCsqInitializeEx and
 * IoCsqInsertIrpEx and exports IoCsqRemoveNextIrp only as a stub that ends the driver host, so
 * the mingw build of a WDM driver for the Wine bed links this file (build-wdm.ts); the WDK build
 * does not and uses ntoskrnl's. Written from Microsoft's documented semantics (IoCsqInitializeEx,
 * IoCsqInsertIrpEx, IoCsqRemoveNextIrp, the IO_CSQ callbacks, "Cancel-Safe IRP Queues"); the
 * types and prototypes are mingw-w64's <wdm.h>, which declares all of them.
 *
 * What the queue guarantees, each step under the driver's queue lock (its callbacks):
 *   insert       the driver's insert callback decides; on success the IRP is marked pending,
 *                remembers its queue (DriverContext[3], which the documentation reserves for
 *                these routines) and gets the queue's cancel routine. If it was cancelled before
 *                that routine was set, IoCancelIrp found no routine to call: the queue takes the
 *                routine back, removes the IRP and completes it through complete-canceled once
 *                the lock is released. An error from the insert callback is returned and nothing
 *                is queued.
 *   remove-next  peeks from the start; an IRP whose cancel routine is already gone (its
 *                cancellation is in progress) is skipped and left linked for the cancel routine;
 *                the first other one loses its cancel routine, is removed and returned.
 *   cancel       (the I/O manager, cancel spin lock held) releases the cancel spin lock, removes
 *                the IRP under the queue lock, then calls complete-canceled without any lock.
 * IoSetCancelRoutine's atomic exchange gives each queued IRP to exactly one of remove-next and
 * cancel. Only what the glue uses is here: no IoCsqInitialize, IoCsqInsertIrp or IoCsqRemoveIrp,
 * and IoCsqInsertIrpEx refuses an IO_CSQ_IRP_CONTEXT (that is for IoCsqRemoveIrp).
 */

/* This file defines routines <wdm.h> declares as ntoskrnl imports: declare them as defined here. */
#define _NTOSKRNL_ 1
#include <ntddk.h>

/* The slot of a queued IRP that names its queue: DriverContext[3], as the documentation says. */
#define CSQ_OF(Irp) ((Irp)->Tail.Overlay.DriverContext[3])

static DRIVER_CANCEL CsqCancelIrp;

/*
 * The driver's calls reach these routines through __imp_ pointers (<wdm.h> declares them
 * dllimport). Defining those pointers here keeps the linker from taking them, and with them
 * Wine's missing or stub routines, from libntoskrnl.a.
 */
NTSTATUS(NTAPI *const __imp_IoCsqInitializeEx)(PIO_CSQ, PIO_CSQ_INSERT_IRP_EX, PIO_CSQ_REMOVE_IRP, PIO_CSQ_PEEK_NEXT_IRP,
                                                PIO_CSQ_ACQUIRE_LOCK, PIO_CSQ_RELEASE_LOCK, PIO_CSQ_COMPLETE_CANCELED_IRP) = IoCsqInitializeEx;
NTSTATUS(NTAPI *const __imp_IoCsqInsertIrpEx)(PIO_CSQ, PIRP, PIO_CSQ_IRP_CONTEXT, PVOID) = IoCsqInsertIrpEx;
PIRP(NTAPI *const __imp_IoCsqRemoveNextIrp)(PIO_CSQ, PVOID) = IoCsqRemoveNextIrp;

/*
 * IoCsqInitializeEx
 *   Fills in the queue's dispatch table with the driver's callbacks. The insert callback is the
 *   Ex kind, which returns a status; IO_CSQ keeps it in its CsqInsertIrp field, told apart by Type.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: STATUS_SUCCESS.
 */
NTSTATUS NTAPI IoCsqInitializeEx(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP_EX CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                                 PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                                 PIO_CSQ_RELEASE_LOCK CsqReleaseLock, PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    Csq->Type = IO_TYPE_CSQ_EX;
    /* Through void (*)(void), the one cast between function types gcc's -Wcast-function-type allows. */
    Csq->CsqInsertIrp = (PIO_CSQ_INSERT_IRP)(void (*)(void))CsqInsertIrp;
    Csq->CsqRemoveIrp = CsqRemoveIrp;
    Csq->CsqPeekNextIrp = CsqPeekNextIrp;
    Csq->CsqAcquireLock = CsqAcquireLock;
    Csq->CsqReleaseLock = CsqReleaseLock;
    Csq->CsqCompleteCanceledIrp = CsqCompleteCanceledIrp;
    Csq->ReservePointer = NULL;
    return STATUS_SUCCESS;
}

/*
 * IoCsqInsertIrpEx
 *   Queues Irp through the driver's insert callback (InsertContext passed on) and makes it
 *   cancelable; an IRP found cancelled before it became cancelable is removed again and
 *   completed through complete-canceled.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: the insert callback's status (the IRP is queued, or was completed as cancelled, only
 *   on success; on an error it is untouched and the caller completes it); STATUS_INVALID_PARAMETER
 *   for a queue not set up by IoCsqInitializeEx; STATUS_NOT_SUPPORTED for a non-NULL Context.
 */
NTSTATUS NTAPI IoCsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context, PVOID InsertContext)
{
    PIO_CSQ_INSERT_IRP_EX insert;
    NTSTATUS status;
    KIRQL irql;

    if (Csq->Type != IO_TYPE_CSQ_EX) {
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "IoCsq (Wine runtime): IoCsqInsertIrpEx on a queue not set up by IoCsqInitializeEx\n");
        return STATUS_INVALID_PARAMETER;
    }
    if (Context != NULL) {
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                   "IoCsq (Wine runtime): IoCsqInsertIrpEx with an IO_CSQ_IRP_CONTEXT: this runtime has no IoCsqRemoveIrp; pass NULL\n");
        return STATUS_NOT_SUPPORTED;
    }
    insert = (PIO_CSQ_INSERT_IRP_EX)(void (*)(void))Csq->CsqInsertIrp;

    Csq->CsqAcquireLock(Csq, &irql);
    status = insert(Csq, Irp, InsertContext);
    if (!NT_SUCCESS(status)) {
        Csq->CsqReleaseLock(Csq, irql);
        return status;
    }
    IoMarkIrpPending(Irp);
    CSQ_OF(Irp) = Csq;
    (void)IoSetCancelRoutine(Irp, CsqCancelIrp);
    if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {
        /* Cancelled before the routine was set, and the routine is ours again: IoCancelIrp called
         * nothing, so the queue completes it. (NULL instead: the routine runs and waits for the lock.) */
        Csq->CsqRemoveIrp(Csq, Irp);
        CSQ_OF(Irp) = NULL;
        Csq->CsqReleaseLock(Csq, irql);
        Csq->CsqCompleteCanceledIrp(Csq, Irp);
        return status;
    }
    Csq->CsqReleaseLock(Csq, irql);
    return status;
}

/*
 * IoCsqRemoveNextIrp
 *   Removes the first queued IRP the driver's peek callback finds for PeekContext whose
 *   cancellation is not in progress, and makes it non-cancelable.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: the IRP, now the caller's to complete; NULL when the peek finds none.
 */
PIRP NTAPI IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext)
{
    PIRP irp;
    KIRQL irql;

    Csq->CsqAcquireLock(Csq, &irql);
    irp = Csq->CsqPeekNextIrp(Csq, NULL, PeekContext);
    while (irp != NULL && IoSetCancelRoutine(irp, NULL) == NULL) {
        /* Its cancel routine has been taken: it is being cancelled and removes the IRP itself. */
        irp = Csq->CsqPeekNextIrp(Csq, irp, PeekContext);
    }
    if (irp != NULL) {
        Csq->CsqRemoveIrp(Csq, irp);
        CSQ_OF(irp) = NULL;
    }
    Csq->CsqReleaseLock(Csq, irql);
    return irp;
}

/*
 * CsqCancelIrp (DRIVER_CANCEL)
 *   The I/O manager cancels a queued IRP. Called with the cancel spin lock held, which is released
 *   first so that it is never held with the queue's lock; then the IRP is removed under the queue
 *   lock and handed to complete-canceled with no lock held.
 * IRQL: DISPATCH_LEVEL on entry (the cancel spin lock); the IRP's CancelIrql once released.
 * Returns: nothing.
 */
static VOID NTAPI CsqCancelIrp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_CSQ csq = (PIO_CSQ)CSQ_OF(Irp);
    KIRQL irql;

    (void)DeviceObject;
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    csq->CsqAcquireLock(csq, &irql);
    csq->CsqRemoveIrp(csq, Irp);
    CSQ_OF(Irp) = NULL;
    csq->CsqReleaseLock(csq, irql);
    csq->CsqCompleteCanceledIrp(csq, Irp);
}
