// Compile check of check-headers/KmdfSubset.h, the project's own declarations of
// the KMDF subset an inverted-call control device uses (each checked against its reference page).
// A sketch driver that uses every declared method compiles with the driver compile check's flags
// (-std=c11 -DSTRICT -Wall -Wextra -Werror);
// negative controls prove the check catches handle mismatches, ignored NTSTATUS and misspellings.
// This is "compiles against documented signatures", not a WDK build: request lifetime and IRQL
// are out of its reach.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templateRoot } from '../src/index.js';
import { KERNEL_PRELUDE, MINGW_X64, MINGW_X86, type CompilerTarget } from '@inverted-call/codegen';
import { compileKernelUnit } from './support/mingw.js';

/** The folder of the conformance device's header, as its package publishes it. */
const DEVICE_INCLUDE = dirname(createRequire(import.meta.url).resolve('@inverted-call/conformance-device/conformance-device.h'));
const INCLUDES = [templateRoot('check-headers'), DEVICE_INCLUDE];
const compile = (target: CompilerTarget, source: string) => compileKernelUnit(target, source, INCLUDES);
// Time limit, from a measurement at load average 6-9 on the 2-core machine (the whole suite beside other builds): one compile took at most 0.8 s; 30 s leaves room for far worse.
const COMPILE_MS = 30_000;

/**
 * An inverted-call control device: create, manual queue, forward a request, retrieve and complete.
 * Uses every declaration of the header, and the documented context macro names
 * (WDF_DECLARE_CONTEXT_TYPE[_WITH_NAME], WDF_OBJECT_ATTRIBUTES_{SET,INIT}_CONTEXT_TYPE) so the same
 * source is written against the real WDK names.
 */
