/**
 * Inverted-call protocol v1 on the wire (DESIGN.md section 4). The schema package declares the
 * same structs for the C header; a test checks that both agree, byte for byte.
 */
import { defineStruct } from './struct.js';

export const PROTOCOL_VERSION = 1;
export const RECORD_ALIGNMENT = 8;
export const BATCH_HEADER_BYTES = 24;
export const RECORD_HEADER_BYTES = 16;
export const PROTOCOL_INFO_BYTES = 40;
export const CHANNEL_INFO_BYTES = 16;
export const SCHEMA_HASH_BYTES = 32;
export const OVERFLOW_POLICY_CODES = { 'drop-newest': 0, 'drop-oldest': 1 } as const;

/**
 * `BatchHeader.Flags` bit 0, RING_EMPTY: set when the subscription's ring holds no event once this
 * batch has been filled. That is: after the batch took its records from the ring and the ring's
 * count is 0; and always for a batch completed directly by an event (a parked request and an empty
 * ring give the one-record batch), since the ring is empty then too. Other bits stay zero.
 *
 * For a client: when RING_EMPTY is set, every sequence number below
 * `lastRecordSequence + 1 + (DroppedTotal - drops already seen as gaps)` is accounted for, so under
 * either overflow policy the drops no gap has revealed yet are exactly the sequences right after
 * this batch's last record.
 *
 * A compatible addition to protocol v1: a driver that never sets it is still correct (the client
 * then learns of trailing drops with the next event), and a client may ignore Flags.
 */
export const BATCH_FLAG_RING_EMPTY = 0x1;

export interface BatchHeader {
  version: number;
  count: number;
  bytesUsed: number;
  flags: number;
  droppedTotal: bigint;
}

export interface RecordHeader {
  sequence: bigint;
  kind: number;
  reserved: number;
  size: number;
}

export const BatchHeaderCodec = defineStruct<BatchHeader>({
  name: 'BatchHeader',
  size: BATCH_HEADER_BYTES,
  alignment: 8,
  encodeInto(view, offset, value) {
    view.setUint32(offset, value.version, true);
    view.setUint32(offset + 4, value.count, true);
    view.setUint32(offset + 8, value.bytesUsed, true);
    view.setUint32(offset + 12, value.flags, true);
    view.setBigUint64(offset + 16, value.droppedTotal, true);
  },
  decodeFrom(view, offset) {
    return {
      version: view.getUint32(offset, true),
      count: view.getUint32(offset + 4, true),
      bytesUsed: view.getUint32(offset + 8, true),
      flags: view.getUint32(offset + 12, true),
      droppedTotal: view.getBigUint64(offset + 16, true),
    };
  },
});

export const RecordHeaderCodec = defineStruct<RecordHeader>({
  name: 'RecordHeader',
  size: RECORD_HEADER_BYTES,
  alignment: 8,
  encodeInto(view, offset, value) {
    view.setBigUint64(offset, value.sequence, true);
    view.setUint16(offset + 8, value.kind, true);
    view.setUint16(offset + 10, value.reserved, true);
    view.setUint32(offset + 12, value.size, true);
  },
  decodeFrom(view, offset) {
    return {
      sequence: view.getBigUint64(offset, true),
      kind: view.getUint16(offset + 8, true),
      reserved: view.getUint16(offset + 10, true),
      size: view.getUint32(offset + 12, true),
    };
  },
});

/** Bytes one record with a payload of `payloadBytes` takes in a batch. */
export function recordBytes(payloadBytes: number): number {
  return Math.ceil((RECORD_HEADER_BYTES + payloadBytes) / RECORD_ALIGNMENT) * RECORD_ALIGNMENT;
}

