/**
 * Model-based property test of verdicts. Random sequences of operations (questions asked, ask
 * requests parked, cancels, replies right, wrong-handle, late, duplicate and unknown, handles
 * closed and opened, the clock advanced) run against the system and against an independent
 * oracle of rules V1-V9 (verdict-oracle.ts). After every step:
 * - every settlement the system made is one the oracle expects, with the same outcome, answer and
 *   time, and each question settles exactly once (at the end, after the clock passes every
 *   deadline, every question has settled);
 * - ask requests complete with the question, id and RemainingMs the oracle expects, or are
 *   cancelled when it says so; each reply gets the oracle's NTSTATUS;
 * - the counters satisfy V9 (asked = answered + timedOut + defaulted + refused + unsettled) and
 *   agree with the oracle, as do the deciders and the queued and delivered questions;
 * - no question settles later than its deadline plus the scheduling bound, which with this
 *   controllable clock is 0 ms (DEADLINE_BOUND_MS), nor before it was asked.
 *
 * Workloads come from the simulator's seeded generator. A failure names its seed and the steps
 * that led to it; replay it with `VERDICT_SEED=<seed> VERDICT_RUNS=1 pnpm exec vitest run
 * test/verdict-property.test.ts`. VERDICT_RUNS changes the number of runs (default 300).
 *
 * The negative controls run the same property against mutants of the engine, each with one planted
 * bug (verdict-systems.ts), and require the property to fail for every one.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/random.js';
import type { VerdictAsk } from '../src/verdict-types.js';
import { decodeVerdictQuestion } from '@inverted-call/codec';
import { AnswerCodec, question, verdictDevice } from './verdict-device.js';
import { VerdictOracle, type Expected } from './verdict-oracle.js';
import { MUTATIONS, engineSystem, modelSystem, mutantEngine, type Observed, type VerdictSystem } from './verdict-systems.js';

/** With a clock the test moves itself, a question settles at its deadline exactly: the bound is 0 ms. */
const DEADLINE_BOUND_MS = 0;
const BASE_SEED = process.env.VERDICT_SEED === undefined ? 20261206 : Number(process.env.VERDICT_SEED);
const RUNS = Number(process.env.VERDICT_RUNS ?? 300);
const STEPS = 80;
const VERDICTS = Object.values(verdictDevice.verdicts).map((verdict) => ({
  name: verdict.name,
  deadlineMs: verdict.deadlineMs,
  maxPending: verdict.maxPending,
  defaultAnswer: AnswerCodec.encode(verdict.defaultAnswer),
}));
/** Processes handles belong to, and one that holds none. */
const PROCESS_IDS = [1000, 1004, 1008];
const OUTSIDER = 2000;
const ADVANCES = [0, 1, 5, 20, 49, 50, 51, 120, 199, 200, 201, 400];

class PropertyFailure extends Error {
  override readonly name = 'PropertyFailure';
}

function fail(message: string): never {
  throw new PropertyFailure(message);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Order the rules fix: by time; settlements at the same time are compared by ask number. */
function byTime<T extends { atMs: number; ask: number }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => a.atMs - b.atMs || a.ask - b.ask);
}

