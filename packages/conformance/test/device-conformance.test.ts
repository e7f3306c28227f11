/**
 * The device-generic scenarios pass on the simulator for four devices: the conformance device,
 * the process-monitor example as generated, a device with calls only, and a device generated here
 * from a schema with every field kind.
 */
import { conformanceDevice, deviceScenarios } from '@inverted-call/conformance';
import { createSimulatorDeviceTarget } from '@inverted-call/conformance/simulator';
import { describeDeviceConformance } from '@inverted-call/conformance/vitest';
import { describe, expect, it } from 'vitest';
import { processMonitorDevice } from '../../../examples/process-monitor/generated/process-monitor.js';
import { callsOnlyDevice } from './support/calls-only-device.js';
import { generatedDescriptor } from './support/generated-device.js';

const fieldKindsDevice = await generatedDescriptor('test/fixtures/field-kinds.device.json');

for (const descriptor of [conformanceDevice, processMonitorDevice, callsOnlyDevice, fieldKindsDevice]) {
  describeDeviceConformance(descriptor, async () => createSimulatorDeviceTarget(descriptor), { name: `${descriptor.name} on the simulator` });
}

describe('which scenarios a descriptor gets', () => {
  const names = (descriptor: typeof fieldKindsDevice) => deviceScenarios(descriptor).map((entry) => entry.name);

  it('a device with calls only gets the protocol, call and access scenarios, and no channel scenario', () => {
    expect(names(callsOnlyDevice)).toHaveLength(2 + 4 + 1);
  });

  it('the two-subscriber scenario only where the limits let two subscriptions of the channel exist', () => {
    // FieldKinds' maxRingBytes (2048) holds one Frames ring (8 x 136) but not two; two Alerts rings (4 x 24) fit.
    const fanOut = names(fieldKindsDevice).filter((name) => name.includes('two subscribers'));
    expect(fanOut).toEqual(['Alerts: two subscribers in two processes each get every event, numbered by their own subscription']);
  });

  it('no access scenario for a device whose every code is FILE_ANY_ACCESS', () => {
    const open = { ...callsOnlyDevice, calls: { SetLabel: callsOnlyDevice.calls.SetLabel } };
    expect(names(open).filter((name) => name.includes('ERROR_ACCESS_DENIED'))).toEqual([]);
  });
});
