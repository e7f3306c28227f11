/*
 * Driver.c - DriverEntry and unload of a non-PnP KMDF driver with one control device.
 * Part of the template: do not edit (your code goes in Handlers.c).
 *
 * Order matters at both ends. Load: the device and its core exist before the process-notify
 * callback is registered, because the callback feeds the core. Unload: the callback is removed
 * first (removal waits for callbacks already running), then the framework deletes the device,
 * whose cleanup callback frees the core.
 */
#include "Driver.h"

DRIVER_INITIALIZE DriverEntry;
EVT_WDF_DRIVER_UNLOAD DriverEvtUnload;

/*
 * DriverEntry
 *   Creates the framework driver object (non-PnP, with an unload callback), then the control
 *   device and its core, then registers the process-notify callback that feeds that core.
 * IRQL: PASSIVE_LEVEL, in a system thread.
 * Returns: STATUS_SUCCESS; otherwise the status of the step that failed, with the device deleted
 *   again (the framework then unloads the driver). STATUS_ACCESS_DENIED from the callback's
 *   registration means the image was linked without /INTEGRITYCHECK.
 */
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDFDRIVER driver;
    WDFDEVICE device;
    NTSTATUS status;

#ifdef INVERTED_CALL_TEST_BUILD
    /* The test IOCTLs must not shadow a code of the schema: refuse to load, before anything exists. */
    status = TestStateCheckSchema(&DeviceConfig);
    if (!NT_SUCCESS(status)) {
        return status;
    }
#endif
    WDF_DRIVER_CONFIG_INIT(&config, NULL); /* no EvtDriverDeviceAdd: not a PnP driver */
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = DriverEvtUnload;
    config.DriverPoolTag = DEVICE_POOL_TAG;

    status = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, &driver);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = DeviceCreate(driver, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
#if DEVICE_PROCESS_NOTIFY
    status = NotifyRegister(&DriverGetDeviceContext(device)->Core);
    if (!NT_SUCCESS(status)) {
        /* STATUS_ACCESS_DENIED here means the image was linked without /INTEGRITYCHECK. */
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                   "inverted-call: PsSetCreateProcessNotifyRoutineEx failed 0x%08X (link with /INTEGRITYCHECK)\n",
                   (unsigned int)status);
        WdfObjectDelete(device);
        return status;
    }
#endif
    return STATUS_SUCCESS;
}

/*
 * DriverEvtUnload
 *   Removes the process-notify callback, waiting for callbacks still running, so nothing feeds
 *   the core once the framework deletes the device and its cleanup frees it.
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing.
 */
VOID DriverEvtUnload(WDFDRIVER Driver)
{
    (void)Driver;
#if DEVICE_PROCESS_NOTIFY
    NotifyUnregister();
#endif
    /* The framework deletes the control device after this returns (a driver with only control
     * devices need not): every handle is closed by then, so nothing is parked, and the device's
     * cleanup callback frees the core, after the callback that fed it is gone. */
}
