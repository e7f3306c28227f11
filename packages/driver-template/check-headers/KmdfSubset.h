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
 *   - No SAL. The Syntax blocks of the reference pages do not show _Must_inspect_result_,
 *     so must-inspect is a PROJECT POLICY here, not a fact taken from the pages: every method
 *     below that returns NTSTATUS, and WdfControlDeviceInitAllocate (NULL means failure), is
 *     marked KMDF_SUBSET_MUST_INSPECT, i.e. __attribute__((warn_unused_result)), so an ignored
 *     status is an error under -Werror. Handle-returning getters are not marked.
 *   - Handle types are distinct incomplete-struct pointers whether or not STRICT is
 *     defined, so passing a WDFQUEUE where a WDFREQUEST is expected does not compile.
 *     WDFOBJECT stays typeless (void *) so that any framework handle converts to it, as
 *     WdfObjectDelete(queue) and the context accessors need. (The pages use WDFOBJECT only
 *     as a parameter type and do not define it; void * is our choice.)
 *   - Callback role typedefs carry no calling-convention or IRQL annotations.
 *   - The object-context macros keep their documented NAMES and parameters
 *     (WDF_DECLARE_CONTEXT_TYPE, WDF_DECLARE_CONTEXT_TYPE_WITH_NAME,
 *     WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE), so
 *     template code written against them also builds with the real WDK, but their expansion
 *     is our own (KMDF_SUBSET_DECLARE_CONTEXT / KMDF_SUBSET_SET_CONTEXT, still usable).
 *   - Where a reference page gives no numeric value or no behaviour, the comment says so.
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

/* ---- Enumerations -----------------------------------------------------------------
 * Values are written out even where the Syntax block leaves them implicit (C numbering from
 * the previous enumerator), so a reader can compare them with the page at a glance. */

/* WDF_TRI_STATE enumeration (wdftypes.h): FALSE, TRUE, 2. (UMDF 1's wudfddi_types.h has a
 * different enumeration of the same name; it is not this one.) */
typedef enum _WDF_TRI_STATE {
    WdfFalse = FALSE,
    WdfTrue = TRUE,
    WdfUseDefault = 2
} WDF_TRI_STATE, *PWDF_TRI_STATE;

/* WDF_EXECUTION_LEVEL enumeration (wdfobject.h): Invalid = 0x00, the others follow implicitly. */
typedef enum _WDF_EXECUTION_LEVEL {
    WdfExecutionLevelInvalid = 0,
    WdfExecutionLevelInheritFromParent = 1,
    WdfExecutionLevelPassive = 2,
    WdfExecutionLevelDispatch = 3
} WDF_EXECUTION_LEVEL;

/* WDF_SYNCHRONIZATION_SCOPE enumeration (wdfobject.h): 0x00 .. 0x4, all explicit on the page. */
typedef enum _WDF_SYNCHRONIZATION_SCOPE {
    WdfSynchronizationScopeInvalid = 0,
    WdfSynchronizationScopeInheritFromParent = 1,
    WdfSynchronizationScopeDevice = 2,
    WdfSynchronizationScopeQueue = 3,
    WdfSynchronizationScopeNone = 4
} WDF_SYNCHRONIZATION_SCOPE;

/* WDF_IO_QUEUE_DISPATCH_TYPE enumeration (wdfio.h): 0 .. 4, all explicit on the page. */
typedef enum _WDF_IO_QUEUE_DISPATCH_TYPE {
    WdfIoQueueDispatchInvalid = 0,
    WdfIoQueueDispatchSequential = 1,
    WdfIoQueueDispatchParallel = 2,
    WdfIoQueueDispatchManual = 3,
    WdfIoQueueDispatchMax = 4
} WDF_IO_QUEUE_DISPATCH_TYPE;

/* WDF_FILEOBJECT_CLASS enumeration (wdfdevice.h). The page also documents the bit flag
 * WdfFileObjectCanBeOptional = 0x80000000, to be ORed with a class; it is left out because an
 * ISO C enumeration constant must fit in int and the template does not use it. */
typedef enum _WDF_FILEOBJECT_CLASS {
    WdfFileObjectInvalid = 0,
    WdfFileObjectNotRequired = 1,
    WdfFileObjectWdfCanUseFsContext = 2,
    WdfFileObjectWdfCanUseFsContext2 = 3,
    WdfFileObjectWdfCannotUseFsContexts = 4
} WDF_FILEOBJECT_CLASS, *PWDF_FILEOBJECT_CLASS;

