/*
 * KmdfDevice.c - control devices (init, name, symbolic link, deletion) and the IRP dispatch the
 * framework does for them: file objects with their create, cleanup and close callbacks, and
 * device-control requests presented by the default queue.
 *
 * Wine adaptation: Wine's I/O manager may send IRP_MJ_CLOSE for a file object that never got
 * IRP_MJ_CLEANUP (a process that dies with requests pending). KMDF always calls EvtFileCleanup
 * before EvtFileClose, so the runtime runs the cleanup step first when it was skipped.
 */
#include "KmdfRuntime.h"

/* A UNICODE_STRING copy in non-paged pool (Buffer NULL when Source is empty or on failure). */
static NTSTATUS KrCopyName(UNICODE_STRING *Target, PCUNICODE_STRING Source)
{
    RtlZeroMemory(Target, sizeof(*Target));
    if (Source == NULL || Source->Length == 0) {
        return STATUS_SUCCESS;
    }
    Target->Buffer = (PWCH)ExAllocatePoolWithTag(NonPagedPool, Source->Length, KR_POOL_TAG);
    if (Target->Buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(Target->Buffer, Source->Buffer, Source->Length);
    Target->Length = Source->Length;
    Target->MaximumLength = Source->Length;
    return STATUS_SUCCESS;
}

static VOID KrFreeName(UNICODE_STRING *Name)
{
    if (Name->Buffer != NULL) {
        ExFreePoolWithTag(Name->Buffer, KR_POOL_TAG);
    }
    RtlZeroMemory(Name, sizeof(*Name));
}

/*
 * WdfControlDeviceInitAllocate
 *   A device init for a control device of Driver. The SDDL is not applied under Wine (no
 *   wdmsec.lib; Wine does not check device security), as in the WDM flavour's Wine build.
 * IRQL: PASSIVE_LEVEL.
 * Returns: the init, or NULL when the pool is exhausted.
 */
PWDFDEVICE_INIT WdfControlDeviceInitAllocate(WDFDRIVER Driver, const UNICODE_STRING *SDDLString)
{
    KR_DRIVER *driver = (KR_DRIVER *)KrCheckHandle(Driver, KrTypeDriver, "WdfControlDeviceInitAllocate");
    PWDFDEVICE_INIT init;
    KrRequirePassive("WdfControlDeviceInitAllocate");
    (void)SDDLString;
    init = (PWDFDEVICE_INIT)ExAllocatePoolWithTag(NonPagedPool, sizeof(*init), KR_POOL_TAG);
    if (init == NULL) {
        return NULL;
    }
    RtlZeroMemory(init, sizeof(*init));
    init->Driver = driver;
    init->DeviceType = FILE_DEVICE_UNKNOWN;
    init->Characteristics = FILE_DEVICE_SECURE_OPEN; /* the framework sets it on control devices */
    return init;
}

VOID WdfDeviceInitSetExclusive(PWDFDEVICE_INIT DeviceInit, BOOLEAN IsExclusive)
{
    DeviceInit->Exclusive = IsExclusive;
}

VOID WdfDeviceInitSetDeviceType(PWDFDEVICE_INIT DeviceInit, DEVICE_TYPE DeviceType)
{
    DeviceInit->DeviceType = DeviceType;
}

VOID WdfDeviceInitSetCharacteristics(PWDFDEVICE_INIT DeviceInit, ULONG DeviceCharacteristics, BOOLEAN OrInValues)
{
    DeviceInit->Characteristics = (OrInValues ? DeviceInit->Characteristics : 0) | DeviceCharacteristics | FILE_DEVICE_SECURE_OPEN;
}

/* Read and write requests are not dispatched by this runtime, so their transfer type is moot. */
VOID WdfDeviceInitSetIoType(PWDFDEVICE_INIT DeviceInit, WDF_DEVICE_IO_TYPE IoType)
{
    (void)DeviceInit;
    (void)IoType;
}

VOID WdfDeviceInitSetRequestAttributes(PWDFDEVICE_INIT DeviceInit, PWDF_OBJECT_ATTRIBUTES RequestAttributes)
{
    DeviceInit->RequestAttributes = *RequestAttributes;
}

VOID WdfDeviceInitSetFileObjectConfig(PWDFDEVICE_INIT DeviceInit, PWDF_FILEOBJECT_CONFIG FileObjectConfig,
                                      PWDF_OBJECT_ATTRIBUTES FileObjectAttributes)
{
    if (FileObjectConfig->AutoForwardCleanupClose == WdfTrue) {
        KrVerifierStop(KrRuleUnsupported, "WdfDeviceInitSetFileObjectConfig (AutoForwardCleanupClose)", NULL);
    }
    DeviceInit->FileConfig = *FileObjectConfig;
    if (FileObjectAttributes != NULL) {
        DeviceInit->FileAttributes = *FileObjectAttributes;
    }
}

/*
 * WdfDeviceInitAssignName
 * IRQL: PASSIVE_LEVEL.
 * Returns: STATUS_SUCCESS; STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfDeviceInitAssignName(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING DeviceName)
{
    KrRequirePassive("WdfDeviceInitAssignName");
    KrFreeName(&DeviceInit->Name);
    return KrCopyName(&DeviceInit->Name, DeviceName);
}

/*
 * WdfDeviceInitFree
 *   Frees an init that WdfDeviceCreate did not consume.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: nothing.
 */
VOID WdfDeviceInitFree(PWDFDEVICE_INIT DeviceInit)
{
    if (DeviceInit == NULL) {
        return;
    }
    KrFreeName(&DeviceInit->Name);
    ExFreePoolWithTag(DeviceInit, KR_POOL_TAG);
}

/*
 * WdfDeviceCreate
 *   The control device: a named WDM device object (DO_DEVICE_INITIALIZING until
 *   WdfControlFinishInitializing) whose extension points to the framework device.
 * IRQL: PASSIVE_LEVEL.
 * Returns: STATUS_SUCCESS, *DeviceInit consumed (NULL); otherwise IoCreateDevice's status or
 *   STATUS_INSUFFICIENT_RESOURCES, with *DeviceInit left to the caller.
 */
NTSTATUS WdfDeviceCreate(PWDFDEVICE_INIT *DeviceInit, PWDF_OBJECT_ATTRIBUTES DeviceAttributes, WDFDEVICE *Device)
{
    PWDFDEVICE_INIT init = *DeviceInit;
    KR_DEVICE *device;
    PDEVICE_OBJECT wdm;
    NTSTATUS status;
    KIRQL irql;

    KrRequirePassive("WdfDeviceCreate");
    device = (KR_DEVICE *)KrObjectCreate(KrTypeDevice, sizeof(KR_DEVICE), DeviceAttributes, &init->Driver->Header);
    if (device == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    status = IoCreateDevice(init->Driver->Wdm, sizeof(KR_DEVICE *), init->Name.Buffer != NULL ? &init->Name : NULL,
                            init->DeviceType, init->Characteristics, init->Exclusive, &wdm);
    if (!NT_SUCCESS(status)) {
        KrObjectRetire(&device->Header, KrTypeDeleted);
        return status;
    }
    *(KR_DEVICE **)wdm->DeviceExtension = device;
    device->Wdm = wdm;
    device->Driver = init->Driver;
    device->Name = init->Name; /* the device takes the init's copy of the name */
    init->Name.Buffer = NULL;
    device->FileConfig = init->FileConfig;
    device->FileAttributes = init->FileAttributes;
    device->RequestAttributes = init->RequestAttributes;
    KeInitializeSpinLock(&device->Lock);
    InitializeListHead(&device->Queues);
    InitializeListHead(&device->Files);
    InitializeListHead(&device->Deferred);
    KeAcquireSpinLock(&KrRuntime.Lock, &irql);
    InsertTailList(&init->Driver->Devices, &device->DriverLink);
    KeReleaseSpinLock(&KrRuntime.Lock, irql);
    WdfDeviceInitFree(init);
    *DeviceInit = NULL;
    *Device = (WDFDEVICE)device;
    return STATUS_SUCCESS;
}

/*
 * WdfDeviceCreateSymbolicLink
 * IRQL: PASSIVE_LEVEL.
 * Returns: IoCreateSymbolicLink's status; STATUS_INSUFFICIENT_RESOURCES; STATUS_INVALID_DEVICE_STATE
 *   for an unnamed device.
 */
NTSTATUS WdfDeviceCreateSymbolicLink(WDFDEVICE Device, PCUNICODE_STRING SymbolicLinkName)
{
    KR_DEVICE *device = (KR_DEVICE *)KrCheckHandle(Device, KrTypeDevice, "WdfDeviceCreateSymbolicLink");
    NTSTATUS status;

    KrRequirePassive("WdfDeviceCreateSymbolicLink");
    if (device->LinkName.Buffer != NULL) {
        return STATUS_OBJECT_NAME_COLLISION;
    }
    if (device->Name.Buffer == NULL) {
        return STATUS_INVALID_DEVICE_STATE; /* KMDF needs a named device for a link */
    }
    status = KrCopyName(&device->LinkName, SymbolicLinkName);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = IoCreateSymbolicLink(&device->LinkName, &device->Name);
    if (!NT_SUCCESS(status)) {
        KrFreeName(&device->LinkName);
    }
    return status;
}

/*
 * WdfControlFinishInitializing
 *   The device may now be opened.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: nothing.
 */
VOID WdfControlFinishInitializing(WDFDEVICE Device)
{
    KR_DEVICE *device = (KR_DEVICE *)KrCheckHandle(Device, KrTypeDevice, "WdfControlFinishInitializing");
    device->Wdm->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING;
}

WDFDEVICE WdfFileObjectGetDevice(WDFFILEOBJECT FileObject)
{
    return (WDFDEVICE)((KR_FILE *)KrCheckHandle(FileObject, KrTypeFile, "WdfFileObjectGetDevice"))->Device;
}

/*
 * KrDeviceDelete
 *   Deletes a control device whose children are gone: its cleanup callback, the symbolic link,
 *   the WDM device object. A file object still open stops (its requests would be lost).
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing.
 */
VOID KrDeviceDelete(KR_DEVICE *Device)
{
    KIRQL irql;
    if (!IsListEmpty(&Device->Files)) {
        KrVerifierStop(KrRuleObjectLeft, "deleting a device with open file objects", Device);
    }
    KrDeviceCompleteDeferred(Device);
    KrObjectRunCleanup(&Device->Header);
    if (Device->LinkName.Buffer != NULL) {
        (void)IoDeleteSymbolicLink(&Device->LinkName);
        KrFreeName(&Device->LinkName);
    }
    KrFreeName(&Device->Name);
    KeAcquireSpinLock(&KrRuntime.Lock, &irql);
    RemoveEntryList(&Device->DriverLink);
    KeReleaseSpinLock(&KrRuntime.Lock, irql);
    if (Device->Wdm != NULL) {
        *(KR_DEVICE **)Device->Wdm->DeviceExtension = NULL;
        IoDeleteDevice(Device->Wdm);
        Device->Wdm = NULL;
    }
    KrObjectRetire(&Device->Header, KrTypeDeleted);
}

/* ---- Dispatch ------------------------------------------------------------------------ */

static KR_DEVICE *KrDeviceOf(PDEVICE_OBJECT DeviceObject)
{
    return *(KR_DEVICE **)DeviceObject->DeviceExtension;
}

static NTSTATUS KrCompleteIrp(PIRP Irp, NTSTATUS Status)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* Removes a file object from its device and deletes it (cleanup callback, then retire). */
static VOID KrFileDelete(KR_FILE *File)
{
    KIRQL irql;
    KeAcquireSpinLock(&File->Device->Lock, &irql);
    RemoveEntryList(&File->DeviceLink);
    KeReleaseSpinLock(&File->Device->Lock, irql);
    if (File->Wdm != NULL) {
        File->Wdm->FsContext = NULL;
    }
    KrObjectRunCleanup(&File->Header);
    KrObjectRetire(&File->Header, KrTypeDeleted);
}

/*
 * KrDispatchCreate (IRP_MJ_CREATE)
 *   A new file object: its framework object and context, then EvtDeviceFileCreate, which
 *   completes the create request (now or later). A failed create deletes the file object again.
 * IRQL: PASSIVE_LEVEL.
 * Returns: STATUS_PENDING (the IRP is marked pending), or the failure status.
 */
NTSTATUS NTAPI KrDispatchCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KR_DEVICE *device = KrDeviceOf(DeviceObject);
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    KR_FILE *file;
    KR_REQUEST *request;
    KIRQL irql;

    if (device == NULL) {
        return KrCompleteIrp(Irp, STATUS_DELETE_PENDING);
    }
    file = (KR_FILE *)KrObjectCreate(KrTypeFile, sizeof(KR_FILE), device->FileAttributes.Size != 0 ? &device->FileAttributes : NULL, NULL);
    if (file == NULL) {
        return KrCompleteIrp(Irp, STATUS_INSUFFICIENT_RESOURCES);
    }
    file->Device = device;
    file->Wdm = stack->FileObject;
    stack->FileObject->FsContext = file;
    KeAcquireSpinLock(&device->Lock, &irql);
    InsertTailList(&device->Files, &file->DeviceLink);
    KeReleaseSpinLock(&device->Lock, irql);

    request = KrRequestCreate(device, Irp, file, device->DefaultQueue);
    if (request == NULL) {
        KrFileDelete(file);
        return KrCompleteIrp(Irp, STATUS_INSUFFICIENT_RESOURCES);
    }
    IoMarkIrpPending(Irp);
    if (device->FileConfig.EvtDeviceFileCreate != NULL) {
        device->FileConfig.EvtDeviceFileCreate((WDFDEVICE)device, (WDFREQUEST)request, (WDFFILEOBJECT)file);
        KrAfterDriverCallback("EvtDeviceFileCreate");
    } else {
        KrRequestFinish(request, STATUS_SUCCESS, 0);
    }
    KrDeviceCompleteDeferred(device);
    return STATUS_PENDING;
}

/*
 * KrFileCleanup
 *   Runs EvtFileCleanup once, then checks that no queue of the device still holds a request of
 *   the file: the driver must have completed them all (the framework does not).
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing.
 */
static VOID KrFileCleanup(KR_FILE *File)
{
    KR_DEVICE *device = File->Device;
    LIST_ENTRY *link;
    if (File->CleanedUp) {
        return;
    }
    File->CleanedUp = TRUE;
    if (device->FileConfig.EvtFileCleanup != NULL) {
        device->FileConfig.EvtFileCleanup((WDFFILEOBJECT)File);
        KrAfterDriverCallback("EvtFileCleanup");
    }
    KrDeviceCompleteDeferred(device);
    /* Queues are created at device creation and deleted with the device: the list is stable. */
    for (link = device->Header.Children.Flink; link != &device->Header.Children; link = link->Flink) {
        KR_OBJECT *child = CONTAINING_RECORD(link, KR_OBJECT, ChildLink);
        if (child->Type == KrTypeQueue && KrQueueHoldsFileRequests((KR_QUEUE *)child, File)) {
            KrVerifierStop(KrRuleParkedAtCleanup, "EvtFileCleanup", File);
        }
    }
}

/*
 * KrDispatchCleanup (IRP_MJ_CLEANUP)
 * IRQL: PASSIVE_LEVEL.
 * Returns: STATUS_SUCCESS.
 */
NTSTATUS NTAPI KrDispatchCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KR_FILE *file = (KR_FILE *)IoGetCurrentIrpStackLocation(Irp)->FileObject->FsContext;
    (void)DeviceObject;
    if (file != NULL) {
        KrFileCleanup(file);
    }
    return KrCompleteIrp(Irp, STATUS_SUCCESS);
}

