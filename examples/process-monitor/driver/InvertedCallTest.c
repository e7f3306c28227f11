/*
 * InvertedCallTest.c - the state IOCTL of KMDF test builds (InvertedCallTest.h) and the account
 * it reports, and the emit IOCTL (EmitTest.h, shared with the WDM flavour).
 * Part of the template: do not edit. Compiled into every build, but empty unless
 * INVERTED_CALL_TEST_BUILD is defined.
 *
 * The core reports its subscriptions (CoreQueryState); the glue adds what only it knows: which
 * handle and process each belongs to, how many requests are parked, and its counters. A parked
 * request the framework cancels never comes back to the driver, so the account learns of it
 * from the request's cleanup callback (the framework deletes every request after completion):
 * a request still marked parked there was cancelled while parked. Handles are named by id, and
 * a handle's context is read only while it is in the device's list, under the lock.
 */

/* Included only in test builds: a WDK build compiles this file to nothing without reading the
 * DDK headers, which is most of what compiling and analysing a file costs. */
#ifdef INVERTED_CALL_TEST_BUILD
#include "Driver.h"
#include "InvertedCallTest.h"
#include "EmitTest.h"

/*
 * TestFileOpened / TestFileClosed
 *   Give a new handle its id and opener and list it; unlist it when its file object goes.
 * IRQL: PASSIVE_LEVEL (file callbacks).
 * Returns: nothing.
 */
VOID TestFileOpened(DRIVER_DEVICE_CONTEXT *Device, DRIVER_FILE_CONTEXT *File)
{
    File->TestProcessId = (UINT64)(ULONG_PTR)PsGetCurrentProcessId();
    WdfSpinLockAcquire(Device->CoreLock);
    if (Device->TestNextFileId == 0) {
        Device->TestNextFileId = 1; /* 0 never names a file */
    }
    File->TestId = Device->TestNextFileId++;
    InsertTailList(&Device->TestFiles, &File->TestLink);
    Device->TestOpenFiles++;
    WdfSpinLockRelease(Device->CoreLock);
}

VOID TestFileClosed(DRIVER_DEVICE_CONTEXT *Device, DRIVER_FILE_CONTEXT *File)
{
    WdfSpinLockAcquire(Device->CoreLock);
    RemoveEntryList(&File->TestLink);
    InitializeListHead(&File->TestLink);
    Device->TestOpenFiles--;
    WdfSpinLockRelease(Device->CoreLock);
}

/*
 * TestRequestParked / TestRequestTaken
 *   Count a request into its handle's parked requests, and out again when the core takes it.
 * IRQL: DISPATCH_LEVEL (CoreLock held by the caller).
 * Returns: nothing.
 */
VOID TestRequestParked(DRIVER_DEVICE_CONTEXT *Device, DRIVER_REQUEST_CONTEXT *Request, DRIVER_FILE_CONTEXT *File, UINT32 Channel)
{
    (void)Device;
    Request->TestParkedBy = File;
    Request->TestChannel = Channel;
    File->TestParked[Channel]++;
    Device->TestParkedNow++;
}

VOID TestRequestTaken(DRIVER_DEVICE_CONTEXT *Device, DRIVER_REQUEST_CONTEXT *Request)
{
    if (Request->TestParkedBy != NULL) {
        Request->TestParkedBy->TestParked[Request->TestChannel]--;
        Request->TestParkedBy = NULL;
        Device->TestParkedNow--;
    }
}

/*
 * TestRequestCompleted
 *   Counts a completion by the driver (and a cancel, for STATUS_CANCELLED), before it happens,
 *   so a client that has seen the completion sees the count.
 * IRQL: <= DISPATCH_LEVEL, CoreLock not held.
 * Returns: nothing.
 */
VOID TestRequestCompleted(DRIVER_DEVICE_CONTEXT *Device, NTSTATUS Status)
{
    WdfSpinLockAcquire(Device->CoreLock);
    Device->TestCompletions++;
    if (Status == STATUS_CANCELLED) {
        Device->TestCancels++;
    }
    WdfSpinLockRelease(Device->CoreLock);
}

/*
 * TestRequestCleanup (from QueueEvtRequestCleanup, every request's cleanup callback)
 *   A request deleted while still counted as parked was cancelled by the framework: count it
 *   out of its handle, and count the framework's completion and cancel.
 * IRQL: <= DISPATCH_LEVEL, CoreLock not held.
 * Returns: nothing.
 */
VOID TestRequestCleanup(DRIVER_REQUEST_CONTEXT *Request)
{
    DRIVER_REQUEST_CONTEXT *request = Request;
    DRIVER_DEVICE_CONTEXT *device = request->Device;
    if (device == NULL || request->TestParkedBy == NULL) {
        return; /* never reached the core, or not parked */
    }
    WdfSpinLockAcquire(device->CoreLock);
    if (request->TestParkedBy != NULL) {
        TestRequestTaken(device, request);
        device->TestCompletions++;
        device->TestCancels++;
    }
    WdfSpinLockRelease(device->CoreLock);
}

/* The handle with WDF file object GlueFile, if still open. CoreLock held. */
static DRIVER_FILE_CONTEXT *TestFindFile(DRIVER_DEVICE_CONTEXT *Device, const void *GlueFile)
{
    LIST_ENTRY *link;
    for (link = Device->TestFiles.Flink; link != &Device->TestFiles; link = link->Flink) {
        DRIVER_FILE_CONTEXT *file = CONTAINING_RECORD(link, DRIVER_FILE_CONTEXT, TestLink);
        if (file->Core.GlueFile == GlueFile) {
            return file;
        }
    }
    return NULL;
}

