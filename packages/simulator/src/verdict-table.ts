/**
 * The verdict engine: the reference model of rules V1-V9 (verdict channels), synchronous and
 * deterministic like the rest of the driver model. It knows deciders, parked ask requests,
 * questions and replies; it does not know buffers or NTSTATUS checks of a request's shape (the
 * driver model validates a request before it gets here) and it never completes a request itself:
 * it hands the bytes of a delivered question to `deliver`.
 *
 * Time is a number the engine is told, never read from a clock: `advance(ms)` moves it, and every
 * question whose deadline the clock reaches settles then, at exactly its deadline. With this
 * clock the scheduling bound of V4 is 0 ms: no question settles later than `deadlineMs` after it
 * was asked. (A real clock adds the delay of the timer that calls `advance`.)
 */
import { STATUS_INVALID_DEVICE_STATE, STATUS_IO_TIMEOUT, STATUS_NOT_FOUND, STATUS_SUCCESS } from './ntstatus.js';
import type { VerdictTraceEntry } from './verdict-trace.js';
import { VERDICT_COUNTERS, encodeVerdictQuestion, freshVerdictInfo, type VerdictDescriptorV1, type VerdictInfo, type VerdictOutcome } from '@inverted-call/codec';
import type { AskOptions, VerdictAsk, VerdictCounters, VerdictSettlement, VerdictState, VerdictTableOptions } from './verdict-types.js';

/** How a question of this handle settled, remembered to give a later reply its V5 status. */
type SettledHere = Extract<VerdictOutcome, 'answered' | 'timedOut'>;

interface QuestionRecord {
  readonly ask: number;
  readonly verdict: VerdictRecord;
  id: bigint;
  readonly bytes: Uint8Array;
  readonly askedAtMs: number;
  readonly deadlineAtMs: number;
  /** The decider it was delivered to (V2), null while queued. */
  owner: number | null;
  settlement: VerdictSettlement | null;
  readonly resolve: (settlement: VerdictSettlement) => void;
}

interface VerdictRecord {
  readonly descriptor: VerdictDescriptorV1;
  readonly defaultAnswer: Uint8Array;
  readonly deciders: Set<number>;
  /** Parked ask requests across all deciders, oldest first (V2). */
  readonly parked: { readonly requestId: number; readonly handleId: number }[];
  /** Questions not yet delivered, oldest first. */
  readonly queue: QuestionRecord[];
  /** Unsettled questions (queued and delivered) by id; insertion order is id order, which is deadline order. */
  readonly open: Map<bigint, QuestionRecord>;
  /** Per handle, its last maxPending settled ids (V5). */
  readonly memory: Map<number, Map<bigint, SettledHere>>;
  readonly counters: VerdictCounters;
}

export class VerdictTable {
  private readonly verdicts = new Map<string, VerdictRecord>();
  private readonly byCode = new Map<number, { verdict: string; role: 'ask' | 'reply' }>();
  private readonly parkedVerdictOfRequest = new Map<number, VerdictRecord>();
  /** Open handles and the process each belongs to (undefined: unknown, never the asker). */
  private readonly processOfHandle = new Map<number, number | undefined>();
  private readonly settlements: VerdictTraceEntry[] = [];
  private nowMs = 0;
  private asks = 0;
  /** Ids are unique per device, from 1; 0 is never an id. */
  private nextId = 1n;

  constructor(verdicts: Readonly<Record<string, VerdictDescriptorV1<any, any>>>, private readonly options: VerdictTableOptions) {
    for (const descriptor of Object.values(verdicts)) {
      this.verdicts.set(descriptor.name, {
        descriptor,
        defaultAnswer: descriptor.answer.encode(descriptor.defaultAnswer),
        deciders: new Set(),
        parked: [],
        queue: [],
        open: new Map(),
        memory: new Map(),
        counters: Object.fromEntries(VERDICT_COUNTERS.map((name) => [name, 0])) as VerdictCounters,
      });
      this.byCode.set(descriptor.askCode >>> 0, { verdict: descriptor.name, role: 'ask' });
      this.byCode.set(descriptor.replyCode >>> 0, { verdict: descriptor.name, role: 'reply' });
    }
  }

