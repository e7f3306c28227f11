/*
 * AskTest.h - the ask IOCTL of test builds: raises one question of a verdict through the path the
 * driver's own code uses (VerdictWaitAsk: CoreVerdictAsk and a timed wait at PASSIVE_LEVEL), so a
 * test can exercise every verdict rule on any device, with the real client as the decider.
 * Part of the template: do not edit. Rendered into every driver.
 *
 * Only a build with -DINVERTED_CALL_TEST_BUILD answers it; any other build refuses it like every
 * code the schema does not declare (STATUS_INVALID_DEVICE_REQUEST). Never ship a test build: it
 * asks for FILE_ANY_ACCESS, like the other test IOCTLs.
 *
 * Request: METHOD_BUFFERED, FILE_ANY_ACCESS. Input: INVERTED_CALL_TEST_ASK, then exactly
 * QuestionBytes bytes of question (the verdict's question struct, as the codec encodes it).
 * Output: INVERTED_CALL_TEST_ASK_RESULT, then the verdict's answer (the decider's, or the default).
 * The question is asked on a worker thread (TestWorker.h), on behalf of process AskerProcessId
 * (rule V7), and the request completes once it has settled: at once, on a reply, or at the
 * deadline. Answers:
 *   STATUS_BUFFER_TOO_SMALL    the input is shorter than INVERTED_CALL_TEST_ASK, or the output
 *                              cannot hold the result and the answer;
 *   STATUS_INVALID_PARAMETER   a verdict the schema does not have, an unknown flag, a nonzero
 *                              Reserved, a QuestionBytes other than the verdict's question size,
 *                              question bytes that do not number exactly QuestionBytes;
 *   STATUS_INSUFFICIENT_RESOURCES  no memory or no thread for the work;
 *   STATUS_SUCCESS             the question settled; Information = 16 + the answer's size.
 *
 * The tests' encoder (packages/driver-template/src/test-ask.ts, exported by its test-ioctls subpath)
 * is checked against this layout by the native test (templates/shared/test/ask_test.c), which
 * prints it from these declarations.
 */
#ifndef ASK_TEST_H
#define ASK_TEST_H

#include "Core.h" /* the base types, DeviceTable.h (DEVICE_TYPE_VALUE), the NTSTATUS values */

#define INVERTED_CALL_TEST_ASK_FUNCTION 0xFFB
#define IOCTL_INVERTED_CALL_TEST_ASK \
    CTL_CODE(DEVICE_TYPE_VALUE, INVERTED_CALL_TEST_ASK_FUNCTION, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Flags. CANNOT_WAIT: ask as code above PASSIVE_LEVEL would (rule V8: the default at once). */
#define INVERTED_CALL_TEST_ASK_CANNOT_WAIT 0x1u
#define INVERTED_CALL_TEST_ASK_FLAGS INVERTED_CALL_TEST_ASK_CANNOT_WAIT

#pragma pack(push, 8)
typedef struct _INVERTED_CALL_TEST_ASK {
    UINT32 VerdictIndex;    /* in schema order */
    UINT32 Flags;           /* INVERTED_CALL_TEST_ASK_CANNOT_WAIT or 0 */
    UINT64 AskerProcessId;  /* the process the question is raised for (V7) */
    UINT32 QuestionBytes;   /* bytes after this struct: the verdict's question size */
    UINT32 Reserved;        /* 0 */
} INVERTED_CALL_TEST_ASK;

typedef struct _INVERTED_CALL_TEST_ASK_RESULT {
    UINT32 Outcome;         /* 1 answered, 2 timed out, 3 defaulted, 4 refused (CORE_VERDICT_OUTCOME_*) */
    UINT32 Reserved;        /* 0 */
    UINT64 Id;              /* the question's id; 0 when it settled at once */
} INVERTED_CALL_TEST_ASK_RESULT;
#pragma pack(pop)

/* One layout for x64, x86 and ARM64, and for the driver and its tests alike. */
INVERTED_CALL_STATIC_ASSERT(sizeof(INVERTED_CALL_TEST_ASK) == 24, "INVERTED_CALL_TEST_ASK: size");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_ASK, Flags) == 4, "INVERTED_CALL_TEST_ASK.Flags: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_ASK, AskerProcessId) == 8, "INVERTED_CALL_TEST_ASK.AskerProcessId: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_ASK, QuestionBytes) == 16, "INVERTED_CALL_TEST_ASK.QuestionBytes: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_ASK, Reserved) == 20, "INVERTED_CALL_TEST_ASK.Reserved: offset");
INVERTED_CALL_STATIC_ASSERT(sizeof(INVERTED_CALL_TEST_ASK_RESULT) == 16, "INVERTED_CALL_TEST_ASK_RESULT: size");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_ASK_RESULT, Id) == 8, "INVERTED_CALL_TEST_ASK_RESULT.Id: offset");

/* One checked request: the fixed part, read field by field, where its question is, and the sizes. */
typedef struct _ASK_TEST_REQUEST {
    INVERTED_CALL_TEST_ASK Fixed;
    const UINT8 *Question;  /* into the input: Fixed.QuestionBytes bytes */
    UINT32 AnswerBytes;     /* the verdict's answer size */
} ASK_TEST_REQUEST;

#ifdef INVERTED_CALL_TEST_BUILD
/* AskTestInput.c (portable: the native tests build it too). Checks Input and OutputLength against
 * every rule above and the device's verdicts (Config); Request is untouched unless STATUS_SUCCESS. */
NTSTATUS AskTestParse(const CORE_DEVICE_CONFIG *Config, const UINT8 *Input, size_t InputLength, size_t OutputLength, ASK_TEST_REQUEST *Request);
/* AskTestStart, which asks on a worker thread, is declared in TestWorker.h. */
#endif

#endif /* ASK_TEST_H */
