/*
 * KmdfDriver.c - the image's entry point, the framework driver object and unload.
 *
 * As with real KMDF (whose stub library's entry point calls the driver's DriverEntry), the
 * image's entry point is the runtime's KmdfRuntimeEntry: it sets the runtime up, calls the
 * driver's DriverEntry, checks what DriverEntry left behind, and undoes the framework objects if
 * DriverEntry failed. Unload calls EvtDriverUnload, then deletes the control devices and every
 * other framework object, children before parents, and checks that no spin lock is held.
 */
#include "KmdfRuntime.h"

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE KmdfRuntimeEntry;
static DRIVER_UNLOAD KrDriverUnload;

/* Deletes every framework object of the driver: devices and their children, then the driver's
 * other children (spin locks), then the driver itself; finally frees the quarantine. */
static VOID KrDriverTearDown(KR_DRIVER *Driver)
{
    KrObjectDelete(&Driver->Header);
    KrRuntime.Driver = NULL;
    KrRuntimeFreeAll();
}

/*
 * KmdfRuntimeEntry
 *   The image's entry point: runs the driver's DriverEntry inside the runtime.
 * IRQL: PASSIVE_LEVEL, in a system thread.
 * Returns: DriverEntry's status. A failure deletes what the driver created.
 */
NTSTATUS NTAPI KmdfRuntimeEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS status;
    KrRuntimeInitialize();
    status = DriverEntry(DriverObject, RegistryPath);
    KrAfterDriverCallback("DriverEntry");
    if (!NT_SUCCESS(status) && KrRuntime.Driver != NULL) {
        KrDriverTearDown(KrRuntime.Driver);
        DriverObject->DriverUnload = NULL;
    }
    return status;
}

/*
 * WdfDriverCreate
 *   The framework driver object of a non-PnP driver: takes over the WDM dispatch table and, when
 *   the driver has EvtDriverUnload, the unload routine. PnP drivers are not supported.
 * IRQL: PASSIVE_LEVEL.
 * Returns: STATUS_SUCCESS; STATUS_INSUFFICIENT_RESOURCES; STATUS_INVALID_DEVICE_STATE when called
 *   twice.
 */
NTSTATUS WdfDriverCreate(PDRIVER_OBJECT DriverObject, PCUNICODE_STRING RegistryPath, PWDF_OBJECT_ATTRIBUTES DriverAttributes,
                         PWDF_DRIVER_CONFIG DriverConfig, WDFDRIVER *Driver)
{
    KR_DRIVER *driver;
    ULONG major;
    (void)RegistryPath;
    KrRequirePassive("WdfDriverCreate");
    if (!KrRuntime.Initialized) {
        KrVerifierStop(KrRuleUnsupported, "WdfDriverCreate (the image's entry point must be KmdfRuntimeEntry)", NULL);
    }
    if (KrRuntime.Driver != NULL) {
        return STATUS_INVALID_DEVICE_STATE;
    }
    if ((DriverConfig->DriverInitFlags & WdfDriverInitNonPnpDriver) == 0 || DriverConfig->EvtDriverDeviceAdd != NULL) {
        KrVerifierStop(KrRuleUnsupported, "WdfDriverCreate (only non-PnP drivers, without EvtDriverDeviceAdd)", NULL);
    }
    driver = (KR_DRIVER *)KrObjectCreate(KrTypeDriver, sizeof(KR_DRIVER), DriverAttributes, NULL);
    if (driver == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    driver->Wdm = DriverObject;
    driver->Config = *DriverConfig;
    InitializeListHead(&driver->Devices);
    KrQuarantineCreate();
    KrRuntime.Driver = driver;

    for (major = 0; major <= IRP_MJ_MAXIMUM_FUNCTION; major++) {
        DriverObject->MajorFunction[major] = KrDispatchUnsupported;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KrDispatchCreate;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = KrDispatchCleanup;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KrDispatchClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KrDispatchDeviceControl;
    DriverObject->DriverUnload = DriverConfig->EvtDriverUnload != NULL ? KrDriverUnload : NULL;
    if (Driver != NULL) {
        *Driver = (WDFDRIVER)driver;
    }
    return STATUS_SUCCESS;
}

/*
 * WdfDriverWdmGetDriverObject
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: the WDM driver object.
 */
PDRIVER_OBJECT WdfDriverWdmGetDriverObject(WDFDRIVER Driver)
{
    return ((KR_DRIVER *)KrCheckHandle(Driver, KrTypeDriver, "WdfDriverWdmGetDriverObject"))->Wdm;
}

/*
 * KrDriverUnload (DRIVER_UNLOAD)
 *   EvtDriverUnload, then every framework object is deleted (control devices after the callback,
 *   as the framework does for a non-PnP driver). No spin lock may be held by then.
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing.
 */
static VOID NTAPI KrDriverUnload(PDRIVER_OBJECT DriverObject)
{
    KR_DRIVER *driver = KrRuntime.Driver;
    LIST_ENTRY *link;
    (void)DriverObject;
    if (driver == NULL) {
        return;
    }
    driver->Config.EvtDriverUnload((WDFDRIVER)driver);
    KrAfterDriverCallback("EvtDriverUnload");
    for (link = KrRuntime.SpinLocks.Flink; link != &KrRuntime.SpinLocks; link = link->Flink) {
        if (CONTAINING_RECORD(link, KR_SPINLOCK, RuntimeLink)->Owner != NULL) {
            KrVerifierStop(KrRuleSpinLockHeldAtUnload, "unload", CONTAINING_RECORD(link, KR_SPINLOCK, RuntimeLink));
        }
    }
    KrDriverTearDown(driver);
    /* Every object the driver or the framework made is gone; one left would be a leak. The Wine
     * tests look for this line after an unload. */
    if (KrRuntime.LiveObjects != 0) {
        KrVerifierStop(KrRuleObjectLeft, "unload (framework objects left)", NULL);
    }
    DbgPrint("KMDF-subset runtime: unloaded, no framework object left\n");
}

/*
 * ExAllocatePool2 (Wine build only)
 *   Windows 10 2004 exports it and the KMDF glue uses it; Wine 8's ntoskrnl does not, so the
 *   runtime gives the documented behaviour for the one flag the glue passes: zeroed non-paged
 *   memory with the tag.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: the memory, or NULL (also for flags other than POOL_FLAG_NON_PAGED).
 */
PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    PVOID memory;
    if (Flags != POOL_FLAG_NON_PAGED) {
        KrVerifierStop(KrRuleUnsupported, "ExAllocatePool2 (only POOL_FLAG_NON_PAGED)", NULL);
    }
    memory = ExAllocatePoolWithTag(NonPagedPool, NumberOfBytes, Tag);
    if (memory != NULL) {
        RtlZeroMemory(memory, NumberOfBytes);
    }
    return memory;
}
