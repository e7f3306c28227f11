/**
 * Inverted-call protocol v2 on the wire (DESIGN.md section 4): its constants and the structs a
 * driver returns, each with a codec that reads and writes it. The schema package declares the same
 * structs for the C header; a test checks that both agree, byte for byte. Version 2 added verdicts
 * (issue 15): the protocol information grew a verdict count and one VERDICT_INFO per verdict, and
 * the verdict IOCTLs carry the question and reply headers of verdict-wire.ts.
 */
import { CodecError } from './errors.js';
import { decodeOverflowPolicy, encodeOverflowPolicy, type OverflowPolicy } from './overflow-policy.js';
import { defineStruct } from './struct.js';

export const PROTOCOL_VERSION = 2;
export const RECORD_ALIGNMENT = 8;
export const BATCH_HEADER_BYTES = 24;
export const RECORD_HEADER_BYTES = 16;
export const PROTOCOL_INFO_BYTES = 48;
export const CHANNEL_INFO_BYTES = 16;
export const VERDICT_INFO_BYTES = 56;
export const SCHEMA_HASH_BYTES = 32;

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

/** Byte offsets of BatchHeader's fields. */
const BATCH_HEADER_FIELD_OFFSETS = { version: 0, count: 4, bytesUsed: 8, flags: 12, droppedTotal: 16 } as const;
/**
 * Byte offsets of RecordHeader's fields. A const enum: the batch reader reads these once per record,
 * and the bundler writes a const enum's members as numbers, where an object's would be loaded.
 */
export const enum RecordHeaderField {
  Sequence = 0,
  /** The high half of the little-endian Sequence. */
  SequenceHigh = 4,
  Kind = 8,
  Reserved = 10,
  Size = 12,
}
const PROTOCOL_INFO_FIELD_OFFSETS = { version: 0, channelCount: 4, schemaHash: 8, verdictCount: 40, reserved: 44 } as const;
const CHANNEL_INFO_FIELD_OFFSETS = { capacity: 0, overflow: 4, batchBytes: 8, maxRecordBytes: 12 } as const;
const VERDICT_INFO_FIELD_OFFSETS = {
  deadlineMs: 0,
  maxPending: 4,
  questionBytes: 8,
  answerBytes: 12,
  asked: 16,
  answered: 24,
  timedOut: 32,
  defaulted: 40,
  refused: 48,
} as const;

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

/** PROTOCOL_INFO: what the protocol-information call returns first. */
export interface ProtocolInfo {
  version: number;
  channelCount: number;
  /** The SHA-256 of the driver's schema, SCHEMA_HASH_BYTES bytes. */
  schemaHash: Uint8Array;
  /** VERDICT_INFO entries after the CHANNEL_INFO entries (protocol v2). */
  verdictCount: number;
}

/** CHANNEL_INFO: one per channel, in descriptor order, after PROTOCOL_INFO. */
export interface ChannelInfo {
  capacity: number;
  overflow: OverflowPolicy;
  batchBytes: number;
  maxRecordBytes: number;
}

/**
 * VERDICT_INFO: one per verdict, in descriptor order, after the CHANNEL_INFO entries. The counters
 * are rule V9's: asked = answered + timedOut + defaulted + refused + unsettled now.
 */
export interface VerdictInfo {
  deadlineMs: number;
  maxPending: number;
  /** sizeof the question struct. */
  questionBytes: number;
  /** sizeof the answer struct. */
  answerBytes: number;
  asked: bigint;
  answered: bigint;
  timedOut: bigint;
  defaulted: bigint;
  refused: bigint;
}

/** The counters of a VERDICT_INFO, in wire order. */
export const VERDICT_COUNTERS = ['asked', 'answered', 'timedOut', 'defaulted', 'refused'] as const;

export const BatchHeaderCodec = defineStruct<BatchHeader>({
  name: 'BatchHeader',
  size: BATCH_HEADER_BYTES,
  alignment: 8,
  encodeInto(view, offset, value) {
    const at = BATCH_HEADER_FIELD_OFFSETS;
    view.setUint32(offset + at.version, value.version, true);
    view.setUint32(offset + at.count, value.count, true);
    view.setUint32(offset + at.bytesUsed, value.bytesUsed, true);
    view.setUint32(offset + at.flags, value.flags, true);
    view.setBigUint64(offset + at.droppedTotal, value.droppedTotal, true);
  },
  decodeFrom(view, offset) {
    const at = BATCH_HEADER_FIELD_OFFSETS;
    return {
      version: view.getUint32(offset + at.version, true),
      count: view.getUint32(offset + at.count, true),
      bytesUsed: view.getUint32(offset + at.bytesUsed, true),
      flags: view.getUint32(offset + at.flags, true),
      droppedTotal: view.getBigUint64(offset + at.droppedTotal, true),
    };
  },
});

