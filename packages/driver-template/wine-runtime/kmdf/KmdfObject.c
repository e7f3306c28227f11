/*
 * KmdfObject.c - framework objects: creation with a typed context, parents and children,
 * cleanup callbacks, WdfObjectDelete and the context accessor. Objects are never freed while a
 * driver could still hold their handle: a completed request or a deleted object is retired into
 * a quarantine, where its handle still names a dead object that the verifier recognises, and is
 * freed only when many newer ones have followed it (or at unload).
 */
#include "KmdfRuntime.h"

KR_RUNTIME KrRuntime;

/* Retired objects kept recognisable before their memory is reused. */
#define KR_QUARANTINE_SLOTS 4096u

/*
 * KrRuntimeInitialize
 *   Sets up the runtime's lock and lists, once per load of the image.
 * IRQL: PASSIVE_LEVEL (from the image's entry point).
 * Returns: nothing.
 */
VOID KrRuntimeInitialize(VOID)
{
    RtlZeroMemory(&KrRuntime, sizeof(KrRuntime));
    KeInitializeSpinLock(&KrRuntime.Lock);
    InitializeListHead(&KrRuntime.SpinLocks);
    KrRuntime.Initialized = TRUE;
}

/* Context sizes are rounded up so that the context that follows an object is well aligned. */
static SIZE_T KrAlign(SIZE_T Bytes)
{
    return (Bytes + 15u) & ~(SIZE_T)15u;
}

/*
 * KrObjectCreate
 *   Allocates an object of BodyBytes (a KR_* structure) plus the context the attributes ask for,
 *   zeroed, parented to Attributes->ParentObject or else DefaultParent.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: the object, or NULL when the pool is exhausted.
 */
KR_OBJECT *KrObjectCreate(KR_TYPE Type, SIZE_T BodyBytes, const WDF_OBJECT_ATTRIBUTES *Attributes, KR_OBJECT *DefaultParent)
{
    SIZE_T contextBytes = 0;
    KR_OBJECT *parent = DefaultParent;
    KR_OBJECT *object;

    if (Attributes != NULL) {
        if (Attributes->SynchronizationScope != WdfSynchronizationScopeInheritFromParent &&
            Attributes->SynchronizationScope != WdfSynchronizationScopeNone) {
            KrVerifierStop(KrRuleUnsupported, "WDF_OBJECT_ATTRIBUTES.SynchronizationScope", NULL);
        }
        if (Attributes->ContextTypeInfo != NULL) {
            contextBytes = Attributes->ContextTypeInfo->ContextSize;
            if (Attributes->ContextSizeOverride > contextBytes) {
                contextBytes = Attributes->ContextSizeOverride;
            }
        }
        if (Attributes->ParentObject != NULL) {
            parent = KrCheckHandle(Attributes->ParentObject, 0, "WDF_OBJECT_ATTRIBUTES.ParentObject");
        }
    }
    object = (KR_OBJECT *)ExAllocatePoolWithTag(NonPagedPool, KrAlign(BodyBytes) + contextBytes, KR_POOL_TAG);
    if (object == NULL) {
        return NULL;
    }
    RtlZeroMemory(object, KrAlign(BodyBytes) + contextBytes);
    InterlockedIncrement(&KrRuntime.LiveObjects);
    object->Signature = KR_SIGNATURE;
    object->Type = Type;
    InitializeListHead(&object->Children);
    InitializeListHead(&object->ChildLink);
    if (Attributes != NULL) {
        object->EvtCleanup = Attributes->EvtCleanupCallback;
        object->EvtDestroy = Attributes->EvtDestroyCallback;
        object->ContextType = Attributes->ContextTypeInfo;
    }
    if (contextBytes > 0) {
        object->Context = (UINT8 *)object + KrAlign(BodyBytes);
    }
    if (parent != NULL && Type != KrTypeRequest && Type != KrTypeFile) {
        KIRQL irql;
        object->Parent = parent;
        KeAcquireSpinLock(&KrRuntime.Lock, &irql);
        InsertTailList(&parent->Children, &object->ChildLink);
        KeReleaseSpinLock(&KrRuntime.Lock, irql);
    }
    return object;
}

