/** The simulator's test controls: call handlers, process crashes, injected errors, state, latency. */
import { DeviceError } from '@inverted-call/backend';
import { describe, expect, it } from 'vitest';
import { createSimulator, type SimulatedHandle } from '../src/index.js';
import {
  CounterCodec,
  EchoDataCodec,
  EmitRequestCodec,
  IOCTL_CONFORMANCE_DEVICE_ECHO,
  IOCTL_CONFORMANCE_DEVICE_INJECT,
  IOCTL_CONFORMANCE_DEVICE_PING,
  IOCTL_CONFORMANCE_DEVICE_READ_COUNTER,
  IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS,
  IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST,
  device,
  small,
  smallTags,
} from './helpers.js';

const SUBSCRIBE = IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS;
const echo = (value: number, text: string) => EchoDataCodec.encode({ value, text });

async function failure(promise: Promise<unknown>): Promise<DeviceError> {
  const error = await promise.then(() => expect.unreachable('expected a rejection'), (reason: unknown) => reason);
  expect(error).toBeInstanceOf(DeviceError);
  return error as DeviceError;
}

describe('call handlers', () => {
  it('answer with the decoded input and the handle id, synchronously or not', async () => {
    const simulator = createSimulator(device);
    const seen: number[] = [];
    simulator.handle('Echo', (input, context) => {
      seen.push(context.handleId);
      return { value: input.value + 1, text: input.text.toUpperCase() };
    });
    simulator.handle('ReadCounter', async () => ({ value: 7n }));
    const handle = await simulator.backend.open(device.devicePath, { access: 'read-write' });
    const result = await handle.ioctl(IOCTL_CONFORMANCE_DEVICE_ECHO, echo(41, 'hi'), 64);
    expect(result.bytesReturned).toBe(36);
    expect(EchoDataCodec.decode(result.output)).toEqual({ value: 42, text: 'HI' });
    expect(CounterCodec.decode((await handle.ioctl(IOCTL_CONFORMANCE_DEVICE_READ_COUNTER, null, 8)).output)).toEqual({ value: 7n });
    expect(seen).toEqual([handle.handleId]);
  });

  it('complete with the NTSTATUS of a thrown DeviceError, and STATUS_UNSUCCESSFUL for anything else', async () => {
    const simulator = createSimulator(device);
    const bug = new Error('handler bug');
    simulator.handle('Ping', () => {
      throw new DeviceError('ERROR_NO_SYSTEM_RESOURCES');
    });
    simulator.handle('Echo', async () => {
      throw bug;
    });
    simulator.handle('ReadCounter', () => ({ value: -1n }));
    const handle = await simulator.backend.open(device.devicePath, { access: 'read-write' });
    expect(await failure(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_PING, null, 0))).toMatchObject({ code: 'ERROR_NO_SYSTEM_RESOURCES', errno: 1450 });
    const thrown = await failure(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_ECHO, echo(1, ''), 36));
    expect(thrown).toMatchObject({ code: 'ERROR_GEN_FAILURE', errno: 31, ntstatus: 0xc0000001, cause: bug });
    expect(thrown.message).toContain('the handler of Echo threw');
    const unencodable = await failure(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_READ_COUNTER, null, 8));
    expect(unencodable.code).toBe('ERROR_GEN_FAILURE');
    expect(String((unencodable.cause as Error).message)).toMatch(/Counter\.value/);
  });

  it('are cancelable while pending: the signal aborts, the client sees the cancel, the late answer is dropped', async () => {
    const simulator = createSimulator(device);
    let finish!: (value: { value: number; text: string }) => void;
    let signal!: AbortSignal;
    simulator.handle('Echo', (_input, context) => {
      signal = context.signal;
      return new Promise((resolve) => (finish = resolve));
    });
    const handle = await simulator.backend.open(device.devicePath, { access: 'read-write' });
    const controller = new AbortController();
    const request = handle.ioctl(IOCTL_CONFORMANCE_DEVICE_ECHO, echo(1, 'x'), 36, { signal: controller.signal });
    await simulator.settle();
    expect(signal.aborted).toBe(false);
    controller.abort();
    expect(await failure(request)).toMatchObject({ canceled: true, operation: 'IOCTL 0x9C00E000 (Echo)' });
    expect(signal.aborted).toBe(true);
    finish({ value: 1, text: 'late' });
    await simulator.settle();
    expect(simulator.trace().map((entry) => entry.status)).toEqual([0xc0000120]);
  });

  it('may drive the device themselves, as the conformance device\'s Inject call does', async () => {
    const simulator = createSimulator(device);
    simulator.handle('Inject', (input) => {
      for (let index = 0; index < input.count; index++) simulator.emit('Events', 'Small', { tag: input.firstTag + BigInt(index), value: index, flag: false });
      return { value: BigInt(input.count) };
    });
    const handle = await simulator.backend.open(device.devicePath, { access: 'read-write' });
    const parked = handle.ioctl(SUBSCRIBE, null, 512);
    const injected = await handle.ioctl(IOCTL_CONFORMANCE_DEVICE_INJECT, EmitRequestCodec.encode({ channel: 0, kind: 1, reserved: 0, count: 3, firstTag: 100n }), 8);
    expect(CounterCodec.decode(injected.output).value).toBe(3n);
    expect(smallTags((await parked).output)).toEqual([[0n, 100n]]);
    expect(smallTags((await handle.ioctl(SUBSCRIBE, null, 512)).output)).toEqual([[1n, 101n], [2n, 102n]]);
  });

  it('refuse names the device does not have', () => {
    const simulator = createSimulator(device);
    expect(() => simulator.handle('Nope' as 'Echo', () => ({ value: 0, text: '' }))).toThrow(/has no call "Nope"/);
  });
});