/* WDF_DEVICE_IO_TYPE enumeration (wdfdevice.h): Undefined = 0 and BufferedOrDirect = 4 are
 * explicit on the page; Neither, Buffered, Direct and Maximum follow implicitly (1, 2, 3, 5).
 * KMDF drivers do not use WdfDeviceIoBufferedOrDirect (UMDF only, per the page). */
typedef enum _WDF_DEVICE_IO_TYPE {
    WdfDeviceIoUndefined = 0,
    WdfDeviceIoNeither = 1,
    WdfDeviceIoBuffered = 2,
    WdfDeviceIoDirect = 3,
    WdfDeviceIoBufferedOrDirect = 4,
    WdfDeviceIoMaximum = 5
} WDF_DEVICE_IO_TYPE, *PWDF_DEVICE_IO_TYPE;

/* WDF_DRIVER_INIT_FLAGS enumeration (wdfdriver.h); only the flag a control-device driver needs.
 * The page also lists WdfDriverInitNoDispatchOverride 0x2, WdfVerifyOn 0x4 and WdfVerifierOn 0x8
 * (both reserved for the system) and WdfDriverInitCompanion 0x10. */
typedef enum _WDF_DRIVER_INIT_FLAGS {
    WdfDriverInitNonPnpDriver = 0x00000001
} WDF_DRIVER_INIT_FLAGS;

/* ---- Callback roles ----------------------------------------------------------------- */

/* EVT_WDF_DRIVER_DEVICE_ADD callback function (wdfdriver.h). A non-PnP driver must not supply one. */
typedef NTSTATUS EVT_WDF_DRIVER_DEVICE_ADD(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit);
typedef EVT_WDF_DRIVER_DEVICE_ADD *PFN_WDF_DRIVER_DEVICE_ADD;

/* EVT_WDF_DRIVER_UNLOAD callback function (wdfdriver.h). PASSIVE_LEVEL. */
typedef VOID EVT_WDF_DRIVER_UNLOAD(WDFDRIVER Driver);
typedef EVT_WDF_DRIVER_UNLOAD *PFN_WDF_DRIVER_UNLOAD;

/* EVT_WDF_OBJECT_CONTEXT_CLEANUP callback function (wdfobject.h). Typically <= DISPATCH_LEVEL; PASSIVE_LEVEL
 * for device, driver, queue (and some other) objects. */
