// Garbled batches from a backend: every outcome is either a correct decode or a ProtocolError,
// never another exception, an out-of-range read, or an event the bytes do not hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError, decodeBatch, kindsById } from '../src/index.js';
import { encodeBatch } from '../src/testing.js';
import { EVENTS } from './support.js';

const kinds = kindsById(EVENTS);
const small = (tag: bigint) => ({ kind: 'Small', data: { tag, value: 1, flag: true } });
const large = (tag: bigint) => ({ kind: 'Large', data: { tag, text: 'large event' } });

const validBatch = fc
  .array(fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 1000n })), { minLength: 0, maxLength: 4 })
  .map((records) => encodeBatch(EVENTS, records.map(([isLarge, tag], index) => ({ sequence: BigInt(index), ...(isLarge ? large(tag) : small(tag)) })), 0n));

function decodeOutcome(bytes: Uint8Array): 'ok' | 'protocol-error' {
  try {
    const batch = decodeBatch(bytes, EVENTS, kinds);
    for (const record of batch.records) expect(['Small', 'Large']).toContain(record.kind);
    return 'ok';
  } catch (error) {
    if (error instanceof ProtocolError) return 'protocol-error';
    throw error;
  }
}

describe('decodeBatch under garbage', () => {
  it('decodes what encodeBatch wrote', () => {
    fc.assert(fc.property(validBatch, (bytes) => {
      expect(decodeOutcome(bytes)).toBe('ok');
    }));
  });

  it('random bytes: a decode or a ProtocolError, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 700 }), (bytes) => {
      decodeOutcome(bytes);
    }), { numRuns: 2000 });
  });

  it('valid batches with flipped bytes: a decode or a ProtocolError', () => {
    fc.assert(fc.property(validBatch, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }), (bytes, flips) => {
      const garbled = bytes.slice();
      for (const [at, mask] of flips) garbled[at % garbled.length]! ^= mask;
      decodeOutcome(garbled);
    }), { numRuns: 2000 });
  });

  it('truncated batches are always ProtocolErrors', () => {
    fc.assert(fc.property(validBatch.filter((bytes) => bytes.byteLength > 24), fc.nat(), (bytes, cut) => {
      const truncated = bytes.subarray(0, cut % bytes.byteLength);
      expect(decodeOutcome(truncated)).toBe('protocol-error');
    }));
  });

  it.each([
    ['a wrong version', (view: DataView) => view.setUint32(0, 1, true), 'batch version 1'],
    ['a count past the end', (view: DataView) => view.setUint32(4, 5, true), 'starts past'],
    ['bytesUsed past the buffer', (view: DataView) => view.setUint32(8, 4096, true), 'bytes used'],
    ['an unknown kind', (view: DataView) => view.setUint16(24 + 8, 77, true), 'unknown event kind 77'],
    ['a wrong record size', (view: DataView) => view.setUint32(24 + 12, 8, true), 'the schema says'],
  ])('names %s', (_, change, message) => {
    const bytes = encodeBatch(EVENTS, [{ sequence: 0n, ...small(1n) }]);
    change(new DataView(bytes.buffer));
    expect(() => decodeBatch(bytes, EVENTS, kinds)).toThrow(message);
  });
});