/*
 * KrDispatchClose (IRP_MJ_CLOSE)
 *   Cleanup first if it never came (see the top of this file), then EvtFileClose, then the file
 *   object and its context are deleted.
 * IRQL: PASSIVE_LEVEL.
 * Returns: STATUS_SUCCESS.
 */
NTSTATUS NTAPI KrDispatchClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KR_FILE *file = (KR_FILE *)IoGetCurrentIrpStackLocation(Irp)->FileObject->FsContext;
    (void)DeviceObject;
    if (file != NULL) {
        KrFileCleanup(file);
        if (file->Device->FileConfig.EvtFileClose != NULL) {
            file->Device->FileConfig.EvtFileClose((WDFFILEOBJECT)file);
            KrAfterDriverCallback("EvtFileClose");
        }
        KrFileDelete(file);
    }
    return KrCompleteIrp(Irp, STATUS_SUCCESS);
}

/*
 * KrDispatchDeviceControl (IRP_MJ_DEVICE_CONTROL)
 *   Presents the request to the default queue's EvtIoDeviceControl (parallel dispatch: at once,
 *   in the caller's thread). Without a default queue or that callback the request fails.
 * IRQL: PASSIVE_LEVEL.
 * Returns: STATUS_PENDING (the IRP is marked pending; the driver completes it now or later).
 */
