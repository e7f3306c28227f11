/*
 * Driver.h - the WDM glue's shared declarations: the device extension, the contexts of a handle
 * and of a request, and what each glue file exports to the others.
 * Part of the template: do not edit (your code goes in Handlers.c).
 *
 * The WDM flavour shares the portable core (Core.c), the generated files and Notify.c with the
 * KMDF flavour and differs only in this glue. The glue calls nothing beyond ntoskrnl and hal. Its
 * parked requests sit in the system's cancel-safe queue (IoCsq*, see Queue.c); Wine's kernel
 * emulation lacks those routines, so the Wine build links the project's own (wine-runtime/IoCsq.c
 * of the driver-template package) and the WDK build uses ntoskrnl's.
 */
#ifndef DRIVER_H
#define DRIVER_H

#include <ntddk.h>
#ifndef INVERTED_CALL_NO_WDMSEC
#include <wdmsec.h> /* IoCreateDeviceSecure (wdmsec.lib): see Device.c */
#endif

#include "Handlers.h" /* Core.h, DeviceTable.h and the generated device header come with it */
#include "VerdictWait.h" /* Verdict.h, and the verdict ops both glues share */
#if DEVICE_PROCESS_NOTIFY
#include "Notify.h" /* shared with the KMDF flavour */
#endif

/* A status the caller must look at: a compile error under the Linux check, SAL in the WDK build. */
#if defined(__GNUC__) || defined(__clang__)
#define DRIVER_CHECK_RESULT __attribute__((warn_unused_result))
#else
#define DRIVER_CHECK_RESULT _Must_inspect_result_
#endif

/* Windows 8 added this MmGetSystemAddressForMdlSafe flag; mingw-w64's DDK headers lack it. The
 * value is the documented one. */
#ifndef MdlMappingNoExecute
#define MdlMappingNoExecute 0x40000000
#endif

/* Memory the glue and the core allocate: non-paged (the core allocates under its spin lock) and
 * not executable. ExAllocatePoolWithTag rather than ExAllocatePool2, which Windows before 10
 * version 2004 and Wine 8 do not export. */
#define DRIVER_POOL NonPagedPoolNx

/* The control device's extension: the core, its lock, the cancel-safe queue, the open handles. */
typedef struct _DRIVER_DEVICE {
    CORE Core;
    BOOLEAN CoreReady;        /* CoreInitialize succeeded: unload uninitializes */
    BOOLEAN LinkCreated;      /* the symbolic link exists: unload deletes it */
    /* The core's lock (CORE_OPS Lock/Unlock); it also guards Files and the fields below it. */
    KSPIN_LOCK Lock;
    /* The cancel-safe queue of parked subscribe requests. Its lists live in each handle
     * (DRIVER_FILE.Parked); ParkLock is the queue's lock and guards those lists and
     * DRIVER_REQUEST.ParkLink and .Parking. Lock order: Lock, then ParkLock, never the reverse
     * (Queue.c says why the queue cannot simply use Lock). */
    IO_CSQ Csq;
    KSPIN_LOCK ParkLock;
    /* Parked ask requests of each verdict, oldest first across handles (V2), in the same queue
     * and under ParkLock like the subscribe requests' lists. */
    LIST_ENTRY AskParked[DEVICE_VERDICT_SLOTS];
    BOOLEAN VerdictsReady;    /* CoreVerdictInitialize succeeded: unload uninitializes */
    LIST_ENTRY Files;         /* open handles (DRIVER_FILE.Link) */
    UINT32 OpenFiles;
    UINT32 NextFileId;
    UINT64 Completions;       /* device-control requests completed, */
    UINT64 Cancels;           /* of which with STATUS_CANCELLED */
} DRIVER_DEVICE;

