/*
 * NotifyTest.c - the test-build process IOCTL (NotifyTest.h): makes the process-notify callback
 * run where the kernel never calls it (Wine). Part of the template: do not edit. Compiled into
 * every build, but empty unless INVERTED_CALL_TEST_BUILD is defined.
 *
 * It calls the routine Notify.c registered, through the pointer it registered, with arguments
 * built the way the kernel passes them: so the code under test is the callback Windows would
 * call, not a copy of it. It calls it on a worker thread (TestWorker.h), where the callback may
 * wait for a verdict. Both glues answer the IOCTL with one call to NotifyTestStart.
 */

/* Included only in test builds: a WDK build compiles this file to nothing without reading the
 * DDK headers, which is most of what compiling and analysing a file costs. */
#ifdef INVERTED_CALL_TEST_BUILD
#include "Notify.h"
#include "NotifyTest.h"
#include "TestWorker.h"
#endif

#if defined(INVERTED_CALL_TEST_BUILD) && DEVICE_PROCESS_NOTIFY

/* One call of the routine: the checked input, copied (the name follows this struct). */
typedef struct _NOTIFY_TEST_WORK {
    PCREATE_PROCESS_NOTIFY_ROUTINE_EX Routine;
    INVERTED_CALL_TEST_PROCESS Fixed;
    BOOLEAN HasName;
    UINT8 *Output;          /* the request's system buffer, or NULL: where CreationStatus goes */
    /* then Fixed.ImageNameBytes of name (WCHAR-aligned: the struct's size is a multiple of 8) */
} NOTIFY_TEST_WORK;

/*
 * NotifyTestWork (TEST_WORKER_ROUTINE)
 *   Calls the registered routine once: for a creation with a PS_CREATE_NOTIFY_INFO (ids,
 *   FileOpenNameAvailable, CreationStatus STATUS_SUCCESS, and ImageFileName pointing at the copied
 *   name, or NULL), for an exit with a NULL CreateInfo. FileObject and CommandLine are NULL:
 *   Notify.c reads neither. Then writes the CreationStatus the routine left into the output.
 * IRQL: PASSIVE_LEVEL, on the worker thread, as the kernel calls the routine.
 * Returns: STATUS_SUCCESS once the routine has run; *Information 4 when the status was written.
 */
static NTSTATUS NotifyTestWork(void *Context, size_t *Information)
{
    NOTIFY_TEST_WORK *work = (NOTIFY_TEST_WORK *)Context;
    PS_CREATE_NOTIFY_INFO info;
    UNICODE_STRING image;
    NTSTATUS creationStatus;

    if (work->Fixed.Kind == INVERTED_CALL_TEST_PROCESS_EXITED) {
        work->Routine(PsGetCurrentProcess(), (HANDLE)(ULONG_PTR)work->Fixed.ProcessId, NULL);
        return STATUS_SUCCESS;
    }
    RtlZeroMemory(&info, sizeof(info));
    info.Size = sizeof(info);
    info.FileOpenNameAvailable = (work->Fixed.Flags & INVERTED_CALL_TEST_PROCESS_FILE_OPEN_NAME) != 0 ? 1u : 0u;
    info.ParentProcessId = (HANDLE)(ULONG_PTR)work->Fixed.ParentProcessId;
    info.CreatingThreadId.UniqueProcess = (HANDLE)(ULONG_PTR)work->Fixed.CreatingProcessId;
    info.CreatingThreadId.UniqueThread = (HANDLE)(ULONG_PTR)work->Fixed.CreatingThreadId;
    info.CreationStatus = STATUS_SUCCESS;
    if (work->HasName) {
        /* The parse bounded the length by 0xFFFE: it fits the USHORT. */
        image.Length = (USHORT)work->Fixed.ImageNameBytes;
        image.MaximumLength = image.Length;
        image.Buffer = (PWCH)(void *)(work + 1);
        info.ImageFileName = &image;
    }
    /* The process passed is the worker's: Notify.c ignores it, and it must be a real one. */
    work->Routine(PsGetCurrentProcess(), (HANDLE)(ULONG_PTR)work->Fixed.ProcessId, &info);
    if (work->Output != NULL) {
        creationStatus = info.CreationStatus;
        RtlCopyMemory(work->Output, &creationStatus, sizeof(creationStatus));
        *Information = sizeof(creationStatus);
    }
    return STATUS_SUCCESS;
}

/*
 * NotifyTestStart
 *   Checks the input (NotifyTestParse) and the output's size, copies the input aside (input and
 *   output share the system buffer) and starts the worker that calls the registered routine.
 * IRQL: PASSIVE_LEVEL (device-control dispatch).
 * Returns: STATUS_PENDING when the worker will complete the request; else the status to complete
 *   it with now: the parse's for a bad input, STATUS_BUFFER_TOO_SMALL or STATUS_INVALID_PARAMETER
 *   for a bad output, STATUS_DEVICE_NOT_READY when no routine is registered,
 *   STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS NotifyTestStart(CORE *Core, const void *Input, size_t InputLength, void *Output, size_t OutputLength, TEST_WORKER_COMPLETE *Complete,
                         void *GlueRequest)
{
    PCREATE_PROCESS_NOTIFY_ROUTINE_EX routine = NotifyRegisteredRoutine();
    NOTIFY_TEST_PROCESS process;
    NOTIFY_TEST_WORK *work;
    NTSTATUS status;

    if (Output == NULL) {
        OutputLength = 0;
    }
    status = NotifyTestParse((const UINT8 *)Input, InputLength, &process);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    if (OutputLength != 0 && process.Fixed.Kind == INVERTED_CALL_TEST_PROCESS_EXITED) {
        return STATUS_INVALID_PARAMETER; /* an exit has no CreationStatus to report */
    }
    if (OutputLength != 0 && OutputLength < sizeof(NTSTATUS)) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    if (routine == NULL) {
        return STATUS_DEVICE_NOT_READY;
    }
    work = (NOTIFY_TEST_WORK *)TestWorkerAllocate(Core, sizeof(NOTIFY_TEST_WORK) + (size_t)process.Fixed.ImageNameBytes);
    if (work == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    work->Routine = routine;
    work->Fixed = process.Fixed;
    work->HasName = process.ImageName != NULL ? TRUE : FALSE;
    work->Output = OutputLength != 0 ? (UINT8 *)Output : NULL;
    if (process.ImageName != NULL && process.Fixed.ImageNameBytes != 0) {
        RtlCopyMemory(work + 1, process.ImageName, process.Fixed.ImageNameBytes);
    }
    return TestWorkerStart(Core, NotifyTestWork, work, Complete, GlueRequest);
}

#else
/* A translation unit must declare something. */
typedef int NotifyTestIsOff;
#endif
