/**
 * Policy mode's numbers: what the decider answered (allowed, denied) and how long each answer
 * took, from the handler's start to the driver's acceptance of the reply, as percentiles over the
 * last decisions. Late, failed and refused questions come from the decider's own stats.
 */
import type { DeciderStats } from '@inverted-call/client';

/** Answered decisions the latency percentiles cover. */
export const LATENCY_WINDOW = 1000;

/** The last `size` samples, oldest overwritten first. */
export class LatencyWindow {
  private readonly samples: number[] = [];
  private next = 0;

  constructor(readonly size = LATENCY_WINDOW) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`LatencyWindow: size must be a whole number of at least 1, got ${size}`);
  }

  add(ms: number): void {
    if (this.samples.length < this.size) this.samples.push(ms);
    else this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.size;
  }

  get count(): number {
    return this.samples.length;
  }

  /**
   * The `p`-th percentile (0 < p <= 100) by nearest rank: the smallest sample with at least p% of
   * the samples at or below it. Undefined without samples.
   */
  percentile(p: number): number | undefined {
    if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be in (0, 100], got ${p}`);
    if (this.samples.length === 0) return undefined;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
  }
}

/** Policy mode's live numbers. */
export interface PolicyStats {
  /** The verdict's deadline: a decision that takes longer is late, and the driver allows the process. */
  readonly deadlineMs: number;
  /** Replies the driver accepted, by answer. */
  readonly allowed: number;
  readonly denied: number;
  /** Latency of the accepted replies over the last LATENCY_WINDOW: undefined before the first. */
  readonly latency: { readonly p50: number; readonly p99: number; readonly samples: number } | undefined;
  /** The decider's own counts: late, failed, refused replies, defaulted, parked, deciding. */
  readonly decider: Readonly<DeciderStats>;
}

/** Counts the answered decisions and their latency. */
export class DecisionTally {
  allowed = 0;
  denied = 0;
  readonly latency: LatencyWindow;

  constructor(windowSize = LATENCY_WINDOW) {
    this.latency = new LatencyWindow(windowSize);
  }

  answered(allow: boolean, elapsedMs: number): void {
    if (allow) this.allowed++;
    else this.denied++;
    this.latency.add(elapsedMs);
  }

  stats(deadlineMs: number, decider: Readonly<DeciderStats>): PolicyStats {
    const p50 = this.latency.percentile(50);
    const p99 = this.latency.percentile(99);
    return {
      deadlineMs,
      allowed: this.allowed,
      denied: this.denied,
      latency: p50 === undefined || p99 === undefined ? undefined : { p50, p99, samples: this.latency.count },
      decider,
    };
  }
}