describe('crash', () => {
  it('closes every handle of that process as the I/O manager would, while another process keeps receiving', async () => {
    const simulator = createSimulator(device);
    const dying = simulator.createBackend('dying');
    const survivor = simulator.createBackend('survivor');
    const [a, b] = await Promise.all([dying.open(device.devicePath, { access: 'read' }), dying.open(device.devicePath, { access: 'read' })]);
    const c = await survivor.open(device.devicePath, { access: 'read' });
    const pending = [a!.ioctl(SUBSCRIBE, null, 512), b!.ioctl(SUBSCRIBE, null, 512), a!.ioctl(IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, null, 256)].map(failure);
    const received = c.ioctl(SUBSCRIBE, null, 512);

    await simulator.crash(dying);
    for (const error of await Promise.all(pending)) expect(error).toMatchObject({ code: 'ERROR_OPERATION_ABORTED', canceled: true });
    expect(dying.crashed).toBe(true);
    expect((await failure(a!.ioctl(IOCTL_CONFORMANCE_DEVICE_PING, null, 0))).code).toBe('ERROR_INVALID_HANDLE');
    expect((await failure(dying.open(device.devicePath, { access: 'read' }))).code).toBe('ERROR_INVALID_HANDLE');
    await expect(b!.close()).resolves.toBeUndefined();

    const outcomes = simulator.emit('Events', 'Small', small(1));
    expect(outcomes.map((outcome) => [outcome.processName, outcome.outcome])).toEqual([['survivor', 'completed']]);
    expect(smallTags((await received).output)).toEqual([[0n, 1n]]);
    expect(simulator.state().handles.map((handle) => handle.processName)).toEqual(['survivor']);
  });

  it('refuses a backend of another simulator', () => {
    const simulator = createSimulator(device);
    expect(() => simulator.crash(createSimulator(device).backend)).toThrow(/not made by this simulator/);
  });
});

describe('injectError', () => {
  it('fails the next requests to a call or channel with the Win32 error asked for, then stops', async () => {
    const simulator = createSimulator(device);
    simulator.handle('Ping', () => undefined);
    const handle = await simulator.backend.open(device.devicePath, { access: 'read-write' });
    simulator.injectError('Ping', 'ERROR_GEN_FAILURE', 2);
    simulator.injectError('Events', 'ERROR_NO_SYSTEM_RESOURCES');
    expect((await failure(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_PING, null, 0))).code).toBe('ERROR_GEN_FAILURE');
    expect((await failure(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_PING, null, 0))).code).toBe('ERROR_GEN_FAILURE');
    await expect(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_PING, null, 0)).resolves.toEqual({ output: new Uint8Array(0), bytesReturned: 0 });
    expect((await failure(handle.ioctl(SUBSCRIBE, null, 512))).code).toBe('ERROR_NO_SYSTEM_RESOURCES');
    simulator.injectError(IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, 'ERROR_OPERATION_ABORTED');
    expect((await failure(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, null, 256))).canceled).toBe(true);
  });

  it('refuses unknown targets and error names', () => {
    const simulator = createSimulator(device);
    expect(() => simulator.injectError('Nope' as 'Ping', 'ERROR_GEN_FAILURE')).toThrow(/no call or channel "Nope"/);
    expect(() => simulator.injectError('Ping', 'ERROR_NOPE' as 'ERROR_GEN_FAILURE')).toThrow(/unknown Win32 error/);
    expect(() => simulator.injectError('Ping', 'ERROR_GEN_FAILURE', 0)).toThrow(RangeError);
  });
});

