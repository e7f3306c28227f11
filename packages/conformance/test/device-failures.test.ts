/**
 * Negative controls of the device-generic scenarios: a target that breaks one rule fails the
 * scenario about it with a message saying what differed, while the same scenario passes on the
 * plain simulator. Also the plain runner's results and its known differences.
 */
import { type DeviceBackendV1, type DeviceHandleV1 } from '@inverted-call/backend';
import { BATCH_HEADER_BYTES, BatchHeaderCodec, type DeviceDescriptorV1 } from '@inverted-call/codec';
import { ConformanceFailure, conformanceDevice, deviceScenarios, runDeviceConformance, runDeviceScenario, type DeviceScenario, type DeviceTestTarget } from '@inverted-call/conformance';
import { createSimulatorDeviceTarget } from '@inverted-call/conformance/simulator';
import { describe, expect, it } from 'vitest';
import { processMonitorDevice } from '../../../examples/process-monitor/generated/process-monitor.js';

function scenarioNamed(descriptor: DeviceDescriptorV1, name: string): DeviceScenario {
  const found = deviceScenarios(descriptor).find((entry) => entry.name === name);
  if (!found) throw new Error(`no scenario of ${descriptor.name} named "${name}"`);
  return found;
}

/** The error `scenario` fails with against `target` (undefined if it passes). */
function failureOf(scenario: DeviceScenario, descriptor: DeviceDescriptorV1, makeTarget: () => DeviceTestTarget): Promise<unknown> {
  return runDeviceScenario(scenario, descriptor, async () => makeTarget()).then(() => undefined, (error: unknown) => error);
}

/** The simulator, except that the second event emitted on its own never reaches the driver. */
function losingTheSecondEvent(descriptor: DeviceDescriptorV1): DeviceTestTarget {
  const target = createSimulatorDeviceTarget(descriptor);
  let emits = 0;
  return { ...target, emit: async (channel, kind, data, count) => (++emits === 2 ? undefined : target.emit(channel, kind, data, count)) };
}

/** The simulator, with a state report that counts one drop more than the driver made. */
function overcountingDropsInState(descriptor: DeviceDescriptorV1): DeviceTestTarget {
  const target = createSimulatorDeviceTarget(descriptor);
  return {
    ...target,
    state: async () => {
      const state = await target.state();
      return { ...state, subscriptions: state.subscriptions.map((entry) => ({ ...entry, dropped: entry.dropped === 0n ? 0n : entry.dropped + 1n })) };
    },
  };
}

/** The simulator behind a backend whose handles' ioctls go through `ioctl`, which gets the real one. */
function wrappingIoctls(descriptor: DeviceDescriptorV1, ioctl: (real: DeviceHandleV1['ioctl']) => DeviceHandleV1['ioctl'], target: DeviceTestTarget = createSimulatorDeviceTarget(descriptor)): DeviceTestTarget {
  const wrap = (handle: DeviceHandleV1): DeviceHandleV1 => ({
    path: handle.path,
    access: handle.access,
    close: () => handle.close(),
    ioctl: ioctl((code, input, outputLength, options) => handle.ioctl(code, input, outputLength, options)),
  });
  return {
    ...target,
    process: (name): DeviceBackendV1 => {
      const backend = target.process(name);
      return { specificationVersion: 'v1', name: `wrapped ${name}`, open: async (path, options) => wrap(await backend.open(path, options)) };
    },
  };
}

/** A driver whose batches carry a DroppedTotal one lower than the drops it made. */
function undercountingDropsInBatches(descriptor: DeviceDescriptorV1): DeviceTestTarget {
  const codes = new Set(Object.values(descriptor.channels).map((channel) => channel.code));
  return wrappingIoctls(descriptor, (real) => async (code, input, outputLength, options) => {
    const result = await real(code, input, outputLength, options);
    if (codes.has(code) && result.output.byteLength >= BATCH_HEADER_BYTES) {
      const header = BatchHeaderCodec.decode(result.output);
      // The output is the caller's own copy (DeviceHandleV1), so it may be changed in place.
      if (header.droppedTotal > 0n) result.output.set(BatchHeaderCodec.encode({ ...header, droppedTotal: header.droppedTotal - 1n }));
    }
    return result;
  });
}

/** A driver that never cancels: a request's abort signal never reaches it. */
function neverCancelling(descriptor: DeviceDescriptorV1): DeviceTestTarget {
  return wrappingIoctls(descriptor, (real) => (code, input, outputLength) => real(code, input, outputLength));
}