  get clockMs(): number {
    return this.nowMs;
  }

  /** The verdict and role of an IOCTL code, or undefined when it is no verdict's. */
  codeOf(code: number): { readonly verdict: VerdictDescriptorV1; readonly role: 'ask' | 'reply' } | undefined {
    const found = this.byCode.get(code >>> 0);
    return found && { verdict: this.verdicts.get(found.verdict)!.descriptor, role: found.role };
  }

  openHandle(handleId: number, processId?: number): void {
    if (this.processOfHandle.has(handleId)) throw new Error(`VerdictTable.openHandle: handle ${handleId} is already open`);
    this.processOfHandle.set(handleId, processId);
  }

  /**
   * A question is raised (the kernel side). Settles at once with the default when the asker may
   * not wait (V8), when there is no decider (V1), when the asker holds a decider handle (V7) or,
   * as `refused`, when maxPending questions are unsettled (V3), checked in that order. Otherwise
   * it takes the next id and goes to the longest-parked ask request, or waits in the queue (V2).
   */
  ask(verdictName: string, question: Uint8Array, options: AskOptions = {}): VerdictAsk {
    const verdict = this.verdict(verdictName);
    const { descriptor } = verdict;
    if (question.byteLength !== descriptor.question.size) throw new RangeError(`ask ${verdictName}: the question struct is ${descriptor.question.size} bytes, got ${question.byteLength}`);
    let resolve!: (settlement: VerdictSettlement) => void;
    const settled = new Promise<VerdictSettlement>((done) => (resolve = done));
    const record: QuestionRecord = {
      ask: ++this.asks,
      verdict,
      id: 0n,
      bytes: question.slice(),
      askedAtMs: this.nowMs,
      deadlineAtMs: this.nowMs + descriptor.deadlineMs,
      owner: null,
      settlement: null,
      resolve,
    };
    verdict.counters.asked++;
    if (options.atPassiveLevel === false || verdict.deciders.size === 0 || this.holdsDecider(verdict, options.askerProcessId)) {
      this.settle(record, 'defaulted', verdict.defaultAnswer);
    } else if (verdict.open.size >= descriptor.maxPending) {
      this.settle(record, 'refused', verdict.defaultAnswer);
    } else {
      record.id = this.nextId++;
      verdict.open.set(record.id, record);
      const parked = verdict.parked.shift();
      if (parked) {
        this.parkedVerdictOfRequest.delete(parked.requestId);
        this.options.deliver(parked.requestId, this.deliverTo(record, parked.handleId));
      } else {
        verdict.queue.push(record);
      }
    }
    return {
      ask: record.ask,
      verdict: verdictName,
      id: record.id,
      askedAtMs: record.askedAtMs,
      deadlineAtMs: record.deadlineAtMs,
      get settlement() {
        return record.settlement;
      },
      settled,
    };
  }

  /**
   * A valid ask request from `handleId` (the driver model checked its buffers). Its handle is a
   * decider from now on (V1). Returns the question it completes with at once (the oldest queued
   * one), or null when it is parked.
   */
  submitAsk(verdictName: string, requestId: number, handleId: number): Uint8Array | null {
    const verdict = this.verdict(verdictName);
    if (!this.processOfHandle.has(handleId)) throw new Error(`VerdictTable.submitAsk: handle ${handleId} is not open`);
    verdict.deciders.add(handleId);
    const next = verdict.queue.shift();
    if (next) return this.deliverTo(next, handleId);
    verdict.parked.push({ requestId, handleId });
    this.parkedVerdictOfRequest.set(requestId, verdict);
    return null;
  }

  /** Whether an ask request of `verdictName` would be parked now: no question waits in its queue. */
  wouldPark(verdictName: string): boolean {
    return this.verdict(verdictName).queue.length === 0;
  }

