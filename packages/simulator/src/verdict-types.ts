/** The verdict engine's inputs and outputs: what an asker holds, the counters of V9, and snapshots of its state. */
import type { VerdictTraceEntry } from './verdict-trace.js';
import type { VERDICT_COUNTERS, VerdictOutcome } from '@inverted-call/codec';

export interface AskOptions {
  /** The process the question is raised on behalf of (for process creation, the creating process): V7. */
  readonly askerProcessId?: number;
  /** False for an asker above PASSIVE_LEVEL, which may not wait: it gets the default at once (V8). Default true. */
  readonly atPassiveLevel?: boolean;
}

export interface VerdictSettlement {
  readonly outcome: VerdictOutcome;
  /** The answer struct's bytes: the decider's, or the verdict's default. */
  readonly answer: Uint8Array;
  /** The engine's clock when it settled. */
  readonly atMs: number;
}

/** One asked question, as the asker holds it. */
export interface VerdictAsk {
  /** 1 for the device's first ask, counting every ask. */
  readonly ask: number;
  readonly verdict: string;
  /** The question's id; 0 if it settled at once without entering the table. */
  readonly id: bigint;
  readonly askedAtMs: number;
  readonly deadlineAtMs: number;
  /** null until it settles; it settles exactly once. */
  readonly settlement: VerdictSettlement | null;
  /** Resolves with the settlement (never rejects). */
  readonly settled: Promise<VerdictSettlement>;
}

/** V9, per verdict: asked = answered + timedOut + defaulted + refused + unsettled now (VERDICT_INFO's counters, named by the codec). */
export type VerdictCounters = Record<(typeof VERDICT_COUNTERS)[number], number>;

export interface VerdictState {
  readonly verdict: string;
  /** Handle ids, in the order they became deciders. */
  readonly deciders: readonly number[];
  /** Ask requests parked, all deciders together. */
  readonly parked: number;
  /** Questions waiting for an ask request. */
  readonly queued: number;
  /** Questions delivered and not settled. */
  readonly delivered: number;
  readonly counters: Readonly<VerdictCounters>;
}

export interface VerdictTableOptions {
  /** Completes a parked ask request with a question; the engine has already taken it off its FIFO. */
  readonly deliver: (requestId: number, bytes: Uint8Array) => void;
  /** Completions so far, for `VerdictTraceEntry.afterCompletions`. */
  readonly completionCount?: () => number;
  /** Called synchronously for each settlement, right after it is appended to the verdict trace. */
  readonly onSettled?: (entry: VerdictTraceEntry) => void;
}