typedef VOID EVT_WDF_OBJECT_CONTEXT_CLEANUP(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_CLEANUP *PFN_WDF_OBJECT_CONTEXT_CLEANUP;

/* EVT_WDF_OBJECT_CONTEXT_DESTROY callback function (wdfobject.h). Same IRQL rule as the cleanup callback. */
typedef VOID EVT_WDF_OBJECT_CONTEXT_DESTROY(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_DESTROY *PFN_WDF_OBJECT_CONTEXT_DESTROY;

/* EVT_WDF_DEVICE_FILE_CREATE callback function (wdfdevice.h). PASSIVE_LEVEL. The driver completes
 * (or forwards) the create request itself. FileObject is NULL with WdfFileObjectNotRequired. */
typedef VOID EVT_WDF_DEVICE_FILE_CREATE(WDFDEVICE Device, WDFREQUEST Request, WDFFILEOBJECT FileObject);
typedef EVT_WDF_DEVICE_FILE_CREATE *PFN_WDF_DEVICE_FILE_CREATE;

/* EVT_WDF_FILE_CLEANUP callback function (wdfdevice.h). PASSIVE_LEVEL. */
typedef VOID EVT_WDF_FILE_CLEANUP(WDFFILEOBJECT FileObject);
typedef EVT_WDF_FILE_CLEANUP *PFN_WDF_FILE_CLEANUP;

/* EVT_WDF_FILE_CLOSE callback function (wdfdevice.h). PASSIVE_LEVEL, arbitrary thread. */
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

/* EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL callback function (wdfio.h). <= DISPATCH_LEVEL unless ExecutionLevel
 * is WdfExecutionLevelPassive (the same holds for the other request handlers below). */
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
/* The page lists EvtDriverGetUniqueContextType as "for internal use" and gives no definition of
 * PFN_GET_UNIQUE_CONTEXT_TYPE: the function-pointer shape below is OUR assumption, made only so
 * that the structure has five pointer-or-size members in the documented order. Never call it. */
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

/* ---- Initialization helpers (behaviour as each page's Remarks describe it) -------------
 * Where a page is silent about zeroing or Size, the comment says that part is ours. */

/* WDF_OBJECT_ATTRIBUTES_INIT function (wdfobject.h): the page states only ExecutionLevel =
 * WdfExecutionLevelInheritFromParent and SynchronizationScope = WdfSynchronizationScopeInheritFromParent;
 * zeroing the rest and setting Size (documented as "the size of this structure") are ours. */
static __inline VOID WDF_OBJECT_ATTRIBUTES_INIT(PWDF_OBJECT_ATTRIBUTES Attributes)
{
    RtlZeroMemory(Attributes, sizeof(*Attributes));
    Attributes->Size = sizeof(*Attributes);
    Attributes->ExecutionLevel = WdfExecutionLevelInheritFromParent;
    Attributes->SynchronizationScope = WdfSynchronizationScopeInheritFromParent;
}

/* WDF_DRIVER_CONFIG_INIT function (wdfdriver.h): the page documents the two parameters but no
 * behaviour; zeroing, Size and storing EvtDriverDeviceAdd (which may be NULL: "in, optional") are ours. */
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

/* WDF_FILEOBJECT_CONFIG_INIT function (wdfdevice.h): sets Size, stores the three callbacks (each
 * optional), FileObjectClass = WdfFileObjectWdfCannotUseFsContexts, AutoForwardCleanupClose =
 * WdfUseDefault. The page does not mention zeroing; zeroing first is ours. */
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

/* ---- Methods ----------------------------------------------------------------------
 * Parameter types and order from each page's Syntax block; IRQL from its Requirements. */

/* WdfDriverCreate function (wdfdriver.h). PASSIVE_LEVEL. DriverAttributes and Driver are optional. */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfDriverCreate(PDRIVER_OBJECT DriverObject, PCUNICODE_STRING RegistryPath,
                                                  PWDF_OBJECT_ATTRIBUTES DriverAttributes,
                                                  PWDF_DRIVER_CONFIG DriverConfig, WDFDRIVER *Driver);

/* WdfDriverWdmGetDriverObject function (wdfdriver.h). <= DISPATCH_LEVEL. */
PDRIVER_OBJECT WdfDriverWdmGetDriverObject(WDFDRIVER Driver);

/* WdfControlDeviceInitAllocate function (wdfcontrol.h). PASSIVE_LEVEL. Returns NULL on failure. */
KMDF_SUBSET_MUST_INSPECT PWDFDEVICE_INIT WdfControlDeviceInitAllocate(WDFDRIVER Driver, const UNICODE_STRING *SDDLString);

/* WdfDeviceInitSetExclusive function (wdfdevice.h). <= DISPATCH_LEVEL. */
VOID WdfDeviceInitSetExclusive(PWDFDEVICE_INIT DeviceInit, BOOLEAN IsExclusive);

/* WdfDeviceInitSetDeviceType function (wdfdevice.h). <= DISPATCH_LEVEL. DEVICE_TYPE is a FILE_DEVICE_XXX
 * value. Note: it is NOT among the methods "Using Control Device Objects" allows on a control device's
 * WDFDEVICE_INIT (nor in the ControlDeviceInitAPI rule): use it for PnP device objects only. */
VOID WdfDeviceInitSetDeviceType(PWDFDEVICE_INIT DeviceInit, DEVICE_TYPE DeviceType);

/* WdfDeviceInitSetCharacteristics function (wdfdevice.h). <= DISPATCH_LEVEL. OrInValues TRUE ORs,
 * FALSE replaces; each call overwrites the previous one. The framework always sets
 * FILE_DEVICE_SECURE_OPEN itself. */
VOID WdfDeviceInitSetCharacteristics(PWDFDEVICE_INIT DeviceInit, ULONG DeviceCharacteristics, BOOLEAN OrInValues);

/* WdfDeviceInitSetIoType function (wdfdevice.h). <= DISPATCH_LEVEL. Governs read/write requests
 * only (IOCTLs carry their own method); default WdfDeviceIoBuffered. */
VOID WdfDeviceInitSetIoType(PWDFDEVICE_INIT DeviceInit, WDF_DEVICE_IO_TYPE IoType);

/* WdfDeviceInitSetRequestAttributes function (wdfdevice.h). <= DISPATCH_LEVEL. Attributes (typically a
 * context type) for every request object the framework delivers from the device's queues. */
VOID WdfDeviceInitSetRequestAttributes(PWDFDEVICE_INIT DeviceInit, PWDF_OBJECT_ATTRIBUTES RequestAttributes);

/* WdfDeviceInitSetFileObjectConfig function (wdfdevice.h). <= DISPATCH_LEVEL. FileObjectAttributes optional. */
VOID WdfDeviceInitSetFileObjectConfig(PWDFDEVICE_INIT DeviceInit, PWDF_FILEOBJECT_CONFIG FileObjectConfig,
                                      PWDF_OBJECT_ATTRIBUTES FileObjectAttributes);

/* WdfDeviceInitAssignName function (wdfdevice.h). PASSIVE_LEVEL. DeviceName optional (NULL clears it). */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfDeviceInitAssignName(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING DeviceName);

/* WdfDeviceInitFree function (wdfdevice.h). <= DISPATCH_LEVEL. */
VOID WdfDeviceInitFree(PWDFDEVICE_INIT DeviceInit);

/* WdfDeviceCreate function (wdfdevice.h). PASSIVE_LEVEL. Sets *DeviceInit to NULL on success. */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfDeviceCreate(PWDFDEVICE_INIT *DeviceInit, PWDF_OBJECT_ATTRIBUTES DeviceAttributes,
                                                  WDFDEVICE *Device);

/* WdfDeviceCreateSymbolicLink function (wdfdevice.h). PASSIVE_LEVEL. */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfDeviceCreateSymbolicLink(WDFDEVICE Device, PCUNICODE_STRING SymbolicLinkName);

/* WdfControlFinishInitializing function (wdfcontrol.h). <= DISPATCH_LEVEL. */
VOID WdfControlFinishInitializing(WDFDEVICE Device);

/* WdfFileObjectGetDevice function (wdffileobject.h). <= DISPATCH_LEVEL. */
WDFDEVICE WdfFileObjectGetDevice(WDFFILEOBJECT FileObject);

/* WdfIoQueueCreate function (wdfio.h). <= DISPATCH_LEVEL. QueueAttributes and Queue optional. */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfIoQueueCreate(WDFDEVICE Device, PWDF_IO_QUEUE_CONFIG Config,
                                                   PWDF_OBJECT_ATTRIBUTES QueueAttributes, WDFQUEUE *Queue);

/* WdfIoQueueGetDevice function (wdfio.h). <= DISPATCH_LEVEL. */
WDFDEVICE WdfIoQueueGetDevice(WDFQUEUE Queue);

/* WdfIoQueueRetrieveNextRequest function (wdfio.h). <= DISPATCH_LEVEL. STATUS_NO_MORE_ENTRIES at the end. */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE Queue, WDFREQUEST *OutRequest);

/* WdfIoQueueRetrieveRequestByFileObject function (wdfio.h). <= DISPATCH_LEVEL. STATUS_NO_MORE_ENTRIES at
 * the end; *OutRequest is left unset unless STATUS_SUCCESS. */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfIoQueueRetrieveRequestByFileObject(WDFQUEUE Queue, WDFFILEOBJECT FileObject,
                                                                        WDFREQUEST *OutRequest);

/* WdfRequestForwardToIoQueue function (wdfrequest.h). <= DISPATCH_LEVEL. */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST Request, WDFQUEUE DestinationQueue);