  /** Ask requests of `handleId` parked now, every verdict together (they count against maxParkedPerHandle). */
  parkedAsksOf(handleId: number): number {
    let count = 0;
    for (const verdict of this.verdicts.values()) count += verdict.parked.filter((parked) => parked.handleId === handleId).length;
    return count;
  }

  /** A reply from `handleId`; returns its NTSTATUS (V5). Only the first reply from the owner, in time, settles. */
  reply(verdictName: string, handleId: number, id: bigint, answer: Uint8Array): number {
    const verdict = this.verdict(verdictName);
    if (answer.byteLength !== verdict.descriptor.answer.size) throw new RangeError(`reply ${verdictName}: the answer struct is ${verdict.descriptor.answer.size} bytes, got ${answer.byteLength}`);
    const question = verdict.open.get(id);
    if (question && question.owner === handleId) {
      this.remember(verdict, handleId, id, 'answered');
      this.settle(question, 'answered', answer.slice());
      return STATUS_SUCCESS;
    }
    const settledHere = verdict.memory.get(handleId)?.get(id);
    if (settledHere === 'answered') return STATUS_INVALID_DEVICE_STATE;
    if (settledHere === 'timedOut') return STATUS_IO_TIMEOUT;
    return STATUS_NOT_FOUND;
  }

  /** A parked ask request is cancelled: it leaves the FIFO, holding no question (V6). False if it was not parked here. */
  cancelAsk(requestId: number): boolean {
    const verdict = this.parkedVerdictOfRequest.get(requestId);
    if (!verdict) return false;
    this.parkedVerdictOfRequest.delete(requestId);
    verdict.parked.splice(verdict.parked.findIndex((parked) => parked.requestId === requestId), 1);
    return true;
  }

  /**
   * V6: the handle's delivered, unsettled questions settle with the default, it stops being a
   * decider, and a verdict left without deciders settles its queued questions with the default.
   * Returns the ask requests it still had parked, taken off the FIFOs, for the caller to cancel
   * (the driver model cancels them before it calls this, so it gets none).
   */
  closeHandle(handleId: number): number[] {
    if (!this.processOfHandle.has(handleId)) return [];
    const orphaned: number[] = [];
    for (const verdict of this.verdicts.values()) {
      for (let index = verdict.parked.length - 1; index >= 0; index--) {
        const parked = verdict.parked[index]!;
        if (parked.handleId !== handleId) continue;
        verdict.parked.splice(index, 1);
        this.parkedVerdictOfRequest.delete(parked.requestId);
        orphaned.unshift(parked.requestId);
      }
      verdict.deciders.delete(handleId);
      verdict.memory.delete(handleId);
      for (const question of [...verdict.open.values()]) {
        if (question.owner === handleId) this.settle(question, 'defaulted', verdict.defaultAnswer);
      }
      if (verdict.deciders.size === 0) {
        for (const question of verdict.queue.splice(0)) this.settle(question, 'defaulted', verdict.defaultAnswer);
      }
    }
    this.processOfHandle.delete(handleId);
    return orphaned;
  }

