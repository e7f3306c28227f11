/*
 * NotifyTest.h - the process IOCTL of test builds: it makes the process-notify callback run.
 * Part of the template: do not edit. Rendered with Notify.c (schemas with a process channel).
 *
 * Wine never calls a PsSetCreateProcessNotifyRoutineEx callback, so a test describes one process
 * creation or exit in this IOCTL's input; the driver builds the PS_CREATE_NOTIFY_INFO (or passes
 * a NULL CreateInfo for an exit) and calls the routine it registered, the code Windows would
 * call. Only a build with -DINVERTED_CALL_TEST_BUILD answers it; never ship a test build.
 *
 * Request: METHOD_BUFFERED, FILE_ANY_ACCESS. Input: INVERTED_CALL_TEST_PROCESS, then exactly
 * ImageNameBytes bytes of UTF-16LE image name. Output: none, or for a creation at least 4 bytes,
 * which receive the CreateInfo->CreationStatus the routine left (an NTSTATUS, little-endian:
 * STATUS_SUCCESS unless a verdict on process creation denied it). The routine runs on a worker
 * thread (TestWorker.h), as Windows runs it in the creating thread and not in a dispatch routine:
 * when the schema asks a verdict on process creation it waits for the decider, whose reply must
 * still be dispatched. The request completes when the routine has returned. Answers:
 *   STATUS_BUFFER_TOO_SMALL    the input is shorter than INVERTED_CALL_TEST_PROCESS;
 *   STATUS_INVALID_PARAMETER   an unknown Kind or flag, a nonzero Reserved, an odd ImageNameBytes
 *                              or one above 0xFFFE, a name length that does not match the bytes
 *                              that follow, a name without the IMAGE flag, anything but the
 *                              process id for an exit, or an input not aligned for UTF-16;
 *   STATUS_BUFFER_TOO_SMALL    an output of 1 to 3 bytes;
 *   STATUS_INVALID_PARAMETER   an output for an exit (it has no CreationStatus);
 *   STATUS_DEVICE_NOT_READY    the callback is not registered;
 *   STATUS_INSUFFICIENT_RESOURCES  no memory or no thread for the work;
 *   STATUS_SUCCESS             the callback ran (its event is delivered, ringed or dropped);
 *                              Information is 4 with an output, else 0.
 *
 * The tests' encoder (packages/driver-template/src/notify-test.ts) is checked against this layout
 * by the native test (templates/shared/test/notify_test.c), which prints it from these
 * declarations.
 */
#ifndef NOTIFY_TEST_H
#define NOTIFY_TEST_H

#include "Core.h" /* the base types, DeviceTable.h (DEVICE_TYPE_VALUE) and the NTSTATUS values */

#define INVERTED_CALL_TEST_PROCESS_FUNCTION 0xFFD
#define IOCTL_INVERTED_CALL_TEST_PROCESS \
    CTL_CODE(DEVICE_TYPE_VALUE, INVERTED_CALL_TEST_PROCESS_FUNCTION, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Kind: which call of the routine the input describes. */
#define INVERTED_CALL_TEST_PROCESS_CREATED 1u /* CreateInfo set */
#define INVERTED_CALL_TEST_PROCESS_EXITED 2u  /* CreateInfo NULL */

/* Flags, for a creation only. */
#define INVERTED_CALL_TEST_PROCESS_IMAGE 0x1u          /* ImageFileName points at a name (maybe empty); else NULL */
#define INVERTED_CALL_TEST_PROCESS_FILE_OPEN_NAME 0x2u /* FileOpenNameAvailable TRUE */
#define INVERTED_CALL_TEST_PROCESS_FLAGS (INVERTED_CALL_TEST_PROCESS_IMAGE | INVERTED_CALL_TEST_PROCESS_FILE_OPEN_NAME)

/* A UNICODE_STRING's Length is a USHORT of bytes: the longest whole name it can carry. */
#define INVERTED_CALL_TEST_PROCESS_MAX_NAME_BYTES 0xFFFEu

#pragma pack(push, 8)
typedef struct _INVERTED_CALL_TEST_PROCESS {
    UINT32 Kind;              /* INVERTED_CALL_TEST_PROCESS_CREATED or _EXITED */
    UINT32 Flags;             /* INVERTED_CALL_TEST_PROCESS_IMAGE, _FILE_OPEN_NAME; 0 for an exit */
    UINT64 ProcessId;         /* the routine's ProcessId */
    UINT64 ParentProcessId;   /* CreateInfo->ParentProcessId; 0 for an exit */
    UINT64 CreatingProcessId; /* CreateInfo->CreatingThreadId.UniqueProcess; 0 for an exit */
    UINT64 CreatingThreadId;  /* CreateInfo->CreatingThreadId.UniqueThread; 0 for an exit */
    UINT32 ImageNameBytes;    /* bytes of name after this struct: even, at most 0xFFFE */
    UINT32 Reserved;          /* 0 */
} INVERTED_CALL_TEST_PROCESS;
#pragma pack(pop)

/* One layout for x64, x86 and ARM64, and for the driver and its tests alike. */
INVERTED_CALL_STATIC_ASSERT(sizeof(INVERTED_CALL_TEST_PROCESS) == 48, "INVERTED_CALL_TEST_PROCESS: size");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, Flags) == 4, "INVERTED_CALL_TEST_PROCESS.Flags: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, ProcessId) == 8, "INVERTED_CALL_TEST_PROCESS.ProcessId: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, ParentProcessId) == 16, "INVERTED_CALL_TEST_PROCESS.ParentProcessId: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, CreatingProcessId) == 24, "INVERTED_CALL_TEST_PROCESS.CreatingProcessId: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, CreatingThreadId) == 32, "INVERTED_CALL_TEST_PROCESS.CreatingThreadId: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, ImageNameBytes) == 40, "INVERTED_CALL_TEST_PROCESS.ImageNameBytes: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, Reserved) == 44, "INVERTED_CALL_TEST_PROCESS.Reserved: offset");

/* One checked input: the fixed part, read field by field, and where its name is. */
typedef struct _NOTIFY_TEST_PROCESS {
    INVERTED_CALL_TEST_PROCESS Fixed;
    const WCHAR *ImageName; /* into the input; NULL without INVERTED_CALL_TEST_PROCESS_IMAGE */
} NOTIFY_TEST_PROCESS;

#ifdef INVERTED_CALL_TEST_BUILD
/* NotifyTestInput.c (portable: the native tests build it too). Checks Input against every rule
 * above and fills Process; Process is untouched unless STATUS_SUCCESS is returned. */
NTSTATUS NotifyTestParse(const UINT8 *Input, size_t InputLength, NOTIFY_TEST_PROCESS *Process);
/* NotifyTestStart, which runs the routine on a worker thread, is declared in TestWorker.h. */
#endif

#endif /* NOTIFY_TEST_H */