export const RecordHeaderCodec = defineStruct<RecordHeader>({
  name: 'RecordHeader',
  size: RECORD_HEADER_BYTES,
  alignment: 8,
  encodeInto(view, offset, value) {
    view.setBigUint64(offset + RecordHeaderField.Sequence, value.sequence, true);
    view.setUint16(offset + RecordHeaderField.Kind, value.kind, true);
    view.setUint16(offset + RecordHeaderField.Reserved, value.reserved, true);
    view.setUint32(offset + RecordHeaderField.Size, value.size, true);
  },
  decodeFrom(view, offset) {
    return {
      sequence: view.getBigUint64(offset + RecordHeaderField.Sequence, true),
      kind: view.getUint16(offset + RecordHeaderField.Kind, true),
      reserved: view.getUint16(offset + RecordHeaderField.Reserved, true),
      size: view.getUint32(offset + RecordHeaderField.Size, true),
    };
  },
});

export const ProtocolInfoCodec = defineStruct<ProtocolInfo>({
  name: 'ProtocolInfo',
  size: PROTOCOL_INFO_BYTES,
  alignment: 4,
  encodeInto(view, offset, value, path = 'ProtocolInfo') {
    const at = PROTOCOL_INFO_FIELD_OFFSETS;
    if (!(value.schemaHash instanceof Uint8Array) || value.schemaHash.byteLength !== SCHEMA_HASH_BYTES) {
      throw new CodecError(`${path}.schemaHash`, `must be ${SCHEMA_HASH_BYTES} bytes (a SHA-256)`);
    }
    view.setUint32(offset + at.version, value.version, true);
    view.setUint32(offset + at.channelCount, value.channelCount, true);
    new Uint8Array(view.buffer, view.byteOffset + offset + at.schemaHash, SCHEMA_HASH_BYTES).set(value.schemaHash);
    view.setUint32(offset + at.verdictCount, value.verdictCount, true);
    view.setUint32(offset + at.reserved, 0, true);
  },
  decodeFrom(view, offset) {
    const at = PROTOCOL_INFO_FIELD_OFFSETS;
    return {
      version: view.getUint32(offset + at.version, true),
      channelCount: view.getUint32(offset + at.channelCount, true),
      schemaHash: new Uint8Array(view.buffer, view.byteOffset + offset + at.schemaHash, SCHEMA_HASH_BYTES).slice(),
      verdictCount: view.getUint32(offset + at.verdictCount, true),
    };
  },
});

export const ChannelInfoCodec = defineStruct<ChannelInfo>({
  name: 'ChannelInfo',
  size: CHANNEL_INFO_BYTES,
  alignment: 4,
  encodeInto(view, offset, value, path = 'ChannelInfo') {
    const at = CHANNEL_INFO_FIELD_OFFSETS;
    view.setUint32(offset + at.capacity, value.capacity, true);
    view.setUint32(offset + at.overflow, encodeOverflowPolicy(value.overflow, `${path}.overflow`), true);
    view.setUint32(offset + at.batchBytes, value.batchBytes, true);
    view.setUint32(offset + at.maxRecordBytes, value.maxRecordBytes, true);
  },
  decodeFrom(view, offset, path = 'ChannelInfo') {
    const at = CHANNEL_INFO_FIELD_OFFSETS;
    return {
      capacity: view.getUint32(offset + at.capacity, true),
      overflow: decodeOverflowPolicy(view.getUint32(offset + at.overflow, true), `${path}.overflow`),
      batchBytes: view.getUint32(offset + at.batchBytes, true),
      maxRecordBytes: view.getUint32(offset + at.maxRecordBytes, true),
    };
  },
});

export const VerdictInfoCodec = defineStruct<VerdictInfo>({
  name: 'VerdictInfo',
  size: VERDICT_INFO_BYTES,
  alignment: 8,
  encodeInto(view, offset, value) {
    const at = VERDICT_INFO_FIELD_OFFSETS;
    view.setUint32(offset + at.deadlineMs, value.deadlineMs, true);
    view.setUint32(offset + at.maxPending, value.maxPending, true);
    view.setUint32(offset + at.questionBytes, value.questionBytes, true);
    view.setUint32(offset + at.answerBytes, value.answerBytes, true);
    for (const counter of VERDICT_COUNTERS) view.setBigUint64(offset + at[counter], value[counter], true);
  },
  decodeFrom(view, offset) {
    const at = VERDICT_INFO_FIELD_OFFSETS;
    return {
      deadlineMs: view.getUint32(offset + at.deadlineMs, true),
      maxPending: view.getUint32(offset + at.maxPending, true),
      questionBytes: view.getUint32(offset + at.questionBytes, true),
      answerBytes: view.getUint32(offset + at.answerBytes, true),
      asked: view.getBigUint64(offset + at.asked, true),
      answered: view.getBigUint64(offset + at.answered, true),
      timedOut: view.getBigUint64(offset + at.timedOut, true),
      defaulted: view.getBigUint64(offset + at.defaulted, true),
      refused: view.getBigUint64(offset + at.refused, true),
    };
  },
});

/** Bytes one record with a payload of `payloadBytes` takes in a batch. */
export function recordBytes(payloadBytes: number): number {
  return Math.ceil((RECORD_HEADER_BYTES + payloadBytes) / RECORD_ALIGNMENT) * RECORD_ALIGNMENT;
}
