/*
 * AskTest.c - the test-build ask IOCTL (AskTest.h): asks a verdict's question on a worker thread
 * and completes the request with the result. Part of the template: do not edit. Compiled into
 * every build, but empty unless INVERTED_CALL_TEST_BUILD is defined. DDK calls only: shared by
 * both flavours, whose dispatch calls AskTestStart for IOCTL_INVERTED_CALL_TEST_ASK.
 */
/* Included only in test builds: a WDK build compiles this file to nothing without reading the
 * DDK headers, which is most of what compiling and analysing a file costs. */
#ifdef INVERTED_CALL_TEST_BUILD
#include "AskTest.h"
#include "TestWorker.h"
#include "VerdictWait.h"

/* One question's work, with its question and room for its answer after it. */
typedef struct _ASK_TEST_WORK {
    CORE *Core;
    UINT8 *Output;          /* the request's system buffer */
    ASK_TEST_REQUEST Request;
    /* then Request.Fixed.QuestionBytes of question, then Request.AnswerBytes of answer */
} ASK_TEST_WORK;

/*
 * AskTestWork (TEST_WORKER_ROUTINE)
 *   Asks the question and waits for it to settle (VerdictWaitAsk), then writes the result and the
 *   answer into the request's output.
 * IRQL: PASSIVE_LEVEL, on the worker thread.
 * Returns: STATUS_SUCCESS with *Information = 16 + the answer's size; VerdictWaitAsk's failure.
 */
static NTSTATUS AskTestWork(void *Context, size_t *Information)
{
    ASK_TEST_WORK *work = (ASK_TEST_WORK *)Context;
    UINT8 *question = (UINT8 *)(work + 1);
    UINT8 *answer = question + work->Request.Fixed.QuestionBytes;
    INVERTED_CALL_TEST_ASK_RESULT result;
    VERDICT_WAIT_RESULT settled;
    UINT32 flags = (work->Request.Fixed.Flags & INVERTED_CALL_TEST_ASK_CANNOT_WAIT) != 0u ? VERDICT_WAIT_CANNOT_WAIT : 0u;
    NTSTATUS status = VerdictWaitAsk(work->Core, work->Request.Fixed.VerdictIndex, question, work->Request.Fixed.QuestionBytes,
                                     work->Request.Fixed.AskerProcessId, flags, answer, &settled);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    RtlZeroMemory(&result, sizeof(result));
    result.Outcome = settled.Outcome;
    result.Id = settled.Id;
    RtlCopyMemory(work->Output, &result, sizeof(result));
    RtlCopyMemory(work->Output + sizeof(result), answer, work->Request.AnswerBytes);
    *Information = sizeof(result) + (size_t)work->Request.AnswerBytes;
    return STATUS_SUCCESS;
}

/*
 * AskTestStart
 *   Checks the request (AskTestParse), copies its question aside (input and output share the
 *   system buffer) and starts the worker that asks it.
 * IRQL: PASSIVE_LEVEL (device-control dispatch).
 * Returns: STATUS_PENDING when the worker will complete the request; else the status to complete
 *   it with now (the parse's, or STATUS_INSUFFICIENT_RESOURCES).
 */
NTSTATUS AskTestStart(CORE *Core, const void *Input, size_t InputLength, void *Output, size_t OutputLength, TEST_WORKER_COMPLETE *Complete,
                      void *GlueRequest)
{
    ASK_TEST_REQUEST request;
    ASK_TEST_WORK *work;
    NTSTATUS status = AskTestParse(Core->Device, (const UINT8 *)Input, InputLength, Output != NULL ? OutputLength : 0u, &request);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    work = (ASK_TEST_WORK *)TestWorkerAllocate(Core, sizeof(ASK_TEST_WORK) + (size_t)request.Fixed.QuestionBytes + (size_t)request.AnswerBytes);
    if (work == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    work->Core = Core;
    work->Output = (UINT8 *)Output;
    work->Request = request;
    RtlCopyMemory(work + 1, request.Question, request.Fixed.QuestionBytes);
    work->Request.Question = NULL; /* the input may be overwritten by the output from here on */
    return TestWorkerStart(Core, AskTestWork, work, Complete, GlueRequest);
}

#else
/* A translation unit must declare something. */
typedef int AskTestIsOff;
#endif
