/*
 * Driver.c - DriverEntry and unload of a legacy (non-PnP) WDM driver with one control device.
 * Part of the template: do not edit (your code goes in Handlers.c).
 *
 * Order matters at both ends. Load: the device and its core exist before the process-notify
 * callback is registered, because the callback feeds the core. Unload: the callback is removed
 * first (removal waits for callbacks already running), then the device and the core go.
 */
#include "Driver.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD DriverUnload;

/*
 * DriverEntry
 *   Fills in the dispatch table, creates the control device and its core, then registers the
 *   process-notify callback that feeds that core. A test build first checks that its state IOCTL
 *   shadows no code of the schema.
 * IRQL: PASSIVE_LEVEL, in a system thread.
 * Returns: STATUS_SUCCESS; otherwise the status of the step that failed, with the device deleted
 *   again. STATUS_ACCESS_DENIED from the callback's registration means the image was linked
 *   without /INTEGRITYCHECK.
 */
NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    (void)RegistryPath;
#ifdef INVERTED_CALL_TEST_BUILD
    /* The state IOCTL must not shadow a code of the schema: refuse to load, before anything exists. */
    status = TestStateCheckSchema(&DeviceConfig);
    if (!NT_SUCCESS(status)) {
        return status;
    }
#endif
    DriverObject->MajorFunction[IRP_MJ_CREATE] = DeviceDispatchCreate;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = DeviceDispatchCleanup;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = DeviceDispatchClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = QueueDispatchDeviceControl;
    DriverObject->DriverUnload = DriverUnload;

    status = DeviceCreate(DriverObject, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
#if DEVICE_PROCESS_NOTIFY
    status = NotifyRegister(&((DRIVER_DEVICE *)device->DeviceExtension)->Core);
    if (!NT_SUCCESS(status)) {
        /* STATUS_ACCESS_DENIED here means the image was linked without /INTEGRITYCHECK. */
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                   "inverted-call: PsSetCreateProcessNotifyRoutineEx failed 0x%08X (link with /INTEGRITYCHECK)\n",
                   (unsigned int)status);
        DeviceDelete(device);
        return status;
    }
#endif
    return STATUS_SUCCESS;
}

/*
 * DriverUnload
 *   Removes the process-notify callback (waiting for callbacks still running), then deletes the
 *   device and frees the core. The I/O manager unloads a legacy driver only once no handle to its
 *   devices is open: nothing is parked and every file context is gone by now.
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing.
 */
static VOID NTAPI DriverUnload(PDRIVER_OBJECT DriverObject)
{
#if DEVICE_PROCESS_NOTIFY
    NotifyUnregister();
#endif
    if (DriverObject->DeviceObject != NULL) {
        DeviceDelete(DriverObject->DeviceObject);
    }
}
