/*
 * iocsq_test.c - native unit tests of wine-runtime/IoCsq.c against its documented semantics.
 * The test plays the I/O manager (IoCancelIrp, the cancel spin lock) and the driver (a queue of
 * up to MAX_QUEUED IRPs, each tagged with an owner the peek context selects), and checks every
 * callback's lock state. Prints one line per test; exits non-zero at the first failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ntddk.h"

#define MAX_QUEUED 8

static struct {
    PIRP Queued[MAX_QUEUED]; /* oldest first */
    int Owner[MAX_QUEUED];   /* what a peek context selects */
    int Count;
    BOOLEAN LockHeld;
    BOOLEAN CancelLockHeld;
    NTSTATUS InsertStatus;   /* what the insert callback answers */
    PVOID LastInsertContext;
    int InsertCalls;
    int Completed;           /* complete-canceled calls */
    PIRP LastCompleted;
    int Messages;            /* DbgPrintEx calls */
} Q;

static IO_CSQ Csq;
static const char *CurrentTest = "";

static void Fail(const char *What, int Line)
{
    printf("not ok: %s: %s (line %d)\n", CurrentTest, What, Line);
    exit(1);
}
#define CHECK(Condition) ((Condition) ? (void)0 : Fail(#Condition, __LINE__))

VOID IoReleaseCancelSpinLock(KIRQL Irql)
{
    CHECK(Q.CancelLockHeld);
    CHECK(Irql == 2); /* the IRQL IoCancelIrp saved in Irp->CancelIrql */
    Q.CancelLockHeld = FALSE;
}

ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, const char *Format, ...)
{
    (void)ComponentId;
    (void)Level;
    (void)Format;
    Q.Messages++;
    return 0;
}

/* ---- the driver's callbacks ---- */

static int QueueIndex(PIRP Irp)
{
    int index;
    for (index = 0; index < Q.Count; index++) {
        if (Q.Queued[index] == Irp) {
            return index;
        }
    }
    return -1;
}

static NTSTATUS NTAPI TestInsert(PIO_CSQ Queue, PIRP Irp, PVOID InsertContext)
{
    CHECK(Queue == &Csq);
    CHECK(Q.LockHeld);
    CHECK(!Q.CancelLockHeld);
    Q.InsertCalls++;
    Q.LastInsertContext = InsertContext;
    if (!NT_SUCCESS(Q.InsertStatus)) {
        return Q.InsertStatus;
    }
    CHECK(Q.Count < MAX_QUEUED);
    Q.Queued[Q.Count] = Irp;
    Q.Owner[Q.Count] = (int)(size_t)InsertContext;
    Q.Count++;
    return STATUS_SUCCESS;
}

static VOID NTAPI TestRemove(PIO_CSQ Queue, PIRP Irp)
{
    int index = QueueIndex(Irp);
    CHECK(Queue == &Csq);
    CHECK(Q.LockHeld);
    CHECK(index >= 0);
    memmove(&Q.Queued[index], &Q.Queued[index + 1], (size_t)(Q.Count - index - 1) * sizeof(Q.Queued[0]));
    memmove(&Q.Owner[index], &Q.Owner[index + 1], (size_t)(Q.Count - index - 1) * sizeof(Q.Owner[0]));
    Q.Count--;
}

static PIRP NTAPI TestPeek(PIO_CSQ Queue, PIRP Irp, PVOID PeekContext)
{
    int index = Irp == NULL ? 0 : QueueIndex(Irp) + 1;
    CHECK(Queue == &Csq);
    CHECK(Q.LockHeld);
    CHECK(Irp == NULL || index > 0);
    for (; index < Q.Count; index++) {
        if (Q.Owner[index] == (int)(size_t)PeekContext) {
            return Q.Queued[index];
        }
    }
    return NULL;
}

static VOID NTAPI TestAcquireLock(PIO_CSQ Queue, PKIRQL Irql)
{
    CHECK(Queue == &Csq);
    CHECK(!Q.LockHeld);        /* the queue never takes its lock twice */
    CHECK(!Q.CancelLockHeld);  /* nor together with the cancel spin lock */
    Q.LockHeld = TRUE;
    *Irql = 1;
}

static VOID NTAPI TestReleaseLock(PIO_CSQ Queue, KIRQL Irql)
{
    CHECK(Queue == &Csq);
    CHECK(Q.LockHeld);
    CHECK(Irql == 1);
    Q.LockHeld = FALSE;
}

