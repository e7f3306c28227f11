/**
 * A batch, protocol v1's answer to a subscribe request, written and read. The simulator (the
 * reference driver model) and the test doubles write batches with `writeBatch`; the client and the
 * conformance suite read them with `BatchReader`. Both walk the same layout: a header, then records
 * of a header and a payload, each padded to RECORD_ALIGNMENT.
 */
import { WireFormatError } from './errors.js';
import {
  BATCH_HEADER_BYTES,
  BatchHeaderCodec,
  PROTOCOL_VERSION,
  RECORD_HEADER_BYTES,
  RECORD_HEADER_FIELD_OFFSETS,
  RecordHeaderCodec,
  recordBytes,
  type BatchHeader,
} from './protocol.js';
import { toDataView } from './struct.js';

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

const { sequence: SEQUENCE, sequenceHigh: SEQUENCE_HIGH, kind: KIND, size: SIZE } = RECORD_HEADER_FIELD_OFFSETS;

/**
 * Walks a batch's records in place, checking the framing against the bytes actually returned: the
 * header's version and bytes used, each record header inside the bytes used, each record's extent,
 * and that the records fill the bytes used exactly. A broken frame throws `WireFormatError`, never
 * an out-of-range read or a hang. What a record's kind and size should be is the reader's schema,
 * not the wire's, so it is left to the caller.
 *
 * Record headers are read field by field rather than through RecordHeaderCodec: this runs once per
 * event, and an object per record header would cost as much as decoding a small event.
 *
 *     const reader = new BatchReader(bytes);
 *     for (let index = 0; reader.nextRecord(); index++) {
 *       // check reader.kind and reader.size, then reader.checkRecordEnd(name)
 *       // decode the payload at reader.payloadOffset
 *     }
 */
export class BatchReader {
  readonly view: DataView;
  readonly header: BatchHeader;
  /** Where the current record's header starts. */
  private offset = BATCH_HEADER_BYTES;
  /** The current record; -1 before the first `nextRecord`. */
  private index = -1;

  constructor(bytes: Uint8Array) {
    if (bytes.byteLength < BATCH_HEADER_BYTES) {
      throw new WireFormatError(`the driver returned ${bytes.byteLength} bytes, less than the ${BATCH_HEADER_BYTES}-byte batch header`);
    }
    this.view = toDataView(bytes);
    this.header = BatchHeaderCodec.decodeFrom(this.view, 0);
    const { version, bytesUsed } = this.header;
    if (version !== PROTOCOL_VERSION) throw new WireFormatError(`batch version ${version}, expected ${PROTOCOL_VERSION}`);
    if (bytesUsed < BATCH_HEADER_BYTES || bytesUsed > bytes.byteLength) {
      throw new WireFormatError(`batch claims ${bytesUsed} bytes used, but ${bytes.byteLength} were returned`);
    }
  }

  /**
   * Moves past the current record (checking its extent) to the next one. Returns false once all
   * the header's records were read, after checking they end exactly at the bytes used.
   */
  nextRecord(): boolean {
    const { count, bytesUsed } = this.header;
    if (this.index >= 0) this.offset = this.checkRecordEnd();
    this.index++;
    if (this.index >= count) {
      if (this.offset !== bytesUsed) {
        throw new WireFormatError(`${count} records end at byte ${this.offset}, but the batch claims ${bytesUsed} bytes used`);
      }
      return false;
    }
    if (this.offset + RECORD_HEADER_BYTES > bytesUsed) {
      throw new WireFormatError(`record ${this.index} of ${count} starts past the ${bytesUsed} bytes used`);
    }
    return true;
  }

  /** RecordHeader.Kind of the current record: its event id. */
  get kind(): number {
    return this.view.getUint16(this.offset + KIND, true);
  }

  /** RecordHeader.Size of the current record: its payload's bytes, without padding. */
  get size(): number {
    return this.view.getUint32(this.offset + SIZE, true);
  }

  get sequence(): bigint {
    return this.view.getBigUint64(this.offset + SEQUENCE, true);
  }

  /** The sequence's low 32 bits: comparing halves makes no bigint, for a caller that only compares. */
  get sequenceLow(): number {
    return this.view.getUint32(this.offset + SEQUENCE, true);
  }

  get sequenceHigh(): number {
    return this.view.getUint32(this.offset + SEQUENCE_HIGH, true);
  }

  /** Where the current record's payload starts in `view`. */
  get payloadOffset(): number {
    return this.offset + RECORD_HEADER_BYTES;
  }

  /**
   * Checks that the current record, header, payload and padding, lies within the bytes used and
   * returns where it ends. `name` (e.g. the event kind's) goes into the error.
   */
  checkRecordEnd(name?: string): number {
    const end = this.offset + recordBytes(this.size);
    if (end > this.header.bytesUsed) {
      throw new WireFormatError(`record ${this.index}${name === undefined ? '' : ` (${name})`} runs past the ${this.header.bytesUsed} bytes used`);
    }
    return end;
  }
}
