import { createSimulator, type Simulator } from '@inverted-call/simulator';
import { expect } from 'vitest';
import { openDevice } from '../src/index.js';
import { conformanceDevice } from '@inverted-call/conformance-device';

export const device = conformanceDevice;
export const EVENTS = conformanceDevice.channels.Events;

/**
 * A simulator and a client opened on it, for tests that run the client against the reference
 * model. Every simulator made here is checked by `expectSimulatorsClean` (call it in afterEach):
 * a test must close what it opened, so the driver is left with no handle and no subscription.
 */
const simulators: Simulator<typeof conformanceDevice>[] = [];

/** A simulator of the conformance device that `expectSimulatorsClean` will check. */
export function trackedSimulator(options: Parameters<typeof createSimulator>[1] = {}): Simulator<typeof conformanceDevice> {
  const simulator = createSimulator(device, options);
  simulators.push(simulator);
  return simulator;
}

export async function openOnSimulator(options: Parameters<typeof createSimulator>[1] = {}) {
  const simulator = trackedSimulator(options);
  const opened = await openDevice(device, { backend: simulator.backend });
  return { simulator, opened };
}

export async function expectSimulatorsClean(): Promise<void> {
  for (const simulator of simulators.splice(0)) {
    await simulator.settle();
    expect(simulator.state().handles, 'a test left a handle open').toEqual([]);
    expect(simulator.state().subscriptions, 'a test left a subscription').toEqual([]);
  }
}