/* WdfRequestGetIoQueue function (wdfrequest.h). <= DISPATCH_LEVEL. NULL for a driver-created or an
 * already-completed request. */
WDFQUEUE WdfRequestGetIoQueue(WDFREQUEST Request);

/* WdfRequestComplete function (wdfrequest.h). <= DISPATCH_LEVEL. */
VOID WdfRequestComplete(WDFREQUEST Request, NTSTATUS Status);

/* WdfRequestCompleteWithInformation function (wdfrequest.h). <= DISPATCH_LEVEL. */
VOID WdfRequestCompleteWithInformation(WDFREQUEST Request, NTSTATUS Status, ULONG_PTR Information);

/* WdfRequestRetrieveInputBuffer function (wdfrequest.h). <= DISPATCH_LEVEL. The page's parameter list
 * names the second parameter MinimumRequiredLength (its older Syntax block said MinimumRequiredSize);
 * the name does not matter to the compiler. Length is optional (NULL). */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST Request, size_t MinimumRequiredLength,
                                                                PVOID *Buffer, size_t *Length);

/* WdfRequestRetrieveOutputBuffer function (wdfrequest.h). <= DISPATCH_LEVEL. Length is optional (NULL). */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST Request, size_t MinimumRequiredSize,
                                                                 PVOID *Buffer, size_t *Length);

