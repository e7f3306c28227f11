/**
 * The test-build IOCTLs every rendered driver answers (built with -DINVERTED_CALL_TEST_BUILD),
 * from the test's side: the state IOCTL (function 0xFFE, templates/shared/InvertedCallTest.h),
 * whose output this decodes, and the emit IOCTL (0xFFC, templates/shared/EmitTest.h), whose input
 * this encodes. The C headers declare the layouts; test/test-ioctls.test.ts checks this module
 * against them (the native emit test prints the emit layout from the header's own declarations;
 * the header's static asserts pin the state layout to the sizes and offsets below).
 *
 * A subpath of its own (@inverted-call/driver-template/test-ioctls), so a Windows-side bundle or
 * a Linux-side bridge takes this file and the codec, not the renderer.
 *
 * State output (little-endian, packed to 8):
 *   header (40 bytes): u32 Version, u32 OpenFiles, u32 SubscriptionCount, u32 CallerFileId,
 *                      u64 Completions, u64 Cancels, u64 ParkedNow
 *   entry  (40 bytes): u64 ProcessId, u32 FileId, u32 Channel, u32 RingFill, u32 Parked,
 *                      u64 DroppedTotal, u64 NextSequence
 * Emit input (little-endian, 16 bytes, then the payload):
 *   u32 Channel, u16 Kind, u16 Reserved, u32 Count, u32 PayloadBytes, then PayloadBytes of payload
 */
import { FILE_ANY_ACCESS, METHOD_BUFFERED, ctlCode, type DeviceDescriptorV1 } from '@inverted-call/codec';
// The schema owns the test build's function codes (it refuses them to calls and channels).
import { TEST_BUILD_EMIT_FUNCTION, TEST_BUILD_STATE_FUNCTION } from '@inverted-call/schema/ioctl';

// ---- state (0xFFE) ----

export const STATE_FUNCTION = TEST_BUILD_STATE_FUNCTION;
export const STATE_VERSION = 1;
export const STATE_HEADER_BYTES = 40;
export const STATE_ENTRY_BYTES = 40;
/** Room for this many subscriptions in one state request (the driver refuses a buffer too small). */
export const STATE_MAX_ENTRIES = 256;
/** An output buffer that holds the header and STATE_MAX_ENTRIES entries. */
export const STATE_OUTPUT_BYTES = STATE_HEADER_BYTES + STATE_MAX_ENTRIES * STATE_ENTRY_BYTES;

/** The IOCTL code: the device's type, function 0xFFE, METHOD_BUFFERED, FILE_ANY_ACCESS. */
export function stateIoctlCode(deviceType: number): number {
  return ctlCode(deviceType, STATE_FUNCTION, METHOD_BUFFERED, FILE_ANY_ACCESS);
}

export interface DriverSubscription {
  processId: bigint;
  fileId: number;
  channel: number;
  ringFill: number;
  parked: number;
  dropped: bigint;
  nextSequence: bigint;
}

export interface DriverState {
  openFiles: number;
  /** The file id of the handle the state was asked through. */
  callerFileId: number;
  completions: bigint;
  cancels: bigint;
  parkedNow: bigint;
  subscriptions: DriverSubscription[];
}