static VOID NTAPI TestCompleteCanceled(PIO_CSQ Queue, PIRP Irp)
{
    CHECK(Queue == &Csq);
    CHECK(!Q.LockHeld);
    CHECK(!Q.CancelLockHeld);
    CHECK(QueueIndex(Irp) < 0); /* removed before it is handed over */
    CHECK(Irp->CancelRoutine == NULL);
    Q.Completed++;
    Q.LastCompleted = Irp;
}

/* ---- the I/O manager ---- */

/* IoCancelIrp: the cancel spin lock, Cancel set, the routine taken and called if there was one. */
static void CancelIrp(PIRP Irp)
{
    PDRIVER_CANCEL routine;
    Q.CancelLockHeld = TRUE;
    Irp->Cancel = TRUE;
    routine = IoSetCancelRoutine(Irp, NULL);
    if (routine == NULL) {
        Q.CancelLockHeld = FALSE;
        return;
    }
    Irp->CancelIrql = 2;
    routine(NULL, Irp);
    CHECK(!Q.CancelLockHeld); /* the routine released it */
}

static void Reset(const char *Name)
{
    memset(&Q, 0, sizeof(Q));
    CurrentTest = Name;
    CHECK(IoCsqInitializeEx(&Csq, TestInsert, TestRemove, TestPeek, TestAcquireLock, TestReleaseLock, TestCompleteCanceled) == STATUS_SUCCESS);
    CHECK(Csq.Type == IO_TYPE_CSQ_EX);
}

static void Passed(void)
{
    CHECK(!Q.LockHeld);
    CHECK(!Q.CancelLockHeld);
    printf("ok: %s\n", CurrentTest);
}

static void TestInsertMakesCancelable(void)
{
    IRP irp;
    memset(&irp, 0, sizeof(irp));
    Reset("insert: queued through the callback with its context, marked pending, cancelable");
    CHECK(IoCsqInsertIrpEx(&Csq, &irp, NULL, (PVOID)7) == STATUS_SUCCESS);
    CHECK(Q.InsertCalls == 1 && Q.LastInsertContext == (PVOID)7);
    CHECK(Q.Count == 1 && Q.Queued[0] == &irp);
    CHECK(irp.MarkedPending);
    CHECK(irp.CancelRoutine != NULL);
    CHECK(irp.Tail.Overlay.DriverContext[3] == &Csq);
    CHECK(Q.Completed == 0);
    Passed();
}

static void TestInsertRefused(void)
{
    IRP irp;
    memset(&irp, 0, sizeof(irp));
    Reset("insert: an error from the callback is returned and nothing is queued");
    Q.InsertStatus = STATUS_CANCELLED;
    CHECK(IoCsqInsertIrpEx(&Csq, &irp, NULL, NULL) == STATUS_CANCELLED);
    CHECK(Q.Count == 0);
    CHECK(!irp.MarkedPending);
    CHECK(irp.CancelRoutine == NULL);
    CHECK(Q.Completed == 0); /* the caller completes it */
    Passed();
}

static void TestInsertAlreadyCancelled(void)
{
    IRP irp;
    memset(&irp, 0, sizeof(irp));
    Reset("insert: an IRP cancelled before it became cancelable is removed and completed once, outside the lock");
    CancelIrp(&irp); /* no routine yet: IoCancelIrp calls nothing */
    CHECK(IoCsqInsertIrpEx(&Csq, &irp, NULL, NULL) == STATUS_SUCCESS);
    CHECK(Q.Count == 0);
    CHECK(Q.Completed == 1 && Q.LastCompleted == &irp);
    CHECK(irp.CancelRoutine == NULL);
    Passed();
}