/* WdfRequestGetFileObject function (wdfrequest.h). <= DISPATCH_LEVEL. */
WDFFILEOBJECT WdfRequestGetFileObject(WDFREQUEST Request);

/* WdfSpinLockCreate function (wdfsync.h). <= DISPATCH_LEVEL. SpinLockAttributes optional; the default
 * parent is the driver object. */
KMDF_SUBSET_MUST_INSPECT NTSTATUS WdfSpinLockCreate(PWDF_OBJECT_ATTRIBUTES SpinLockAttributes, WDFSPINLOCK *SpinLock);

/* WdfSpinLockAcquire function (wdfsync.h). Call at <= DISPATCH_LEVEL; returns at DISPATCH_LEVEL (KMDF). */
VOID WdfSpinLockAcquire(WDFSPINLOCK SpinLock);

/* WdfSpinLockRelease function (wdfsync.h). Called at DISPATCH_LEVEL; restores the IRQL from before Acquire. */
VOID WdfSpinLockRelease(WDFSPINLOCK SpinLock);

/* WdfObjectDelete function (wdfobject.h). <= DISPATCH_LEVEL, but PASSIVE_LEVEL to delete a control device. */
VOID WdfObjectDelete(WDFOBJECT Object);

/* WdfObjectGetTypedContextWorker function (wdfobject.h): internal per the reference; the accessors below use it. */
PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle, PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo);

/* ---- Object context: documented macro names, our own expansion ----------------------------
 * The pages document four macros by name and parameters only (their bodies are not part of the
 * reference), so the bodies here are ours:
 *   WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(ContextType, CastingFunction): at file scope, declares the
 *     type information of ContextType and an accessor  ContextType *CastingFunction(WDFOBJECT).
 *   WDF_DECLARE_CONTEXT_TYPE(ContextType): the same, accessor named WdfObjectGet_ContextType.
 *   WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(Attributes, ContextType): after WDF_OBJECT_ATTRIBUTES_INIT,
 *     puts ContextType's information into *Attributes.
 *   WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(Attributes, ContextType): WDF_OBJECT_ATTRIBUTES_INIT,
 *     then WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE (the page says it combines the two).
 * The pages' own examples write the DECLARE macros both with and without a trailing ';': both work
 * here (an empty declaration at file scope only draws a warning under -Wpedantic).
 * KMDF_SUBSET_DECLARE_CONTEXT and KMDF_SUBSET_SET_CONTEXT are the earlier project names of the
 * same machinery and stay available. */
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
    ((void)((Attributes)->ContextTypeInfo = &KMDF_SUBSET_CONTEXT_INFO(ContextType)))

/* WDF_DECLARE_CONTEXT_TYPE_WITH_NAME macro (wdfobject.h) */
#define WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(ContextType, CastingFunction) \
    KMDF_SUBSET_DECLARE_CONTEXT(ContextType, CastingFunction)

/* WDF_DECLARE_CONTEXT_TYPE macro (wdfobject.h): accessor WdfObjectGet_<ContextType>. */
#define WDF_DECLARE_CONTEXT_TYPE(ContextType) \
    WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(ContextType, WdfObjectGet_##ContextType)

/* WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE macro (wdfobject.h) */
#define WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(Attributes, ContextType) KMDF_SUBSET_SET_CONTEXT(Attributes, ContextType)

/* WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE macro (wdfobject.h) */
#define WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(Attributes, ContextType) \
    (WDF_OBJECT_ATTRIBUTES_INIT(Attributes), WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(Attributes, ContextType))

#ifdef __cplusplus
}
#endif

#endif /* KMDF_SUBSET_H */