NTSTATUS NTAPI KrDispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KR_DEVICE *device = KrDeviceOf(DeviceObject);
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    KR_FILE *file = stack->FileObject != NULL ? (KR_FILE *)stack->FileObject->FsContext : NULL;
    KR_QUEUE *queue = device != NULL ? device->DefaultQueue : NULL;
    KR_REQUEST *request;

    if (queue == NULL || queue->EvtIoDeviceControl == NULL) {
        return KrCompleteIrp(Irp, STATUS_INVALID_DEVICE_REQUEST);
    }
    request = KrRequestCreate(device, Irp, file, queue);
    if (request == NULL) {
        return KrCompleteIrp(Irp, STATUS_INSUFFICIENT_RESOURCES);
    }
    IoMarkIrpPending(Irp);
    queue->EvtIoDeviceControl((WDFQUEUE)queue, (WDFREQUEST)request, stack->Parameters.DeviceIoControl.OutputBufferLength,
                              stack->Parameters.DeviceIoControl.InputBufferLength, stack->Parameters.DeviceIoControl.IoControlCode);
    KrAfterDriverCallback("EvtIoDeviceControl");
    KrDeviceCompleteDeferred(device);
    return STATUS_PENDING;
}

/*
 * KrDispatchUnsupported (every other major function)
 * IRQL: PASSIVE_LEVEL.
 * Returns: STATUS_INVALID_DEVICE_REQUEST.
 */
NTSTATUS NTAPI KrDispatchUnsupported(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    (void)DeviceObject;
    return KrCompleteIrp(Irp, STATUS_INVALID_DEVICE_REQUEST);
}