describe('state, emit and settle', () => {
  it('reports handles, subscriptions and totals as the driver holds them', async () => {
    const simulator = createSimulator(device, { processName: 'service' });
    simulator.setChannel('Latest', { capacity: 2 });
    const reader = await simulator.backend.open(device.devicePath, { access: 'read' });
    const other = await simulator.createBackend('tool').open(device.devicePath, { access: 'read-write' });
    // Left parked on purpose; the close at the end cancels them.
    const parked = [reader.ioctl(SUBSCRIBE, null, 512), reader.ioctl(SUBSCRIBE, null, 512), other.ioctl(IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, null, 256)].map((request) => request.catch((error: DeviceError) => error.code));
    simulator.emit('Events', 'Small', small(1));
    simulator.stall('Latest');
    const burst = simulator.emitBurst('Latest', [0, 1, 2].map((tag) => ({ kind: 'Small' as const, data: small(tag) })));
    expect(burst.map((outcomes) => outcomes[0]!.outcome)).toEqual(['queued', 'queued', 'replaced-oldest']);
    await simulator.settle();

    const state = simulator.state();
    expect(state.handles).toEqual([
      { handleId: reader.handleId, processName: 'service', path: device.devicePath, access: 'read' },
      { handleId: other.handleId, processName: 'tool', path: device.devicePath, access: 'read-write' },
    ]);
    expect(state.subscriptions).toEqual([
      { subscriptionId: 1, handleId: reader.handleId, processName: 'service', channel: 'Events', parked: 1, ringFill: 0, capacity: 8, overflow: 'drop-newest', nextSequence: 1n, dropped: 0n },
      { subscriptionId: 2, handleId: other.handleId, processName: 'tool', channel: 'Latest', parked: 1, ringFill: 2, capacity: 2, overflow: 'drop-oldest', nextSequence: 3n, dropped: 1n },
    ]);
    expect(state.channels.map((channel) => [channel.channel, channel.capacity, channel.stalled])).toEqual([['Events', 8, false], ['Latest', 2, true], ['Audit', 16, false]]);
    expect(state.totals).toEqual({ completions: 1, cancels: 0, eventsEmitted: 4, eventsOffered: 4, eventsDelivered: 1, eventsDropped: 1 });
    await Promise.all([reader.close(), other.close()]);
    expect(await Promise.all(parked)).toEqual([expect.objectContaining({ bytesReturned: 56 }), 'ERROR_OPERATION_ABORTED', 'ERROR_OPERATION_ABORTED']);
    expect(simulator.state().totals.cancels).toBe(2);
  });

  it('checks event data against the schema before anything is offered', () => {
    const simulator = createSimulator(device);
    expect(() => simulator.emit('Events', 'Small', { tag: 1 as unknown as bigint, value: 0, flag: false })).toThrow(/Small\.tag/);
    expect(() => simulator.emit('Events', 'Huge' as 'Small', small(1))).toThrow(/no event kind "Huge"/);
    expect(simulator.state().totals.eventsEmitted).toBe(0);
  });

  it('types controls from the descriptor', () => {
    const simulator = createSimulator(device);
    // @ts-expect-error Latest has no Large events
    expect(() => simulator.emit('Latest', 'Large', { tag: 1n, text: '' })).toThrow(RangeError);
    // @ts-expect-error Echo's output is EchoData
    simulator.handle('Echo', () => ({ value: 1n }));
    // @ts-expect-error no such channel
    expect(() => simulator.stall('Nope')).toThrow(RangeError);
  });
});

describe('latency', () => {
  it('keeps each handle\'s completions in completion order under seeded random delays, and leaves no timer behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout' || resource === 'Immediate').length;
    const before = timers();
    const simulator = createSimulator(device, { latency: { minMs: 0, maxMs: 4, seed: 7 } });
    const handles: SimulatedHandle[] = [];
    for (let index = 0; index < 3; index++) handles.push(await simulator.backend.open(device.devicePath, { access: 'read' }));
    const seen = new Map<number, bigint[]>();
    const requests = handles.flatMap((handle) =>
      Array.from({ length: 10 }, () =>
        handle.ioctl(SUBSCRIBE, null, 288).then((result) => {
          const list = seen.get(handle.handleId) ?? [];
          list.push(...smallTags(result.output).map(([sequence]) => sequence));
          seen.set(handle.handleId, list);
        }),
      ),
    );
    for (let tag = 0; tag < 10; tag++) simulator.emit('Events', 'Small', small(tag));
    await Promise.all(requests);
    const expected = Array.from({ length: 10 }, (_, index) => BigInt(index));
    for (const handle of handles) expect(seen.get(handle.handleId)).toEqual(expected);
    await Promise.all(handles.map((handle) => handle.close()));
    await simulator.settle();
    // A timer of the test runner may have been pending at the start and gone by now: none may be added.
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('refuses a range that is not one', () => {
    expect(() => createSimulator(device, { latency: { minMs: 5, maxMs: 1, seed: 1 } })).toThrow(/minMs <= maxMs/);
    expect(() => createSimulator(device, { latency: { minMs: 0, maxMs: 1, seed: 0.5 } })).toThrow(/seed/);
  });
});

describe('ping without a handler still checks access first', () => {
  it('sends FILE_ANY_ACCESS calls from any handle', async () => {
    const simulator = createSimulator(device);
    const handle = await simulator.backend.open(device.devicePath, { access: 'write' });
    expect((await failure(handle.ioctl(IOCTL_CONFORMANCE_DEVICE_PING, null, 0))).code).toBe('ERROR_NOT_SUPPORTED');
  });
});
