/*
 * KmdfRuntime.h - the KMDF-subset runtime's own objects. The runtime implements, on top of WDM
 * (IRP dispatch), exactly the framework methods declared in check/KmdfSubset.h, so that the
 * template's KMDF glue runs for real under Wine, which has no KMDF. It is written from
 * Microsoft's public KMDF documentation (semantics only; no framework code is copied) and is
 * linked into the Wine build of a KMDF driver only: the WDK build links the real framework.
 *
 * Every framework handle the driver sees is a pointer to a KR_OBJECT. The verifier
 * (KmdfVerifier.c) checks each handle on every call: a handle of the wrong type, a request used
 * after it was completed, a request completed twice or while a queue owns it, spin locks held
 * where they must not be. A violation stops the driver host loudly (KmdfVerifierStop).
 *
 * Threads: Wine's driver host calls dispatch and cancel routines from its own threads. Every
 * list here is guarded by a KSPIN_LOCK; callbacks into the driver are never made with one held.
 */
#ifndef KMDF_RUNTIME_H
#define KMDF_RUNTIME_H

#include <ntddk.h>
#include "check/KmdfSubset.h"
#include "check/WdmAdditions.h"

#define KR_POOL_TAG 0x5246524Bu /* 'KRFR' in a pool dump */
#define KR_SIGNATURE 0x4A424F4Bu /* marks a live runtime object */

typedef enum _KR_TYPE {
    KrTypeDriver = 1,
    KrTypeDevice,
    KrTypeQueue,
    KrTypeRequest,
    KrTypeFile,
    KrTypeSpinLock,
    KrTypeCompletedRequest, /* a request after completion, kept so that later use is caught */
    KrTypeDeleted           /* any other object after WdfObjectDelete */
} KR_TYPE;

/* The header of every framework object; the driver's typed context follows the object. */
typedef struct _KR_OBJECT {
    ULONG Signature;
    KR_TYPE Type;
    struct _KR_OBJECT *Parent;
    LIST_ENTRY Children;   /* objects parented to this one (queues, spin locks) */
    LIST_ENTRY ChildLink;  /* in Parent->Children */
    PFN_WDF_OBJECT_CONTEXT_CLEANUP EvtCleanup;
    PFN_WDF_OBJECT_CONTEXT_DESTROY EvtDestroy;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO ContextType;
    PVOID Context;         /* zeroed, ContextSize bytes; NULL without a context type */
} KR_OBJECT;

typedef struct _KR_DRIVER {
    KR_OBJECT Header;
    PDRIVER_OBJECT Wdm;
    WDF_DRIVER_CONFIG Config;
    LIST_ENTRY Devices;    /* KR_DEVICE.DriverLink */
} KR_DRIVER;

typedef struct _KR_QUEUE {
    KR_OBJECT Header;
    struct _KR_DEVICE *Device;
    WDF_IO_QUEUE_DISPATCH_TYPE Dispatch;
    PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;
    KSPIN_LOCK Lock;       /* guards Requests and every queued request's State */
    LIST_ENTRY Requests;   /* KR_REQUEST.QueueLink, oldest first (manual queues) */
} KR_QUEUE;

typedef enum _KR_REQUEST_STATE {
    KrRequestDriverOwned = 1, /* presented to the driver, or retrieved from a manual queue */
    KrRequestQueued,          /* in a manual queue: the framework's, cancelable */
    KrRequestCancelling       /* taken out by cancellation; the framework completes it */
} KR_REQUEST_STATE;

typedef struct _KR_REQUEST {
    KR_OBJECT Header;
    PIRP Irp;
    struct _KR_DEVICE *Device;
    struct _KR_FILE *File;    /* NULL for a request without a file object */
    KR_QUEUE *Queue;          /* the queue that delivered it, or the manual queue it is in */
    KR_REQUEST_STATE State;
    LIST_ENTRY QueueLink;     /* in Queue->Requests while queued; in Device->Deferred after a
                                 cancel found while forwarding */
} KR_REQUEST;

typedef struct _KR_FILE {
    KR_OBJECT Header;
    struct _KR_DEVICE *Device;
    PFILE_OBJECT Wdm;
    BOOLEAN CleanedUp;        /* EvtFileCleanup has run */
    LIST_ENTRY DeviceLink;
} KR_FILE;

typedef struct _KR_SPINLOCK {
    KR_OBJECT Header;
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
    HANDLE Owner;             /* the thread holding it, NULL when free */
    LIST_ENTRY RuntimeLink;   /* in KrRuntime.SpinLocks */
} KR_SPINLOCK;

