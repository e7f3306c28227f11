/**
 * The simulator behind the backend contract: asynchronous delivery, cancellation racing
 * completion, close waiting for completions, and every failure as the DeviceError a Windows
 * client would see.
 */
import { DeviceError } from '@inverted-call/backend';
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../src/index.js';
import {
  EchoDataCodec,
  IOCTL_CONFORMANCE_DEVICE_ECHO,
  IOCTL_CONFORMANCE_DEVICE_PING,
  IOCTL_CONFORMANCE_DEVICE_PROTOCOL_INFO,
  IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS,
  IOCTL_CONFORMANCE_DEVICE_WRITE_COUNTER,
  device,
  small,
  smallTags,
} from './helpers.js';

const SUBSCRIBE = IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS;

/** Watches a promise without handling its outcome for the test. */
function watch<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

/** Lets every pending microtask run, without letting the event loop turn. */
async function drainMicrotasks(): Promise<void> {
  for (let index = 0; index < 20; index++) await Promise.resolve();
}

async function rejection(promise: Promise<unknown>): Promise<DeviceError> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DeviceError);
  return error as DeviceError;
}

async function setup() {
  const simulator = createSimulator(device);
  const handle = await simulator.backend.open(device.devicePath, { access: 'read-write' });
  return { simulator, handle };
}

describe('nothing settles synchronously', () => {
  it('holds back opens, immediate failures, immediate successes and refused arguments to a later turn', async () => {
    const { simulator, handle } = await setup();
    const opened = watch(simulator.backend.open(device.devicePath, { access: 'read' }));
    const missing = watch(simulator.backend.open('\\\\.\\Missing', { access: 'read' }));
    const tooSmall = watch(handle.ioctl(SUBSCRIBE, null, 8));
    const info = watch(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_PROTOCOL_INFO, null, 152));
    const badArgument = watch(handle.ioctl(-1, null, 0));
    const aborted = watch(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_PING, null, 0, { signal: AbortSignal.abort() }));
    const all = [opened, missing, tooSmall, info, badArgument, aborted];
    await drainMicrotasks();
    expect(all.map((state) => state.settled)).toEqual([false, false, false, false, false, false]);
    await simulator.settle();
    expect(all.map((state) => state.settled)).toEqual([true, true, true, true, true, true]);
    expect(badArgument.error).toBeInstanceOf(TypeError);
    expect(info.value).toMatchObject({ bytesReturned: 152 });
  });

  it('delivers an event completion in a later turn than the emit that made it', async () => {
    const { simulator, handle } = await setup();
    const request = watch(handle.ioctl(SUBSCRIBE, null, 512));
    simulator.emit('Events', 'Small', small(1));
    expect(simulator.trace()).toHaveLength(1); // the driver completed it already...
    await drainMicrotasks();
    expect(request.settled).toBe(false); // ...but the client has not heard yet
    await simulator.settle();
    expect(request.settled).toBe(true);
  });

  it('delivers in completion order', async () => {
    const { simulator, handle } = await setup();
    const order: number[] = [];
    const requests = [0, 1, 2].map((index) =>
      handle.ioctl(SUBSCRIBE, null, 512).then((result) => {
        order.push(index);
        return result;
      }),
    );
    for (let tag = 0; tag < 3; tag++) simulator.emit('Events', 'Small', small(tag));
    const results = await Promise.all(requests);
    expect(order).toEqual([0, 1, 2]);
    expect(results.map((result) => smallTags(result.output))).toEqual([[[0n, 0n]], [[1n, 1n]], [[2n, 2n]]]);
  });
});

describe('cancellation', () => {
  it('rejects a parked request with a canceled DeviceError naming the IOCTL', async () => {
    const { simulator, handle } = await setup();
    const controller = new AbortController();
    const request = handle.ioctl(SUBSCRIBE, null, 512, { signal: controller.signal });
    controller.abort();
    const error = await rejection(request);
    expect(error).toMatchObject({ code: 'ERROR_OPERATION_ABORTED', errno: 995, ntstatus: 0xc0000120, canceled: true, operation: 'IOCTL 0x9C006400 (subscribe Events)' });
    expect(simulator.trace().map((entry) => entry.status)).toEqual([0xc0000120]);
  });

  it('loses to a completion that happened first: the promise resolves with the event', async () => {
    const { simulator, handle } = await setup();
    const controller = new AbortController();
    const request = handle.ioctl(SUBSCRIBE, null, 512, { signal: controller.signal });
    simulator.emit('Events', 'Small', small(9));
    controller.abort(); // the completion is not delivered yet, but the driver has made it
    const result = await request;
    expect(smallTags(result.output)).toEqual([[0n, 9n]]);
    expect(simulator.state().totals).toMatchObject({ completions: 1, cancels: 0 });
  });

  it('never takes an event with it: an event after the cancel waits in the ring', async () => {
    const { simulator, handle } = await setup();
    const controller = new AbortController();
    const cancelled = handle.ioctl(SUBSCRIBE, null, 512, { signal: controller.signal });
    controller.abort();
    simulator.emit('Events', 'Small', small(5));
    expect((await rejection(cancelled)).canceled).toBe(true);
    const next = await handle.ioctl(SUBSCRIBE, null, 512);
    expect(smallTags(next.output)).toEqual([[0n, 5n]]);
  });

  it('rejects an already-aborted request without sending it', async () => {
    const { simulator, handle } = await setup();
    const reason = new Error('gave up');
    const error = await rejection(handle.ioctl(SUBSCRIBE, null, 512, { signal: AbortSignal.abort(reason) }));
    expect(error).toMatchObject({ code: 'ERROR_OPERATION_ABORTED', canceled: true, cause: reason });
    expect(simulator.trace()).toEqual([]);
    expect(simulator.state().subscriptions).toEqual([]);
  });
});