const SKETCH = `#include <ntddk.h>
#include "KmdfSubset.h"
#include "conformance-device.h"

/* Sketch of an inverted-call control device: subscribe requests park in a manual queue,
 * an inject request completes one parked subscribe with a batch. Compile check only. */

typedef struct _SKETCH_DEVICE_CONTEXT {
    WDFQUEUE Parked;
    WDFSPINLOCK Lock;
    UINT64 Sequence;
} SKETCH_DEVICE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(SKETCH_DEVICE_CONTEXT, SketchDeviceContext)

typedef struct _SKETCH_QUEUE_CONTEXT {
    ULONG Served;
} SKETCH_QUEUE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE(SKETCH_QUEUE_CONTEXT) /* accessor: WdfObjectGet_SKETCH_QUEUE_CONTEXT */

typedef struct _SKETCH_REQUEST_CONTEXT {
    ULONG IoControlCode;
} SKETCH_REQUEST_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(SKETCH_REQUEST_CONTEXT, SketchRequestContext); /* ';' form, as in the docs */

static WDFSPINLOCK g_Lock; /* parent: the driver object, so deleted by us at unload */

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);
VOID SketchConfigurePnpDeviceInit(PWDFDEVICE_INIT DeviceInit);
EVT_WDF_DRIVER_UNLOAD SketchEvtDriverUnload;
EVT_WDF_DEVICE_FILE_CREATE SketchEvtDeviceFileCreate;
EVT_WDF_FILE_CLEANUP SketchEvtFileCleanup;
EVT_WDF_FILE_CLOSE SketchEvtFileClose;
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL SketchEvtIoDeviceControl;
EVT_WDF_OBJECT_CONTEXT_CLEANUP SketchEvtQueueCleanup;
EVT_WDF_REQUEST_CANCEL SketchEvtRequestCancel;

static VOID SketchCompleteOneParked(WDFQUEUE Parked, const CONFORMANCE_DEVICE_EMIT_REQUEST *Emit)
{
    WDFREQUEST parked;
    PVOID buffer;
    size_t length;
    SKETCH_DEVICE_CONTEXT *device;
    NTSTATUS status = WdfIoQueueRetrieveNextRequest(Parked, &parked);
    if (!NT_SUCCESS(status)) {
        return; /* STATUS_NO_MORE_ENTRIES: nobody waiting; a real driver would ring-buffer the event */
    }
    /* The documented idiom: the device a request belongs to, through the queue it came from. */
    device = SketchDeviceContext(WdfIoQueueGetDevice(WdfRequestGetIoQueue(parked)));
    status = WdfRequestRetrieveOutputBuffer(parked, CONFORMANCE_DEVICE_EVENTS_MINIMUM_OUTPUT_BYTES, &buffer, &length);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(parked, status);
        return;
    }
    {
        INVERTED_CALL_BATCH_HEADER *batch = (INVERTED_CALL_BATCH_HEADER *)buffer;
        INVERTED_CALL_RECORD_HEADER *record = (INVERTED_CALL_RECORD_HEADER *)(batch + 1);
        CONFORMANCE_DEVICE_SMALL *small = (CONFORMANCE_DEVICE_SMALL *)(record + 1);
        UINT32 bytes = (UINT32)sizeof(*batch) + INVERTED_CALL_RECORD_BYTES(sizeof(*small));
        WdfSpinLockAcquire(device->Lock);
        record->Sequence = device->Sequence++;
        WdfSpinLockRelease(device->Lock);
        record->Kind = CONFORMANCE_DEVICE_EVENTS_KIND_SMALL;
        record->Reserved = 0;
        record->Size = (UINT32)sizeof(*small);
        small->Tag = Emit->FirstTag;
        small->Value = Emit->Count;
        small->Flag = TRUE;
        batch->Version = INVERTED_CALL_PROTOCOL_VERSION;
        batch->Count = 1;
        batch->BytesUsed = bytes;
        batch->Flags = 0;
        batch->DroppedTotal = 0;
        WdfRequestCompleteWithInformation(parked, STATUS_SUCCESS, bytes);
    }
}

VOID SketchEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                              ULONG IoControlCode)
{
    SKETCH_DEVICE_CONTEXT *device = SketchDeviceContext(WdfIoQueueGetDevice(Queue));
    NTSTATUS status;
    PVOID input;
    size_t inputLength;

    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    SketchRequestContext(Request)->IoControlCode = IoControlCode;
    WdfObjectGet_SKETCH_QUEUE_CONTEXT(Queue)->Served++;

    switch (IoControlCode) {
    case IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS:
        /* Park it: the framework owns it (and may cancel it) until it is retrieved. */
        status = WdfRequestForwardToIoQueue(Request, device->Parked);
        if (!NT_SUCCESS(status)) {
            WdfRequestComplete(Request, status);
        }
        return;
    case IOCTL_CONFORMANCE_DEVICE_INJECT:
        status = WdfRequestRetrieveInputBuffer(Request, sizeof(CONFORMANCE_DEVICE_EMIT_REQUEST), &input, &inputLength);
        if (NT_SUCCESS(status)) {
            SketchCompleteOneParked(device->Parked, (const CONFORMANCE_DEVICE_EMIT_REQUEST *)input);
        }
        WdfRequestComplete(Request, status);
        return;
    default:
        WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
        return;
    }
}

VOID SketchEvtDeviceFileCreate(WDFDEVICE Device, WDFREQUEST Request, WDFFILEOBJECT FileObject)
{
    UNREFERENCED_PARAMETER(Device);
    /* With EvtDeviceFileCreate registered, completing the create is the driver's job. */
    WdfRequestComplete(Request, WdfRequestGetFileObject(Request) == FileObject ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER);
}

VOID SketchEvtFileCleanup(WDFFILEOBJECT FileObject)
{
    SKETCH_DEVICE_CONTEXT *device = SketchDeviceContext(WdfFileObjectGetDevice(FileObject));
    WDFREQUEST request;
    while (NT_SUCCESS(WdfIoQueueRetrieveRequestByFileObject(device->Parked, FileObject, &request))) {
        WdfRequestComplete(request, STATUS_CANCELLED);
    }
}

VOID SketchEvtFileClose(WDFFILEOBJECT FileObject)
{
    UNREFERENCED_PARAMETER(FileObject);
}

VOID SketchEvtQueueCleanup(WDFOBJECT Object)
{
    UNREFERENCED_PARAMETER(Object);
}

VOID SketchEvtRequestCancel(WDFREQUEST Request)
{
    WdfRequestComplete(Request, STATUS_CANCELLED);
}

VOID SketchEvtDriverUnload(WDFDRIVER Driver)
{
    UNREFERENCED_PARAMETER(Driver);
    /* The control device is not deleted here: with no PnP device objects, the framework
     * deletes it after EvtDriverUnload returns (Using Control Device Objects). */
    if (g_Lock != NULL) {
        WdfObjectDelete(g_Lock);
    }
}

/* For a PnP device's WDFDEVICE_INIT only: WdfDeviceInitSetDeviceType is not among the methods
 * allowed on a control device's WDFDEVICE_INIT. */
VOID SketchConfigurePnpDeviceInit(PWDFDEVICE_INIT DeviceInit)
{
    WdfDeviceInitSetDeviceType(DeviceInit, FILE_DEVICE_UNKNOWN);
    WdfDeviceInitSetIoType(DeviceInit, WdfDeviceIoDirect);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG driverConfig;
    WDF_FILEOBJECT_CONFIG fileConfig;
    WDF_IO_QUEUE_CONFIG queueConfig;
    WDF_OBJECT_ATTRIBUTES deviceAttributes, fileAttributes, requestAttributes, queueAttributes;
    UNICODE_STRING sddl, deviceName, linkName;
    WDFDRIVER driver;
    WDFDEVICE device;
    WDFQUEUE defaultQueue;
    PWDFDEVICE_INIT init;
    SKETCH_DEVICE_CONTEXT *context;
    NTSTATUS status;

    WDF_DRIVER_CONFIG_INIT(&driverConfig, NULL); /* non-PnP: no EvtDriverDeviceAdd */
    driverConfig.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    driverConfig.EvtDriverUnload = SketchEvtDriverUnload;
    status = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &driverConfig, &driver);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    if (WdfDriverWdmGetDriverObject(driver) != DriverObject) {
        return STATUS_INTERNAL_ERROR;
    }

    RtlInitUnicodeString(&sddl, CONFORMANCE_DEVICE_SDDL);
    RtlInitUnicodeString(&deviceName, CONFORMANCE_DEVICE_DEVICE_NAME);
    RtlInitUnicodeString(&linkName, CONFORMANCE_DEVICE_SYMBOLIC_LINK_NAME);

    init = WdfControlDeviceInitAllocate(driver, &sddl);
    if (init == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    WdfDeviceInitSetExclusive(init, FALSE);
    /* Redundant on purpose: the framework always sets FILE_DEVICE_SECURE_OPEN itself. */
    WdfDeviceInitSetCharacteristics(init, FILE_DEVICE_SECURE_OPEN, TRUE);
    WdfDeviceInitSetIoType(init, WdfDeviceIoBuffered);

    WDF_OBJECT_ATTRIBUTES_INIT(&requestAttributes);
    WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(&requestAttributes, SKETCH_REQUEST_CONTEXT);
    WdfDeviceInitSetRequestAttributes(init, &requestAttributes);

    WDF_FILEOBJECT_CONFIG_INIT(&fileConfig, SketchEvtDeviceFileCreate, SketchEvtFileClose, SketchEvtFileCleanup);
    WDF_OBJECT_ATTRIBUTES_INIT(&fileAttributes);
    fileAttributes.SynchronizationScope = WdfSynchronizationScopeNone;
    fileAttributes.ExecutionLevel = WdfExecutionLevelPassive;
    WdfDeviceInitSetFileObjectConfig(init, &fileConfig, &fileAttributes);

    status = WdfDeviceInitAssignName(init, &deviceName);
    if (!NT_SUCCESS(status)) {
        WdfDeviceInitFree(init);
        return status;
    }
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&deviceAttributes, SKETCH_DEVICE_CONTEXT);
    status = WdfDeviceCreate(&init, &deviceAttributes, &device);
    if (!NT_SUCCESS(status)) {
        WdfDeviceInitFree(init); /* still ours when WdfDeviceCreate fails */
        return status;
    }
    context = SketchDeviceContext(device);
    context->Sequence = 0;

    KMDF_SUBSET_IO_QUEUE_CONFIG_INIT_MANUAL(&queueConfig);
    queueConfig.PowerManaged = WdfFalse; /* control-device queues cannot be power-managed */
    status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, &context->Parked);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = WdfSpinLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &g_Lock);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    context->Lock = g_Lock;

    KMDF_SUBSET_IO_QUEUE_CONFIG_INIT_PARALLEL_DEFAULT(&queueConfig);
    queueConfig.PowerManaged = WdfFalse;
    queueConfig.EvtIoDeviceControl = SketchEvtIoDeviceControl;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&queueAttributes, SKETCH_QUEUE_CONTEXT);
    queueAttributes.EvtCleanupCallback = SketchEvtQueueCleanup;
    status = WdfIoQueueCreate(device, &queueConfig, &queueAttributes, &defaultQueue);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    WdfObjectGet_SKETCH_QUEUE_CONTEXT(defaultQueue)->Served = 0;

    status = WdfDeviceCreateSymbolicLink(device, &linkName);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    WdfControlFinishInitializing(device);
    return STATUS_SUCCESS;
}
`;