/** A driver that carries out a call whatever its input's length (the backend pads or cuts it to size); its Echo echoes. */
function ignoringInputLengths(descriptor: typeof conformanceDevice): DeviceTestTarget {
  const target = createSimulatorDeviceTarget(descriptor);
  target.simulator.handle('Echo', (input) => input);
  const inputSizes = new Map<number, number>(Object.values(descriptor.calls).map((call) => [call.code, call.input?.size ?? 0]));
  return wrappingIoctls(descriptor, (real) => (code, input, outputLength, options) => {
    const size = inputSizes.get(code);
    if (size === undefined) return real(code, input, outputLength, options);
    const fitted = size === 0 ? null : new Uint8Array(size);
    if (fitted && input) fitted.set(input.subarray(0, size));
    return real(code, fitted, outputLength, options);
  }, target);
}

/** A bridge that opens every handle read-write, whatever access the client asked for. */
function ignoringAccess(descriptor: DeviceDescriptorV1): DeviceTestTarget {
  const target = createSimulatorDeviceTarget(descriptor);
  return {
    ...target,
    process: (name): DeviceBackendV1 => {
      const backend = target.process(name);
      return { specificationVersion: 'v1', name: `read-write ${name}`, open: (path) => backend.open(path, { access: 'read-write' }) };
    },
  };
}

/** A bridge whose close() reports success without closing: the driver never sees the handle go. */
function neverClosing(descriptor: DeviceDescriptorV1): DeviceTestTarget {
  const target = createSimulatorDeviceTarget(descriptor);
  const opened: DeviceHandleV1[] = [];
  return {
    ...target,
    process: (name): DeviceBackendV1 => {
      const backend = target.process(name);
      return {
        specificationVersion: 'v1',
        name: `leaky ${name}`,
        open: async (path, options) => {
          const handle = await backend.open(path, options);
          opened.push(handle);
          return { path: handle.path, access: handle.access, ioctl: (...args) => handle.ioctl(...args), close: async () => {} };
        },
      };
    },
    // The leaked handles are closed for real when the target goes, so the run ends clean.
    dispose: async () => {
      await Promise.all(opened.map((handle) => handle.close()));
    },
  };
}

const device = conformanceDevice;
const delivery = scenarioNamed(device, 'Events: events reach a subscriber in order, every kind with its exact data, numbered from 0 without a gap');
const overflow = scenarioNamed(device, "Latest (drop-oldest, capacity 4): 2 events past a full ring are dropped and counted exactly, in the driver's state and in the batches");
const cancel = scenarioNamed(device, 'Events: a cancelled subscribe request fails with ERROR_OPERATION_ABORTED, leaves nothing parked, and the next event waits for the next request');
const protocol = scenarioNamed(device, 'protocol information matches the descriptor: version 2, schema hash, channel and verdict counts, per channel its capacity, policy, batch bytes and largest record, and per verdict its deadline, pending limit and struct sizes');
const access = scenarioNamed(device, 'handles without the access a code needs are denied with ERROR_ACCESS_DENIED (Echo, ReadCounter, WriteCounter, Inject, Events, Latest, Audit)');
const close = scenarioNamed(device, 'Audit: closing a handle cancels its parked requests and frees its subscription');
const echoLengths = scenarioNamed(device, 'Echo: input of the wrong size fails with ERROR_INVALID_PARAMETER, an output buffer too small with ERROR_INSUFFICIENT_BUFFER');