/** One run: `STEPS` random operations; throws a PropertyFailure naming the first disagreement. */
function runOnce(seed: number, system: VerdictSystem, log: string[]): void {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const oracle = new VerdictOracle(VERDICTS);
  const asks = new Map<number, { asked: VerdictAsk; verdict: string; askedAt: number; deadlineMs: number }>();
  const settledAsks = new Set<number>();
  const openHandles: number[] = [];
  /** Per handle, ids it was given (to reply right, late or twice) and per request, its handle and verdict. */
  const given = new Map<number, { verdict: string; id: bigint }[]>();
  const parked = new Map<number, { handle: number; verdict: string }>();
  let nextHandle = 1;
  let maxId = 0n;

  const openHandle = () => {
    const handle = nextHandle++;
    const processId = pick(PROCESS_IDS);
    log.push(`open handle ${handle} (process ${processId})`);
    system.open(handle, processId);
    oracle.open(handle, processId);
    openHandles.push(handle);
    given.set(handle, []);
  };

  const compare = (observed: Observed, expected: Expected) => {
    const seen = byTime(observed.settled).map(({ ask, id, outcome, answer, atMs }) => `ask ${ask} id ${id} ${outcome} ${hex(answer)} at ${atMs}`);
    const want = byTime(expected.settled).map(({ ask, id, outcome, answer, atMs }) => `ask ${ask} id ${id} ${outcome} ${hex(answer)} at ${atMs}`);
    if (seen.join('; ') !== want.join('; ')) fail(`settlements differ: system [${seen.join('; ')}], rules [${want.join('; ')}]`);
    for (const entry of observed.settled) {
      if (settledAsks.has(entry.ask)) fail(`ask ${entry.ask} settled a second time (${entry.outcome})`);
      settledAsks.add(entry.ask);
      const record = asks.get(entry.ask);
      if (!record) continue; // settled inside its own ask step; checked below
      if (entry.atMs > record.askedAt + record.deadlineMs + DEADLINE_BOUND_MS) fail(`ask ${entry.ask} settled at ${entry.atMs}, after its deadline ${record.askedAt + record.deadlineMs} plus ${DEADLINE_BOUND_MS}`);
      if (entry.atMs < record.askedAt) fail(`ask ${entry.ask} settled at ${entry.atMs}, before it was asked at ${record.askedAt}`);
      const settlement = record.asked.settlement;
      if (!settlement || settlement.outcome !== entry.outcome || hex(settlement.answer) !== hex(entry.answer)) fail(`ask ${entry.ask}: the asker holds ${JSON.stringify(settlement?.outcome)}, the trace says ${entry.outcome}`);
    }
    const delivered = observed.delivered.map(({ requestId, bytes }) => {
      const { id, remainingMs, question: bytesOfQuestion } = decodeVerdictQuestion(bytes);
      return `request ${requestId} id ${id} remaining ${remainingMs} ${hex(bytesOfQuestion)}`;
    });
    const wantDelivered = expected.delivered.map(({ requestId, id, remainingMs, ask }) => `request ${requestId} id ${id} remaining ${remainingMs} ${hex(oracle.questionBytes.get(ask)!)}`);
    if (delivered.join('; ') !== wantDelivered.join('; ')) fail(`deliveries differ: system [${delivered.join('; ')}], rules [${wantDelivered.join('; ')}]`);
    for (const { requestId, id } of expected.delivered) {
      const request = parked.get(requestId) ?? fail(`request ${requestId} was not sent`);
      given.get(request.handle)!.push({ verdict: request.verdict, id });
      parked.delete(requestId);
    }
    if ([...observed.cancelled].sort().join() !== [...expected.cancelled].sort().join()) fail(`cancelled ask requests differ: system [${observed.cancelled}], rules [${expected.cancelled}]`);
    for (const requestId of expected.cancelled) parked.delete(requestId);
    for (const state of system.state()) {
      const { asked, answered, timedOut, defaulted, refused } = state.counters;
      if (asked !== answered + timedOut + defaulted + refused + state.queued + state.delivered) fail(`V9 fails for ${state.verdict}: ${JSON.stringify(state)}`);
      const unsettled = oracle.unsettled(state.verdict);
      if (state.queued !== unsettled.queued || state.delivered !== unsettled.delivered) fail(`${state.verdict}: system has ${state.queued} queued and ${state.delivered} delivered, rules ${unsettled.queued} and ${unsettled.delivered}`);
      if (state.deciders.join() !== oracle.decidersOf(state.verdict).join()) fail(`${state.verdict}: deciders [${state.deciders}], rules [${oracle.decidersOf(state.verdict)}]`);
    }
  };

  for (let handle = 0; handle < 2; handle++) openHandle();
  for (let step = 0; step < STEPS; step++) {
    const roll = random();
    const handle = openHandles.length > 0 ? pick(openHandles) : undefined;
    const verdict = pick(VERDICTS).name;
    if (roll < 0.25) {
      const askerProcessId = random() < 0.3 ? pick([...PROCESS_IDS, OUTSIDER]) : undefined;
      const atPassiveLevel = random() >= 0.05;
      const bytes = question(Math.floor(random() * 0xffff));
      log.push(`ask ${verdict} (asker ${askerProcessId}, passive ${atPassiveLevel})`);
      const asked = system.ask(verdict, bytes, { ...(askerProcessId !== undefined ? { askerProcessId } : {}), atPassiveLevel });
      const predicted = oracle.ask(verdict, bytes, askerProcessId, atPassiveLevel);
      if (asked.ask !== predicted.ask || asked.id !== predicted.id) fail(`ask ${predicted.ask}: system gave id ${asked.id}, rules ${predicted.id}`);
      asks.set(asked.ask, { asked, verdict, askedAt: oracle.now, deadlineMs: VERDICTS.find((candidate) => candidate.name === verdict)!.deadlineMs });
      if (asked.id > maxId) maxId = asked.id;
    } else if (roll < 0.45 && handle !== undefined) {
      const requestId = system.askRequest(handle, verdict);
      log.push(`ask request ${requestId} on handle ${handle} for ${verdict}`);
      parked.set(requestId, { handle, verdict });
      oracle.askRequest(requestId, handle, verdict);
    } else if (roll < 0.5 && parked.size > 0) {
      const requestId = pick([...parked.keys()]);
      log.push(`cancel request ${requestId}`);
      system.cancel(requestId);
      oracle.cancel(requestId);
    } else if (roll < 0.75 && handle !== undefined) {
      // Mostly ids this handle was given (right, late or duplicate), else another's, 0 or never used.
      const mine = given.get(handle)!;
      const kind = random();
      const target = kind < 0.6 && mine.length > 0 ? pick(mine) : kind < 0.85 ? { verdict, id: BigInt(Math.floor(random() * Number(maxId + 1n))) } : { verdict, id: maxId + 1n + BigInt(Math.floor(random() * 3)) };
      const answer = AnswerCodec.encode({ allow: Math.floor(random() * 3) });
      log.push(`reply on handle ${handle} to ${target.verdict} id ${target.id} with ${hex(answer)}`);
      const status = system.reply(handle, target.verdict, target.id, answer);
      const expected = oracle.reply(handle, target.verdict, target.id, answer);
      if (status !== expected) fail(`reply status 0x${status.toString(16)}, rules say 0x${expected.toString(16)}`);
    } else if (roll < 0.82 && handle !== undefined) {
      log.push(`close handle ${handle}`);
      openHandles.splice(openHandles.indexOf(handle), 1);
      system.close(handle);
      oracle.close(handle);
    } else if (roll < 0.86) {
      openHandle();
    } else {
      const ms = pick(ADVANCES);
      log.push(`advance ${ms} ms`);
      system.advance(ms);
      oracle.advance(ms);
    }
    compare(system.takeObserved(), oracle.takeExpected());
  }
  // The end: past every deadline, every question has settled, exactly once.
  log.push('advance past every deadline');
  system.advance(10_000);
  oracle.advance(10_000);
  compare(system.takeObserved(), oracle.takeExpected());
  for (const ask of asks.keys()) if (!settledAsks.has(ask)) fail(`ask ${ask} never settled`);
}

