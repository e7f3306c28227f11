/**
 * `@inverted-call/conformance/simulator`: any device's simulator as a DeviceTestTarget, so the
 * device-generic scenarios run without a driver. Events go through `simulator.emit`, state and
 * settle through the simulator's controls. Calls get no handler: the scenarios never make a call
 * the driver would carry out, and a test that wants one registers it on `target.simulator`.
 */
import type { DeviceDescriptorV1 } from '@inverted-call/codec';
import { createSimulator, type Simulator, type SimulatorOptions } from '@inverted-call/simulator';
import type { DeviceDriverState, DeviceTestTarget } from './device-target.js';

export interface SimulatorDeviceTarget<Device extends DeviceDescriptorV1 = DeviceDescriptorV1> extends DeviceTestTarget {
  /** Typed by the device: `simulator.handle('GetVersion', ...)` checks the call's name and data. */
  readonly simulator: Simulator<Device>;
}

export function createSimulatorDeviceTarget<Device extends DeviceDescriptorV1>(descriptor: Device, options: SimulatorOptions = {}): SimulatorDeviceTarget<Device> {
  const simulator = createSimulator(descriptor, options);
  return {
    name: `simulator of ${descriptor.name}`,
    descriptor,
    simulator,
    process: (name) => simulator.createBackend(name),
    emit: async (channel, kind, data, count = 1) => {
      // The channel and kind are only known at run time here; the simulator checks both.
      for (let index = 0; index < count; index++) simulator.emit(channel, kind as never, data as never);
    },
    state: async () => simulatorDriverState(simulator),
    settle: () => simulator.settle(),
    // A simulator holds no timers or handles of the host once idle: nothing to free.
    dispose: async () => {},
  };
}

/** The simulator's state as a driver's state IOCTL reports it: what both kinds of target give. */
export function simulatorDriverState<Device extends DeviceDescriptorV1>(simulator: Simulator<Device>): DeviceDriverState {
  const state = simulator.state();
  return {
    openHandles: state.handles.length,
    subscriptions: state.subscriptions.map((subscription) => ({
      process: subscription.processName,
      channel: subscription.channel,
      parked: subscription.parked,
      ringFill: subscription.ringFill,
      dropped: subscription.dropped,
      nextSequence: subscription.nextSequence,
    })),
  };
}
