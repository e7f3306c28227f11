/*
 * NotifyTest.c - the test-build process IOCTL (NotifyTest.h): makes the process-notify callback
 * run where the kernel never calls it (Wine). Part of the template: do not edit. Compiled into
 * every build, but empty unless INVERTED_CALL_TEST_BUILD is defined.
 *
 * It calls the routine Notify.c registered, through the pointer it registered, with arguments
 * built the way the kernel passes them: so the code under test is the callback Windows would
 * call, not a copy of it. Both glues answer the IOCTL with one call to NotifyTestInject.
 */
#include "Notify.h"
#include "NotifyTest.h"

#if defined(INVERTED_CALL_TEST_BUILD) && DEVICE_PROCESS_NOTIFY

/*
 * NotifyTestInject
 *   Checks the input (NotifyTestParse), then calls the registered routine once: for a creation
 *   with a PS_CREATE_NOTIFY_INFO (ids, FileOpenNameAvailable, and ImageFileName pointing at the
 *   input's name, or NULL), for an exit with a NULL CreateInfo. FileObject and CommandLine are
 *   NULL: Notify.c reads neither.
 * IRQL: PASSIVE_LEVEL (device-control dispatch), as the kernel calls the routine.
 * Returns: STATUS_SUCCESS once the routine has run; the parse's status for a bad input;
 *   STATUS_DEVICE_NOT_READY when no routine is registered.
 */
NTSTATUS NotifyTestInject(const void *Input, size_t InputLength)
{
    PCREATE_PROCESS_NOTIFY_ROUTINE_EX routine = NotifyRegisteredRoutine();
    NOTIFY_TEST_PROCESS process;
    PS_CREATE_NOTIFY_INFO info;
    UNICODE_STRING image;
    NTSTATUS status;

    status = NotifyTestParse((const UINT8 *)Input, InputLength, &process);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    if (routine == NULL) {
        return STATUS_DEVICE_NOT_READY;
    }
    if (process.Fixed.Kind == INVERTED_CALL_TEST_PROCESS_EXITED) {
        routine(PsGetCurrentProcess(), (HANDLE)(ULONG_PTR)process.Fixed.ProcessId, NULL);
        return STATUS_SUCCESS;
    }

    RtlZeroMemory(&info, sizeof(info));
    info.Size = sizeof(info);
    info.FileOpenNameAvailable = (process.Fixed.Flags & INVERTED_CALL_TEST_PROCESS_FILE_OPEN_NAME) != 0 ? 1u : 0u;
    info.ParentProcessId = (HANDLE)(ULONG_PTR)process.Fixed.ParentProcessId;
    info.CreatingThreadId.UniqueProcess = (HANDLE)(ULONG_PTR)process.Fixed.CreatingProcessId;
    info.CreatingThreadId.UniqueThread = (HANDLE)(ULONG_PTR)process.Fixed.CreatingThreadId;
    info.CreationStatus = STATUS_SUCCESS;
    if (process.ImageName != NULL) {
        /* The parse bounded the length by 0xFFFE: it fits the USHORT. */
        image.Length = (USHORT)process.Fixed.ImageNameBytes;
        image.MaximumLength = image.Length;
        image.Buffer = (PWCH)process.ImageName;
        info.ImageFileName = &image;
    }
    /* The process passed is the caller's: Notify.c ignores it, and it must be a real one. */
    routine(PsGetCurrentProcess(), (HANDLE)(ULONG_PTR)process.Fixed.ProcessId, &info);
    return STATUS_SUCCESS;
}

#else
/* A translation unit must declare something. */
typedef int NotifyTestIsOff;
#endif
