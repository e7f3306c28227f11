import { describe, expect, it } from 'vitest';
import { BATCH_FLAG_RING_EMPTY, BatchHeaderCodec, PROTOCOL_VERSION, BatchReader, RecordHeaderCodec, WireFormatError, batchByteLength, recordBytes, writeBatch, type WireRecord } from '../src/index.js';
import { thrown } from './support/thrown.js';

const records: WireRecord[] = [
  { sequence: 7n, kindId: 1, payload: new Uint8Array([1, 2, 3]) },
  { sequence: 8n, kindId: 2, payload: new Uint8Array(8).fill(9) },
  { sequence: 0x1_0000_0000n, kindId: 1, payload: new Uint8Array(0) },
];

/** Every record the reader walks to, as the fields it reads in place. */
function walk(bytes: Uint8Array) {
  const reader = new BatchReader(bytes);
  const seen: { kind: number; size: number; sequence: bigint; halves: [number, number]; payload: number[] }[] = [];
  let offset = reader.firstRecordOffset;
  for (let index = 0; index < reader.count; index++) {
    reader.checkRecordStart(index, offset);
    const end = reader.checkRecordEnd(index, offset);
    seen.push({
      kind: reader.kindAt(offset),
      size: reader.sizeAt(offset),
      sequence: reader.sequenceAt(offset),
      halves: [reader.sequenceLowAt(offset), reader.sequenceHighAt(offset)],
      payload: [...bytes.subarray(reader.payloadAt(offset), reader.payloadAt(offset) + reader.sizeAt(offset))],
    });
    offset = end;
  }
  reader.checkRecordsEnd(offset);
  return { header: reader.header, seen };
}

const wireErrorOf = (action: () => unknown): WireFormatError => thrown(WireFormatError, action);

describe('writeBatch and BatchReader', () => {
  it('write a header and 8-byte aligned records that the reader walks back', () => {
    const bytes = writeBatch(records, 3n, BATCH_FLAG_RING_EMPTY);
    expect(bytes.byteLength).toBe(batchByteLength(records));
    expect(bytes.byteLength).toBe(24 + recordBytes(3) + recordBytes(8) + recordBytes(0));
    const { header, seen } = walk(bytes);
    expect(header).toEqual({ version: PROTOCOL_VERSION, count: 3, bytesUsed: bytes.byteLength, flags: BATCH_FLAG_RING_EMPTY, droppedTotal: 3n });
    expect(seen).toEqual([
      { kind: 1, size: 3, sequence: 7n, halves: [7, 0], payload: [1, 2, 3] },
      { kind: 2, size: 8, sequence: 8n, halves: [8, 0], payload: [9, 9, 9, 9, 9, 9, 9, 9] },
      { kind: 1, size: 0, sequence: 0x1_0000_0000n, halves: [0, 1], payload: [] },
    ]);
  });

  it('put each record header where RecordHeaderCodec reads it', () => {
    const bytes = writeBatch(records, 0n, 0);
    expect(RecordHeaderCodec.decode(bytes, 24 + recordBytes(3))).toEqual({ sequence: 8n, kind: 2, reserved: 0, size: 8 });
  });

  it('read an empty batch as no records', () => {
    expect(walk(writeBatch([], 5n, 0)).seen).toEqual([]);
  });
});

describe('BatchReader refuses a broken frame', () => {
  const mutate = (change: (view: DataView) => void, bytes = writeBatch(records, 0n, 0)) => {
    change(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return bytes;
  };
  const cases: [string, () => Uint8Array, string][] = [
    ['fewer bytes than a header', () => new Uint8Array(23), 'returned 23 bytes, less than the 24-byte batch header'],
    ['another version', () => mutate((view) => view.setUint32(0, 1, true)), 'batch version 1, expected 2'],
    ['bytes used below the header', () => mutate((view) => view.setUint32(8, 8, true)), 'claims 8 bytes used'],
    ['bytes used past the buffer', () => mutate((view) => view.setUint32(8, 4096, true)), 'claims 4096 bytes used'],
    ['a count past the records', () => mutate((view) => view.setUint32(4, 4, true)), 'record 3 of 4 starts past'],
    ['a count short of the records', () => mutate((view) => view.setUint32(4, 2, true)), '2 records end at byte 72'],
    ['a record size past the end', () => mutate((view) => view.setUint32(24 + recordBytes(3) + 12, 64, true)), 'record 1 runs past'],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => expect(wireErrorOf(() => walk(bytes())).message).toContain(message));
  }

  it('names the record by what the caller calls it, and takes the stride the caller knows', () => {
    const bytes = mutate((view) => view.setUint32(24 + 12, 200, true));
    const reader = new BatchReader(bytes);
    expect(wireErrorOf(() => reader.checkRecordEnd(0, 24, 'Large')).message).toBe(`record 0 (Large) runs past the ${bytes.byteLength} bytes used`);
    expect(reader.checkRecordEnd(0, 24, 'Small', recordBytes(3))).toBe(24 + recordBytes(3));
  });

  it('reads the header where BatchHeaderCodec writes it', () => {
    const header = { version: PROTOCOL_VERSION, count: 0, bytesUsed: 24, flags: 1, droppedTotal: 2n ** 64n - 1n };
    expect(new BatchReader(BatchHeaderCodec.encode(header)).header).toEqual(header);
  });
});