describe('close', () => {
  it('cancels everything and resolves only after every completion was delivered', async () => {
    const { simulator, handle } = await setup();
    const log: string[] = [];
    const record = (name: string, promise: Promise<unknown>) =>
      promise.then(
        () => log.push(`${name} resolved`),
        (error: DeviceError) => log.push(`${name} ${error.code}`),
      );
    const requests = [0, 1, 2, 3].map((index) => record(`r${index}`, handle.ioctl(SUBSCRIBE, null, 512)));
    simulator.emit('Events', 'Small', small(1)); // r0 completes before the close
    const closing = handle.close();
    expect(handle.close()).toBe(closing);
    // Use after close has begun is refused; it is not a request of the handle, so close need not wait for it.
    const late = rejection(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_PING, null, 0));
    await closing;
    log.push('closed');
    await Promise.all(requests);
    expect(log).toEqual(['r0 resolved', 'r1 ERROR_OPERATION_ABORTED', 'r2 ERROR_OPERATION_ABORTED', 'r3 ERROR_OPERATION_ABORTED', 'closed']);
    expect((await late).code).toBe('ERROR_INVALID_HANDLE');
    expect(simulator.state().handles).toEqual([]);
  });

  it('makes any later use ERROR_INVALID_HANDLE, and closing again a no-op', async () => {
    const { handle } = await setup();
    await handle.close();
    const error = await rejection(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_PING, null, 0));
    expect(error).toMatchObject({ code: 'ERROR_INVALID_HANDLE', errno: 6, canceled: false, operation: 'IOCTL 0x9C00200C (Ping)' });
    await expect(handle.close()).resolves.toBeUndefined();
  });
});

describe('errors are the DeviceError a Windows client would see', () => {
  it.each([
    ['an output buffer too small for R1', SUBSCRIBE, null, 100, 'ERROR_INSUFFICIENT_BUFFER', 122, 'IOCTL 0x9C006400 (subscribe Events)'],
    ['an unknown code', 0x9c006014, null, 0, 'ERROR_INVALID_FUNCTION', 1, 'IOCTL 0x9C006014'],
    ['a wrong input size', IOCTL_CONFORMANCE_DEVICE_ECHO, new Uint8Array(3), 36, 'ERROR_INVALID_PARAMETER', 87, 'IOCTL 0x9C00E000 (Echo)'],
    ['a call without a handler', IOCTL_CONFORMANCE_DEVICE_PING, null, 0, 'ERROR_NOT_SUPPORTED', 50, 'IOCTL 0x9C00200C (Ping)'],
    ['an output buffer too small for a call', IOCTL_CONFORMANCE_DEVICE_ECHO, EchoDataCodec.encode({ value: 1, text: '' }), 8, 'ERROR_INSUFFICIENT_BUFFER', 122, 'IOCTL 0x9C00E000 (Echo)'],
  ] as const)('%s', async (_name, code, input, outputLength, expectedCode, errno, operation) => {
    const { handle } = await setup();
    const error = await rejection(handle.ioctl(code, input, outputLength));
    expect(error).toMatchObject({ code: expectedCode, errno, canceled: false, operation });
    expect(error.message.startsWith(`${operation}: ${expectedCode} (${errno})`)).toBe(true);
  });

  it('ERROR_ACCESS_DENIED for a read handle sending a write IOCTL', async () => {
    const simulator = createSimulator(device);
    const handle = await simulator.backend.open(device.devicePath, { access: 'read' });
    const error = await rejection(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_WRITE_COUNTER, new Uint8Array(8), 0));
    expect(error).toMatchObject({ code: 'ERROR_ACCESS_DENIED', errno: 5, ntstatus: 0xc0000022 });
  });

  it('ERROR_FILE_NOT_FOUND for another path; the device path matches without regard to case', async () => {
    const simulator = createSimulator(device);
    const error = await rejection(simulator.backend.open('\\\\.\\OtherDevice', { access: 'read' }));
    expect(error).toMatchObject({ code: 'ERROR_FILE_NOT_FOUND', errno: 2, operation: 'open \\\\.\\OtherDevice' });
    expect(error.message).toContain(device.devicePath);
    const handle = await simulator.backend.open('\\\\.\\conformancedevice', { access: 'read' });
    expect([handle.path, handle.access]).toEqual(['\\\\.\\conformancedevice', 'read']);
  });

  it('TypeError for arguments a native binding would refuse', async () => {
    const { simulator, handle } = await setup();
    await expect(handle.ioctl(0x1_0000_0000, null, 0)).rejects.toThrow(TypeError);
    await expect(handle.ioctl(SUBSCRIBE, [1, 2] as never, 512)).rejects.toThrow(/Uint8Array or null/);
    await expect(handle.ioctl(SUBSCRIBE, null, 1.5)).rejects.toThrow(/outputLength/);
    await expect(simulator.backend.open(device.devicePath, { access: 'all' as never })).rejects.toThrow(/'read', 'write' or 'read-write'/);
    expect(simulator.trace()).toEqual([]);
  });
});
