/*
 * Device.c - the control device: secure by default, one symbolic link, file callbacks that give
 * every handle its own core state. Part of the template: do not edit.
 *
 * Secure by default: the SDDL from the schema (default SYSTEM and Administrators only) is the
 * device's security descriptor, and FILE_DEVICE_SECURE_OPEN makes the I/O manager apply it to
 * every open, including opens of names below the device (\\.\Device\Name\anything).
 */
#include "Driver.h"

static EVT_WDF_DEVICE_FILE_CREATE DeviceEvtFileCreate;
static EVT_WDF_FILE_CLEANUP DeviceEvtFileCleanup;
static EVT_WDF_FILE_CLOSE DeviceEvtFileClose;
static EVT_WDF_OBJECT_CONTEXT_CLEANUP DeviceEvtCleanup;

/*
 * DeviceCreate
 *   Creates the named control device with the schema's SDDL, its file and request contexts, the
 *   core's spin lock and queues, initializes the core with the device table, and creates the
 *   symbolic link last, so user mode cannot open a half-built device.
 * IRQL: PASSIVE_LEVEL (from DriverEntry).
 * Returns: STATUS_SUCCESS with *Device set; STATUS_INSUFFICIENT_RESOURCES when the device init
 *   cannot be allocated; otherwise the failing call's status, with *Device NULL and everything
 *   made so far deleted.
 */
NTSTATUS DeviceCreate(WDFDRIVER Driver, WDFDEVICE *Device)
{
    PWDFDEVICE_INIT init;
    WDF_FILEOBJECT_CONFIG fileConfig;
    WDF_OBJECT_ATTRIBUTES fileAttributes;
    WDF_OBJECT_ATTRIBUTES requestAttributes;
    WDF_OBJECT_ATTRIBUTES deviceAttributes;
    DRIVER_DEVICE_CONTEXT *context;
    UNICODE_STRING sddl;
    UNICODE_STRING name;
    UNICODE_STRING link;
    WDFDEVICE device;
    NTSTATUS status;

    *Device = NULL;
    RtlInitUnicodeString(&sddl, DEVICE_SDDL_STRING);
    RtlInitUnicodeString(&name, DEVICE_NAME_STRING);
    RtlInitUnicodeString(&link, DEVICE_SYMBOLIC_LINK_STRING);

    init = WdfControlDeviceInitAllocate(Driver, &sddl);
    if (init == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    /* The framework sets FILE_DEVICE_SECURE_OPEN on control devices itself; said here so that
     * nobody removes it by accident. (The device type lives in each IOCTL code.) */
    WdfDeviceInitSetCharacteristics(init, FILE_DEVICE_SECURE_OPEN, TRUE);
    status = WdfDeviceInitAssignName(init, &name);
    if (!NT_SUCCESS(status)) {
        WdfDeviceInitFree(init);
        return status;
    }

    WDF_FILEOBJECT_CONFIG_INIT(&fileConfig, DeviceEvtFileCreate, DeviceEvtFileClose, DeviceEvtFileCleanup);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&fileAttributes, DRIVER_FILE_CONTEXT);
    WdfDeviceInitSetFileObjectConfig(init, &fileConfig, &fileAttributes);

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&requestAttributes, DRIVER_REQUEST_CONTEXT);
    /* The framework completes a cancelled parked request without calling the driver: its cleanup
     * is where the core hears of it (the parked-request limit). */
    requestAttributes.EvtCleanupCallback = QueueEvtRequestCleanup;
    WdfDeviceInitSetRequestAttributes(init, &requestAttributes);

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&deviceAttributes, DRIVER_DEVICE_CONTEXT);
    deviceAttributes.EvtCleanupCallback = DeviceEvtCleanup;
    /* Callbacks (and so the user's call handlers) run at PASSIVE_LEVEL. */
    deviceAttributes.ExecutionLevel = WdfExecutionLevelPassive;

    status = WdfDeviceCreate(&init, &deviceAttributes, &device);
    if (!NT_SUCCESS(status)) {
        WdfDeviceInitFree(init); /* a failed create leaves a control device's init to the driver */
        return status;
    }
    context = DriverGetDeviceContext(device);
    context->CoreReady = FALSE;
