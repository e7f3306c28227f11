// The verdict benchmark's arithmetic (scripts/verdict-stats.mjs): percentiles, rows, ratios, and
// the outcome check that makes a run with timed-out or defaulted questions say so.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script of this package, without type declarations
import { outcomeProblems, p99Ratios, percentile, summarize } from '../scripts/verdict-stats.mjs';

const run = (roundTripsUs: number[], seconds: number, outcomes: Partial<Record<string, number>> = {}, notSuccess = 0) => ({
  count: roundTripsUs.length,
  seconds,
  roundTripsUs,
  notSuccess,
  outcomes: { asked: roundTripsUs.length, answered: roundTripsUs.length, timedOut: 0, defaulted: 0, refused: 0, ...outcomes },
});
const hundred = Array.from({ length: 100 }, (_, index) => 100 - index); // 100..1, unsorted

describe('percentile (nearest rank)', () => {
  it('p50 and p99 of 1..100 are 50 and 99; p100 is the maximum', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses no values and p outside (0, 100], naming the fix', () => {
    expect(() => percentile([], 50)).toThrow(/no values/);
    expect(() => percentile([1], 0)).toThrow(/fix: give a number in \(0, 100\]/);
  });
});

describe('summarize', () => {
  it('pools the round trips of every run, takes the median run rate and sums the outcomes', () => {
    const row = summarize([run(hundred.slice(0, 50), 0.5), run(hundred.slice(50), 0.25), run([1000], 1)]);
    expect(row).toMatchObject({ requests: 101, 'p50 round trip (µs)': 51, 'p99 round trip (µs)': 100, 'max (µs)': 1000, 'decisions per second (median run)': 100, 'slowest run': 1, 'fastest run': 200, asked: 101, answered: 101 });
  });
});

describe('outcomeProblems', () => {
  const rowOf = (outcomes: Partial<Record<string, number>>, notSuccess = 0) => summarize([run([1, 2, 3, 4], 1, outcomes, notSuccess)]);

  it('nothing to say when every question was answered with a decider, or defaulted without one', () => {
    expect(outcomeProblems('TS', rowOf({}), 'answered')).toEqual([]);
    expect(outcomeProblems('floor', rowOf({ answered: 0, defaulted: 4 }), 'defaulted')).toEqual([]);
  });

  it('negative controls: timed-out questions, a missing question and a denied creation are each reported', () => {
    expect(outcomeProblems('TS', rowOf({ answered: 3, timedOut: 1 }), 'answered')).toEqual(['TS: 1 of 4 questions were not answered (answered 3, timed out 1, defaulted 0, refused 0)']);
    expect(outcomeProblems('TS', rowOf({ asked: 3, answered: 3 }), 'answered')).toEqual(['TS: the driver counted 3 questions asked for 4 requests']);
    expect(outcomeProblems('floor', rowOf({}, 2), 'answered')).toEqual(['floor: 2 process creations did not get STATUS_SUCCESS']);
    // A floor row whose questions were answered had a decider it should not have had.
    expect(outcomeProblems('floor', rowOf({}), 'defaulted')).toHaveLength(1);
  });
});

describe('p99Ratios', () => {
  it('divides run by run and gives the median, lowest, highest and the runs within the goal', () => {
    const native = [run(hundred, 1), run(hundred, 1), run(hundred, 1)];
    const typescript = [run(hundred.map((value) => value * 2), 1), run(hundred, 1), run(hundred.map((value) => value * 3), 1)];
    expect(p99Ratios(typescript, native, 1.5)).toEqual({ median: 2, lowest: 1, highest: 3, runs: 3, withinGoal: 1 });
    expect(p99Ratios(typescript, native, 2).withinGoal).toBe(2);
  });

  it('refuses runs that do not pair up', () => {
    expect(() => p99Ratios([run([1], 1)], [], 1.5)).toThrow(/same number of runs/);
  });
});
