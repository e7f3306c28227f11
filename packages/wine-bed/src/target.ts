/**
 * `@inverted-call/wine-bed/target`: one way to write a device test once and run it against both
 * the simulator and the real driver. `openTestTarget(descriptor)` gives the simulator of the
 * device, unless INVERTED_CALL_DEVICE_BRIDGE is set (`inverted-call-wine test` sets it for the
 * project's tests): then it gives the driver under Wine, through the device bridge.
 *
 *   const target = await openTestTarget(myDevice, { simulate: (simulator) => simulator.handle('GetVersion', ...) });
 *   const device = await openDevice(myDevice, { backend: target.process('service') });
 *   await target.emit('Status', 'Changed', { ... });   // the simulator's emit, or the driver's CoreEmit
 *   ...
 *   await device.close(); await target.dispose();
 *
 * Calls: on the simulator, what `simulate` registers answers them; on the driver, Handlers.c does.
 * Keep the two in step (the project's src/simulation.ts is the simulator's side) and the same
 * test passes on both.
 */
import type { DeviceDescriptorV1 } from '@inverted-call/codec';
import type { DeviceTestTarget } from '@inverted-call/conformance';
import { createSimulatorDeviceTarget } from '@inverted-call/conformance/simulator';
import type { Simulator } from '@inverted-call/simulator';
import { BRIDGE_ADDRESS_ENV } from './bridge-protocol.js';
import { createBridgeDeviceTarget } from './bridge-target.js';

export interface TestTarget<Device extends DeviceDescriptorV1 = DeviceDescriptorV1> extends DeviceTestTarget {
  /** `simulator` or `driver`: for the rare test that can only run on one of them. */
  readonly kind: 'simulator' | 'driver';
  /** The simulator, on the simulator target only. */
  readonly simulator?: Simulator<Device>;
}

export interface TestTargetOptions<Device extends DeviceDescriptorV1 = DeviceDescriptorV1> {
  /** Sets the simulator up to answer as the driver does (call handlers, latency): simulator target only. */
  simulate?: (simulator: Simulator<Device>) => void;
  /** Overrides the environment: a bridge address, or null for the simulator whatever the environment says. */
  bridge?: string | null;
}

/** The target the environment asks for: the driver under Wine when a bridge is set, else the simulator. */
export async function openTestTarget<Device extends DeviceDescriptorV1>(descriptor: Device, options: TestTargetOptions<Device> = {}): Promise<TestTarget<Device>> {
  const address = options.bridge === undefined ? process.env[BRIDGE_ADDRESS_ENV] : options.bridge;
  if (address) return { kind: 'driver', ...(await createBridgeDeviceTarget(descriptor, address)) };
  const target = createSimulatorDeviceTarget(descriptor);
  options.simulate?.(target.simulator);
  return { kind: 'simulator', ...target };
}

export { BRIDGE_ADDRESS_ENV };
export type { DeviceTestTarget };
