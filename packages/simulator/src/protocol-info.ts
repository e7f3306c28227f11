/**
 * The output of the built-in protocol-information call (rule R7): PROTOCOL_INFO followed by one
 * CHANNEL_INFO per channel in descriptor order. It reports what the driver is configured with
 * right now (a test may have overridden a channel's capacity or policy), because its purpose is
 * to let a client notice that the driver differs from the descriptor it was built against.
 */
import {
  CHANNEL_INFO_BYTES,
  OVERFLOW_POLICY_CODES,
  PROTOCOL_INFO_BYTES,
  PROTOCOL_VERSION,
  SCHEMA_HASH_BYTES,
  type ChannelDescriptorV1,
  type OverflowPolicy,
} from '@inverted-call/codec';

/** What the driver reports for one channel. */
export interface ChannelConfiguration {
  readonly channel: ChannelDescriptorV1;
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
}

/** Total bytes of the protocol information for `channelCount` channels. */
export function protocolInfoBytes(channelCount: number): number {
  return PROTOCOL_INFO_BYTES + CHANNEL_INFO_BYTES * channelCount;
}

/** The 32 bytes of a SHA-256 written as 64 hex digits; throws with the reason otherwise. */
export function schemaHashBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new TypeError(`descriptor.schemaHash must be ${SCHEMA_HASH_BYTES * 2} hex digits (a SHA-256), got ${JSON.stringify(hex)}; regenerate the device module`);
  }
  const bytes = new Uint8Array(SCHEMA_HASH_BYTES);
  for (let index = 0; index < SCHEMA_HASH_BYTES; index++) bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

export function encodeProtocolInfo(schemaHash: Uint8Array, channels: readonly ChannelConfiguration[]): Uint8Array {
  const bytes = new Uint8Array(protocolInfoBytes(channels.length));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, PROTOCOL_VERSION, true);
  view.setUint32(4, channels.length, true);
  bytes.set(schemaHash, 8);
  let offset = PROTOCOL_INFO_BYTES;
  for (const { channel, capacity, overflow } of channels) {
    view.setUint32(offset, capacity, true);
    view.setUint32(offset + 4, OVERFLOW_POLICY_CODES[overflow], true);
    view.setUint32(offset + 8, channel.batchBytes, true);
    view.setUint32(offset + 12, channel.maxRecordBytes, true);
    offset += CHANNEL_INFO_BYTES;
  }
  return bytes;
}
