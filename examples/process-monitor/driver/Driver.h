/*
 * Driver.h - the KMDF glue's shared declarations: object contexts and the functions each glue
 * file exports to the others. Part of the template: do not edit (your code goes in Handlers.c).
 *
 * The glue is thin on purpose. Every protocol decision (lengths, statuses, rings, sequences,
 * batches) is the portable core's (Core.c), which is tested natively and against the simulator;
 * the glue only connects it to KMDF objects.
 */
#ifndef DRIVER_H
#define DRIVER_H

#include <ntddk.h>

#ifdef INVERTED_CALL_KMDF_SUBSET
/* Linux compile check only: the project's declarations of the KMDF subset used here. */
#include "check/KmdfSubset.h"
#include "check/WdmAdditions.h"
#else
#include <wdf.h>
#endif

/* A status the caller must look at: a compile error under the Linux check, SAL in the WDK build. */
#ifdef INVERTED_CALL_KMDF_SUBSET
#define DRIVER_CHECK_RESULT KMDF_SUBSET_MUST_INSPECT
#else
#define DRIVER_CHECK_RESULT _Must_inspect_result_
#endif

#include "Handlers.h" /* Core.h, DeviceTable.h and the generated device header come with it */
#include "VerdictWait.h" /* Verdict.h, and the verdict ops both glues share */

/* The control device: the core, the lock that guards it, one manual queue per channel. */
typedef struct _DRIVER_DEVICE_CONTEXT {
    CORE Core;
    BOOLEAN CoreReady;        /* CoreInitialize succeeded: the cleanup callback uninitializes */
    WDFSPINLOCK CoreLock;
    /* Parked subscribe requests, one manual queue per channel. The framework cancels them
     * (CancelIoEx, thread or process exit) and completes them with STATUS_CANCELLED itself. */
    WDFQUEUE ParkedQueues[DEVICE_CHANNEL_SLOTS];
    /* Parked ask requests of deciders, one manual queue per verdict: retrieving the next request
     * gives the one that waited longest across handles (V2); the framework cancels them too. */
    WDFQUEUE AskQueues[DEVICE_VERDICT_SLOTS];
    BOOLEAN VerdictsReady;    /* CoreVerdictInitialize succeeded: the cleanup callback uninitializes */
#ifdef INVERTED_CALL_TEST_BUILD
    /* The state IOCTL's account (InvertedCallTest.c), guarded by CoreLock. */
    LIST_ENTRY TestFiles;     /* open handles (DRIVER_FILE_CONTEXT.TestLink) */
    UINT32 TestOpenFiles;
    UINT32 TestNextFileId;
    UINT64 TestCompletions;   /* device-control requests completed, by the driver or, for a */
    UINT64 TestCancels;       /* parked one, by the framework's cancellation; of which cancelled */
    UINT64 TestParkedNow;
#endif
} DRIVER_DEVICE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DRIVER_DEVICE_CONTEXT, DriverGetDeviceContext)

/* One open handle: its subscriptions live in the core's file state. */
typedef struct _DRIVER_FILE_CONTEXT {
    CORE_FILE Core;
    UINT64 OpenerProcessId;   /* PsGetCurrentProcessId() at create: a decider's process (V7) */
#ifdef INVERTED_CALL_TEST_BUILD
    LIST_ENTRY TestLink;      /* in DRIVER_DEVICE_CONTEXT.TestFiles */
    UINT64 TestProcessId;     /* the opener */
    UINT32 TestId;            /* unique per open, never 0 */
    UINT32 TestParked[DEVICE_CHANNEL_SLOTS];
#endif
} DRIVER_FILE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DRIVER_FILE_CONTEXT, DriverGetFileContext)

/* Every request: the core's view of it, valid until the core completes it. The framework zeroes
 * it, so a request that never reached the core has Device NULL and is not parked. */
typedef struct _DRIVER_REQUEST_CONTEXT {
    CORE_REQUEST Core;        /* Core.ParkedFile: set by the core when parked, cleared when taken back */
    DRIVER_DEVICE_CONTEXT *Device; /* set on dispatch: whose core its cleanup reports to */
#ifdef INVERTED_CALL_TEST_BUILD
    DRIVER_FILE_CONTEXT *TestParkedBy; /* while parked: the handle the state IOCTL counts it for */
    UINT32 TestChannel;
#endif
} DRIVER_REQUEST_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DRIVER_REQUEST_CONTEXT, DriverGetRequestContext)

/* Device.c: creates the control device, its queues and the core; symbolic link last. */
DRIVER_CHECK_RESULT NTSTATUS DeviceCreate(WDFDRIVER Driver, WDFDEVICE *Device);

/* Queue.c: the default queue (dispatch) and the per-channel manual queues (parking). */
DRIVER_CHECK_RESULT NTSTATUS QueueCreateAll(WDFDEVICE Device, DRIVER_DEVICE_CONTEXT *Context);
/* Queue.c: what the core calls back (allocation, lock, park, take back, complete). */
extern const CORE_OPS QueueCoreOps;
/* Queue.c: what the core's verdict table calls back (VerdictWait.c's clock and wake-up, and the
 * per-verdict manual queues of ask requests). */
extern const CORE_VERDICT_OPS QueueVerdictOps;
/* Queue.c: every request's EvtCleanupCallback (set in Device.c): a cancelled parked request. */
EVT_WDF_OBJECT_CONTEXT_CLEANUP QueueEvtRequestCleanup;

#ifdef INVERTED_CALL_TEST_BUILD
/* InvertedCallTest.c: the test-build state IOCTL (InvertedCallTest.h) and its account of opens,
 * parked requests and completions, kept by the hooks below (each called under CoreLock unless
 * it says otherwise), and the emit IOCTL (EmitTest.h). */
#include "InvertedCallTestCodes.h"
VOID TestStateDispatch(DRIVER_DEVICE_CONTEXT *Device, DRIVER_FILE_CONTEXT *File, WDFREQUEST Request, size_t OutputLength,
                       size_t InputLength);
/* The test-build emit IOCTL (EmitTest.h): completes the request. Not under CoreLock. */
VOID TestEmitDispatch(DRIVER_DEVICE_CONTEXT *Device, WDFREQUEST Request, size_t InputLength);
VOID TestFileOpened(DRIVER_DEVICE_CONTEXT *Device, DRIVER_FILE_CONTEXT *File);  /* takes CoreLock */
VOID TestFileClosed(DRIVER_DEVICE_CONTEXT *Device, DRIVER_FILE_CONTEXT *File);  /* takes CoreLock */
VOID TestRequestParked(DRIVER_DEVICE_CONTEXT *Device, DRIVER_REQUEST_CONTEXT *Request, DRIVER_FILE_CONTEXT *File, UINT32 Channel);
VOID TestRequestTaken(DRIVER_DEVICE_CONTEXT *Device, DRIVER_REQUEST_CONTEXT *Request);
VOID TestRequestCompleted(DRIVER_DEVICE_CONTEXT *Device, NTSTATUS Status);      /* takes CoreLock */
VOID TestRequestCleanup(DRIVER_REQUEST_CONTEXT *Request);    /* from QueueEvtRequestCleanup */
#endif

#if DEVICE_PROCESS_NOTIFY
/* Notify.c (shared with the WDM flavour): the PsSetCreateProcessNotifyRoutineEx callback feeds
 * Core's process channel. */
#include "Notify.h"
#endif

#endif /* DRIVER_H */
