/*
 * KmdfVerifier.c - the runtime's verifier, modelled on KMDF Verifier: handle checks on every
 * framework call, and the spin-lock and IRQL rules a driver must keep. A violation prints one
 * line starting "KMDF-subset verifier:" (DbgPrint: visible with WINEDEBUG=+debugstr, which the
 * Wine bed sets for KMDF drivers) and stops the driver host with a bug check, so that the test
 * that caused it fails and its log names the rule.
 */
#include "KmdfRuntime.h"

/* Bug check code 0x10D, WDF_VIOLATION, as KMDF uses for its own verifier stops. */
#define KR_BUGCHECK_WDF_VIOLATION 0x10Du

/* One sentence per rule: the text the Wine tests look for. */
static const char *KrRuleText(KR_RULE Rule)
{
    switch (Rule) {
    case KrRuleWrongHandle: return "an object of the wrong type was passed as a handle";
    case KrRuleCompletedTwice: return "a request was completed twice";
    case KrRuleCompletedWhileQueued: return "a request was completed while a queue still owns it";
    case KrRuleUsedAfterCompletion: return "a request was used after completion";
    case KrRuleParkedAtCleanup: return "a request is still parked after its file's cleanup has run";
    case KrRuleSpinLockHeldOnReturn: return "a spin lock is held on return from a driver callback";
    case KrRuleSpinLockHeldAtUnload: return "a spin lock is held at unload";
    case KrRulePassiveCallUnderSpinLock: return "a PASSIVE_LEVEL-only method was called while a spin lock is held";
    case KrRuleSpinLockMisuse: return "a spin lock was acquired twice by one thread, or released by a thread that does not hold it";
    case KrRuleNotOwned: return "a request the driver does not own was forwarded or retrieved";
    case KrRuleUnsupported: return "the driver asked for something the KMDF-subset runtime does not implement";
    case KrRuleUsedAfterDelete: return "an object was used after WdfObjectDelete";
    case KrRuleObjectLeft: return "an object still holds requests when it is deleted";
    default: return "unknown rule";
    }
}

/*
 * KrVerifierStop
 *   Reports a verifier violation and stops the driver host (KeBugCheckEx).
 * IRQL: any.
 * Returns: never.
 */
DECLSPEC_NORETURN VOID KrVerifierStop(KR_RULE Rule, const char *Where, const void *Handle)
{
    DbgPrint("KMDF-subset verifier: %s (rule %u, in %s, handle %p)\n", KrRuleText(Rule), (unsigned int)Rule, Where, Handle);
    KeBugCheckEx(KR_BUGCHECK_WDF_VIOLATION, (ULONG_PTR)Rule, (ULONG_PTR)Handle, (ULONG_PTR)Where, 0);
}

/*
 * KrCheckHandle
 *   Checks that Handle is a live framework object of type Expected (0: any live type). A retired
 *   request or a deleted object, a foreign pointer and a handle of another type each stop.
 * IRQL: any.
 * Returns: the object.
 */
KR_OBJECT *KrCheckHandle(const void *Handle, KR_TYPE Expected, const char *Where)
{
    KR_OBJECT *object = (KR_OBJECT *)(ULONG_PTR)Handle;
    if (object == NULL || object->Signature != KR_SIGNATURE) {
        KrVerifierStop(KrRuleWrongHandle, Where, Handle);
    }
    if (object->Type == KrTypeCompletedRequest) {
        KrVerifierStop(KrRuleUsedAfterCompletion, Where, Handle);
    }
    if (object->Type == KrTypeDeleted) {
        KrVerifierStop(KrRuleUsedAfterDelete, Where, Handle);
    }
    if (Expected != 0 && object->Type != Expected) {
        KrVerifierStop(KrRuleWrongHandle, Where, Handle);
    }
    return object;
}

/*
 * KrSpinLocksHeldByThisThread
 *   Counts the framework spin locks the calling thread holds.
 * IRQL: any.
 * Returns: the count.
 */
