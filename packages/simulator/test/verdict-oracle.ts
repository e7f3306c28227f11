/**
 * A small oracle of the verdict rules V1-V9, written from the rules' text and nothing else: one
 * flat list of questions with a state each, one list of parked ask requests, linear scans
 * everywhere. It shares no code with the engine (src/verdict-table.ts) so that a mistake in one is
 * not mirrored in the other. Each operation returns, or records, what the rules say must be seen.
 */
import type { VerdictOutcome } from '@inverted-call/codec';

export const SUCCESS = 0x00000000;
export const NOT_FOUND = 0xc0000225;
export const IO_TIMEOUT = 0xc00000b5;
export const INVALID_DEVICE_STATE = 0xc0000184;

export interface OracleVerdict {
  readonly name: string;
  readonly deadlineMs: number;
  readonly maxPending: number;
  readonly defaultAnswer: Uint8Array;
}

interface OracleQuestion {
  readonly ask: number;
  readonly verdict: OracleVerdict;
  readonly id: bigint;
  readonly askedAt: number;
  state: 'queued' | 'delivered' | 'settled';
  owner: number | null;
}

/** What the rules say happened, per step. */
export interface Expected {
  /** Settlements, in the order the clock makes them (same-time order is not fixed by the rules). */
  settled: { ask: number; id: bigint; outcome: VerdictOutcome; answer: Uint8Array; atMs: number }[];
  /** Ask requests that completed with a question. */
  delivered: { requestId: number; id: bigint; remainingMs: number; ask: number }[];
  /** Ask requests cancelled (by a cancel, or by their handle closing). */
  cancelled: number[];
}

export class VerdictOracle {
  now = 0;
  private asks = 0;
  private lastId = 0n;
  private readonly questions: OracleQuestion[] = [];
  private readonly parked: { requestId: number; handle: number; verdict: string }[] = [];
  private readonly deciders = new Map<string, number[]>();
  private readonly processOf = new Map<number, number | undefined>();
  /** Every question a handle saw settle by an answer or a deadline, oldest first. */
  private readonly seenSettled: { handle: number; verdict: string; id: bigint; how: 'answered' | 'timedOut' }[] = [];
  /** The question struct each ask was raised with, to check what a decider receives. */
  readonly questionBytes = new Map<number, Uint8Array>();
  expected: Expected = { settled: [], delivered: [], cancelled: [] };

  constructor(private readonly verdicts: readonly OracleVerdict[]) {
    for (const verdict of verdicts) this.deciders.set(verdict.name, []);
  }

  /** Starts a new step: what is expected from here on. */
  takeExpected(): Expected {
    const expected = this.expected;
    this.expected = { settled: [], delivered: [], cancelled: [] };
    return expected;
  }

  open(handle: number, processId: number | undefined): void {
    this.processOf.set(handle, processId);
  }

  ask(verdictName: string, bytes: Uint8Array, askerProcessId: number | undefined, atPassiveLevel: boolean): { ask: number; id: bigint } {
    const verdict = this.verdict(verdictName);
    const ask = ++this.asks;
    this.questionBytes.set(ask, bytes);
    const deciders = this.deciders.get(verdict.name)!;
    const asksForItself = askerProcessId !== undefined && deciders.some((handle) => this.processOf.get(handle) === askerProcessId);
    const unsettled = this.questions.filter((question) => question.verdict === verdict && question.state !== 'settled').length;
    if (!atPassiveLevel || deciders.length === 0 || asksForItself) return this.settleAtOnce(ask, verdict, 'defaulted');
    if (unsettled >= verdict.maxPending) return this.settleAtOnce(ask, verdict, 'refused');
    const question: OracleQuestion = { ask, verdict, id: ++this.lastId, askedAt: this.now, state: 'queued', owner: null };
    this.questions.push(question);
    const parkedIndex = this.parked.findIndex((parked) => parked.verdict === verdict.name);
    if (parkedIndex >= 0) {
      const [parked] = this.parked.splice(parkedIndex, 1);
      this.deliver(question, parked!.handle, parked!.requestId);
    }
    return { ask, id: question.id };
  }