#ifdef INVERTED_CALL_TEST_BUILD
    InitializeListHead(&context->TestFiles);
#endif

    /* From here on, deleting the device frees whatever was made (queues and lock are its children). */
    status = WdfSpinLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &context->CoreLock);
    if (NT_SUCCESS(status)) {
        status = QueueCreateAll(device, context);
    }
    if (NT_SUCCESS(status)) {
        CORE_OPS ops = QueueCoreOps;
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
        status = WdfDeviceCreateSymbolicLink(device, &link);
    }
    if (!NT_SUCCESS(status)) {
        WdfObjectDelete(device);
        return status;
    }
    WdfControlFinishInitializing(device);
    *Device = device;
    return STATUS_SUCCESS;
}

/*
 * DeviceEvtCleanup
 *   The device is being deleted (after DriverEvtUnload): frees what CoreInitialize allocated.
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing.
 */
static VOID DeviceEvtCleanup(WDFOBJECT Object)
{
    DRIVER_DEVICE_CONTEXT *context = DriverGetDeviceContext(Object);
    if (context->VerdictsReady) {
        CoreVerdictUninitialize(&context->Core);
        context->VerdictsReady = FALSE;
    }
    if (context->CoreReady) {
        CoreUninitialize(&context->Core);
        context->CoreReady = FALSE;
    }
}

/*
 * DeviceEvtFileCreate
 *   A handle is being opened: gives its file object its own state in the core, then completes
 *   the create. The I/O manager has already applied the device's security.
 * IRQL: PASSIVE_LEVEL (the device's execution level).
 * Returns: nothing; the create request completes with STATUS_SUCCESS.
 */
static VOID DeviceEvtFileCreate(WDFDEVICE Device, WDFREQUEST Request, WDFFILEOBJECT FileObject)
{
    DRIVER_DEVICE_CONTEXT *context = DriverGetDeviceContext(Device);
    /* Create runs in the opener's thread: its process is the handle's, should it decide (V7). */
    DriverGetFileContext(FileObject)->OpenerProcessId = (UINT64)(ULONG_PTR)PsGetCurrentProcessId();
    CoreFileOpen(&context->Core, &DriverGetFileContext(FileObject)->Core, FileObject);
#ifdef INVERTED_CALL_TEST_BUILD
    TestFileOpened(context, DriverGetFileContext(FileObject));
#endif
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

/*
 * DeviceEvtFileCleanup
 *   The last handle to the file object is closed (R5): the core takes back the handle's parked
 *   requests, completes them with STATUS_CANCELLED, oldest first, and frees its subscriptions.
 *   Requests of a dying process were already cancelled by the framework.
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing.
 */
static VOID DeviceEvtFileCleanup(WDFFILEOBJECT FileObject)
{
    DRIVER_DEVICE_CONTEXT *context = DriverGetDeviceContext(WdfFileObjectGetDevice(FileObject));
    /* V6: the questions delivered to this handle settle with the default at once. */
    CoreVerdictClose(&context->Core, &DriverGetFileContext(FileObject)->Core);
    CoreFileClose(&context->Core, &DriverGetFileContext(FileObject)->Core);
}

/*
 * DeviceEvtFileClose
 *   The file object goes away. Normally nothing is left to do after cleanup; if cleanup never
 *   came, this closes the handle's state in the core (CoreFileClose may be called twice).
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing.
 */
static VOID DeviceEvtFileClose(WDFFILEOBJECT FileObject)
{
    DRIVER_DEVICE_CONTEXT *context = DriverGetDeviceContext(WdfFileObjectGetDevice(FileObject));
    CoreVerdictClose(&context->Core, &DriverGetFileContext(FileObject)->Core); /* nothing left after a cleanup */
    CoreFileClose(&context->Core, &DriverGetFileContext(FileObject)->Core);
#ifdef INVERTED_CALL_TEST_BUILD
    TestFileClosed(context, DriverGetFileContext(FileObject));
#endif
}
