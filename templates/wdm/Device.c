/*
 * Device.c - the control device, its symbolic link, and the create, cleanup and close of a
 * handle. Part of the template: do not edit.
 *
 * Secure by default. A WDK build creates the device with IoCreateDeviceSecure, so the schema's
 * SDDL (default: SYSTEM and Administrators only) is its security descriptor. IoCreateDeviceSecure
 * lives in the WDK's static library wdmsec.lib, not in ntoskrnl, and mingw-w64 has no such
 * library: the mingw build for the Wine bed defines INVERTED_CALL_NO_WDMSEC and uses IoCreateDevice,
 * which gives the device the system's default security descriptor instead. That is fine for the
 * bed and wrong for a real machine (see README.md). Both set FILE_DEVICE_SECURE_OPEN, so the
 * check also covers names opened below the device.
 */
#include "Driver.h"

/*
 * DeviceCreate
 *   Creates the named control device (with the schema's SDDL in a WDK build), its extension, lock
 *   and cancel-safe queue, initializes the core with the device table, and creates the symbolic
 *   link last, so user mode cannot open a half-built device.
 * IRQL: PASSIVE_LEVEL (from DriverEntry).
 * Returns: STATUS_SUCCESS with *Device set; otherwise the failing call's status, with *Device NULL
 *   and everything made so far deleted.
 */
NTSTATUS DeviceCreate(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT *Device)
{
    UNICODE_STRING name;
    UNICODE_STRING link;
    PDEVICE_OBJECT device;
    DRIVER_DEVICE *context;
    CORE_OPS ops;
    NTSTATUS status;

    *Device = NULL;
    RtlInitUnicodeString(&name, DEVICE_NAME_STRING);
    RtlInitUnicodeString(&link, DEVICE_SYMBOLIC_LINK_STRING);
#ifdef INVERTED_CALL_NO_WDMSEC
    status = IoCreateDevice(DriverObject, (ULONG)sizeof(DRIVER_DEVICE), &name, DEVICE_TYPE_VALUE, FILE_DEVICE_SECURE_OPEN,
                            FALSE, &device);
#else
    {
        UNICODE_STRING sddl;
        RtlInitUnicodeString(&sddl, DEVICE_SDDL_STRING);
        /* No class GUID: a control device belongs to no setup class whose registry could override the SDDL. */
        status = IoCreateDeviceSecure(DriverObject, (ULONG)sizeof(DRIVER_DEVICE), &name, DEVICE_TYPE_VALUE,
                                      FILE_DEVICE_SECURE_OPEN, FALSE, &sddl, NULL, &device);
    }
#endif
    if (!NT_SUCCESS(status)) {
        return status;
    }

    /* From here on, DeviceDelete undoes whatever was made. */
    context = (DRIVER_DEVICE *)device->DeviceExtension;
    RtlZeroMemory(context, sizeof(*context));
    KeInitializeSpinLock(&context->Lock);
    InitializeListHead(&context->Files);
    context->NextFileId = 1;

    status = QueueInitialize(context);
    if (NT_SUCCESS(status)) {
        ops = QueueCoreOps;
        ops.Context = context;
        status = CoreInitialize(&context->Core, &ops, &DeviceConfig);
        context->CoreReady = NT_SUCCESS(status);
    }
    if (NT_SUCCESS(status)) {
        /* The schema's verdicts: their question tables, asked by Notify.c or the driver's code. */
        status = CoreVerdictInitialize(&context->Core, &QueueVerdictOps, DeviceConfig.Verdicts, DeviceConfig.VerdictCount);
        context->VerdictsReady = NT_SUCCESS(status);
    }
    if (NT_SUCCESS(status)) {
        /* Last: once the link exists, user mode can open the device. */
        status = IoCreateSymbolicLink(&link, &name);
        context->LinkCreated = NT_SUCCESS(status);
    }
    if (!NT_SUCCESS(status)) {
        DeviceDelete(device);
        return status;
    }
    /* The I/O manager clears this itself for devices made in DriverEntry; clearing it here keeps
     * the device usable should DeviceCreate ever be called later. */
    device->Flags &= ~DO_DEVICE_INITIALIZING;
    *Device = device;
    return STATUS_SUCCESS;
}

/*
 * DeviceDelete
 *   Undoes DeviceCreate, whatever part of it succeeded: the symbolic link, the core, the device.
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing.
 */
VOID DeviceDelete(PDEVICE_OBJECT Device)
{
    DRIVER_DEVICE *context = (DRIVER_DEVICE *)Device->DeviceExtension;
    if (context->LinkCreated) {
        UNICODE_STRING link;
        RtlInitUnicodeString(&link, DEVICE_SYMBOLIC_LINK_STRING);
        /* Nothing to do if it fails: the link goes with the device object's name anyway. */
        (void)IoDeleteSymbolicLink(&link);
        context->LinkCreated = FALSE;
    }
    if (context->VerdictsReady) {
        CoreVerdictUninitialize(&context->Core);
        context->VerdictsReady = FALSE;
    }
    if (context->CoreReady) {
        CoreUninitialize(&context->Core);
        context->CoreReady = FALSE;
    }
    IoDeleteDevice(Device);
}

/*
 * DeviceComplete
 *   Completes a create, cleanup or close IRP with Status and no bytes.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: Status, for the dispatch routine to return.
 */
