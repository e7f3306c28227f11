/*
 * InvertedCallTest.c - the test-only IOCTLs of test builds: the state IOCTL (InvertedCallTest.h),
 * the emit IOCTL (EmitTest.h) and, with a process channel, the process IOCTL (NotifyTest.h); the
 * last two are shared with the KMDF flavour.
 * Part of the template: do not edit. Compiled into every build, but empty unless
 * INVERTED_CALL_TEST_BUILD is defined.
 *
 * The core reports its subscriptions (CoreQueryState); the glue adds what only it knows: which
 * handle and process each belongs to, how many requests are parked, and its counters. Handles are
 * named by id (the core's GlueFile), and a handle's context is read only while it is found in the
 * device's list of open handles, under the lock: a handle closing meanwhile is never touched.
 */

/* Included only in test builds: a WDK build compiles this file to nothing without reading the
 * DDK headers, which is most of what compiling and analysing a file costs. */
#ifdef INVERTED_CALL_TEST_BUILD
#include "Driver.h"
#include "InvertedCallTest.h"
#include "EmitTest.h"
#include "AskTest.h"
#include "TestWorker.h"
#if DEVICE_PROCESS_NOTIFY
#include "NotifyTest.h"
#endif

/*
 * TestFindFile
 *   The open handle with this id, looked up in the device's list of open handles.
 * IRQL: DISPATCH_LEVEL (the device lock held).
 * Returns: the handle, or NULL once it is closed.
 */
static DRIVER_FILE *TestFindFile(DRIVER_DEVICE *Device, UINT32 Id)
{
    LIST_ENTRY *link;
    for (link = Device->Files.Flink; link != &Device->Files; link = link->Flink) {
        DRIVER_FILE *file = CONTAINING_RECORD(link, DRIVER_FILE, Link);
        if (file->Id == Id) {
            return file;
        }
    }
    return NULL;
}

/*
 * TestCountParked
 *   Counts the requests of File parked on channels [FirstChannel, EndChannel), in its own lists.
 * IRQL: DISPATCH_LEVEL (the device lock and ParkLock held).
 * Returns: the count.
 */
static UINT32 TestCountParked(const DRIVER_FILE *File, UINT32 FirstChannel, UINT32 EndChannel)
{
    UINT32 count = 0;
    UINT32 channel;
    for (channel = FirstChannel; channel < EndChannel; channel++) {
        const LIST_ENTRY *head = &File->Parked[channel];
        const LIST_ENTRY *link;
        for (link = head->Flink; link != head; link = link->Flink) {
            count++;
        }
    }
    return count;
}

/*
 * TestCountAllParked
 *   Counts the requests parked by every open handle, on every channel.
 * IRQL: DISPATCH_LEVEL (the device lock and ParkLock held).
 * Returns: the count.
 */
static UINT32 TestCountAllParked(DRIVER_DEVICE *Device)
{
    UINT32 count = 0;
    const LIST_ENTRY *link;
    for (link = Device->Files.Flink; link != &Device->Files; link = link->Flink) {
        count += TestCountParked(CONTAINING_RECORD(link, DRIVER_FILE, Link), 0, DEVICE_CHANNEL_COUNT);
    }
    return count;
}

/*
 * TestStateFinish
 *   Completes the state request with Status and Information bytes.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: Status, for the dispatch routine to return.
 */
static NTSTATUS TestStateFinish(DRIVER_DEVICE *Device, PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    QueueCompleteIrp(Device, Irp, Status, Information);
    return Status;
}

/*
 * TestStateDispatch (through TestDispatch)
 *   Answers the state IOCTL: the header (open handles, subscriptions, the caller's file id and
 *   the glue's counters) followed by one entry per subscription. The request is always completed.
 * IRQL: PASSIVE_LEVEL (IRP_MJ_DEVICE_CONTROL dispatch).
 * Returns: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for any input; STATUS_BUFFER_TOO_SMALL when
 *   the output cannot hold the header or every entry; STATUS_INSUFFICIENT_RESOURCES.
 */