/*
 * KrObjectRunCleanup
 *   Calls the object's cleanup callback, then its destroy callback, each once.
 * IRQL: PASSIVE_LEVEL for objects whose callbacks the template registers.
 * Returns: nothing.
 */
VOID KrObjectRunCleanup(KR_OBJECT *Object)
{
    PFN_WDF_OBJECT_CONTEXT_CLEANUP cleanup = Object->EvtCleanup;
    PFN_WDF_OBJECT_CONTEXT_DESTROY destroy = Object->EvtDestroy;
    Object->EvtCleanup = NULL;
    Object->EvtDestroy = NULL;
    if (cleanup != NULL) {
        cleanup((WDFOBJECT)Object);
        KrAfterDriverCallback("EvtCleanupCallback");
    }
    if (destroy != NULL) {
        destroy((WDFOBJECT)Object);
        KrAfterDriverCallback("EvtDestroyCallback");
    }
}

/*
 * KrObjectRetire
 *   Marks an object dead (DeadType: KrTypeCompletedRequest or KrTypeDeleted), unlinks it from its
 *   parent and puts it in the quarantine; the oldest quarantined object is freed to make room.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: nothing; the handle stays recognisable as dead until its memory is reused.
 */
VOID KrObjectRetire(KR_OBJECT *Object, KR_TYPE DeadType)
{
    KR_OBJECT *evicted = NULL;
    KIRQL irql;
    InterlockedDecrement(&KrRuntime.LiveObjects);
    KeAcquireSpinLock(&KrRuntime.Lock, &irql);
    Object->Type = DeadType;
    if (Object->Parent != NULL) {
        RemoveEntryList(&Object->ChildLink);
        InitializeListHead(&Object->ChildLink);
        Object->Parent = NULL;
    }
    if (KrRuntime.Quarantine != NULL) {
        evicted = KrRuntime.Quarantine[KrRuntime.QuarantineNext];
        KrRuntime.Quarantine[KrRuntime.QuarantineNext] = Object;
        KrRuntime.QuarantineNext = (KrRuntime.QuarantineNext + 1u) % KR_QUARANTINE_SLOTS;
    } else {
        evicted = Object; /* no quarantine (its allocation failed): free at once */
    }
    KeReleaseSpinLock(&KrRuntime.Lock, irql);
    if (evicted != NULL) {
        evicted->Signature = 0;
        ExFreePoolWithTag(evicted, KR_POOL_TAG);
    }
}

/*
 * KrQuarantineCreate
 *   Allocates the quarantine once (from WdfDriverCreate).
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing; without it, dead objects are freed at once and late use goes undetected.
 */
VOID KrQuarantineCreate(VOID)
{
    SIZE_T bytes = sizeof(KR_OBJECT *) * KR_QUARANTINE_SLOTS;
    KrRuntime.Quarantine = (KR_OBJECT **)ExAllocatePoolWithTag(NonPagedPool, bytes, KR_POOL_TAG);
    if (KrRuntime.Quarantine != NULL) {
        RtlZeroMemory(KrRuntime.Quarantine, bytes);
    }
}

/*
 * KrRuntimeFreeAll
 *   Frees the quarantine and what it holds (at unload, after every object is retired).
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing.
 */
VOID KrRuntimeFreeAll(VOID)
{
    ULONG index;
    if (KrRuntime.Quarantine == NULL) {
        return;
    }
    for (index = 0; index < KR_QUARANTINE_SLOTS; index++) {
        if (KrRuntime.Quarantine[index] != NULL) {
            KrRuntime.Quarantine[index]->Signature = 0;
            ExFreePoolWithTag(KrRuntime.Quarantine[index], KR_POOL_TAG);
        }
    }
    ExFreePoolWithTag(KrRuntime.Quarantine, KR_POOL_TAG);
    KrRuntime.Quarantine = NULL;
}

