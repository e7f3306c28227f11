/**
 * Writes the output of a completed subscribe request: one BATCH_HEADER, then whole records, each
 * a RECORD_HEADER and its event struct, each starting 8-byte aligned (DESIGN.md section 4).
 * Padding between records is zero, as it is in a driver that zeroes its output buffer, so the
 * bytes are identical to the C core's and can be diffed.
 */
import {
  BATCH_HEADER_BYTES,
  BatchHeaderCodec,
  PROTOCOL_VERSION,
  RECORD_HEADER_BYTES,
  RecordHeaderCodec,
  recordBytes,
} from '@inverted-call/codec';
import type { RingRecord } from './ring.js';

/** Bytes a batch holding `records` takes: the header plus each aligned record. */
export function batchBytes(records: readonly RingRecord[]): number {
  let total = BATCH_HEADER_BYTES;
  for (const record of records) total += recordBytes(record.payload.byteLength);
  return total;
}

/**
 * Encodes a batch of exactly `batchBytes(records)` bytes (the request's Information). Flags is 0
 * in protocol v1; DroppedTotal is the subscription's count of dropped events at completion time.
 */
export function encodeBatch(records: readonly RingRecord[], droppedTotal: bigint): Uint8Array {
  const bytesUsed = batchBytes(records);
  const bytes = new Uint8Array(bytesUsed);
  const view = new DataView(bytes.buffer);
  BatchHeaderCodec.encodeInto(view, 0, { version: PROTOCOL_VERSION, count: records.length, bytesUsed, flags: 0, droppedTotal });
  let offset = BATCH_HEADER_BYTES;
  for (const record of records) {
    RecordHeaderCodec.encodeInto(view, offset, { sequence: record.sequence, kind: record.kindId, reserved: 0, size: record.payload.byteLength });
    bytes.set(record.payload, offset + RECORD_HEADER_BYTES);
    offset += recordBytes(record.payload.byteLength);
  }
  return bytes;
}
