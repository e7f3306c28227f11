/*
 * NotifyTestInput.c - checks the input of the test-build process IOCTL (NotifyTest.h).
 * Part of the template: do not edit. Compiled into every build, but empty unless
 * INVERTED_CALL_TEST_BUILD is defined. Portable C, like the core: the native tests build it under
 * ASan to feed it short, long and malformed inputs.
 *
 * The input is user-mode bytes: every length is checked against InputLength before anything past
 * the fixed part is looked at, and the fixed part is read byte by byte, so neither a short buffer
 * nor an unaligned one is ever read past its end or through a misaligned pointer.
 */
/* Included only in test builds: a WDK build compiles this file to nothing without reading the
 * DDK headers, which is most of what compiling and analysing a file costs. */
#ifdef INVERTED_CALL_TEST_BUILD
#include "NotifyTest.h"

/*
 * NotifyTestReadU32 / NotifyTestReadU64
 *   A little-endian field of the input at Offset (the caller has checked it lies inside).
 * IRQL: any.
 * Returns: the value.
 */
static UINT32 NotifyTestReadU32(const UINT8 *Input, size_t Offset)
{
    return (UINT32)Input[Offset] | ((UINT32)Input[Offset + 1u] << 8) | ((UINT32)Input[Offset + 2u] << 16) | ((UINT32)Input[Offset + 3u] << 24);
}

static UINT64 NotifyTestReadU64(const UINT8 *Input, size_t Offset)
{
    return (UINT64)NotifyTestReadU32(Input, Offset) | ((UINT64)NotifyTestReadU32(Input, Offset + 4u) << 32);
}

/*
 * NotifyTestParse
 *   Checks one process IOCTL input (layout and rules in NotifyTest.h) and describes it.
 * IRQL: any (it touches only Input and Process).
 * Returns: STATUS_SUCCESS with Process filled; STATUS_BUFFER_TOO_SMALL for an input shorter
 *   than the fixed part; STATUS_INVALID_PARAMETER for any other broken rule.
 */
NTSTATUS NotifyTestParse(const UINT8 *Input, size_t InputLength, NOTIFY_TEST_PROCESS *Process)
{
    INVERTED_CALL_TEST_PROCESS fixed;
    const size_t fixedBytes = sizeof(INVERTED_CALL_TEST_PROCESS);

    if (Input == NULL || InputLength < fixedBytes) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    fixed.Kind = NotifyTestReadU32(Input, FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, Kind));
    fixed.Flags = NotifyTestReadU32(Input, FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, Flags));
    fixed.ProcessId = NotifyTestReadU64(Input, FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, ProcessId));
    fixed.ParentProcessId = NotifyTestReadU64(Input, FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, ParentProcessId));
    fixed.CreatingProcessId = NotifyTestReadU64(Input, FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, CreatingProcessId));
    fixed.CreatingThreadId = NotifyTestReadU64(Input, FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, CreatingThreadId));
    fixed.ImageNameBytes = NotifyTestReadU32(Input, FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, ImageNameBytes));
    fixed.Reserved = NotifyTestReadU32(Input, FIELD_OFFSET(INVERTED_CALL_TEST_PROCESS, Reserved));

    if (fixed.Reserved != 0 || (fixed.Flags & ~INVERTED_CALL_TEST_PROCESS_FLAGS) != 0) {
        return STATUS_INVALID_PARAMETER;
    }
    if (fixed.ImageNameBytes % sizeof(WCHAR) != 0 || fixed.ImageNameBytes > INVERTED_CALL_TEST_PROCESS_MAX_NAME_BYTES) {
        return STATUS_INVALID_PARAMETER;
    }
    /* Exactly the name's bytes follow: none missing (never read past the input), none extra. */
    if (InputLength - fixedBytes != (size_t)fixed.ImageNameBytes) {
        return STATUS_INVALID_PARAMETER;
    }
    if (fixed.ImageNameBytes != 0 && (fixed.Flags & INVERTED_CALL_TEST_PROCESS_IMAGE) == 0) {
        return STATUS_INVALID_PARAMETER;
    }
    switch (fixed.Kind) {
    case INVERTED_CALL_TEST_PROCESS_CREATED:
        break;
    case INVERTED_CALL_TEST_PROCESS_EXITED:
        /* An exit has only its process id: anything else would be silently ignored. */
        if (fixed.Flags != 0 || fixed.ParentProcessId != 0 || fixed.CreatingProcessId != 0 || fixed.CreatingThreadId != 0) {
            return STATUS_INVALID_PARAMETER;
        }
        break;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    /* The name is handed on in place, as the WCHAR array a UNICODE_STRING points at. */
    if ((fixed.Flags & INVERTED_CALL_TEST_PROCESS_IMAGE) != 0 && ((uintptr_t)(Input + fixedBytes) % sizeof(WCHAR)) != 0) {
        return STATUS_INVALID_PARAMETER;
    }

    Process->Fixed = fixed;
    Process->ImageName = (fixed.Flags & INVERTED_CALL_TEST_PROCESS_IMAGE) != 0 ? (const WCHAR *)(const void *)(Input + fixedBytes) : NULL;
    return STATUS_SUCCESS;
}

#else
/* A translation unit must declare something. */
typedef int NotifyTestInputIsOff;
#endif
