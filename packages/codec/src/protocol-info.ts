/**
 * The protocol-information answer (rule R7), written and read: PROTOCOL_INFO, then one CHANNEL_INFO
 * per channel, then one VERDICT_INFO per verdict, each in descriptor order (protocol v2). The
 * simulator and the test doubles write it; the client and the conformance suite read it.
 */
import type { VerdictDescriptorV1 } from './descriptor.js';
import { WireFormatError } from './errors.js';
import {
  CHANNEL_INFO_BYTES,
  ChannelInfoCodec,
  PROTOCOL_INFO_BYTES,
  PROTOCOL_VERSION,
  ProtocolInfoCodec,
  SCHEMA_HASH_BYTES,
  VERDICT_INFO_BYTES,
  VerdictInfoCodec,
  type ChannelInfo,
  type VerdictInfo,
} from './protocol.js';

/** Bytes of the whole answer for a device with `channelCount` channels and `verdictCount` verdicts. */
export function protocolInfoByteLength(channelCount: number, verdictCount: number): number {
  return PROTOCOL_INFO_BYTES + channelCount * CHANNEL_INFO_BYTES + verdictCount * VERDICT_INFO_BYTES;
}

/** Where the CHANNEL_INFO of the channel at `index` (descriptor order) starts. */
export function channelInfoOffset(index: number): number {
  return PROTOCOL_INFO_BYTES + index * CHANNEL_INFO_BYTES;
}

/** Where the VERDICT_INFO of the verdict at `index` (descriptor order) starts, after `channelCount` CHANNEL_INFO. */
export function verdictInfoOffset(channelCount: number, index: number): number {
  return PROTOCOL_INFO_BYTES + channelCount * CHANNEL_INFO_BYTES + index * VERDICT_INFO_BYTES;
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

/** The answer for a driver built from the schema with hash `schemaHash`, with these channels and verdicts. */
export function writeProtocolInfo(schemaHash: Uint8Array, channels: readonly ChannelInfo[], verdicts: readonly VerdictInfo[]): Uint8Array {
  const bytes = new Uint8Array(protocolInfoByteLength(channels.length, verdicts.length));
  const view = new DataView(bytes.buffer);
  ProtocolInfoCodec.encodeInto(view, 0, { version: PROTOCOL_VERSION, channelCount: channels.length, schemaHash, verdictCount: verdicts.length });
  channels.forEach((channel, index) => ChannelInfoCodec.encodeInto(view, channelInfoOffset(index), channel));
  verdicts.forEach((verdict, index) => VerdictInfoCodec.encodeInto(view, verdictInfoOffset(channels.length, index), verdict));
  return bytes;
}

/** A verdict's VERDICT_INFO before any question was asked: its table entry, every counter 0. */
export function freshVerdictInfo(verdict: Pick<VerdictDescriptorV1, 'deadlineMs' | 'maxPending' | 'question' | 'answer'>): VerdictInfo {
  return {
    deadlineMs: verdict.deadlineMs,
    maxPending: verdict.maxPending,
    questionBytes: verdict.question.size,
    answerBytes: verdict.answer.size,
    asked: 0n,
    answered: 0n,
    timedOut: 0n,
    defaulted: 0n,
    refused: 0n,
  };
}

/** The whole answer, decoded. */
export interface DecodedProtocolInfo {
  version: number;
  /** Lower-case hex, as a descriptor spells it. */
  schemaHash: string;
  channels: ChannelInfo[];
  verdicts: VerdictInfo[];
}

/**
 * Reads a whole protocol-information answer of protocol v2. Throws WireFormatError when the bytes
 * are too few for the header, when the version is not PROTOCOL_VERSION (a v1 answer has no verdict
 * count, so it cannot be read as v2), or when the length is not exactly what the counts say; a
 * CodecError when a CHANNEL_INFO holds an unknown overflow code.
 */
export function decodeProtocolInfo(bytes: Uint8Array): DecodedProtocolInfo {
  if (bytes.byteLength < PROTOCOL_INFO_BYTES) {
    throw new WireFormatError(`protocol information of ${bytes.byteLength} bytes is shorter than its ${PROTOCOL_INFO_BYTES}-byte header`);
  }
  const header = ProtocolInfoCodec.decode(bytes);
  if (header.version !== PROTOCOL_VERSION) {
    throw new WireFormatError(`protocol information of version ${header.version}, expected ${PROTOCOL_VERSION}`);
  }
  const expected = protocolInfoByteLength(header.channelCount, header.verdictCount);
  if (bytes.byteLength !== expected) {
    throw new WireFormatError(`protocol information of ${bytes.byteLength} bytes, but ${header.channelCount} channels and ${header.verdictCount} verdicts take ${expected}`);
  }
  const channels = Array.from({ length: header.channelCount }, (_, index) => ChannelInfoCodec.decode(bytes, channelInfoOffset(index)));
  const verdicts = Array.from({ length: header.verdictCount }, (_, index) => VerdictInfoCodec.decode(bytes, verdictInfoOffset(header.channelCount, index)));
  return { version: header.version, schemaHash: schemaHashHex(header.schemaHash), channels, verdicts };
}