/* One open handle (FILE_OBJECT.FsContext), from IRP_MJ_CREATE to IRP_MJ_CLOSE. */
typedef struct _DRIVER_FILE {
    CORE_FILE Core;           /* Core.GlueFile holds Id (see DeviceDispatchCreate) */
    LIST_ENTRY Link;          /* in DRIVER_DEVICE.Files */
    UINT64 OpenerProcessId;   /* PsGetCurrentProcessId() of the opener */
    UINT32 Id;                /* unique per open, never 0 */
    /* This handle's parked subscribe requests, per channel, oldest first (DRIVER_REQUEST.ParkLink),
     * under DRIVER_DEVICE.ParkLock: taking one for this handle looks at one list head. */
    LIST_ENTRY Parked[DEVICE_CHANNEL_SLOTS];
} DRIVER_FILE;

/* One device-control request, from dispatch to completion (non-paged, freed on completion). The
 * IRP points back to it through Tail.Overlay.DriverContext[0], for the queue's callbacks
 * (DriverContext[3] is the cancel-safe queue's own). */
typedef struct _DRIVER_REQUEST {
    CORE_REQUEST Core;        /* Core.GlueRequest: the IRP */
    DRIVER_DEVICE *Device;
    DRIVER_FILE *File;        /* the handle it came on: whose lists it is parked in */
    LIST_ENTRY ParkLink;      /* in File->Parked[channel] or Device->AskParked[verdict] while parked, else linked to itself */
    /* While QueuePark inserts it: a cancellation that completes it meanwhile leaves that to the
     * core instead (CancelledWhileParking), which still holds its lock. Under ParkLock. */
    BOOLEAN Parking;
    BOOLEAN CancelledWhileParking;
    BOOLEAN *MarkedPending;   /* while CoreDispatch runs: set once the IRP is marked pending */
} DRIVER_REQUEST;

/* Device.c: the control device, its symbolic link and the core; undone by DeviceDelete. */
DRIVER_CHECK_RESULT NTSTATUS DeviceCreate(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT *Device);
VOID DeviceDelete(PDEVICE_OBJECT Device);
DRIVER_DISPATCH DeviceDispatchCreate;
DRIVER_DISPATCH DeviceDispatchCleanup;
DRIVER_DISPATCH DeviceDispatchClose;

/* Queue.c: IRP_MJ_DEVICE_CONTROL, the cancel-safe queue and what the core calls back. */
DRIVER_DISPATCH QueueDispatchDeviceControl;
extern const CORE_OPS QueueCoreOps;
/* Queue.c: what the core's verdict table calls back (VerdictWait.c's clock and wake-up, and the
 * parking of ask requests in the same cancel-safe queue). */
extern const CORE_VERDICT_OPS QueueVerdictOps;
/* Sets up the device's cancel-safe queue (DeviceCreate, before the core can park anything). */
DRIVER_CHECK_RESULT NTSTATUS QueueInitialize(DRIVER_DEVICE *Device);
/* Gives a new handle its empty parked-request lists. */
VOID QueueFileInitialize(DRIVER_FILE *File);
/* Whether any request of File is still parked. With ParkLock held. */
BOOLEAN QueueFileHasParked(const DRIVER_DEVICE *Device, const DRIVER_FILE *File);
/* Completes a device-control IRP and counts it (Completions, Cancels). Without the lock. */
VOID QueueCompleteIrp(DRIVER_DEVICE *Device, PIRP Irp, NTSTATUS Status, ULONG_PTR Information);

#ifdef INVERTED_CALL_TEST_BUILD
/* InvertedCallTest.c: the test-only IOCTLs (InvertedCallTest.h, EmitTest.h; NotifyTest.h with a
 * process channel). Queue.c hands TestDispatch every code TestOwnsCode claims. */
#include "InvertedCallTestCodes.h"
BOOLEAN TestOwnsCode(ULONG Code);
NTSTATUS TestDispatch(DRIVER_DEVICE *Device, DRIVER_FILE *File, PIRP Irp);
#endif

#endif /* DRIVER_H */