static NTSTATUS TestStateDispatch(DRIVER_DEVICE *Device, DRIVER_FILE *File, PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG outputLength = stack->Parameters.DeviceIoControl.OutputBufferLength;
    UINT8 *output = (UINT8 *)Irp->AssociatedIrp.SystemBuffer;
    CORE_SUBSCRIPTION_STATE *states = NULL;
    INVERTED_CALL_TEST_STATE header;
    UINT32 capacity;
    UINT32 total;
    UINT32 index;
    KIRQL irql;
    KIRQL parkIrql;

    if (stack->Parameters.DeviceIoControl.InputBufferLength != 0) {
        return TestStateFinish(Device, Irp, STATUS_INVALID_PARAMETER, 0);
    }
    if (output == NULL || outputLength < sizeof(header)) {
        return TestStateFinish(Device, Irp, STATUS_BUFFER_TOO_SMALL, 0);
    }
    /* Room for as many entries as the output holds: one CoreQueryState call then answers at once
     * whether they all fit, and the count cannot change between asking and copying. */
    capacity = (UINT32)((outputLength - sizeof(header)) / sizeof(INVERTED_CALL_TEST_SUBSCRIPTION));
    if (capacity > 0) {
        states = (CORE_SUBSCRIPTION_STATE *)ExAllocatePoolWithTag(DRIVER_POOL, (SIZE_T)capacity * sizeof(CORE_SUBSCRIPTION_STATE),
                                                                  DEVICE_POOL_TAG);
        if (states == NULL) {
            return TestStateFinish(Device, Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
        }
    }
    total = CoreQueryState(&Device->Core, states, capacity);
    if (total > capacity) {
        if (states != NULL) {
            ExFreePoolWithTag(states, DEVICE_POOL_TAG);
        }
        return TestStateFinish(Device, Irp, STATUS_BUFFER_TOO_SMALL, 0);
    }

    RtlZeroMemory(&header, sizeof(header));
    /* The device lock keeps the open handles; ParkLock, taken after it as everywhere, their lists. */
    KeAcquireSpinLock(&Device->Lock, &irql);
    KeAcquireSpinLock(&Device->ParkLock, &parkIrql);
    for (index = 0; index < total; index++) {
        const CORE_SUBSCRIPTION_STATE *state = &states[index];
        INVERTED_CALL_TEST_SUBSCRIPTION entry;
        const DRIVER_FILE *owner;
        RtlZeroMemory(&entry, sizeof(entry));
        entry.FileId = (UINT32)(ULONG_PTR)state->GlueFile;
        entry.Channel = state->ChannelIndex;
        entry.RingFill = state->RingFill;
        entry.DroppedTotal = state->DroppedTotal;
        entry.NextSequence = state->NextSequence;
        /* A handle closed since CoreQueryState reports process 0 and nothing parked. */
        owner = TestFindFile(Device, entry.FileId);
        if (owner != NULL) {
            entry.ProcessId = owner->OpenerProcessId;
            entry.Parked = TestCountParked(owner, state->ChannelIndex, state->ChannelIndex + 1u);
        }
        RtlCopyMemory(output + sizeof(header) + (SIZE_T)index * sizeof(entry), &entry, sizeof(entry));
    }
    header.Version = INVERTED_CALL_TEST_STATE_VERSION;
    header.OpenFiles = Device->OpenFiles;
    header.SubscriptionCount = total;
    header.CallerFileId = File->Id;
    header.Completions = Device->Completions;
    header.Cancels = Device->Cancels;
    header.ParkedNow = TestCountAllParked(Device);
    KeReleaseSpinLock(&Device->ParkLock, parkIrql);
    KeReleaseSpinLock(&Device->Lock, irql);
    RtlCopyMemory(output, &header, sizeof(header));

    if (states != NULL) {
        ExFreePoolWithTag(states, DEVICE_POOL_TAG);
    }
    return TestStateFinish(Device, Irp, STATUS_SUCCESS, (ULONG_PTR)(sizeof(header) + (SIZE_T)total * sizeof(INVERTED_CALL_TEST_SUBSCRIPTION)));
}

/*
 * TestOwnsCode
 *   Whether Code is one of the test-only IOCTLs, which TestDispatch answers instead of the core.
 * IRQL: <= DISPATCH_LEVEL.
 * Returns: TRUE for the state, emit and ask IOCTLs, and for the process IOCTL when there is a
 *   process channel.
 */
BOOLEAN TestOwnsCode(ULONG Code)
{
    if (Code == IOCTL_INVERTED_CALL_TEST_EMIT || Code == IOCTL_INVERTED_CALL_TEST_ASK) {
        return TRUE;
    }
#if DEVICE_PROCESS_NOTIFY
    if (Code == IOCTL_INVERTED_CALL_TEST_PROCESS) {
        return TRUE;
    }
#endif
    return Code == IOCTL_INVERTED_CALL_TEST_STATE;
}

/*
 * TestCompleteWork (TEST_WORKER_COMPLETE)
 *   A worker finished a test IOCTL's work: completes its IRP (counted like every completion).
 * IRQL: PASSIVE_LEVEL, on the worker thread.
 * Returns: nothing; the IRP is gone afterwards.
 */
static VOID TestCompleteWork(void *GlueRequest, NTSTATUS Status, size_t Information)
{
    PIRP irp = (PIRP)GlueRequest;
    DRIVER_DEVICE *device = (DRIVER_DEVICE *)IoGetCurrentIrpStackLocation(irp)->DeviceObject->DeviceExtension;
    QueueCompleteIrp(device, irp, Status, (ULONG_PTR)Information);
}

/*
 * TestDispatchWork
 *   A test IOCTL whose work waits (AskTestStart, NotifyTestStart): marks the IRP pending, hands
 *   the system buffer to Start, which checks it and starts a worker that completes the IRP, or
 *   completes it here with the status Start refused it with.
 * IRQL: PASSIVE_LEVEL (IRP_MJ_DEVICE_CONTROL dispatch).
 * Returns: STATUS_PENDING (the IRP was marked pending first, whatever came of it).
 */
static NTSTATUS TestDispatchWork(DRIVER_DEVICE *Device, PIRP Irp, TEST_WORK_START *Start)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG outputLength = stack->Parameters.DeviceIoControl.OutputBufferLength;
    NTSTATUS status;

    IoMarkIrpPending(Irp);
    status = Start(&Device->Core, Irp->AssociatedIrp.SystemBuffer, stack->Parameters.DeviceIoControl.InputBufferLength,
                   outputLength > 0 ? Irp->AssociatedIrp.SystemBuffer : NULL, outputLength, TestCompleteWork, Irp);
    if (status != STATUS_PENDING) {
        QueueCompleteIrp(Device, Irp, status, 0);
    }
    return STATUS_PENDING;
}

