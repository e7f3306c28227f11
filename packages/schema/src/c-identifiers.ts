/**
 * Every C identifier a generated header defines, with the schema path that owns it. The validator
 * uses this list to refuse collisions (a struct named DeviceType would redefine the device-type
 * macro); the C emitter uses the same suffixes, so the two cannot drift.
 */
import { joinPath } from './errors.js';
import type { DeviceModel } from './model.js';

export const DEVICE_MACRO_SUFFIXES = [
  'PUBLIC_H',
  'DEVICE_NAME',
  'SYMBOLIC_LINK_NAME',
  'DEVICE_PATH',
  'DEVICE_TYPE',
  'SDDL',
  'SCHEMA_HASH_STRING',
  'SCHEMA_HASH_INITIALIZER',
  'CHANNEL_COUNT',
  'PROTOCOL_INFO_OUTPUT_BYTES',
  'MAX_SUBSCRIPTIONS',
  'MAX_PARKED_PER_HANDLE',
  'MAX_RING_BYTES',
] as const;

export const CHANNEL_MACRO_SUFFIXES = ['INDEX', 'CAPACITY', 'OVERFLOW_POLICY', 'BATCH_BYTES', 'MAX_RECORD_BYTES', 'MINIMUM_OUTPUT_BYTES'] as const;

export function deviceMacro(model: Pick<DeviceModel, 'cPrefix'>, suffix: (typeof DEVICE_MACRO_SUFFIXES)[number]): string {
  return `${model.cPrefix}_${suffix}`;
}

export function channelMacro(channelCName: string, suffix: (typeof CHANNEL_MACRO_SUFFIXES)[number]): string {
  return `${channelCName}_${suffix}`;
}

export function collectCIdentifiers(model: DeviceModel): { identifier: string; path: string }[] {
  const result: { identifier: string; path: string }[] = [];
  for (const suffix of DEVICE_MACRO_SUFFIXES) result.push({ identifier: deviceMacro(model, suffix), path: '' });
  result.push({ identifier: model.protocolInfo.cName, path: '' });
  for (const entry of model.enums) {
    const path = joinPath('enums', entry.name);
    result.push({ identifier: entry.cName, path });
    for (const member of entry.members) result.push({ identifier: member.cName, path: joinPath(joinPath(path, 'values'), member.name) });
  }
  for (const struct of model.structs) {
    const path = joinPath('structs', struct.name);
    result.push({ identifier: struct.cName, path }, { identifier: `P${struct.cName}`, path }, { identifier: `_${struct.cName}`, path });
  }
  for (const call of model.calls) result.push({ identifier: call.ioctl.cName, path: joinPath('calls', call.name) });
  for (const channel of model.channels) {
    const path = joinPath('channels', channel.name);
    result.push({ identifier: channel.ioctl.cName, path });
    for (const suffix of CHANNEL_MACRO_SUFFIXES) result.push({ identifier: channelMacro(channel.cName, suffix), path });
    for (const event of channel.events) result.push({ identifier: event.cName, path: joinPath(joinPath(path, 'events'), event.name) });
  }
  return result;
}