/* What WdfControlDeviceInitAllocate hands out and WdfDeviceCreate consumes. */
struct WDFDEVICE_INIT_KmdfSubsetOpaque {
    KR_DRIVER *Driver;
    ULONG Characteristics;
    DEVICE_TYPE DeviceType;
    BOOLEAN Exclusive;
    UNICODE_STRING Name;      /* Buffer owned by the init */
    WDF_FILEOBJECT_CONFIG FileConfig;
    WDF_OBJECT_ATTRIBUTES FileAttributes;
    WDF_OBJECT_ATTRIBUTES RequestAttributes;
};

typedef struct _KR_DEVICE {
    KR_OBJECT Header;
    PDEVICE_OBJECT Wdm;
    KR_DRIVER *Driver;
    UNICODE_STRING Name;      /* the device's name (Buffer owned by the device) */
    UNICODE_STRING LinkName;  /* Buffer owned by the device, once the link exists */
    WDF_FILEOBJECT_CONFIG FileConfig;
    WDF_OBJECT_ATTRIBUTES FileAttributes;
    WDF_OBJECT_ATTRIBUTES RequestAttributes;
    KR_QUEUE *DefaultQueue;
    KSPIN_LOCK Lock;          /* guards Queues, Files and Deferred */
    LIST_ENTRY Queues;        /* every queue of the device (they are also its children) */
    LIST_ENTRY Files;         /* open file objects (KR_FILE.DeviceLink) */
    LIST_ENTRY Deferred;      /* requests found cancelled while being forwarded */
    LIST_ENTRY DriverLink;
} KR_DEVICE;

/* The runtime's global state: one driver per image. */
typedef struct _KR_RUNTIME {
    KSPIN_LOCK Lock;          /* guards SpinLocks and the quarantine */
    KR_DRIVER *Driver;
    LIST_ENTRY SpinLocks;
    KR_OBJECT **Quarantine;   /* retired requests and deleted objects, freed oldest first */
    ULONG QuarantineNext;
    LONG LiveObjects;         /* created and not yet retired: 0 after unload */
    BOOLEAN Initialized;
} KR_RUNTIME;

extern KR_RUNTIME KrRuntime;

/* ---- KmdfObject.c ---- */
VOID KrRuntimeInitialize(VOID);
KR_OBJECT *KrObjectCreate(KR_TYPE Type, SIZE_T BodyBytes, const WDF_OBJECT_ATTRIBUTES *Attributes, KR_OBJECT *DefaultParent);
VOID KrObjectRunCleanup(KR_OBJECT *Object);
VOID KrObjectRetire(KR_OBJECT *Object, KR_TYPE DeadType);
VOID KrRuntimeFreeAll(VOID);
VOID KrQuarantineCreate(VOID);
VOID KrObjectDelete(KR_OBJECT *Object);

/* ---- KmdfVerifier.c ---- */
typedef enum _KR_RULE {
    KrRuleWrongHandle = 1,
    KrRuleCompletedTwice,
    KrRuleCompletedWhileQueued,
    KrRuleUsedAfterCompletion,
    KrRuleParkedAtCleanup,
    KrRuleSpinLockHeldOnReturn,
    KrRuleSpinLockHeldAtUnload,
    KrRulePassiveCallUnderSpinLock,
    KrRuleSpinLockMisuse,
    KrRuleNotOwned,
    KrRuleUnsupported,
    KrRuleUsedAfterDelete,
    KrRuleObjectLeft
} KR_RULE;

DECLSPEC_NORETURN VOID KrVerifierStop(KR_RULE Rule, const char *Where, const void *Handle);
KR_OBJECT *KrCheckHandle(const void *Handle, KR_TYPE Expected, const char *Where);
ULONG KrSpinLocksHeldByThisThread(VOID);
VOID KrRequirePassive(const char *Where);
VOID KrAfterDriverCallback(const char *Callback);

/* ---- KmdfQueue.c ---- */
KR_REQUEST *KrRequestCreate(KR_DEVICE *Device, PIRP Irp, KR_FILE *File, KR_QUEUE *Queue);
VOID KrRequestFinish(KR_REQUEST *Request, NTSTATUS Status, ULONG_PTR Information);
VOID KrDeviceCompleteDeferred(KR_DEVICE *Device);
BOOLEAN KrQueueHoldsFileRequests(KR_QUEUE *Queue, const KR_FILE *File);
VOID KrQueueDelete(KR_QUEUE *Queue);

/* ---- KmdfDevice.c ---- */
VOID KrDeviceDelete(KR_DEVICE *Device);
DRIVER_DISPATCH KrDispatchCreate;
DRIVER_DISPATCH KrDispatchCleanup;
DRIVER_DISPATCH KrDispatchClose;
DRIVER_DISPATCH KrDispatchDeviceControl;
DRIVER_DISPATCH KrDispatchUnsupported;

#endif /* KMDF_RUNTIME_H */
