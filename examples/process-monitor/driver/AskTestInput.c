/*
 * AskTestInput.c - the test-build ask IOCTL's input check (AskTest.h).
 * Part of the template: do not edit. Compiled into every build, but empty unless
 * INVERTED_CALL_TEST_BUILD is defined.
 * Portable C, like the core: the native tests build it under ASan to feed it short, long and
 * malformed inputs. The input is user-mode bytes: the fixed part is read byte by byte, and every
 * length is checked before anything past it is looked at.
 */
/* Included only in test builds: a WDK build compiles this file to nothing without reading the
 * DDK headers, which is most of what compiling and analysing a file costs. */
#ifdef INVERTED_CALL_TEST_BUILD
#include "AskTest.h"

/*
 * AskTestReadU32 / AskTestReadU64
 *   A little-endian field of the input at Offset (the caller has checked it lies inside).
 * IRQL: any.
 * Returns: the value.
 */
static UINT32 AskTestReadU32(const UINT8 *Input, size_t Offset)
{
    return (UINT32)Input[Offset] | ((UINT32)Input[Offset + 1u] << 8) | ((UINT32)Input[Offset + 2u] << 16) | ((UINT32)Input[Offset + 3u] << 24);
}

static UINT64 AskTestReadU64(const UINT8 *Input, size_t Offset)
{
    return (UINT64)AskTestReadU32(Input, Offset) | ((UINT64)AskTestReadU32(Input, Offset + 4u) << 32);
}

/*
 * AskTestParse
 *   Checks one ask IOCTL request (layout and rules in AskTest.h) against the device's verdicts.
 * IRQL: any (it touches only Input, Config and Request).
 * Returns: STATUS_SUCCESS with Request filled; STATUS_BUFFER_TOO_SMALL for an input shorter than
 *   the fixed part or an output too small for the result and the answer; STATUS_INVALID_PARAMETER
 *   for any other broken rule.
 */
NTSTATUS AskTestParse(const CORE_DEVICE_CONFIG *Config, const UINT8 *Input, size_t InputLength, size_t OutputLength, ASK_TEST_REQUEST *Request)
{
    INVERTED_CALL_TEST_ASK fixed;
    const CORE_VERDICT_CONFIG *verdict;

    if (Input == NULL || InputLength < sizeof(INVERTED_CALL_TEST_ASK)) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    fixed.VerdictIndex = AskTestReadU32(Input, FIELD_OFFSET(INVERTED_CALL_TEST_ASK, VerdictIndex));
    fixed.Flags = AskTestReadU32(Input, FIELD_OFFSET(INVERTED_CALL_TEST_ASK, Flags));
    fixed.AskerProcessId = AskTestReadU64(Input, FIELD_OFFSET(INVERTED_CALL_TEST_ASK, AskerProcessId));
    fixed.QuestionBytes = AskTestReadU32(Input, FIELD_OFFSET(INVERTED_CALL_TEST_ASK, QuestionBytes));
    fixed.Reserved = AskTestReadU32(Input, FIELD_OFFSET(INVERTED_CALL_TEST_ASK, Reserved));
    if (fixed.VerdictIndex >= Config->VerdictCount || (fixed.Flags & ~INVERTED_CALL_TEST_ASK_FLAGS) != 0u || fixed.Reserved != 0u) {
        return STATUS_INVALID_PARAMETER;
    }
    verdict = &Config->Verdicts[fixed.VerdictIndex];
    if (fixed.QuestionBytes != verdict->QuestionBytes || InputLength - sizeof(INVERTED_CALL_TEST_ASK) != (size_t)fixed.QuestionBytes) {
        return STATUS_INVALID_PARAMETER;
    }
    if (OutputLength < sizeof(INVERTED_CALL_TEST_ASK_RESULT) + (size_t)verdict->AnswerBytes) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    Request->Fixed = fixed;
    Request->Question = Input + sizeof(INVERTED_CALL_TEST_ASK);
    Request->AnswerBytes = verdict->AnswerBytes;
    return STATUS_SUCCESS;
}

#else
/* A translation unit must declare something. */
typedef int AskTestInputIsOff;
#endif
