/*
 * KmdfSubset.h - the project's own declarations of the small KMDF subset that an
 * inverted-call control-device driver uses. Written by this project from Microsoft's
 * public KMDF reference pages (learn.microsoft.com/windows-hardware/drivers/ddi/wdf*):
 * no text of any WDK header is copied here.
 *
 * Purpose: a COMPILE CHECK on Linux (mingw-w64 + its DDK headers), so template code
 * "compiles against documented signatures". It is not a replacement for wdf.h and a
 * driver is never linked against it: nothing here builds with the WDK.
 *
 * How it differs from the real framework headers, on purpose:
 *   - Real KMDF dispatches every Wdf* method through a function table (WdfFunctions)
 *     with a hidden driver-globals argument. For a compile check only the documented
 *     parameter and return types matter, so each method is a plain C prototype here.
 *   - No SAL. Where the reference marks a result as must-inspect (_Must_inspect_result_),
 *     this header uses KMDF_SUBSET_MUST_INSPECT, i.e. __attribute__((warn_unused_result)),
 *     so an ignored NTSTATUS is an error under -Werror. It is applied to every NTSTATUS
 *     method below and to WdfControlDeviceInitAllocate (NULL means failure).
 *   - Handle types are distinct incomplete-struct pointers whether or not STRICT is
 *     defined, so passing a WDFQUEUE where a WDFREQUEST is expected does not compile.
 *     WDFOBJECT stays typeless (void *), as the reference describes the general handle:
 *     any framework handle converts to it (WdfObjectDelete(queue) is legal).
 *   - Callback role typedefs carry no calling-convention or IRQL annotations.
 *   - The object-context pattern is written our way: KMDF_SUBSET_DECLARE_CONTEXT
 *     (instead of WDF_DECLARE_CONTEXT_TYPE_WITH_NAME) and KMDF_SUBSET_SET_CONTEXT
 *     (instead of WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE).
 *
 * Include <ntddk.h> (or <wdm.h>) first. Each declaration carries the title of the
 * reference page it was checked against.
 */
#ifndef KMDF_SUBSET_H
#define KMDF_SUBSET_H

#if !defined(_NTDDK_) && !defined(_WDMDDK_)
#error "Include <ntddk.h> or <wdm.h> before KmdfSubset.h."
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define KMDF_SUBSET_MUST_INSPECT __attribute__((warn_unused_result))
#else
#define KMDF_SUBSET_MUST_INSPECT
#endif

/* ---- Handles ---------------------------------------------------------------------- */

/* One incomplete struct per handle kind: handles of different kinds never convert. */
#define KMDF_SUBSET_HANDLE(HandleName) typedef struct HandleName##_KmdfSubsetOpaque *HandleName

/* General framework handle, typeless (wdftypes.h "WDFOBJECT", see WDF_OBJECT_ATTRIBUTES.ParentObject). */
typedef PVOID WDFOBJECT, *PWDFOBJECT;
KMDF_SUBSET_HANDLE(WDFDRIVER);
KMDF_SUBSET_HANDLE(WDFDEVICE);
KMDF_SUBSET_HANDLE(WDFQUEUE);
KMDF_SUBSET_HANDLE(WDFREQUEST);
KMDF_SUBSET_HANDLE(WDFFILEOBJECT);
KMDF_SUBSET_HANDLE(WDFSPINLOCK);
KMDF_SUBSET_HANDLE(WDFWAITLOCK);

/* Opaque device-initialization structure (WDFDEVICE_INIT structure). */
typedef struct WDFDEVICE_INIT_KmdfSubsetOpaque WDFDEVICE_INIT, *PWDFDEVICE_INIT;

#define WDF_NO_OBJECT_ATTRIBUTES ((PWDF_OBJECT_ATTRIBUTES)NULL)
#define WDF_NO_HANDLE NULL

/* ---- Enumerations ----------------------------------------------------------------- */

/* WDF_TRI_STATE enumeration (wdftypes.h) */
typedef enum _WDF_TRI_STATE {
    WdfFalse = FALSE,
    WdfTrue = TRUE,
    WdfUseDefault = 2
} WDF_TRI_STATE, *PWDF_TRI_STATE;

