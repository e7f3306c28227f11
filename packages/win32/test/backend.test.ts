// The Win32 backend's bookkeeping over a scripted kernel32 (FakeWin32): native blocks live until
// their packet, one pump for any number of requests, exact cancel semantics, close ordering and
// the error mapping. The pump's own rules (many packets per wake-up, port order, block reuse) are
// in pump.test.ts. The same code runs against a real driver under Wine (packages/wine-e2e).
import { DeviceError, type DeviceHandleV1 } from '@inverted-call/backend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWin32Backend } from '../src/index.js';
import { FakeWin32 } from './support/fake-win32.js';

const PATH = '\\\\.\\ConformanceDevice';
const STATUS_SUCCESS = 0;
const STATUS_BUFFER_TOO_SMALL = 0xc0000023;
const ECHO = 0x9c00e000;

let fake: FakeWin32;
let handle: DeviceHandleV1;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
async function settleAll(): Promise<void> {
  for (let index = 0; index < 5; index++) await tick();
}

beforeEach(async () => {
  fake = new FakeWin32();
  handle = await createWin32Backend({ api: fake }).open(PATH, { access: 'read-write' });
});

afterEach(() => {
  // A rule broken where the backend does not catch it (a microtask, a callback) fails the test here.
  expect(fake.violations).toEqual([]);
});

describe('createWin32Backend', () => {
  it('refuses clearly off Windows without an API, naming the simulator', () => {
    expect(() => createWin32Backend()).toThrow(/works only on Windows \(this is linux\).*createSimulator/s);
  });

  it('maps a failed CreateFileW to its Win32 error', async () => {
    const error = await createWin32Backend({ api: fake }).open('\\\\.\\Nope', { access: 'read' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).code).toBe('ERROR_FILE_NOT_FOUND');
  });
});

describe('a request', () => {
  it('pending, then completed: resolves with exactly the bytes returned; every block is freed once the handle is closed', async () => {
    const promise = handle.ioctl(ECHO, Uint8Array.of(1, 2, 3), 16);
    await tick();
    const [request] = fake.pending();
    expect(request!.input).toEqual(Uint8Array.of(1, 2, 3));
    expect(request!.outputLength).toBe(16);
    fake.complete(request!, STATUS_SUCCESS, Uint8Array.of(9, 8, 7, 6));
    const result = await promise;
    expect(result).toEqual({ output: Uint8Array.of(9, 8, 7, 6), bytesReturned: 4 });
    await handle.close();
    expect(fake.liveBlocks).toBe(0);
  });

  it('done at once still waits for its packet', async () => {
    fake.decide = () => ({ kind: 'done', status: STATUS_SUCCESS, output: Uint8Array.of(5) });
    expect(await handle.ioctl(ECHO, null, 1)).toEqual({ output: Uint8Array.of(5), bytesReturned: 1 });
    expect(fake.wakeups).toEqual(['poll 1']); // done at once: taken by a poll, no wait
    expect(fake.maxWaitsInProgress).toBe(0);
  });

  it('failed at once: the Win32 error, no packet waited for, nothing leaked', async () => {
    fake.decide = () => ({ kind: 'fail', error: 1 });
    const error = (await handle.ioctl(0x9c001ffc, null, 0).catch((caught: unknown) => caught)) as DeviceError;
    expect({ code: error.code, errno: error.errno }).toEqual({ code: 'ERROR_INVALID_FUNCTION', errno: 1 });
    expect(fake.maxWaitsInProgress).toBe(0);
    await handle.close();
    expect(fake.liveBlocks).toBe(0);
  });

  it('failed by the driver: the NTSTATUS in the OVERLAPPED gives the error', async () => {
    const promise = handle.ioctl(ECHO, null, 1);
    await tick();
    fake.complete(fake.pending()[0]!, STATUS_BUFFER_TOO_SMALL);
    const error = (await promise.catch((caught: unknown) => caught)) as DeviceError;
    expect({ code: error.code, ntstatus: error.ntstatus }).toEqual({ code: 'ERROR_INSUFFICIENT_BUFFER', ntstatus: STATUS_BUFFER_TOO_SMALL });
  });
});

