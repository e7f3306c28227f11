/**
 * Writing protocol v1 outputs: a completed subscribe request's batch and the protocol-information
 * answer. The simulator (the reference driver model) and the test doubles share these, so there
 * is one definition of the bytes a driver produces.
 */
import {
  BATCH_HEADER_BYTES,
  BatchHeaderCodec,
  CHANNEL_INFO_BYTES,
  OVERFLOW_POLICY_CODES,
  PROTOCOL_INFO_BYTES,
  PROTOCOL_VERSION,
  RECORD_HEADER_BYTES,
  RecordHeaderCodec,
  SCHEMA_HASH_BYTES,
  recordBytes,
} from './protocol.js';
import type { OverflowPolicy } from './descriptor.js';

export interface WireRecord {
  sequence: bigint;
  kindId: number;
  /** The encoded event struct. */
  payload: Uint8Array;
}

/** Bytes a batch holding `records` takes: the header plus each 8-byte aligned record. */
export function batchByteLength(records: readonly WireRecord[]): number {
  let total = BATCH_HEADER_BYTES;
  for (const record of records) total += recordBytes(record.payload.byteLength);
  return total;
}

/**
 * A batch of exactly `batchByteLength(records)` bytes; padding is zero. `flags` goes to the header
 * as given: the `BATCH_FLAG_*` bits the driver's state calls for (see `BATCH_FLAG_RING_EMPTY`).
 */
export function writeBatch(records: readonly WireRecord[], droppedTotal: bigint, flags: number): Uint8Array {
  const bytesUsed = batchByteLength(records);
  const bytes = new Uint8Array(bytesUsed);
  const view = new DataView(bytes.buffer);
  BatchHeaderCodec.encodeInto(view, 0, { version: PROTOCOL_VERSION, count: records.length, bytesUsed, flags, droppedTotal });
  let offset = BATCH_HEADER_BYTES;
  for (const record of records) {
    RecordHeaderCodec.encodeInto(view, offset, { sequence: record.sequence, kind: record.kindId, reserved: 0, size: record.payload.byteLength });
    bytes.set(record.payload, offset + RECORD_HEADER_BYTES);
    offset += recordBytes(record.payload.byteLength);
  }
  return bytes;
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

export interface WireChannelInfo {
  capacity: number;
  overflow: OverflowPolicy;
  batchBytes: number;
  maxRecordBytes: number;
}

/** PROTOCOL_INFO followed by one CHANNEL_INFO per channel, in descriptor order. */
export function writeProtocolInfo(schemaHash: Uint8Array, channels: readonly WireChannelInfo[]): Uint8Array {
  const bytes = new Uint8Array(PROTOCOL_INFO_BYTES + CHANNEL_INFO_BYTES * channels.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, PROTOCOL_VERSION, true);
  view.setUint32(4, channels.length, true);
  bytes.set(schemaHash, 8);
  channels.forEach((channel, index) => {
    const offset = PROTOCOL_INFO_BYTES + index * CHANNEL_INFO_BYTES;
    view.setUint32(offset, channel.capacity, true);
    view.setUint32(offset + 4, OVERFLOW_POLICY_CODES[channel.overflow], true);
    view.setUint32(offset + 8, channel.batchBytes, true);
    view.setUint32(offset + 12, channel.maxRecordBytes, true);
  });
  return bytes;
}