/* WDF_EXECUTION_LEVEL enumeration (wdfobject.h) */
typedef enum _WDF_EXECUTION_LEVEL {
    WdfExecutionLevelInvalid = 0,
    WdfExecutionLevelInheritFromParent,
    WdfExecutionLevelPassive,
    WdfExecutionLevelDispatch
} WDF_EXECUTION_LEVEL;

/* WDF_SYNCHRONIZATION_SCOPE enumeration (wdfobject.h) */
typedef enum _WDF_SYNCHRONIZATION_SCOPE {
    WdfSynchronizationScopeInvalid = 0,
    WdfSynchronizationScopeInheritFromParent,
    WdfSynchronizationScopeDevice,
    WdfSynchronizationScopeQueue,
    WdfSynchronizationScopeNone
} WDF_SYNCHRONIZATION_SCOPE;

/* WDF_IO_QUEUE_DISPATCH_TYPE enumeration (wdfio.h) */
typedef enum _WDF_IO_QUEUE_DISPATCH_TYPE {
    WdfIoQueueDispatchInvalid = 0,
    WdfIoQueueDispatchSequential,
    WdfIoQueueDispatchParallel,
    WdfIoQueueDispatchManual,
    WdfIoQueueDispatchMax
} WDF_IO_QUEUE_DISPATCH_TYPE;

/* WDF_FILEOBJECT_CLASS enumeration (wdfdevice.h); only the values this template uses. */
typedef enum _WDF_FILEOBJECT_CLASS {
    WdfFileObjectInvalid = 0,
    WdfFileObjectNotRequired = 1,
    WdfFileObjectWdfCanUseFsContext = 2,
    WdfFileObjectWdfCanUseFsContext2 = 3,
    WdfFileObjectWdfCannotUseFsContexts = 4
} WDF_FILEOBJECT_CLASS, *PWDF_FILEOBJECT_CLASS;

/* WDF_DRIVER_INIT_FLAGS enumeration (wdfdriver.h); only the flag a control-device driver needs. */
typedef enum _WDF_DRIVER_INIT_FLAGS {
    WdfDriverInitNonPnpDriver = 0x00000001
} WDF_DRIVER_INIT_FLAGS;

/* ---- Callback roles ----------------------------------------------------------------- */

/* EVT_WDF_DRIVER_DEVICE_ADD callback function (wdfdriver.h) */
typedef NTSTATUS EVT_WDF_DRIVER_DEVICE_ADD(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit);
typedef EVT_WDF_DRIVER_DEVICE_ADD *PFN_WDF_DRIVER_DEVICE_ADD;

/* EVT_WDF_DRIVER_UNLOAD callback function (wdfdriver.h) */
typedef VOID EVT_WDF_DRIVER_UNLOAD(WDFDRIVER Driver);
typedef EVT_WDF_DRIVER_UNLOAD *PFN_WDF_DRIVER_UNLOAD;

