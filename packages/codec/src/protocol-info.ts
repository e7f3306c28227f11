/**
 * The protocol-information answer (rule R7), written and read: PROTOCOL_INFO followed by one
 * CHANNEL_INFO per channel, in descriptor order. The simulator and the test doubles write it; the
 * client and the conformance suite read it.
 */
import { CHANNEL_INFO_BYTES, ChannelInfoCodec, PROTOCOL_INFO_BYTES, PROTOCOL_VERSION, ProtocolInfoCodec, SCHEMA_HASH_BYTES, type ChannelInfo } from './protocol.js';

/** Bytes of the whole answer for a device with `channelCount` channels. */
export function protocolInfoByteLength(channelCount: number): number {
  return PROTOCOL_INFO_BYTES + channelCount * CHANNEL_INFO_BYTES;
}

/** Where the CHANNEL_INFO of the channel at `index` (descriptor order) starts. */
export function channelInfoOffset(index: number): number {
  return PROTOCOL_INFO_BYTES + index * CHANNEL_INFO_BYTES;
}

/** The 32 bytes of a SHA-256 written as 64 hex digits; throws with the reason otherwise. */
export function schemaHashBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new TypeError(`schemaHash must be ${SCHEMA_HASH_BYTES * 2} hex digits (a SHA-256), got ${JSON.stringify(hex)}; regenerate the device module`);
  }
  const bytes = new Uint8Array(SCHEMA_HASH_BYTES);
  for (let index = 0; index < SCHEMA_HASH_BYTES; index++) bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

/** The schema hash as a descriptor spells it: lower-case hex. */
export function schemaHashHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The answer for a driver built from the schema with hash `schemaHash`, with these channels. */
export function writeProtocolInfo(schemaHash: Uint8Array, channels: readonly ChannelInfo[]): Uint8Array {
  const bytes = new Uint8Array(protocolInfoByteLength(channels.length));
  const view = new DataView(bytes.buffer);
  ProtocolInfoCodec.encodeInto(view, 0, { version: PROTOCOL_VERSION, channelCount: channels.length, schemaHash });
  channels.forEach((channel, index) => ChannelInfoCodec.encodeInto(view, channelInfoOffset(index), channel));
  return bytes;
}
