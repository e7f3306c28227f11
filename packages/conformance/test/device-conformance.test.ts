/**
 * The device-generic scenarios pass on the simulator for three devices: the conformance device,
 * the process-monitor example as generated, and a device with calls only.
 */
import { conformanceDevice } from '@inverted-call/conformance';
import { createSimulatorDeviceTarget } from '@inverted-call/conformance/simulator';
import { describeDeviceConformance } from '@inverted-call/conformance/vitest';
import { processMonitorDevice } from '../../../examples/process-monitor/generated/process-monitor.js';
import { callsOnlyDevice } from './support/calls-only-device.js';

for (const descriptor of [conformanceDevice, processMonitorDevice, callsOnlyDevice]) {
  describeDeviceConformance(descriptor, async () => createSimulatorDeviceTarget(descriptor), { name: `${descriptor.name} on the simulator` });
}