/* EVT_WDF_OBJECT_CONTEXT_CLEANUP callback function (wdfobject.h) */
typedef VOID EVT_WDF_OBJECT_CONTEXT_CLEANUP(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_CLEANUP *PFN_WDF_OBJECT_CONTEXT_CLEANUP;

/* EVT_WDF_OBJECT_CONTEXT_DESTROY callback function (wdfobject.h) */
typedef VOID EVT_WDF_OBJECT_CONTEXT_DESTROY(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_DESTROY *PFN_WDF_OBJECT_CONTEXT_DESTROY;

/* EVT_WDF_DEVICE_FILE_CREATE callback function (wdfdevice.h) */
typedef VOID EVT_WDF_DEVICE_FILE_CREATE(WDFDEVICE Device, WDFREQUEST Request, WDFFILEOBJECT FileObject);
typedef EVT_WDF_DEVICE_FILE_CREATE *PFN_WDF_DEVICE_FILE_CREATE;

/* EVT_WDF_FILE_CLEANUP callback function (wdfdevice.h) */
typedef VOID EVT_WDF_FILE_CLEANUP(WDFFILEOBJECT FileObject);
typedef EVT_WDF_FILE_CLEANUP *PFN_WDF_FILE_CLEANUP;

/* EVT_WDF_FILE_CLOSE callback function (wdfdevice.h) */
typedef VOID EVT_WDF_FILE_CLOSE(WDFFILEOBJECT FileObject);
typedef EVT_WDF_FILE_CLOSE *PFN_WDF_FILE_CLOSE;

/* EVT_WDF_IO_QUEUE_IO_DEFAULT callback function (wdfio.h) */
typedef VOID EVT_WDF_IO_QUEUE_IO_DEFAULT(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_DEFAULT *PFN_WDF_IO_QUEUE_IO_DEFAULT;

/* EVT_WDF_IO_QUEUE_IO_READ callback function (wdfio.h) */
typedef VOID EVT_WDF_IO_QUEUE_IO_READ(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_READ *PFN_WDF_IO_QUEUE_IO_READ;

/* EVT_WDF_IO_QUEUE_IO_WRITE callback function (wdfio.h) */
typedef VOID EVT_WDF_IO_QUEUE_IO_WRITE(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_WRITE *PFN_WDF_IO_QUEUE_IO_WRITE;

/* EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL callback function (wdfio.h) */
typedef VOID EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                                                size_t InputBufferLength, ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL;

/* EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL callback function (wdfio.h) */
typedef VOID EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                                                         size_t InputBufferLength, ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL;

/* EVT_WDF_IO_QUEUE_IO_STOP callback function (wdfio.h) */
typedef VOID EVT_WDF_IO_QUEUE_IO_STOP(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags);
typedef EVT_WDF_IO_QUEUE_IO_STOP *PFN_WDF_IO_QUEUE_IO_STOP;

/* EVT_WDF_IO_QUEUE_IO_RESUME callback function (wdfio.h) */
typedef VOID EVT_WDF_IO_QUEUE_IO_RESUME(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_RESUME *PFN_WDF_IO_QUEUE_IO_RESUME;

/* EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE callback function (wdfio.h) */
typedef VOID EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE *PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE;

/* EVT_WDF_REQUEST_CANCEL callback function (wdfrequest.h) */
typedef VOID EVT_WDF_REQUEST_CANCEL(WDFREQUEST Request);
typedef EVT_WDF_REQUEST_CANCEL *PFN_WDF_REQUEST_CANCEL;

/* ---- Structures ------------------------------------------------------------------- */

typedef const struct _WDF_OBJECT_CONTEXT_TYPE_INFO *PCWDF_OBJECT_CONTEXT_TYPE_INFO;
/* For internal use per the reference; declared so the structure below has its documented layout. */
typedef PCWDF_OBJECT_CONTEXT_TYPE_INFO (*PFN_GET_UNIQUE_CONTEXT_TYPE)(VOID);

/* WDF_OBJECT_CONTEXT_TYPE_INFO structure (wdfobject.h) */
typedef struct _WDF_OBJECT_CONTEXT_TYPE_INFO {
    ULONG Size;
    const CHAR *ContextName; /* LPCSTR on the reference page */
    size_t ContextSize;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO UniqueType;
    PFN_GET_UNIQUE_CONTEXT_TYPE EvtDriverGetUniqueContextType;
} WDF_OBJECT_CONTEXT_TYPE_INFO, *PWDF_OBJECT_CONTEXT_TYPE_INFO;

/* WDF_OBJECT_ATTRIBUTES structure (wdfobject.h) */
typedef struct _WDF_OBJECT_ATTRIBUTES {
    ULONG Size;
    PFN_WDF_OBJECT_CONTEXT_CLEANUP EvtCleanupCallback;
    PFN_WDF_OBJECT_CONTEXT_DESTROY EvtDestroyCallback;
    WDF_EXECUTION_LEVEL ExecutionLevel;
    WDF_SYNCHRONIZATION_SCOPE SynchronizationScope;
    WDFOBJECT ParentObject;
    size_t ContextSizeOverride;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO ContextTypeInfo;
} WDF_OBJECT_ATTRIBUTES, *PWDF_OBJECT_ATTRIBUTES;

/* WDF_DRIVER_CONFIG structure (wdfdriver.h) */
typedef struct _WDF_DRIVER_CONFIG {
    ULONG Size;
    PFN_WDF_DRIVER_DEVICE_ADD EvtDriverDeviceAdd;
    PFN_WDF_DRIVER_UNLOAD EvtDriverUnload;
    ULONG DriverInitFlags;
    ULONG DriverPoolTag;
} WDF_DRIVER_CONFIG, *PWDF_DRIVER_CONFIG;

/* WDF_IO_QUEUE_CONFIG structure (wdfio.h) */
typedef struct _WDF_IO_QUEUE_CONFIG {
    ULONG Size;
    WDF_IO_QUEUE_DISPATCH_TYPE DispatchType;
    WDF_TRI_STATE PowerManaged;
    BOOLEAN AllowZeroLengthRequests;
    BOOLEAN DefaultQueue;
    PFN_WDF_IO_QUEUE_IO_DEFAULT EvtIoDefault;
    PFN_WDF_IO_QUEUE_IO_READ EvtIoRead;
    PFN_WDF_IO_QUEUE_IO_WRITE EvtIoWrite;
    PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;
    PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL EvtIoInternalDeviceControl;
    PFN_WDF_IO_QUEUE_IO_STOP EvtIoStop;
    PFN_WDF_IO_QUEUE_IO_RESUME EvtIoResume;
    PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE EvtIoCanceledOnQueue;
    union {
        struct {
            ULONG NumberOfPresentedRequests;
        } Parallel;
    } Settings;
    WDFDRIVER Driver;
} WDF_IO_QUEUE_CONFIG, *PWDF_IO_QUEUE_CONFIG;

/* WDF_FILEOBJECT_CONFIG structure (wdfdevice.h) */
typedef struct _WDF_FILEOBJECT_CONFIG {
    ULONG Size;
    PFN_WDF_DEVICE_FILE_CREATE EvtDeviceFileCreate;
    PFN_WDF_FILE_CLOSE EvtFileClose;
    PFN_WDF_FILE_CLEANUP EvtFileCleanup;
    WDF_TRI_STATE AutoForwardCleanupClose;
    WDF_FILEOBJECT_CLASS FileObjectClass;
} WDF_FILEOBJECT_CONFIG, *PWDF_FILEOBJECT_CONFIG;

/* ---- Initialization helpers (behaviour as each page's Remarks describe it) ------------- */

/* WDF_OBJECT_ATTRIBUTES_INIT function (wdfobject.h) */
static __inline VOID WDF_OBJECT_ATTRIBUTES_INIT(PWDF_OBJECT_ATTRIBUTES Attributes)
{
    RtlZeroMemory(Attributes, sizeof(*Attributes));
    Attributes->Size = sizeof(*Attributes);
    Attributes->ExecutionLevel = WdfExecutionLevelInheritFromParent;
    Attributes->SynchronizationScope = WdfSynchronizationScopeInheritFromParent;
}

/* WDF_DRIVER_CONFIG_INIT function (wdfdriver.h) */
static __inline VOID WDF_DRIVER_CONFIG_INIT(PWDF_DRIVER_CONFIG Config, PFN_WDF_DRIVER_DEVICE_ADD EvtDriverDeviceAdd)
{
    RtlZeroMemory(Config, sizeof(*Config));
    Config->Size = sizeof(*Config);
    Config->EvtDriverDeviceAdd = EvtDriverDeviceAdd;
}

/* WDF_IO_QUEUE_CONFIG_INIT function (wdfio.h): zeroes, sets Size, PowerManaged = WdfUseDefault, the dispatch
 * type, and for parallel dispatch NumberOfPresentedRequests = (ULONG)-1 (unlimited). */
static __inline VOID WDF_IO_QUEUE_CONFIG_INIT(PWDF_IO_QUEUE_CONFIG Config, WDF_IO_QUEUE_DISPATCH_TYPE DispatchType)
{
    RtlZeroMemory(Config, sizeof(*Config));
    Config->Size = sizeof(*Config);
    Config->PowerManaged = WdfUseDefault;
    Config->DispatchType = DispatchType;
    if (DispatchType == WdfIoQueueDispatchParallel) {
        Config->Settings.Parallel.NumberOfPresentedRequests = (ULONG)-1;
    }
}

/* WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE function (wdfio.h): as above, and DefaultQueue = TRUE. */
static __inline VOID WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(PWDF_IO_QUEUE_CONFIG Config, WDF_IO_QUEUE_DISPATCH_TYPE DispatchType)
{
    WDF_IO_QUEUE_CONFIG_INIT(Config, DispatchType);
    Config->DefaultQueue = TRUE;
}

/* Project helpers naming the two queue shapes an inverted-call driver uses. */
#define KMDF_SUBSET_IO_QUEUE_CONFIG_INIT_MANUAL(Config) WDF_IO_QUEUE_CONFIG_INIT((Config), WdfIoQueueDispatchManual)
#define KMDF_SUBSET_IO_QUEUE_CONFIG_INIT_PARALLEL_DEFAULT(Config) \
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE((Config), WdfIoQueueDispatchParallel)

/* WDF_FILEOBJECT_CONFIG_INIT function (wdfdevice.h) */
static __inline VOID WDF_FILEOBJECT_CONFIG_INIT(PWDF_FILEOBJECT_CONFIG FileEventCallbacks,
                                                PFN_WDF_DEVICE_FILE_CREATE EvtDeviceFileCreate,
                                                PFN_WDF_FILE_CLOSE EvtFileClose, PFN_WDF_FILE_CLEANUP EvtFileCleanup)
{
    RtlZeroMemory(FileEventCallbacks, sizeof(*FileEventCallbacks));
    FileEventCallbacks->Size = sizeof(*FileEventCallbacks);
    FileEventCallbacks->EvtDeviceFileCreate = EvtDeviceFileCreate;
    FileEventCallbacks->EvtFileClose = EvtFileClose;
    FileEventCallbacks->EvtFileCleanup = EvtFileCleanup;
    FileEventCallbacks->FileObjectClass = WdfFileObjectWdfCannotUseFsContexts;
    FileEventCallbacks->AutoForwardCleanupClose = WdfUseDefault;
}

/* ---- Methods ---------------------------------------------------------------------- */

/* WdfDriverCreate function (wdfdriver.h) */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfDriverCreate(PDRIVER_OBJECT DriverObject, PCUNICODE_STRING RegistryPath,
                                                  PWDF_OBJECT_ATTRIBUTES DriverAttributes,
                                                  PWDF_DRIVER_CONFIG DriverConfig, WDFDRIVER *Driver);

/* WdfControlDeviceInitAllocate function (wdfcontrol.h) */
KMDF_SUBSET_MUST_INSPECT PWDFDEVICE_INIT WdfControlDeviceInitAllocate(WDFDRIVER Driver, const UNICODE_STRING *SDDLString);

/* WdfDeviceInitSetExclusive function (wdfdevice.h) */
VOID WdfDeviceInitSetExclusive(PWDFDEVICE_INIT DeviceInit, BOOLEAN IsExclusive);

/* WdfDeviceInitSetFileObjectConfig function (wdfdevice.h) */
VOID WdfDeviceInitSetFileObjectConfig(PWDFDEVICE_INIT DeviceInit, PWDF_FILEOBJECT_CONFIG FileObjectConfig,
                                      PWDF_OBJECT_ATTRIBUTES FileObjectAttributes);

/* WdfDeviceInitAssignName function (wdfdevice.h) */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfDeviceInitAssignName(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING DeviceName);

/* WdfDeviceInitFree function (wdfdevice.h) */
VOID WdfDeviceInitFree(PWDFDEVICE_INIT DeviceInit);

/* WdfDeviceCreate function (wdfdevice.h) */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfDeviceCreate(PWDFDEVICE_INIT *DeviceInit, PWDF_OBJECT_ATTRIBUTES DeviceAttributes,
                                                  WDFDEVICE *Device);

/* WdfDeviceCreateSymbolicLink function (wdfdevice.h) */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfDeviceCreateSymbolicLink(WDFDEVICE Device, PCUNICODE_STRING SymbolicLinkName);

/* WdfControlFinishInitializing function (wdfcontrol.h) */
VOID WdfControlFinishInitializing(WDFDEVICE Device);

/* WdfIoQueueCreate function (wdfio.h) */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfIoQueueCreate(WDFDEVICE Device, PWDF_IO_QUEUE_CONFIG Config,
                                                   PWDF_OBJECT_ATTRIBUTES QueueAttributes, WDFQUEUE *Queue);

/* WdfIoQueueRetrieveNextRequest function (wdfio.h) */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE Queue, WDFREQUEST *OutRequest);

/* WdfIoQueueRetrieveRequestByFileObject function (wdfio.h) */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfIoQueueRetrieveRequestByFileObject(WDFQUEUE Queue, WDFFILEOBJECT FileObject,
                                                                        WDFREQUEST *OutRequest);

/* WdfRequestForwardToIoQueue function (wdfrequest.h) */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST Request, WDFQUEUE DestinationQueue);

/* WdfRequestComplete function (wdfrequest.h) */
VOID WdfRequestComplete(WDFREQUEST Request, NTSTATUS Status);

/* WdfRequestCompleteWithInformation function (wdfrequest.h) */
VOID WdfRequestCompleteWithInformation(WDFREQUEST Request, NTSTATUS Status, ULONG_PTR Information);

/* WdfRequestRetrieveInputBuffer function (wdfrequest.h) */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST Request, size_t MinimumRequiredLength,
                                                                PVOID *Buffer, size_t *Length);

/* WdfRequestRetrieveOutputBuffer function (wdfrequest.h) */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST Request, size_t MinimumRequiredSize,
                                                                 PVOID *Buffer, size_t *Length);

/* WdfRequestGetFileObject function (wdfrequest.h) */
WDFFILEOBJECT WdfRequestGetFileObject(WDFREQUEST Request);

/* WdfSpinLockCreate function (wdfsync.h) */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfSpinLockCreate(PWDF_OBJECT_ATTRIBUTES SpinLockAttributes, WDFSPINLOCK *SpinLock);

/* WdfSpinLockAcquire function (wdfsync.h) */
VOID WdfSpinLockAcquire(WDFSPINLOCK SpinLock);

/* WdfSpinLockRelease function (wdfsync.h) */
VOID WdfSpinLockRelease(WDFSPINLOCK SpinLock);

/* WdfObjectDelete function (wdfobject.h) */
VOID WdfObjectDelete(WDFOBJECT Object);

/* WdfObjectGetTypedContextWorker function (wdfobject.h): internal per the reference; the accessor below uses it. */
PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle, PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo);

/* ---- Object context, our way ------------------------------------------------------------
 * KMDF_SUBSET_DECLARE_CONTEXT(MY_CONTEXT, MyGetContext) declares the type information of
 * MY_CONTEXT and an accessor MY_CONTEXT *MyGetContext(WDFOBJECT). KMDF_SUBSET_SET_CONTEXT
 * puts that type information into a WDF_OBJECT_ATTRIBUTES before the object is created.
 * (Role of WDF_DECLARE_CONTEXT_TYPE_WITH_NAME and WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE.) */
#define KMDF_SUBSET_CONTEXT_INFO(ContextType) KmdfSubsetContextInfo_##ContextType

#define KMDF_SUBSET_DECLARE_CONTEXT(ContextType, Accessor)                                            \
    static const WDF_OBJECT_CONTEXT_TYPE_INFO KMDF_SUBSET_CONTEXT_INFO(ContextType) = {               \
        sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO), #ContextType, sizeof(ContextType),                      \
        &KMDF_SUBSET_CONTEXT_INFO(ContextType), NULL};                                                \
    static __inline ContextType *Accessor(WDFOBJECT Handle)                                           \
    {                                                                                                 \
        return (ContextType *)WdfObjectGetTypedContextWorker(Handle, &KMDF_SUBSET_CONTEXT_INFO(ContextType)); \
    }

#define KMDF_SUBSET_SET_CONTEXT(Attributes, ContextType) \
    ((Attributes)->ContextTypeInfo = &KMDF_SUBSET_CONTEXT_INFO(ContextType))

#ifdef __cplusplus
}
#endif

#endif /* KMDF_SUBSET_H */
