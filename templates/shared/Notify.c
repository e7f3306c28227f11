/*
 * Notify.c - process creation and exit as events, from PsSetCreateProcessNotifyRoutineEx.
 * Part of the template: do not edit. Rendered only for schemas with a process channel.
 * Shared by the KMDF and the WDM flavour: it includes Notify.h, never a glue's Driver.h.
 *
 * The callback runs at PASSIVE_LEVEL in the creating thread (create) or the last thread of the
 * process (exit). It builds the event on its stack and offers it to the core, which copies it
 * into every subscriber's ring or parked request: nothing here allocates. When the schema asks a
 * verdict on process creation (DEVICE_PROCESS_VERDICT), a creation first waits for the decider's
 * answer, at most the verdict's deadline, and a denial fails the creation with
 * STATUS_ACCESS_DENIED: every process start on the machine pays that latency while a decider is
 * connected (see the driver README). Registration
 * needs an image linked with /INTEGRITYCHECK (else STATUS_ACCESS_DENIED).
 */
#include "Notify.h"
#if DEVICE_PROCESS_VERDICT
#include "VerdictWait.h"
#endif

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
 * NOTIFY_FILL_CREATED
 *   Fills the fields the callback knows into Target, a created event or a verdict's question: both
 *   carry them under the same names (the schema checks it). States: the three C values of Target's
 *   image-name state enum. The name is copied without splitting a surrogate pair and marked
 *   complete, truncated, or unavailable when NULL or empty (an empty name says no more than a
 *   missing one). A macro, because the two structs are different C types.
 */
#define NOTIFY_FILL_CREATED(Target, ProcessIdValue, Info, Now, Complete, Truncated, Unavailable)                                    \
    do {                                                                                                                    \
        const UNICODE_STRING *notifyImage = (Info)->ImageFileName;                                                          \
        RtlZeroMemory((Target), sizeof(*(Target)));                                                                         \
        (Target)->ProcessId = (UINT64)(ULONG_PTR)(ProcessIdValue);                                                          \
        (Target)->ParentProcessId = (UINT64)(ULONG_PTR)(Info)->ParentProcessId;                                             \
        (Target)->CreatingProcessId = (UINT64)(ULONG_PTR)(Info)->CreatingThreadId.UniqueProcess;                            \
        (Target)->CreatingThreadId = (UINT64)(ULONG_PTR)(Info)->CreatingThreadId.UniqueThread;                              \
        (Target)->CreateTime = (Now);                                                                                       \
        if (notifyImage != NULL && notifyImage->Buffer != NULL && notifyImage->Length >= sizeof(WCHAR)) {                   \
            size_t notifyUnits = notifyImage->Length / sizeof(WCHAR);                                                       \
            int notifyTruncated = 0;                                                                                        \
            (void)CoreCopyUtf16((Target)->ImageName, sizeof((Target)->ImageName) / sizeof((Target)->ImageName[0]),          \
                                notifyImage->Buffer, notifyUnits, &notifyTruncated);                                        \
            (Target)->ImageNameLength = (UINT16)(notifyUnits > 0xFFFFu ? 0xFFFFu : notifyUnits);                            \
            (Target)->ImageNameState = notifyTruncated ? (Truncated) : (Complete);                                          \
        } else {                                                                                                            \
            (Target)->ImageNameState = (Unavailable);                                                                       \
        }                                                                                                                   \
    } while (0)

#if DEVICE_PROCESS_VERDICT
/*
 * NotifyDecide
 *   Asks the schema's process-creation verdict whether the process may start, waiting at most its
 *   deadline (VerdictWaitAsk), and denies the creation when the answer's Allow is 0. The question
 *   is raised for the creating process: a decider in that process is never asked (rule V7), so a
 *   decider that starts a process does not wait for itself. Without a decider, past the deadline
 *   or past the pending limit the answer is the schema's default (fail-open unless it says
 *   otherwise).
 * IRQL: PASSIVE_LEVEL, in the thread creating the process (any higher IRQL gets the default at once).
 * Returns: nothing; CreateInfo->CreationStatus is STATUS_ACCESS_DENIED when denied, else untouched.
 */
static VOID NotifyDecide(HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo, INT64 Now)
{
    DEVICE_PROCESS_QUESTION question;
    DEVICE_PROCESS_ANSWER answer;
    VERDICT_WAIT_RESULT result;

    NOTIFY_FILL_CREATED(&question, ProcessId, CreateInfo, Now, DEVICE_QUESTION_IMAGE_NAME_COMPLETE, DEVICE_QUESTION_IMAGE_NAME_TRUNCATED,
                        DEVICE_QUESTION_IMAGE_NAME_UNAVAILABLE);
    RtlZeroMemory(&answer, sizeof(answer));
    if (NT_SUCCESS(VerdictWaitAsk(NotifyCore, DEVICE_PROCESS_VERDICT_INDEX, &question, (UINT32)sizeof(question),
                                  (UINT64)(ULONG_PTR)CreateInfo->CreatingThreadId.UniqueProcess, 0u, &answer, &result)) &&
        !DEVICE_PROCESS_ANSWER_ALLOWS(&answer)) {
        CreateInfo->CreationStatus = STATUS_ACCESS_DENIED;
    }
}
#endif

/*
 * NotifyProcessCreated
 *   With a process-creation verdict, first decides whether the process may start (NotifyDecide).
 *   Then builds the created event on the stack and offers it to the core: a denied creation is
 *   still reported, as the attempt it was.
 * IRQL: PASSIVE_LEVEL, in the thread creating the process.
 * Returns: nothing; a full ring counts the event as dropped, which the client is told.
 */
static VOID NotifyProcessCreated(HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    DEVICE_PROCESS_CREATED event;
    INT64 now = NotifyNow();

#if DEVICE_PROCESS_VERDICT
    NotifyDecide(ProcessId, CreateInfo, now);
#endif
    NOTIFY_FILL_CREATED(&event, ProcessId, CreateInfo, now, DEVICE_IMAGE_NAME_COMPLETE, DEVICE_IMAGE_NAME_TRUNCATED, DEVICE_IMAGE_NAME_UNAVAILABLE);
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
 *   turns each into an event on the process channel, after asking the process-creation verdict
 *   when the schema has one. Ignores calls before registration is done.
 * IRQL: PASSIVE_LEVEL.
 * Returns: nothing; CreateInfo->CreationStatus is set only when a verdict denies the creation.
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