/* Two context type records name the same type: the same record, or (each translation unit has
 * its own copy of a declared context type) the same name and size. */
static BOOLEAN KrSameContextType(PCWDF_OBJECT_CONTEXT_TYPE_INFO Left, PCWDF_OBJECT_CONTEXT_TYPE_INFO Right)
{
    const CHAR *a;
    const CHAR *b;
    if (Left == Right) {
        return TRUE;
    }
    if (Left == NULL || Right == NULL || Left->ContextSize != Right->ContextSize) {
        return FALSE;
    }
    for (a = Left->ContextName, b = Right->ContextName; *a != '\0' && *a == *b; a++, b++) {
    }
    return *a == *b;
}

/*
 * WdfObjectGetTypedContextWorker
 *   The object's context, which must be of TypeInfo's type.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: the context; a handle without that context type stops.
 */
PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle, PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo)
{
    KR_OBJECT *object = KrCheckHandle(Handle, 0, "WdfObjectGetTypedContextWorker");
    if (object->Context == NULL || !KrSameContextType(object->ContextType, TypeInfo)) {
        KrVerifierStop(KrRuleWrongHandle, "WdfObjectGetTypedContextWorker (no context of that type)", Handle);
    }
    return object->Context;
}

/*
 * KrObjectDelete
 *   Deletes an object and, first, its children (KMDF deletes children before their parent):
 *   queues and spin locks parented to it. Devices are deleted through KrDeviceDelete.
 * IRQL: PASSIVE_LEVEL for a device; <= DISPATCH_LEVEL otherwise.
 * Returns: nothing.
 */
VOID KrObjectDelete(KR_OBJECT *Object)
{
    for (;;) {
        KR_OBJECT *child = NULL;
        KIRQL irql;
        KeAcquireSpinLock(&KrRuntime.Lock, &irql);
        if (!IsListEmpty(&Object->Children)) {
            child = CONTAINING_RECORD(Object->Children.Flink, KR_OBJECT, ChildLink);
        }
        KeReleaseSpinLock(&KrRuntime.Lock, irql);
        if (child == NULL) {
            break;
        }
        KrObjectDelete(child);
    }
    switch (Object->Type) {
    case KrTypeDevice:
        KrDeviceDelete((KR_DEVICE *)Object);
        break;
    case KrTypeQueue:
        KrQueueDelete((KR_QUEUE *)Object);
        break;
    case KrTypeSpinLock: {
        KR_SPINLOCK *lock = (KR_SPINLOCK *)Object;
        KIRQL irql;
        if (lock->Owner != NULL) {
            KrVerifierStop(KrRuleSpinLockHeldAtUnload, "deleting a held spin lock", Object);
        }
        KrObjectRunCleanup(Object);
        KeAcquireSpinLock(&KrRuntime.Lock, &irql);
        RemoveEntryList(&lock->RuntimeLink);
        KeReleaseSpinLock(&KrRuntime.Lock, irql);
        KrObjectRetire(Object, KrTypeDeleted);
        break;
    }
    default:
        KrObjectRunCleanup(Object);
        KrObjectRetire(Object, KrTypeDeleted);
        break;
    }
}

/*
 * WdfObjectDelete
 *   Deletes a driver-created object: a control device (PASSIVE_LEVEL), a queue or a spin lock.
 *   Requests, file objects and the driver belong to the framework, so deleting one stops.
 * IRQL: <= DISPATCH_LEVEL; PASSIVE_LEVEL for a device.
 * Returns: nothing.
 */
VOID WdfObjectDelete(WDFOBJECT Object)
{
    KR_OBJECT *object = KrCheckHandle(Object, 0, "WdfObjectDelete");
    switch (object->Type) {
    case KrTypeDevice:
        KrRequirePassive("WdfObjectDelete (device)");
        KrObjectDelete(object);
        break;
    case KrTypeQueue:
    case KrTypeSpinLock:
        KrObjectDelete(object);
        break;
    default:
        KrVerifierStop(KrRuleNotOwned, "WdfObjectDelete (an object the framework owns)", Object);
    }
}