/** Runs the property `runs` times; returns the first failure with its seed and steps, or null. */
function property(makeSystem: () => VerdictSystem, runs = RUNS): string | null {
  for (let run = 0; run < runs; run++) {
    const seed = BASE_SEED + run;
    const log: string[] = [];
    try {
      runOnce(seed, makeSystem(), log);
    } catch (error) {
      const reason = error instanceof PropertyFailure ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return `seed ${seed} (replay: VERDICT_SEED=${seed} VERDICT_RUNS=1): ${reason}\nafter ${log.length} steps:\n  ${log.slice(-25).join('\n  ')}`;
    }
  }
  return null;
}

describe('verdicts against the oracle of V1-V9 (model-based)', () => {
  it('the engine on its own', () => {
    const failure = property(() => engineSystem());
    expect(failure, failure ?? '').toBeNull();
  });

  it('the engine inside the driver model, driven by IOCTLs', () => {
    const failure = property(() => modelSystem());
    expect(failure, failure ?? '').toBeNull();
  });

  it('the workloads reach every outcome and every reply status', () => {
    const outcomes = new Set<string>();
    const statuses = new Set<number>();
    for (let run = 0; run < 20; run++) {
      const system = engineSystem();
      const observing: VerdictSystem = {
        ...system,
        reply: (...args) => {
          const status = system.reply(...args);
          statuses.add(status);
          return status;
        },
        takeObserved: () => {
          const observed = system.takeObserved();
          for (const entry of observed.settled) outcomes.add(entry.outcome);
          return observed;
        },
      };
      runOnce(BASE_SEED + run, observing, []);
    }
    expect([...outcomes].sort()).toEqual(['answered', 'defaulted', 'refused', 'timedOut']);
    expect([...statuses].sort()).toEqual([0, 0xc00000b5, 0xc0000184, 0xc0000225].sort());
  });
});

describe('negative controls: the property catches each planted bug', () => {
  it.each(MUTATIONS.map((mutation) => [mutation.name, mutation] as const))('%s', async (_name, mutation) => {
    const Mutant = await mutantEngine(mutation);
    const failure = property(() => engineSystem(Mutant));
    expect(failure).not.toBeNull();
    expect(failure).toMatch(/^seed \d+ \(replay: VERDICT_SEED=\d+ VERDICT_RUNS=1\): /);
    expect(failure).toMatch(mutation.caughtAs);
  });
});