const PRELUDE = `${KERNEL_PRELUDE}#include "KmdfSubset.h"\n`;

describe('KmdfSubset.h compiles against documented signatures', { timeout: COMPILE_MS }, () => {
  for (const target of [MINGW_X64, MINGW_X86]) {
    it(`inverted-call control-device sketch: ${target.name}, -DSTRICT -Wall -Wextra -Werror`, () => {
      const result = compile(target, SKETCH);
      expect(result.output).toBe('');
      expect(result.ok).toBe(true);
    });
  }

  it('positive control for the negatives: the correct forms compile', () => {
    const source = `${PRELUDE}
NTSTATUS Good(WDFQUEUE Queue, WDFREQUEST Request)
{
    PVOID buffer;
    NTSTATUS status = WdfRequestRetrieveOutputBuffer(Request, 8, &buffer, NULL);
    if (NT_SUCCESS(status)) {
        status = WdfRequestForwardToIoQueue(Request, Queue);
    }
    if (!NT_SUCCESS(status)) {
        WdfRequestCompleteWithInformation(Request, status, 0);
    }
    return status;
}
`;
    const result = compile(MINGW_X64, source);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('the earlier project context macros still work beside the documented names', () => {
    const source = `${PRELUDE}
typedef struct _OLD_CONTEXT { ULONG Value; } OLD_CONTEXT;
KMDF_SUBSET_DECLARE_CONTEXT(OLD_CONTEXT, OldContext)
VOID Good(WDFQUEUE Queue)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    KMDF_SUBSET_SET_CONTEXT(&attributes, OLD_CONTEXT);
    OldContext(Queue)->Value = (ULONG)attributes.Size;
}
`;
    const result = compile(MINGW_X64, source);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('fails without <ntddk.h> first, saying what to include', () => {
    const result = compile(MINGW_X64, '#include "KmdfSubset.h"\n');
    expect(result.ok).toBe(false);
    expect(result.output).toContain('Include <ntddk.h> or <wdm.h> before KmdfSubset.h.');
  });
});

describe('KmdfSubset.h negative controls (each must fail to compile)', { timeout: COMPILE_MS }, () => {
  it('rejects a WDFQUEUE passed where a WDFREQUEST is expected', () => {
    const source = `${PRELUDE}VOID Bad(WDFQUEUE Queue)\n{\n    WdfRequestComplete(Queue, STATUS_SUCCESS);\n}\n`;
    const result = compile(MINGW_X64, source);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/passing argument 1 of .WdfRequestComplete. from incompatible pointer type/);
    expect(result.output).toContain('incompatible-pointer-types');
  });

  it('rejects an ignored NTSTATUS from WdfRequestRetrieveOutputBuffer', () => {
    const source = `${PRELUDE}VOID Bad(WDFREQUEST Request)\n{\n    PVOID buffer;\n    WdfRequestRetrieveOutputBuffer(Request, 8, &buffer, NULL);\n}\n`;
    const result = compile(MINGW_X64, source);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/ignoring return value of .WdfRequestRetrieveOutputBuffer./);
    expect(result.output).toContain('unused-result');
  });

  it('rejects a misspelled method name', () => {
    const source = `${PRELUDE}VOID Bad(WDFREQUEST Request)\n{\n    WdfRequestCompleteWithInfo(Request, STATUS_SUCCESS, 0);\n}\n`;
    const result = compile(MINGW_X64, source);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/implicit declaration of function .WdfRequestCompleteWithInfo./);
  });

  it('rejects a context type that was never declared with WDF_DECLARE_CONTEXT_TYPE', () => {
    const source = `${PRELUDE}typedef struct _NEVER_DECLARED { ULONG Value; } NEVER_DECLARED;\nVOID Bad(VOID)\n{\n    WDF_OBJECT_ATTRIBUTES attributes;\n    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, NEVER_DECLARED);\n}\n`;
    const result = compile(MINGW_X64, source);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/KmdfSubsetContextInfo_NEVER_DECLARED. undeclared/);
  });

  it('rejects a WDFREQUEST passed to WdfFileObjectGetDevice', () => {
    const source = `${PRELUDE}WDFDEVICE Bad(WDFREQUEST Request)\n{\n    return WdfFileObjectGetDevice(Request);\n}\n`;
    const result = compile(MINGW_X64, source);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/passing argument 1 of .WdfFileObjectGetDevice. from incompatible pointer type/);
  });

  it('rejects a callback whose signature does not match its role typedef', () => {
    const source = `${PRELUDE}EVT_WDF_FILE_CLEANUP BadCleanup;\nVOID BadCleanup(WDFREQUEST Request)\n{\n    WdfRequestComplete(Request, STATUS_SUCCESS);\n}\n`;
    const result = compile(MINGW_X64, source);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/conflicting types for .BadCleanup./);
  });
});
