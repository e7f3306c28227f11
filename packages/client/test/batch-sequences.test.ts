// The decoder tells the stream whether a batch's sequences run one after another, so that the
// stream compares only the first with its cursor. These tests hold that shortcut to the full check:
// the decoder must say so exactly when it is true, and the stream must produce the same items and
// the same errors with the hint as without it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCheckedBatch, kindsById } from '../src/batch.js';
import { ChannelStream, type StreamItem } from '../src/stream.js';
import { encodeBatch } from '../src/testing.js';
import { EVENTS } from './support.js';

const kinds = kindsById(EVENTS);
const U64_MAX = 2n ** 64n - 1n;

/** Starting points near where a 32-bit half carries into the next, and near the end of u64. */
const start = fc.oneof(
  fc.bigInt({ min: 0n, max: 8n }),
  fc.bigInt({ min: 2n ** 32n - 4n, max: 2n ** 32n + 2n }),
  fc.bigInt({ min: 2n ** 33n - 3n, max: 2n ** 33n }),
  fc.bigInt({ min: U64_MAX - 4n, max: U64_MAX }),
  fc.bigInt({ min: 0n, max: U64_MAX }),
);
/** Steps from one record's sequence to the next: mostly 1, sometimes a gap, a repeat or a step back. */
const step = fc.oneof({ weight: 6, arbitrary: fc.constant(1n) }, { weight: 1, arbitrary: fc.bigInt({ min: -3n, max: 2n ** 32n + 1n }) });

function sequencesFrom(first: bigint, steps: readonly bigint[]): bigint[] {
  const sequences = [first];
  for (const delta of steps) {
    const next = sequences.at(-1)! + delta;
    sequences.push(next < 0n ? 0n : next > U64_MAX ? U64_MAX : next);
  }
  return sequences;
}

const batchOf = (sequences: readonly bigint[], droppedTotal = 0n, flags = 0) =>
  encodeBatch(EVENTS, sequences.map((sequence) => ({ sequence, kind: 'Small', data: { tag: sequence, value: 1, flag: false } })), droppedTotal, flags);

describe('consecutive sequences in a decoded batch', () => {
  it('are reported exactly when each record is one more than the one before, carries and the end of u64 included', () => {
    fc.assert(fc.property(start, fc.array(step, { maxLength: 6 }), (first, steps) => {
      const sequences = sequencesFrom(first, steps);
      const { consecutive } = decodeCheckedBatch(batchOf(sequences), EVENTS, kinds);
      expect(consecutive).toBe(sequences.every((sequence, index) => index === 0 || sequence === sequences[index - 1]! + 1n));
    }), { numRuns: 2000 });
  });

  it('are reported for the carry from 2^32 - 1 to 2^32 and not past 2^64 - 1', () => {
    expect(decodeCheckedBatch(batchOf([2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n]), EVENTS, kinds).consecutive).toBe(true);
    expect(decodeCheckedBatch(batchOf([2n ** 32n - 1n, 2n ** 33n]), EVENTS, kinds).consecutive).toBe(false);
    expect(decodeCheckedBatch(batchOf([U64_MAX, 0n]), EVENTS, kinds).consecutive).toBe(false);
  });
});

describe('a stream given the consecutive hint', () => {
  /** Feeds the batches to a stream and records the items of each call, and what it threw. */
  function run(batches: readonly Uint8Array[], useHint: boolean): unknown[] {
    const stream = new ChannelStream('subscribe Events');
    return batches.map((bytes) => {
      const { batch, consecutive } = decodeCheckedBatch(bytes, EVENTS, kinds);
      const accepted: StreamItem[] = [];
      try {
        return { items: stream.accept(batch, accepted, useHint && consecutive) };
      } catch (error) {
        return { items: accepted, error: (error as Error).message };
      }
    });
  }

  it('gives the same items and throws the same errors as a stream that checks every record', () => {
    let hinted = 0;
    const batch = fc.record({
      first: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 12n })),
      steps: fc.array(step, { maxLength: 5 }),
      droppedTotal: fc.bigInt({ min: 0n, max: 16n }),
      ringEmpty: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(batch, { minLength: 1, maxLength: 5 }), (specs) => {
      // Batches that mostly continue from the last one, so most streams run a while before breaking.
      let cursor = 0n;
      const batches = specs.map((spec) => {
        const sequences = sequencesFrom(cursor + spec.first % 3n, spec.steps);
        cursor = sequences.at(-1)! + 1n;
        if (sequences.every((sequence, index) => index === 0 || sequence === sequences[index - 1]! + 1n)) hinted++;
        return batchOf(sequences, spec.droppedTotal, spec.ringEmpty ? 1 : 0);
      });
      expect(run(batches, true)).toEqual(run(batches, false));
    }), { numRuns: 1000 });
    // The property means something only if the hint was used, often.
    expect(hinted).toBeGreaterThan(500);
  });
});
