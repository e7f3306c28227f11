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
  RecordHeaderField,
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

/**
 * Reads a batch in place, checking its framing against the bytes actually returned: the header's
 * version and bytes used, each record header inside the bytes used, each record's extent, and that
 * the records fill the bytes used exactly. A broken frame throws `WireFormatError`, never an
 * out-of-range read or a hang. What a record's kind and size should be is the caller's schema, not
 * the wire's, so it is left to the caller.
 *
 * This runs once per event, so it is built to cost little next to decoding a small event: the
 * caller keeps the cursor (a record's offset) in a local and passes it in, record header fields
 * are read one by one rather than as a RecordHeaderCodec object, and a caller that already knows
 * the record's size passes the bytes it takes (`recordBytes(size)`, worked out once per kind).
 *
 *     const reader = new BatchReader(bytes);
 *     let offset = reader.firstRecordOffset;
 *     for (let index = 0; index < reader.count; index++) {
 *       reader.checkRecordStart(index, offset);
 *       // check reader.kindAt(offset) and reader.sizeAt(offset) against the schema
 *       const end = reader.checkRecordEnd(index, offset, name);
 *       // decode the payload at reader.payloadAt(offset)
 *       offset = end;
 *     }
 *     reader.checkRecordsEnd(offset);
 */
export class BatchReader {
  readonly view: DataView;
  readonly header: BatchHeader;
  /** Where the first record's header starts, right after the batch header. */
  readonly firstRecordOffset = BATCH_HEADER_BYTES;
  /** The header's count and bytes used, kept as plain fields too: the checks read them once per record. */
  readonly count: number;
  readonly bytesUsed: number;

  constructor(bytes: Uint8Array) {
    if (bytes.byteLength < BATCH_HEADER_BYTES) {
      throw new WireFormatError(`the driver returned ${bytes.byteLength} bytes, less than the ${BATCH_HEADER_BYTES}-byte batch header`);
    }
    this.view = toDataView(bytes);
    this.header = BatchHeaderCodec.decodeFrom(this.view, 0);
    const { version, count, bytesUsed } = this.header;
    this.count = count;
    this.bytesUsed = bytesUsed;
    if (version !== PROTOCOL_VERSION) throw new WireFormatError(`batch version ${version}, expected ${PROTOCOL_VERSION}`);
    if (bytesUsed < BATCH_HEADER_BYTES || bytesUsed > bytes.byteLength) {
      throw new WireFormatError(`batch claims ${bytesUsed} bytes used, but ${bytes.byteLength} were returned`);
    }
  }

  /** Checks that record `index`'s header, at `offset`, lies within the bytes used. */
  checkRecordStart(index: number, offset: number): void {
    if (offset + RECORD_HEADER_BYTES > this.bytesUsed) throw recordStartsPast(index, this.count, this.bytesUsed);
  }

  /** RecordHeader.Kind of the record at `offset`: its event id. */
  kindAt(offset: number): number {
    return this.view.getUint16(offset + RecordHeaderField.Kind, true);
  }

  /** RecordHeader.Size of the record at `offset`: its payload's bytes, without padding. */
  sizeAt(offset: number): number {
    return this.view.getUint32(offset + RecordHeaderField.Size, true);
  }

  sequenceAt(offset: number): bigint {
    return this.view.getBigUint64(offset + RecordHeaderField.Sequence, true);
  }

  /** The sequence's low 32 bits: comparing halves makes no bigint, for a caller that only compares. */
  sequenceLowAt(offset: number): number {
    return this.view.getUint32(offset + RecordHeaderField.Sequence, true);
  }

  sequenceHighAt(offset: number): number {
    return this.view.getUint32(offset + RecordHeaderField.SequenceHigh, true);
  }

  /** Where the payload of the record at `offset` starts in `view`. */
  payloadAt(offset: number): number {
    return offset + RECORD_HEADER_BYTES;
  }

  /**
   * Checks that record `index`, at `offset` (header, payload and padding), lies within the bytes
   * used, and returns where it ends: where the next record starts. `name` (e.g. the event kind's)
   * goes into the error. `stride`, when given, must be `recordBytes(sizeAt(offset))`.
   */
  checkRecordEnd(index: number, offset: number, name?: string, stride = recordBytes(this.sizeAt(offset))): number {
    const end = offset + stride;
    if (end > this.bytesUsed) throw recordRunsPast(index, name, this.bytesUsed);
    return end;
  }

  /** Checks that the records, which ended at `offset`, fill the bytes used exactly. */
  checkRecordsEnd(offset: number): void {
    if (offset !== this.bytesUsed) throw recordsEndEarly(this.count, offset, this.bytesUsed);
  }
}

// The errors are built out of line: the methods above run once per record, and V8 inlines a method
// into the caller's loop only while its bytecode stays small.
function recordsEndEarly(count: number, end: number, bytesUsed: number): WireFormatError {
  return new WireFormatError(`${count} records end at byte ${end}, but the batch claims ${bytesUsed} bytes used`);
}

function recordStartsPast(index: number, count: number, bytesUsed: number): WireFormatError {
  return new WireFormatError(`record ${index} of ${count} starts past the ${bytesUsed} bytes used`);
}

function recordRunsPast(index: number, name: string | undefined, bytesUsed: number): WireFormatError {
  return new WireFormatError(`record ${index}${name === undefined ? '' : ` (${name})`} runs past the ${bytesUsed} bytes used`);
}
