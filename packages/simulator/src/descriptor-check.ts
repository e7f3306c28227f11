/**
 * Checks a device descriptor before the model trusts it. A generated descriptor always passes;
 * these catch hand-written or stale ones whose numbers disagree with each other, which would make
 * the simulator behave unlike the driver built from the same schema.
 */
import {
  BATCH_HEADER_BYTES,
  PROTOCOL_VERSION,
  VERDICT_QUESTION_HEADER_BYTES,
  describeOverflowPolicies,
  isOverflowPolicy,
  recordBytes,
  requiredAccessOfCode,
  schemaHashBytes,
  type DeviceDescriptorV1,
} from '@inverted-call/codec';
import { hex32 } from './ntstatus.js';

const REGENERATE = 'regenerate the device module with @inverted-call/codegen';

function fail(path: string, message: string): never {
  throw new TypeError(`descriptor ${path}: ${message}; ${REGENERATE}`);
}

export function checkDescriptor(descriptor: DeviceDescriptorV1): void {
  if (descriptor.specificationVersion !== 'v1') fail('specificationVersion', `expected 'v1', got ${JSON.stringify(descriptor.specificationVersion)}`);
  if (descriptor.protocolVersion !== PROTOCOL_VERSION) fail('protocolVersion', `this simulator speaks protocol ${PROTOCOL_VERSION}, the descriptor says ${String(descriptor.protocolVersion)}`);
  // Protocol v2 descriptors carry verdicts ({} when the schema has none).
  if (typeof descriptor.verdicts !== 'object' || descriptor.verdicts === null) fail('verdicts', 'is missing');
  if (typeof descriptor.devicePath !== 'string' || descriptor.devicePath === '') fail('devicePath', 'must be a non-empty string such as \\\\.\\MyDevice');
  schemaHashBytes(descriptor.schemaHash);

  const owners = new Map<number, string>();
  const claim = (code: number, path: string, field = 'code'): void => {
    if (!Number.isInteger(code) || code < 0 || code > 0xffffffff) fail(`${path}.${field}`, `must be a 32-bit IOCTL code, got ${code}`);
    const previous = owners.get(code);
    if (previous !== undefined) fail(`${path}.${field}`, `0x${hex32(code)} is also used by ${previous}`);
    owners.set(code, field === 'code' ? path : `${path}.${field}`);
  };
  // Like CoreInitialize: each limit is a UINT32 of at least 1 (descriptors from before limits lack them).
  if (typeof descriptor.limits !== 'object' || descriptor.limits === null) fail('limits', 'is missing');
  for (const key of ['maxSubscriptions', 'maxParkedPerHandle', 'maxRingBytes'] as const) {
    const value = descriptor.limits[key];
    if (!Number.isInteger(value) || value < 1 || value > 0xffffffff) fail(`limits.${key}`, `must be an integer from 1 to 4294967295, got ${String(value)}`);
  }
  claim(descriptor.protocolInfoCode, 'protocolInfoCode');
  if (requiredAccessOfCode(descriptor.protocolInfoCode) !== 0) fail('protocolInfoCode', 'the protocol-information call must be FILE_ANY_ACCESS');

  for (const [key, call] of Object.entries(descriptor.calls)) {
    const path = `calls.${key}`;
    if (call.name !== key) fail(`${path}.name`, `must equal its key, got ${JSON.stringify(call.name)}`);
    claim(call.code, path);
    if (call.requiredAccess !== requiredAccessOfCode(call.code)) {
      fail(`${path}.requiredAccess`, `is ${call.requiredAccess} but code 0x${hex32(call.code)} carries access bits ${requiredAccessOfCode(call.code)}`);
    }
  }

  for (const [key, channel] of Object.entries(descriptor.channels)) {
    const path = `channels.${key}`;
    if (channel.name !== key) fail(`${path}.name`, `must equal its key, got ${JSON.stringify(channel.name)}`);
    claim(channel.code, path);
    if (channel.requiredAccess !== requiredAccessOfCode(channel.code)) {
      fail(`${path}.requiredAccess`, `is ${channel.requiredAccess} but code 0x${hex32(channel.code)} carries access bits ${requiredAccessOfCode(channel.code)}`);
    }
    if (!Number.isInteger(channel.capacity) || channel.capacity < 1) fail(`${path}.capacity`, `must be an integer >= 1, got ${channel.capacity}`);
    if (!isOverflowPolicy(channel.overflow)) fail(`${path}.overflow`, `must be ${describeOverflowPolicies()}, got ${JSON.stringify(channel.overflow)}`);
    // R1 promises that an accepted request can hold any one record; a smaller minimum breaks that.
    if (channel.minimumOutputBytes < BATCH_HEADER_BYTES + channel.maxRecordBytes) {
      fail(`${path}.minimumOutputBytes`, `${channel.minimumOutputBytes} cannot hold a batch header and the largest record (${BATCH_HEADER_BYTES + channel.maxRecordBytes})`);
    }
    const ids = new Set<number>();
    for (const [kindKey, kind] of Object.entries(channel.events)) {
      const kindPath = `${path}.events.${kindKey}`;
      if (kind.name !== kindKey) fail(`${kindPath}.name`, `must equal its key, got ${JSON.stringify(kind.name)}`);
      if (!Number.isInteger(kind.id) || kind.id < 0 || kind.id > 0xffff) fail(`${kindPath}.id`, `must fit a UINT16, got ${kind.id}`);
      if (ids.has(kind.id)) fail(`${kindPath}.id`, `${kind.id} is used twice in channel ${key}`);
      ids.add(kind.id);
      if (kind.recordBytes !== recordBytes(kind.codec.size)) fail(`${kindPath}.recordBytes`, `is ${kind.recordBytes}, but a record of a ${kind.codec.size}-byte struct takes ${recordBytes(kind.codec.size)}`);
      if (kind.recordBytes > channel.maxRecordBytes) fail(`${kindPath}.recordBytes`, `${kind.recordBytes} exceeds the channel's maxRecordBytes ${channel.maxRecordBytes}`);
    }
  }

  for (const [key, verdict] of Object.entries(descriptor.verdicts)) {
    const path = `verdicts.${key}`;
    if (verdict.name !== key) fail(`${path}.name`, `must equal its key, got ${JSON.stringify(verdict.name)}`);
    claim(verdict.askCode, path, 'askCode');
    claim(verdict.replyCode, path, 'replyCode');
    for (const field of ['askCode', 'replyCode'] as const) {
      if (verdict.requiredAccess !== requiredAccessOfCode(verdict[field])) {
        fail(`${path}.requiredAccess`, `is ${verdict.requiredAccess} but ${field} 0x${hex32(verdict[field])} carries access bits ${requiredAccessOfCode(verdict[field])}`);
      }
    }
    // The schema owns the tighter bounds; here only what the wire (UINT32) and the rules need.
    for (const field of ['deadlineMs', 'maxPending'] as const) {
      const value = verdict[field];
      if (!Number.isInteger(value) || value < 1 || value > 0xffffffff) fail(`${path}.${field}`, `must be an integer from 1 to 4294967295, got ${String(value)}`);
    }
    // An ask request must hold the question header and the whole question, or a question could not be delivered.
    if (verdict.minimumOutputBytes !== VERDICT_QUESTION_HEADER_BYTES + verdict.question.size) {
      fail(`${path}.minimumOutputBytes`, `is ${verdict.minimumOutputBytes}, but a question header and a ${verdict.question.size}-byte question take ${VERDICT_QUESTION_HEADER_BYTES + verdict.question.size}`);
    }
    try {
      verdict.answer.encode(verdict.defaultAnswer);
    } catch (error) {
      fail(`${path}.defaultAnswer`, `is not a valid ${verdict.answer.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