/*
 * TestDispatch
 *   Answers a test-only IOCTL (TestOwnsCode): the state IOCTL; the emit IOCTL, which hands the
 *   input's payload to CoreEmit (EmitTestRun, from the system buffer: non-paged); the ask IOCTL,
 *   which asks a verdict's question on a worker (AskTestStart); or the process IOCTL, which runs
 *   the registered process-notify routine on the input's description, on a worker too
 *   (NotifyTestStart). The request is always completed, the last two by their worker.
 * IRQL: PASSIVE_LEVEL (IRP_MJ_DEVICE_CONTROL dispatch).
 * Returns: the status the request was completed with, or STATUS_PENDING for a worker's.
 */
NTSTATUS TestDispatch(DRIVER_DEVICE *Device, DRIVER_FILE *File, PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    if (stack->Parameters.DeviceIoControl.IoControlCode == IOCTL_INVERTED_CALL_TEST_EMIT) {
        return TestStateFinish(Device, Irp, EmitTestRun(&Device->Core, Irp->AssociatedIrp.SystemBuffer, stack->Parameters.DeviceIoControl.InputBufferLength), 0);
    }
    if (stack->Parameters.DeviceIoControl.IoControlCode == IOCTL_INVERTED_CALL_TEST_ASK) {
        return TestDispatchWork(Device, Irp, AskTestStart);
    }
#if DEVICE_PROCESS_NOTIFY
    if (stack->Parameters.DeviceIoControl.IoControlCode == IOCTL_INVERTED_CALL_TEST_PROCESS) {
        return TestDispatchWork(Device, Irp, NotifyTestStart);
    }
#endif
    return TestStateDispatch(Device, File, Irp);
}

#else
/* A translation unit must declare something. */
typedef int InvertedCallTestIsOff;
#endif