describe('the device-generic scenarios fail a broken target', () => {
  it('passes the scenarios used below against the simulator itself', async () => {
    for (const scenario of [delivery, overflow, cancel, protocol, echoLengths, access, close]) {
      expect(await failureOf(scenario, device, () => createSimulatorDeviceTarget(device)), scenario.name).toBeUndefined();
    }
  });

  it('fails delivery when the target loses an event on the way to the driver', async () => {
    const failure = await failureOf(delivery, device, () => losingTheSecondEvent(device));
    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect((failure as Error).message).toMatch(/^the subscription after 3 events: expected .*nextSequence: 3n/s);
  });

  it('fails exact loss accounting when the driver state counts a drop too many', async () => {
    const failure = await failureOf(overflow, device, () => overcountingDropsInState(device));
    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect((failure as Error).message).toMatch(/^the subscription after 6 events with no request: expected .*dropped: 2n.*got .*dropped: 3n/s);
  });

  it('fails exact loss accounting when the batches carry a DroppedTotal one short', async () => {
    const failure = await failureOf(overflow, device, () => undercountingDropsInBatches(device));
    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect((failure as Error).message).toBe('Latest: DroppedTotal of each batch: expected 2n, got 1n');
  });

  it('fails cancel when the driver never cancels a parked request', async () => {
    const failure = await failureOf(cancel, device, () => neverCancelling(device));
    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect((failure as Error).message).toMatch(/^the cancelled request: expected a DeviceError ERROR_OPERATION_ABORTED, got ConformanceFailure: the cancelled request: nothing after 5000 ms/);
  }, 30_000);

  it('fails protocol information when the driver was built from another schema', async () => {
    const failure = await failureOf(protocol, device, () => ({ ...createSimulatorDeviceTarget({ ...device, schemaHash: 'ab'.repeat(32) }), descriptor: device }));
    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect((failure as Error).message).toMatch(/^schema hash \(the driver was built from another schema: regenerate and rebuild it\): expected '[0-9a-f]{64}', got 'abab/);
  });

  it('fails a call when the driver accepts input of the wrong length', async () => {
    const failure = await failureOf(echoLengths, device, () => ignoringInputLengths(device));
    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect((failure as Error).message).toBe('Echo, 35 bytes in: expected a rejection, but it resolved');
  });

  it('fails access checks when the bridge opens every handle read-write', async () => {
    const failure = await failureOf(access, device, () => ignoringAccess(device));
    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect((failure as Error).message).toBe("Echo on a read-only handle: Win32 error: expected 'ERROR_ACCESS_DENIED', got 'ERROR_INVALID_PARAMETER'");
  });

  it('fails close when closing a handle does not reach the driver', async () => {
    const failure = await failureOf(close, device, () => neverClosing(device));
    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect((failure as Error).message).toMatch(/^parked request 1 of the closed handle: expected a DeviceError ERROR_OPERATION_ABORTED, got ConformanceFailure: parked request 1 of the closed handle: nothing after 5000 ms/);
  }, 30_000);

  it('refuses a target made for another device, naming both', async () => {
    const failure = await failureOf(delivery, device, () => createSimulatorDeviceTarget(processMonitorDevice));
    expect((failure as Error).message).toMatch(/^conformance: target "simulator of ProcessMonitor" is for ProcessMonitor .* but the scenarios were made for ConformanceDevice/);
  });
});

describe('runDeviceConformance, the plain runner', () => {
  it('returns one result per scenario: ok on the simulator, with how long each took', async () => {
    const results = await runDeviceConformance(processMonitorDevice, async () => createSimulatorDeviceTarget(processMonitorDevice));
    expect(results.map((result) => result.name)).toEqual(deviceScenarios(processMonitorDevice).map((entry) => entry.name));
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(results.every((result) => Number.isInteger(result.milliseconds) && result.milliseconds >= 0)).toBe(true);
  });

  it('reports the failed scenario with its message, and the others ok', async () => {
    const results = await runDeviceConformance(device, async () => overcountingDropsInState(device));
    const failed = results.filter((result) => !result.ok);
    expect(failed.map((result) => result.name)).toEqual(deviceScenarios(device).filter((entry) => entry.name.includes('dropped and counted exactly')).map((entry) => entry.name));
    expect(failed[0]!.error).toMatch(/^the subscription after 10 events with no request: expected/);
  });

  it('counts a known difference as ok while it fails, and as a stale entry once it passes', async () => {
    const reason = 'this driver counts one drop too many (negative control)';
    const failing = await runDeviceConformance(device, async () => overcountingDropsInState(device), { knownDifferences: { [overflow.name]: reason } });
    expect(failing.find((result) => result.name === overflow.name)).toMatchObject({ ok: true, knownDifference: reason });
    const passing = await runDeviceConformance(device, async () => createSimulatorDeviceTarget(device), { knownDifferences: { [overflow.name]: reason } });
    expect(passing.find((result) => result.name === overflow.name)).toMatchObject({ ok: false, knownDifference: reason, error: 'now passes: remove it from knownDifferences' });
  });

  it('refuses a known difference that names no scenario', async () => {
    await expect(runDeviceConformance(device, async () => createSimulatorDeviceTarget(device), { knownDifferences: { 'no such scenario': 'x' } })).rejects.toThrow('conformance: knownDifferences names no scenario: "no such scenario"');
  });
});