  askRequest(requestId: number, handle: number, verdictName: string): void {
    const deciders = this.deciders.get(verdictName)!;
    if (!deciders.includes(handle)) deciders.push(handle);
    const oldest = this.questions.find((question) => question.verdict.name === verdictName && question.state === 'queued');
    if (oldest) this.deliver(oldest, handle, requestId);
    else this.parked.push({ requestId, handle, verdict: verdictName });
  }

  cancel(requestId: number): void {
    const index = this.parked.findIndex((parked) => parked.requestId === requestId);
    if (index < 0) return;
    this.parked.splice(index, 1);
    this.expected.cancelled.push(requestId);
  }

  reply(handle: number, verdictName: string, id: bigint, answer: Uint8Array): number {
    const verdict = this.verdict(verdictName);
    const question = this.questions.find((candidate) => candidate.verdict === verdict && candidate.id === id);
    if (question && question.state === 'delivered' && question.owner === handle) {
      this.seenSettled.push({ handle, verdict: verdictName, id, how: 'answered' });
      this.settle(question, 'answered', answer);
      return SUCCESS;
    }
    const remembered = this.seenSettled.filter((seen) => seen.handle === handle && seen.verdict === verdictName).slice(-verdict.maxPending);
    const seen = remembered.find((candidate) => candidate.id === id);
    if (seen?.how === 'answered') return INVALID_DEVICE_STATE;
    if (seen?.how === 'timedOut') return IO_TIMEOUT;
    return NOT_FOUND;
  }

  close(handle: number): void {
    for (const parked of this.parked.filter((candidate) => candidate.handle === handle)) this.cancel(parked.requestId);
    for (const verdict of this.verdicts) {
      const deciders = this.deciders.get(verdict.name)!;
      if (deciders.includes(handle)) deciders.splice(deciders.indexOf(handle), 1);
      for (const question of this.questions) {
        if (question.verdict === verdict && question.state === 'delivered' && question.owner === handle) this.settle(question, 'defaulted', verdict.defaultAnswer);
      }
      if (deciders.length === 0) {
        for (const question of this.questions) if (question.verdict === verdict && question.state === 'queued') this.settle(question, 'defaulted', verdict.defaultAnswer);
      }
    }
    this.processOf.delete(handle);
  }

  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const due = this.questions
        .filter((question) => question.state !== 'settled' && question.askedAt + question.verdict.deadlineMs <= target)
        .sort((a, b) => a.askedAt + a.verdict.deadlineMs - (b.askedAt + b.verdict.deadlineMs) || Number(a.id - b.id))[0];
      if (!due) break;
      this.now = due.askedAt + due.verdict.deadlineMs;
      if (due.state === 'delivered') this.seenSettled.push({ handle: due.owner!, verdict: due.verdict.name, id: due.id, how: 'timedOut' });
      this.settle(due, 'timedOut', due.verdict.defaultAnswer);
    }
    this.now = target;
  }

  /** V9's terms, per verdict: questions not yet settled, queued and delivered. */
  unsettled(verdictName: string): { queued: number; delivered: number } {
    const of = this.questions.filter((question) => question.verdict.name === verdictName);
    return { queued: of.filter((question) => question.state === 'queued').length, delivered: of.filter((question) => question.state === 'delivered').length };
  }

  decidersOf(verdictName: string): number[] {
    return [...this.deciders.get(verdictName)!];
  }

  private verdict(name: string): OracleVerdict {
    return this.verdicts.find((verdict) => verdict.name === name)!;
  }

  private deliver(question: OracleQuestion, handle: number, requestId: number): void {
    question.state = 'delivered';
    question.owner = handle;
    this.expected.delivered.push({ requestId, id: question.id, remainingMs: question.askedAt + question.verdict.deadlineMs - this.now, ask: question.ask });
  }

  private settleAtOnce(ask: number, verdict: OracleVerdict, outcome: VerdictOutcome): { ask: number; id: bigint } {
    this.expected.settled.push({ ask, id: 0n, outcome, answer: verdict.defaultAnswer, atMs: this.now });
    return { ask, id: 0n };
  }

  private settle(question: OracleQuestion, outcome: VerdictOutcome, answer: Uint8Array): void {
    question.state = 'settled';
    this.expected.settled.push({ ask: question.ask, id: question.id, outcome, answer, atMs: this.now });
  }
}