static NTSTATUS DeviceComplete(PIRP Irp, NTSTATUS Status)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/*
 * DeviceDispatchCreate (IRP_MJ_CREATE)
 *   A new handle: gives it a file context with its own core state, the opener's process id and a
 *   file id for the state IOCTL. The I/O manager has already applied the device's security.
 * IRQL: PASSIVE_LEVEL, in the opener's thread.
 * Returns: STATUS_SUCCESS, or STATUS_INSUFFICIENT_RESOURCES when no file context can be
 *   allocated; the IRP is completed with the same status.
 */
NTSTATUS NTAPI DeviceDispatchCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    DRIVER_DEVICE *device = (DRIVER_DEVICE *)DeviceObject->DeviceExtension;
    PFILE_OBJECT fileObject = IoGetCurrentIrpStackLocation(Irp)->FileObject;
    DRIVER_FILE *file;
    KIRQL irql;

    file = (DRIVER_FILE *)ExAllocatePoolWithTag(DRIVER_POOL, sizeof(DRIVER_FILE), DEVICE_POOL_TAG);
    if (file == NULL) {
        return DeviceComplete(Irp, STATUS_INSUFFICIENT_RESOURCES);
    }
    RtlZeroMemory(file, sizeof(*file));
    QueueFileInitialize(file);
    /* IRP_MJ_CREATE runs in the opener's thread: this is the process that asked for the handle. */
    file->OpenerProcessId = (UINT64)(ULONG_PTR)PsGetCurrentProcessId();

    KeAcquireSpinLock(&device->Lock, &irql);
    file->Id = device->NextFileId++;
    if (device->NextFileId == 0) {
        device->NextFileId = 1; /* 0 never names a file */
    }
    InsertTailList(&device->Files, &file->Link);
    device->OpenFiles++;
    KeReleaseSpinLock(&device->Lock, irql);

    /* GlueFile carries the id rather than a pointer: CoreQueryState can then name a subscription's
     * handle without the state IOCTL touching a file context that may be closing meanwhile. */
    CoreFileOpen(&device->Core, &file->Core, (void *)(ULONG_PTR)file->Id);
    fileObject->FsContext = file;
    return DeviceComplete(Irp, STATUS_SUCCESS);
}

/*
 * DeviceDispatchCleanup (IRP_MJ_CLEANUP)
 *   The last handle to the file object is closed (R5): the core takes back its parked requests,
 *   completes them with STATUS_CANCELLED, oldest first, and frees its subscriptions. Requests of
 *   a dying process were already cancelled by the I/O manager.
 * IRQL: PASSIVE_LEVEL.
 * Returns: STATUS_SUCCESS (the IRP is completed with it).
 */
NTSTATUS NTAPI DeviceDispatchCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    DRIVER_DEVICE *device = (DRIVER_DEVICE *)DeviceObject->DeviceExtension;
    DRIVER_FILE *file = (DRIVER_FILE *)IoGetCurrentIrpStackLocation(Irp)->FileObject->FsContext;
    if (file != NULL) {
        /* V6: the questions delivered to this handle settle with the default at once. */
        CoreVerdictClose(&device->Core, &file->Core);
        CoreFileClose(&device->Core, &file->Core);
    }
    return DeviceComplete(Irp, STATUS_SUCCESS);
}

/*
 * DeviceDispatchClose (IRP_MJ_CLOSE)
 *   The file object goes away. After a cleanup the CoreFileClose here does nothing. Wine sends no
 *   cleanup at all and may close a handle while its requests are still parked: then this
 *   CoreFileClose takes them back and cancels them. Then the file context, which holds the lists
 *   of its parked requests, is freed. A request whose cancellation is in progress stays linked
 *   there until the queue's cancel routine removes it, but none can be by now: Windows sends
 *   IRP_MJ_CLOSE only once every IRP of the file object has completed, and Wine runs a cancel
 *   routine to its end in the thread that dispatches this close. Should one be linked anyway,
 *   the context is left allocated (and reported) rather than freed under it.
 * IRQL: PASSIVE_LEVEL.
 * Returns: STATUS_SUCCESS (the IRP is completed with it).
 */
NTSTATUS NTAPI DeviceDispatchClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    DRIVER_DEVICE *device = (DRIVER_DEVICE *)DeviceObject->DeviceExtension;
    PFILE_OBJECT fileObject = IoGetCurrentIrpStackLocation(Irp)->FileObject;
    DRIVER_FILE *file = (DRIVER_FILE *)fileObject->FsContext;
    KIRQL irql;

    if (file != NULL) {
        BOOLEAN stillParked;
        CoreVerdictClose(&device->Core, &file->Core); /* nothing left after a cleanup; Wine sends none */
        CoreFileClose(&device->Core, &file->Core);
        KeAcquireSpinLock(&device->Lock, &irql);
        RemoveEntryList(&file->Link);
        device->OpenFiles--;
        KeReleaseSpinLock(&device->Lock, irql);
        KeAcquireSpinLock(&device->ParkLock, &irql);
        stillParked = QueueFileHasParked(device, file);
        KeReleaseSpinLock(&device->ParkLock, irql);
        fileObject->FsContext = NULL;
        if (stillParked) {
            DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                       "inverted-call: handle %u closed while a request of it was still being cancelled: its context is kept\n",
                       (unsigned int)file->Id);
        } else {
            ExFreePoolWithTag(file, DEVICE_POOL_TAG);
        }
    }
    return DeviceComplete(Irp, STATUS_SUCCESS);
}