/** The state IOCTL's output. Throws for a short buffer or another version. */
export function decodeDriverState(bytes: Uint8Array): DriverState {
  if (bytes.byteLength < STATE_HEADER_BYTES) throw new Error(`driver state: ${bytes.byteLength} bytes, less than a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(0, true);
  if (version !== STATE_VERSION) throw new Error(`driver state: version ${version}, expected ${STATE_VERSION}`);
  const count = view.getUint32(8, true);
  if (bytes.byteLength < STATE_HEADER_BYTES + count * STATE_ENTRY_BYTES) throw new Error(`driver state: ${count} entries do not fit ${bytes.byteLength} bytes`);
  const subscriptions: DriverSubscription[] = [];
  for (let index = 0; index < count; index++) {
    const at = STATE_HEADER_BYTES + index * STATE_ENTRY_BYTES;
    subscriptions.push({
      processId: view.getBigUint64(at, true),
      fileId: view.getUint32(at + 8, true),
      channel: view.getUint32(at + 12, true),
      ringFill: view.getUint32(at + 16, true),
      parked: view.getUint32(at + 20, true),
      dropped: view.getBigUint64(at + 24, true),
      nextSequence: view.getBigUint64(at + 32, true),
    });
  }
  return {
    openFiles: view.getUint32(4, true),
    callerFileId: view.getUint32(12, true),
    completions: view.getBigUint64(16, true),
    cancels: view.getBigUint64(24, true),
    parkedNow: view.getBigUint64(32, true),
    subscriptions,
  };
}

// ---- emit (0xFFC) ----

export const TEST_EMIT_FUNCTION = TEST_BUILD_EMIT_FUNCTION;
/** Bytes before the payload. */
export const TEST_EMIT_FIXED_BYTES = 16;
/** The most events one request emits (INVERTED_CALL_TEST_EMIT_MAX_COUNT): twice the largest ring. */
export const TEST_EMIT_MAX_COUNT = 0x200000;

/** Byte offsets of the fixed part's fields, for tests that build malformed inputs too. */
export const TEST_EMIT_OFFSETS = {
  channel: 0,
  kind: 4,
  reserved: 6,
  count: 8,
  payloadBytes: 12,
} as const;

/** The IOCTL code: the device's type, function 0xFFC, METHOD_BUFFERED, FILE_ANY_ACCESS. */
export function testEmitIoctlCode(deviceType: number): number {
  return ctlCode(deviceType, TEST_EMIT_FUNCTION, METHOD_BUFFERED, FILE_ANY_ACCESS);
}

/** One emit request in the driver's terms: channel index (schema order) and kind id. */
export interface TestEmit {
  channel: number;
  kind: number;
  /** Events to emit, each the same payload: 1 to TEST_EMIT_MAX_COUNT. */
  count: number;
  /** One event's payload as the codec encodes it (the kind's struct). */
  payload: Uint8Array;
}

function checkInteger(name: string, value: number, max: number, fix: string, min = 0): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`test emit input: ${name} is ${String(value)}; fix: ${fix}`);
  return value;
}

/**
 * The emit IOCTL's input. Checks only what the layout cannot carry (the driver checks the rest
 * against the schema, so a test can send a wrong kind or payload on purpose); throws naming the field.
 */
export function encodeTestEmit(emit: TestEmit): Uint8Array {
  checkInteger('channel', emit.channel, 0xffff_ffff, 'give a channel index (schema order) from 0 to 2^32-1');
  checkInteger('kind', emit.kind, 0xffff, 'give an event kind id from 0 to 65535');
  checkInteger('count', emit.count, TEST_EMIT_MAX_COUNT, `give a count from 1 to ${TEST_EMIT_MAX_COUNT}; send more requests for more events`, 1);
  if (!(emit.payload instanceof Uint8Array)) throw new TypeError('test emit input: payload is not a Uint8Array; fix: pass the bytes the kind\'s codec encodes');
  const bytes = new Uint8Array(TEST_EMIT_FIXED_BYTES + emit.payload.byteLength);
  const view = new DataView(bytes.buffer);
  const at = TEST_EMIT_OFFSETS;
  view.setUint32(at.channel, emit.channel, true);
  view.setUint16(at.kind, emit.kind, true);
  view.setUint32(at.count, emit.count, true);
  view.setUint32(at.payloadBytes, emit.payload.byteLength, true);
  bytes.set(emit.payload, TEST_EMIT_FIXED_BYTES);
  return bytes;
}

/**
 * The emit IOCTL's input for one event of a descriptor's channel and kind (by name), its payload
 * encoded by that kind's codec; `count` copies of it. Throws, naming the channel or kind and the
 * ones that exist, for a name the descriptor lacks, and the codec's CodecError for bad event data.
 */
export function encodeTestEmitForEvent(descriptor: DeviceDescriptorV1, channelName: string, kindName: string, eventData: unknown, count = 1): Uint8Array {
  const channelNames = Object.keys(descriptor.channels);
  const channel = channelNames.indexOf(channelName);
  if (channel < 0) throw new RangeError(`test emit: ${descriptor.name} has no channel ${JSON.stringify(channelName)}; fix: use one of ${channelNames.join(', ') || '(none)'}`);
  const events = descriptor.channels[channelName]!.events;
  const event = events[kindName];
  if (!event) throw new RangeError(`test emit: channel ${channelName} has no event kind ${JSON.stringify(kindName)}; fix: use one of ${Object.keys(events).join(', ')}`);
  return encodeTestEmit({ channel, kind: event.id, count, payload: event.codec.encode(eventData) });
}

// ---- ask (0xFFB) ----
export * from './test-ask.js';