describe('cancellation', () => {
  it('aborting cancels exactly that request; its blocks live until the cancelled packet arrives', async () => {
    const controller = new AbortController();
    const cancelled = handle.ioctl(ECHO, null, 8, { signal: controller.signal });
    const other = handle.ioctl(ECHO, null, 8);
    await tick();
    const [first, second] = fake.pending();
    controller.abort();
    expect(fake.cancels).toEqual([{ handle: first!.handle, overlapped: first!.overlapped.address, found: true }]);
    const error = (await cancelled.catch((caught: unknown) => caught)) as DeviceError;
    expect({ code: error.code, canceled: error.canceled }).toEqual({ code: 'ERROR_OPERATION_ABORTED', canceled: true });
    expect(second!.state).toBe('pending');
    fake.complete(second!, STATUS_SUCCESS, Uint8Array.of(1));
    await other;
    await handle.close();
    expect(fake.liveBlocks).toBe(0);
  });

  it('a cancel that loses the race (ERROR_NOT_FOUND) loses nothing: the real result arrives', async () => {
    const controller = new AbortController();
    const promise = handle.ioctl(ECHO, null, 4, { signal: controller.signal });
    await tick();
    fake.complete(fake.pending()[0]!, STATUS_SUCCESS, Uint8Array.of(4, 3, 2, 1)); // completed, packet not yet dequeued
    controller.abort();
    expect(fake.cancels.at(-1)!.found).toBe(false);
    expect(await promise).toEqual({ output: Uint8Array.of(4, 3, 2, 1), bytesReturned: 4 });
  });

  it('an already-aborted signal is never sent', async () => {
    const blocksBefore = fake.liveBlocks;
    const error = (await handle.ioctl(ECHO, null, 4, { signal: AbortSignal.abort() }).catch((caught: unknown) => caught)) as DeviceError;
    expect(error.canceled).toBe(true);
    expect(fake.requests).toEqual([]);
    expect(fake.liveBlocks).toBe(blocksBefore);
  });
});

describe('many in flight, one pump', () => {
  it('64 requests are served by one blocking wait at a time, delivered in completion order, and the pump stops when idle', async () => {
    const order: number[] = [];
    const promises = Array.from({ length: 64 }, (_, index) => handle.ioctl(ECHO, Uint8Array.of(index), 1).then((result) => order.push(result.output[0]!)));
    await tick();
    const pending = fake.pending();
    expect(pending).toHaveLength(64);
    // Complete in reverse order of sending: delivery follows completion, not submission.
    for (const request of [...pending].reverse()) fake.complete(request, STATUS_SUCCESS, Uint8Array.of(request.input[0]!));
    await Promise.all(promises);
    expect(order).toEqual(Array.from({ length: 64 }, (_, index) => 63 - index));
    expect(fake.maxWaitsInProgress).toBe(1);
    expect(fake.wakeups).toEqual([64]); // completed in one step: one wake-up takes them all
    await settleAll();
    expect(fake.waitsInProgress).toBe(0);
    await handle.close();
    expect(fake.liveBlocks).toBe(0);
  });
});

describe('close', () => {
  it('cancels everything, waits for every packet, then closes the handle; later use is ERROR_INVALID_HANDLE', async () => {
    const parked = [handle.ioctl(ECHO, null, 8), handle.ioctl(ECHO, null, 8)].map((promise) => promise.catch((error: DeviceError) => error.code));
    await tick();
    const closing = handle.close();
    expect(handle.close()).toBe(closing);
    await closing;
    expect(await Promise.all(parked)).toEqual(['ERROR_OPERATION_ABORTED', 'ERROR_OPERATION_ABORTED']);
    // The device handle, then (the last handle of this backend) the port; nothing left allocated.
    expect(fake.closed).toEqual([100n, fake.port]);
    expect(fake.liveBlocks).toBe(0);
    const error = (await handle.ioctl(ECHO, null, 0).catch((caught: unknown) => caught)) as DeviceError;
    expect(error.code).toBe('ERROR_INVALID_HANDLE');
  });

  it('closes at once when nothing is in flight', async () => {
    await handle.close();
    expect(fake.closed).toEqual([100n, fake.port]);
    expect(fake.cancels).toEqual([]);
  });
});