/* Completes the state request, counted like every other completion. */
static VOID TestStateFinish(DRIVER_DEVICE_CONTEXT *Device, WDFREQUEST Request, NTSTATUS Status, size_t Information)
{
    TestRequestCompleted(Device, Status);
    WdfRequestCompleteWithInformation(Request, Status, (ULONG_PTR)Information);
}

/*
 * TestStateDispatch
 *   Answers the state IOCTL: INVERTED_CALL_TEST_STATE and one entry per subscription.
 * IRQL: PASSIVE_LEVEL (the default queue's callback).
 * Returns: nothing; the request is completed: STATUS_SUCCESS with the bytes written,
 *   STATUS_INVALID_PARAMETER with input, STATUS_BUFFER_TOO_SMALL when the entries do not fit,
 *   STATUS_INSUFFICIENT_RESOURCES.
 */
VOID TestStateDispatch(DRIVER_DEVICE_CONTEXT *Device, DRIVER_FILE_CONTEXT *File, WDFREQUEST Request, size_t OutputLength,
                       size_t InputLength)
{
    CORE_SUBSCRIPTION_STATE *states = NULL;
    INVERTED_CALL_TEST_STATE header;
    UINT8 *output = NULL;
    size_t length = 0;
    UINT32 capacity;
    UINT32 total;
    UINT32 index;

    if (InputLength != 0) {
        TestStateFinish(Device, Request, STATUS_INVALID_PARAMETER, 0);
        return;
    }
    if (OutputLength < sizeof(header) || !NT_SUCCESS(WdfRequestRetrieveOutputBuffer(Request, sizeof(header), (PVOID *)&output, &length))) {
        TestStateFinish(Device, Request, STATUS_BUFFER_TOO_SMALL, 0);
        return;
    }
    /* Room for as many entries as the output holds: one CoreQueryState call then answers at once
     * whether they all fit. */
    capacity = (UINT32)((length - sizeof(header)) / sizeof(INVERTED_CALL_TEST_SUBSCRIPTION));
    if (capacity > 0) {
        states = (CORE_SUBSCRIPTION_STATE *)ExAllocatePool2(POOL_FLAG_NON_PAGED, (SIZE_T)capacity * sizeof(CORE_SUBSCRIPTION_STATE), DEVICE_POOL_TAG);
        if (states == NULL) {
            TestStateFinish(Device, Request, STATUS_INSUFFICIENT_RESOURCES, 0);
            return;
        }
    }
    total = CoreQueryState(&Device->Core, states, capacity);
    if (total > capacity) {
        if (states != NULL) {
            ExFreePoolWithTag(states, DEVICE_POOL_TAG);
        }
        TestStateFinish(Device, Request, STATUS_BUFFER_TOO_SMALL, 0);
        return;
    }

    RtlZeroMemory(&header, sizeof(header));
    WdfSpinLockAcquire(Device->CoreLock);
    for (index = 0; index < total; index++) {
        const CORE_SUBSCRIPTION_STATE *state = &states[index];
        INVERTED_CALL_TEST_SUBSCRIPTION entry;
        const DRIVER_FILE_CONTEXT *owner = TestFindFile(Device, state->GlueFile);
        RtlZeroMemory(&entry, sizeof(entry));
        entry.Channel = state->ChannelIndex;
        entry.RingFill = state->RingFill;
        entry.DroppedTotal = state->DroppedTotal;
        entry.NextSequence = state->NextSequence;
        /* A handle closed since CoreQueryState reports id 0, process 0 and nothing parked. */
        if (owner != NULL) {
            entry.FileId = owner->TestId;
            entry.ProcessId = owner->TestProcessId;
            entry.Parked = owner->TestParked[state->ChannelIndex];
        }
        RtlCopyMemory(output + sizeof(header) + (SIZE_T)index * sizeof(entry), &entry, sizeof(entry));
    }
    header.Version = INVERTED_CALL_TEST_STATE_VERSION;
    header.OpenFiles = Device->TestOpenFiles;
    header.SubscriptionCount = total;
    header.CallerFileId = File->TestId;
    header.Completions = Device->TestCompletions;
    header.Cancels = Device->TestCancels;
    header.ParkedNow = Device->TestParkedNow;
    WdfSpinLockRelease(Device->CoreLock);
    RtlCopyMemory(output, &header, sizeof(header));

    if (states != NULL) {
        ExFreePoolWithTag(states, DEVICE_POOL_TAG);
    }
    TestStateFinish(Device, Request, STATUS_SUCCESS, sizeof(header) + (SIZE_T)total * sizeof(INVERTED_CALL_TEST_SUBSCRIPTION));
}

/*
 * TestEmitDispatch
 *   Answers the emit IOCTL: hands the input's payload to CoreEmit Count times (EmitTestRun). The
 *   input is the METHOD_BUFFERED system buffer, non-paged as CoreEmit requires of a payload.
 * IRQL: PASSIVE_LEVEL (the default queue's callback).
 * Returns: nothing; the request is completed with no output: EmitTestRun's status, or the
 *   framework's when the input buffer cannot be retrieved.
 */
VOID TestEmitDispatch(DRIVER_DEVICE_CONTEXT *Device, WDFREQUEST Request, size_t InputLength)
{
    PVOID input = NULL;
    size_t length = 0;
    NTSTATUS status = InputLength > 0 ? WdfRequestRetrieveInputBuffer(Request, InputLength, &input, &length) : STATUS_SUCCESS;
    status = NT_SUCCESS(status) ? EmitTestRun(&Device->Core, input, length) : status;
    TestStateFinish(Device, Request, status, 0);
}

#else
/* A translation unit must declare something. */
typedef int InvertedCallTestIsOff;
#endif /* INVERTED_CALL_TEST_BUILD */