ULONG KrSpinLocksHeldByThisThread(VOID)
{
    HANDLE self = PsGetCurrentThreadId();
    ULONG held = 0;
    LIST_ENTRY *link;
    KIRQL irql;
    KeAcquireSpinLock(&KrRuntime.Lock, &irql);
    for (link = KrRuntime.SpinLocks.Flink; link != &KrRuntime.SpinLocks; link = link->Flink) {
        const KR_SPINLOCK *lock = CONTAINING_RECORD(link, KR_SPINLOCK, RuntimeLink);
        if (lock->Owner == self) {
            held++;
        }
    }
    KeReleaseSpinLock(&KrRuntime.Lock, irql);
    return held;
}

/*
 * KrRequirePassive
 *   A method documented for PASSIVE_LEVEL only: stops when the caller holds a framework spin lock
 *   (it would be running at DISPATCH_LEVEL on Windows).
 * IRQL: any.
 * Returns: nothing.
 */
VOID KrRequirePassive(const char *Where)
{
    if (KrSpinLocksHeldByThisThread() != 0) {
        KrVerifierStop(KrRulePassiveCallUnderSpinLock, Where, NULL);
    }
}

/*
 * KrAfterDriverCallback
 *   Called when a driver callback returns to the runtime: no framework spin lock may be held.
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing.
 */
VOID KrAfterDriverCallback(const char *Callback)
{
    if (KrSpinLocksHeldByThisThread() != 0) {
        KrVerifierStop(KrRuleSpinLockHeldOnReturn, Callback, NULL);
    }
}

/* ---- Spin locks: the rules above need to know who holds which ------------------------- */

/*
 * WdfSpinLockCreate
 *   A framework spin lock, parented to the driver unless the attributes say otherwise.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: STATUS_SUCCESS; STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfSpinLockCreate(PWDF_OBJECT_ATTRIBUTES SpinLockAttributes, WDFSPINLOCK *SpinLock)
{
    KR_SPINLOCK *lock = (KR_SPINLOCK *)KrObjectCreate(KrTypeSpinLock, sizeof(KR_SPINLOCK), SpinLockAttributes,
                                                      KrRuntime.Driver != NULL ? &KrRuntime.Driver->Header : NULL);
    KIRQL irql;
    if (lock == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    KeInitializeSpinLock(&lock->Lock);
    KeAcquireSpinLock(&KrRuntime.Lock, &irql);
    InsertTailList(&KrRuntime.SpinLocks, &lock->RuntimeLink);
    KeReleaseSpinLock(&KrRuntime.Lock, irql);
    *SpinLock = (WDFSPINLOCK)lock;
    return STATUS_SUCCESS;
}

/*
 * WdfSpinLockAcquire
 *   Acquires the lock; a thread that already holds it would deadlock on Windows, so that stops.
 * IRQL: <= DISPATCH_LEVEL; DISPATCH_LEVEL on return.
 * Returns: nothing.
 */
VOID WdfSpinLockAcquire(WDFSPINLOCK SpinLock)
{
    KR_SPINLOCK *lock = (KR_SPINLOCK *)KrCheckHandle(SpinLock, KrTypeSpinLock, "WdfSpinLockAcquire");
    KIRQL irql;
    if (lock->Owner == PsGetCurrentThreadId()) {
        KrVerifierStop(KrRuleSpinLockMisuse, "WdfSpinLockAcquire", SpinLock);
    }
    KeAcquireSpinLock(&lock->Lock, &irql);
    lock->OldIrql = irql;
    lock->Owner = PsGetCurrentThreadId();
}

/*
 * WdfSpinLockRelease
 *   Releases a lock this thread holds.
 * IRQL: DISPATCH_LEVEL; back to the IRQL before the acquire.
 * Returns: nothing.
 */
VOID WdfSpinLockRelease(WDFSPINLOCK SpinLock)
{
    KR_SPINLOCK *lock = (KR_SPINLOCK *)KrCheckHandle(SpinLock, KrTypeSpinLock, "WdfSpinLockRelease");
    if (lock->Owner != PsGetCurrentThreadId()) {
        KrVerifierStop(KrRuleSpinLockMisuse, "WdfSpinLockRelease", SpinLock);
    }
    lock->Owner = NULL;
    KeReleaseSpinLock(&lock->Lock, lock->OldIrql);
}
