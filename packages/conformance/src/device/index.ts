/**
 * The device-generic scenarios of one descriptor, in the order runners list them: protocol
 * information, calls, access, then each channel's.
 */
import type { DeviceDescriptorV1 } from '@inverted-call/codec';
import { allChannelScenarios } from './channels.js';
import { accessScenarios, callScenarios, protocolScenarios } from './protocol-and-calls.js';
import type { DeviceScenario } from './scenario.js';

export function deviceScenarios(descriptor: DeviceDescriptorV1): DeviceScenario[] {
  const scenarios = [...protocolScenarios(descriptor), ...callScenarios(descriptor), ...accessScenarios(descriptor), ...allChannelScenarios(descriptor)];
  const names = new Set<string>();
  for (const entry of scenarios) {
    // Known differences are keyed by name, so a duplicate would silently share an entry.
    if (names.has(entry.name)) throw new Error(`conformance: two scenarios of ${descriptor.name} are named "${entry.name}"`);
    names.add(entry.name);
  }
  return scenarios;
}
