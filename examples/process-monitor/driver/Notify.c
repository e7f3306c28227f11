/*
 * Notify.c - process creation and exit as events, from PsSetCreateProcessNotifyRoutineEx.
 * Part of the template: do not edit. Rendered only for schemas with a process channel.
 * Shared by the KMDF and the WDM flavour: it includes Notify.h, never a glue's Driver.h.
 *
 * The callback runs at PASSIVE_LEVEL in the creating thread (create) or the last thread of the
 * process (exit). It builds the event on its stack and offers it to the core, which copies it
 * into every subscriber's ring or parked request: nothing here blocks or allocates. Registration
 * needs an image linked with /INTEGRITYCHECK (else STATUS_ACCESS_DENIED).
 */
#include "Notify.h"

static PCREATE_PROCESS_NOTIFY_ROUTINE_EX NotifyRoutine;
static VOID NTAPI NotifyProcess(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo);

/* Set before registration and cleared after removal, which waits for running callbacks. */
static CORE *NotifyCore;

/*
 * NotifyRegister
 *   Points the callback at Core, then registers it for every process creation and exit.
 * IRQL: PASSIVE_LEVEL (from DriverEntry, after the device and its core exist).
 * Returns: STATUS_SUCCESS; STATUS_ACCESS_DENIED when the image lacks /INTEGRITYCHECK; otherwise
 *   the registration's status. On failure nothing stays registered.
 */
NTSTATUS NotifyRegister(CORE *Core)
{
    NTSTATUS status;
    NotifyCore = Core;
    NotifyRoutine = NotifyProcess;
    status = PsSetCreateProcessNotifyRoutineEx(NotifyRoutine, FALSE);
    if (!NT_SUCCESS(status)) {
        NotifyCore = NULL;
        NotifyRoutine = NULL;
    }
    return status;
}

/*
 * NotifyUnregister
 *   Removes the callback if it was registered. Removal waits for callbacks already running, so
 *   none touches the core afterwards.
 * IRQL: PASSIVE_LEVEL (from unload, before the core is freed).
 * Returns: nothing.
 */
VOID NotifyUnregister(VOID)
{
    if (NotifyRoutine != NULL) {
        /* Removing a registered routine cannot fail; the status is not needed. */
        (void)PsSetCreateProcessNotifyRoutineEx(NotifyRoutine, TRUE);
        NotifyRoutine = NULL;
        NotifyCore = NULL;
    }
}

#ifdef INVERTED_CALL_TEST_BUILD
/*
 * NotifyRegisteredRoutine
 *   The routine as registered, for the test-build process IOCTL to call it the way the kernel
 *   would (NotifyTest.c).
 * IRQL: any.
 * Returns: the registered routine, or NULL while none is registered.
 */
PCREATE_PROCESS_NOTIFY_ROUTINE_EX NotifyRegisteredRoutine(VOID)
{
    return NotifyRoutine;
}
#endif

/*
 * NotifyNow
 *   The system time, for an event's timestamp.
 * IRQL: any; called at PASSIVE_LEVEL here.
 * Returns: 100-ns intervals since 1 January 1601 (UTC), as KeQuerySystemTime gives them.
 */
static INT64 NotifyNow(VOID)
{
    LARGE_INTEGER now;
    now.QuadPart = 0; /* KeQuerySystemTime may be a macro that static analysers do not see through */
    KeQuerySystemTime(&now);
    return now.QuadPart;
}

/*
 * NotifyProcessCreated
 *   Builds the created event on the stack (ids, time, the image name copied without splitting a
 *   surrogate pair and marked complete, truncated, or unavailable when NULL or empty) and offers
 *   it to the core.
 * IRQL: PASSIVE_LEVEL, in the thread creating the process.
 * Returns: nothing; a full ring counts the event as dropped, which the client is told.
 */
static VOID NotifyProcessCreated(HANDLE ProcessId, const PS_CREATE_NOTIFY_INFO *CreateInfo)
{
    DEVICE_PROCESS_CREATED event;
    const UNICODE_STRING *image = CreateInfo->ImageFileName;

    RtlZeroMemory(&event, sizeof(event));
    event.ProcessId = (UINT64)(ULONG_PTR)ProcessId;
    event.ParentProcessId = (UINT64)(ULONG_PTR)CreateInfo->ParentProcessId;
    event.CreatingProcessId = (UINT64)(ULONG_PTR)CreateInfo->CreatingThreadId.UniqueProcess;
    event.CreatingThreadId = (UINT64)(ULONG_PTR)CreateInfo->CreatingThreadId.UniqueThread;
    event.CreateTime = NotifyNow();
    /* An empty name says no more than a missing one: both are reported unavailable. */
    if (image != NULL && image->Buffer != NULL && image->Length >= sizeof(WCHAR)) {
        size_t units = image->Length / sizeof(WCHAR);
        int truncated = 0;
        (void)CoreCopyUtf16(event.ImageName, sizeof(event.ImageName) / sizeof(event.ImageName[0]), image->Buffer, units, &truncated);
        event.ImageNameLength = (UINT16)(units > 0xFFFFu ? 0xFFFFu : units);
        event.ImageNameState = truncated ? DEVICE_IMAGE_NAME_TRUNCATED : DEVICE_IMAGE_NAME_COMPLETE;
    } else {
        event.ImageNameState = DEVICE_IMAGE_NAME_UNAVAILABLE;
    }
    /* Full rings count the event as dropped: the client sees the loss, nothing fails here. */
    (void)CoreEmit(NotifyCore, DEVICE_PROCESS_CHANNEL_INDEX, DEVICE_PROCESS_CREATED_KIND, &event, (UINT32)sizeof(event));
}

/*
 * NotifyProcessExited
 *   Builds the exited event (process id and time) and offers it to the core.
 * IRQL: PASSIVE_LEVEL, in the last thread of the exiting process.
 * Returns: nothing; a full ring counts the event as dropped.
 */
static VOID NotifyProcessExited(HANDLE ProcessId)
{
    DEVICE_PROCESS_EXITED event;
    RtlZeroMemory(&event, sizeof(event));
    event.ProcessId = (UINT64)(ULONG_PTR)ProcessId;
    event.ExitTime = NotifyNow();
    (void)CoreEmit(NotifyCore, DEVICE_PROCESS_CHANNEL_INDEX, DEVICE_PROCESS_EXITED_KIND, &event, (UINT32)sizeof(event));
}

/*
 * NotifyProcess (PCREATE_PROCESS_NOTIFY_ROUTINE_EX)
 *   Called by the kernel for every process creation (CreateInfo set) and exit (CreateInfo NULL);
 *   turns each into an event on the process channel. Ignores calls before registration is done.
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing; it never refuses a creation (CreateInfo->CreationStatus is left alone).
 */
static VOID NTAPI NotifyProcess(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    (void)Process;
    if (NotifyCore == NULL) {
        return;
    }
    if (CreateInfo != NULL) {
        NotifyProcessCreated(ProcessId, CreateInfo);
    } else {
        NotifyProcessExited(ProcessId);
    }
}
