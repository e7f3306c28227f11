/**
 * The verdict trace: every question's settlement, in the order questions settle. It is the
 * asking side's observable output (the deciding side's is the completion trace: ask requests
 * completed with a question, replies completed with a status), so a differential test compares
 * both. A question settles exactly once, so each ask appears here exactly once.
 */
import type { VerdictOutcome } from '@inverted-call/codec';

export interface VerdictTraceEntry {
  /** Position in the verdict trace, from 0. */
  readonly index: number;
  /** Which ask of the device this was: 1 for the first `ask`, counting every ask, also those settled at once. */
  readonly ask: number;
  readonly verdict: string;
  /** The question's id; 0 for a question that settled before entering the table (V1, V3, V7, V8), which no decider ever sees. */
  readonly id: bigint;
  readonly outcome: VerdictOutcome;
  /** The answer the asker got: the decider's, or the verdict's default. */
  readonly answer: Uint8Array;
  /** The clock when it settled (ms since the model was created). */
  readonly atMs: number;
  /** How many request completions (the completion trace) came before this settlement. */
  readonly afterCompletions: number;
}

/**
 * One line per settlement, stable and diffable:
 * `2 ask=3 verdict=ProcessCreate id=2 outcome=timedOut at=200 after=5 answer=01000000`.
 */
export function formatVerdictTrace(entries: readonly VerdictTraceEntry[]): string {
  return entries
    .map((entry) => {
      const hex = Array.from(entry.answer, (byte) => byte.toString(16).padStart(2, '0')).join('');
      return `${entry.index} ask=${entry.ask} verdict=${entry.verdict} id=${entry.id} outcome=${entry.outcome} at=${entry.atMs} after=${entry.afterCompletions} answer=${hex}`;
    })
    .join('\n');
}