static void TestRemoveNextInOrder(void)
{
    IRP first;
    IRP second;
    IRP other;
    PIRP taken;
    memset(&first, 0, sizeof(first));
    memset(&second, 0, sizeof(second));
    memset(&other, 0, sizeof(other));
    Reset("remove-next: the oldest IRP of the peek context, no longer cancelable, then the next, then NULL");
    CHECK(IoCsqInsertIrpEx(&Csq, &other, NULL, (PVOID)2) == STATUS_SUCCESS);
    CHECK(IoCsqInsertIrpEx(&Csq, &first, NULL, (PVOID)1) == STATUS_SUCCESS);
    CHECK(IoCsqInsertIrpEx(&Csq, &second, NULL, (PVOID)1) == STATUS_SUCCESS);
    taken = IoCsqRemoveNextIrp(&Csq, (PVOID)1);
    CHECK(taken == &first && first.CancelRoutine == NULL && first.Tail.Overlay.DriverContext[3] == NULL);
    CHECK(IoCsqRemoveNextIrp(&Csq, (PVOID)1) == &second);
    CHECK(IoCsqRemoveNextIrp(&Csq, (PVOID)1) == NULL);
    CHECK(Q.Count == 1 && Q.Queued[0] == &other && other.CancelRoutine != NULL);
    /* Taken IRPs can no longer be cancelled: IoCancelIrp finds no routine. */
    CancelIrp(&first);
    CHECK(Q.Completed == 0);
    Passed();
}

static void TestRemoveNextSkipsCancelling(void)
{
    IRP cancelling;
    IRP next;
    PDRIVER_CANCEL routine;
    memset(&cancelling, 0, sizeof(cancelling));
    memset(&next, 0, sizeof(next));
    Reset("remove-next: an IRP whose cancellation is in progress is skipped and left to its cancel routine");
    CHECK(IoCsqInsertIrpEx(&Csq, &cancelling, NULL, NULL) == STATUS_SUCCESS);
    CHECK(IoCsqInsertIrpEx(&Csq, &next, NULL, NULL) == STATUS_SUCCESS);
    /* IoCancelIrp on another processor has taken the routine and not yet called it. */
    Q.CancelLockHeld = TRUE;
    cancelling.Cancel = TRUE;
    cancelling.CancelIrql = 2;
    routine = IoSetCancelRoutine(&cancelling, NULL);
    CHECK(routine != NULL);
    Q.CancelLockHeld = FALSE; /* this processor runs the take meanwhile */
    CHECK(IoCsqRemoveNextIrp(&Csq, NULL) == &next);
    CHECK(Q.Count == 1 && Q.Queued[0] == &cancelling);
    CHECK(IoCsqRemoveNextIrp(&Csq, NULL) == NULL);
    /* Now the routine runs: it removes the IRP and hands it over once. */
    Q.CancelLockHeld = TRUE;
    routine(NULL, &cancelling);
    CHECK(Q.Count == 0);
    CHECK(Q.Completed == 1 && Q.LastCompleted == &cancelling);
    Passed();
}

static void TestCancelRoutine(void)
{
    IRP irp;
    memset(&irp, 0, sizeof(irp));
    Reset("cancel: the cancel spin lock released first, removed under the queue lock, completed once without a lock");
    CHECK(IoCsqInsertIrpEx(&Csq, &irp, NULL, NULL) == STATUS_SUCCESS);
    CancelIrp(&irp);
    CHECK(Q.Count == 0);
    CHECK(Q.Completed == 1 && Q.LastCompleted == &irp);
    CHECK(irp.Tail.Overlay.DriverContext[3] == NULL);
    CHECK(IoCsqRemoveNextIrp(&Csq, NULL) == NULL);
    CancelIrp(&irp); /* cancelling again finds no routine */
    CHECK(Q.Completed == 1);
    Passed();
}

static void TestRefusedArguments(void)
{
    IRP irp;
    IO_CSQ_IRP_CONTEXT context;
    memset(&irp, 0, sizeof(irp));
    Reset("insert: an IO_CSQ_IRP_CONTEXT, or a queue not set up by IoCsqInitializeEx, is refused with a message");
    CHECK(IoCsqInsertIrpEx(&Csq, &irp, &context, NULL) == STATUS_NOT_SUPPORTED);
    Csq.Type = IO_TYPE_CSQ;
    CHECK(IoCsqInsertIrpEx(&Csq, &irp, NULL, NULL) == STATUS_INVALID_PARAMETER);
    CHECK(Q.InsertCalls == 0 && Q.Count == 0 && !irp.MarkedPending && irp.CancelRoutine == NULL);
    CHECK(Q.Messages == 2);
    Passed();
}

int main(void)
{
    TestInsertMakesCancelable();
    TestInsertRefused();
    TestInsertAlreadyCancelled();
    TestRemoveNextInOrder();
    TestRemoveNextSkipsCancelling();
    TestCancelRoutine();
    TestRefusedArguments();
    printf("all passed\n");
    return 0;
}