  /** Moves the clock `ms` forward; every question whose deadline it reaches settles, at its deadline, as `timedOut` (V4). */
  advance(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`advance: ms must be a finite number >= 0, got ${ms}`);
    const target = this.nowMs + ms;
    for (let next = this.earliestOpen(); next && next.deadlineAtMs <= target; next = this.earliestOpen()) {
      this.nowMs = Math.max(this.nowMs, next.deadlineAtMs);
      if (next.owner === null) next.verdict.queue.splice(next.verdict.queue.indexOf(next), 1);
      else this.remember(next.verdict, next.owner, next.id, 'timedOut');
      this.settle(next, 'timedOut', next.verdict.defaultAnswer);
    }
    this.nowMs = target;
  }

  /** The earliest deadline of an unsettled question, or undefined when none is unsettled. */
  nextDeadlineMs(): number | undefined {
    return this.earliestOpen()?.deadlineAtMs;
  }

  /** Every settlement so far, in order (a copy). */
  trace(): VerdictTraceEntry[] {
    return [...this.settlements];
  }

  /** VERDICT_INFO of each verdict, in descriptor order. */
  infos(): VerdictInfo[] {
    return [...this.verdicts.values()].map(({ descriptor, counters }) => ({
      ...freshVerdictInfo(descriptor),
      ...(Object.fromEntries(VERDICT_COUNTERS.map((name) => [name, BigInt(counters[name])])) as Record<keyof VerdictCounters, bigint>),
    }));
  }

  state(): VerdictState[] {
    return [...this.verdicts.values()].map((verdict) => ({
      verdict: verdict.descriptor.name,
      deciders: [...verdict.deciders],
      parked: verdict.parked.length,
      queued: verdict.queue.length,
      delivered: verdict.open.size - verdict.queue.length,
      counters: { ...verdict.counters },
    }));
  }

  private verdict(name: string): VerdictRecord {
    const verdict = this.verdicts.get(name);
    if (!verdict) throw new RangeError(`the device has no verdict ${JSON.stringify(name)}; it has ${[...this.verdicts.keys()].join(', ') || 'none'}`);
    return verdict;
  }

  /** V7: does the asker's process hold a decider handle of this verdict? */
  private holdsDecider(verdict: VerdictRecord, processId: number | undefined): boolean {
    if (processId === undefined) return false;
    for (const handleId of verdict.deciders) if (this.processOfHandle.get(handleId) === processId) return true;
    return false;
  }

  /** From delivery on the question belongs to `handleId` (V2); RemainingMs is the time left now. */
  private deliverTo(question: QuestionRecord, handleId: number): Uint8Array {
    question.owner = handleId;
    // Never more than the deadline: on a fractional clock (the real one) the subtraction can come
    // out a hair above it (80.0565 + 200 - 80.0565 = 200.00000000000003), and rounding up made it 201.
    const remainingMs = Math.min(question.verdict.descriptor.deadlineMs, Math.ceil(question.deadlineAtMs - this.nowMs));
    return encodeVerdictQuestion(question.id, remainingMs, question.bytes);
  }

  private remember(verdict: VerdictRecord, handleId: number, id: bigint, how: SettledHere): void {
    let memory = verdict.memory.get(handleId);
    if (!memory) verdict.memory.set(handleId, (memory = new Map()));
    memory.set(id, how);
    // Only the last maxPending: an older id reads as never given (STATUS_NOT_FOUND).
    if (memory.size > verdict.descriptor.maxPending) memory.delete(memory.keys().next().value!);
  }

  private earliestOpen(): QuestionRecord | undefined {
    let earliest: QuestionRecord | undefined;
    for (const verdict of this.verdicts.values()) {
      const first = verdict.open.values().next().value;
      if (first && (!earliest || first.deadlineAtMs < earliest.deadlineAtMs || (first.deadlineAtMs === earliest.deadlineAtMs && first.id < earliest.id))) earliest = first;
    }
    return earliest;
  }

  private settle(question: QuestionRecord, outcome: VerdictOutcome, answer: Uint8Array): void {
    if (question.settlement) throw new Error(`VerdictTable: question ${question.id} of ${question.verdict.descriptor.name} would settle twice`);
    question.verdict.open.delete(question.id);
    question.verdict.counters[outcome]++;
    const settlement: VerdictSettlement = { outcome, answer: answer.slice(), atMs: this.nowMs };
    question.settlement = settlement;
    const entry: VerdictTraceEntry = {
      index: this.settlements.length,
      ask: question.ask,
      verdict: question.verdict.descriptor.name,
      id: question.id,
      outcome,
      answer: settlement.answer,
      atMs: this.nowMs,
      afterCompletions: this.options.completionCount?.() ?? 0,
    };
    this.settlements.push(entry);
    this.options.onSettled?.(entry);
    question.resolve(settlement);
  }
}
