/**
 * Delivers completions to JavaScript the way a completion port would: never in the turn that
 * produced them, one per turn of the event loop, in completion order per handle.
 *
 * The model completes requests synchronously; this queue decides *when* user code hears about it.
 * With `immediate` latency there is one FIFO, so delivery order is exactly trace order. With a
 * latency range each completion waits a seeded random delay, but never overtakes an earlier
 * completion of the same handle ("lane"), because a client may rely on seeing one handle's
 * completions in the order the driver made them. A timer exists only while something is queued,
 * so an idle simulator never keeps the process alive.
 */
import { seededRandom } from './random.js';

/** `immediate`, or a delay per completion drawn from [minMs, maxMs] by a generator seeded with `seed`. */
export type Latency = 'immediate' | { readonly minMs: number; readonly maxMs: number; readonly seed: number };

interface Entry {
  readonly order: number;
  readonly due: number;
  readonly lane: number | null;
  readonly deliver: () => void;
}

export class DeliveryQueue {
  private readonly entries: Entry[] = [];
  private readonly laneDue = new Map<number, { due: number; queued: number }>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly random: (() => number) | null;
  private nextOrder = 0;
  private armed: { cancel(): void } | null = null;

  constructor(private readonly latency: Latency = 'immediate') {
    if (latency === 'immediate') {
      this.random = null;
      return;
    }
    const { minMs, maxMs, seed } = latency;
    if (!(Number.isFinite(minMs) && minMs >= 0 && Number.isFinite(maxMs) && maxMs >= minMs)) {
      throw new RangeError(`latency needs 0 <= minMs <= maxMs, got minMs ${minMs} and maxMs ${maxMs}`);
    }
    if (!Number.isInteger(seed)) throw new RangeError(`latency.seed must be an integer, got ${seed}`);
    this.random = seededRandom(seed);
  }

  /** Entries not yet delivered. */
  get size(): number {
    return this.entries.length;
  }

  /** Queues `deliver`; `lane` (a handle id) keeps that handle's deliveries in scheduling order. */
  schedule(lane: number | null, deliver: () => void): void {
    let due = 0;
    if (this.latency !== 'immediate') {
      const { minMs, maxMs } = this.latency;
      due = performance.now() + minMs + this.random!() * (maxMs - minMs);
      const previous = lane === null ? undefined : this.laneDue.get(lane);
      if (previous) due = Math.max(due, previous.due);
    }
    if (lane !== null) {
      const previous = this.laneDue.get(lane);
      this.laneDue.set(lane, { due, queued: (previous?.queued ?? 0) + 1 });
    }
    const entry: Entry = { order: this.nextOrder++, due, lane, deliver };
    // Keep entries sorted by (due, order); with immediate latency every due is 0, so this appends.
    let index = this.entries.length;
    while (index > 0 && this.entries[index - 1]!.due > due) index--;
    this.entries.splice(index, 0, entry);
    this.arm();
  }

  /** Resolves the next time the queue is empty (at once, in a later turn, if it is empty now). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      if (this.entries.length === 0) setImmediate(resolve);
      else this.idleWaiters.push(resolve);
    });
  }

  private arm(): void {
    if (this.armed || this.entries.length === 0) return;
    const wait = this.entries[0]!.due - performance.now();
    if (this.latency === 'immediate' || wait <= 0) {
      const immediate = setImmediate(() => this.deliverNext());
      this.armed = { cancel: () => clearImmediate(immediate) };
    } else {
      const timer = setTimeout(() => this.deliverNext(), Math.ceil(wait));
      this.armed = { cancel: () => clearTimeout(timer) };
    }
  }

  private deliverNext(): void {
    this.armed = null;
    const head = this.entries[0];
    if (head && head.due <= performance.now()) {
      this.entries.shift();
      if (head.lane !== null) {
        const lane = this.laneDue.get(head.lane)!;
        if (--lane.queued === 0) this.laneDue.delete(head.lane);
      }
      try {
        head.deliver();
      } finally {
        // Re-arm even if a delivery threw, so one bad callback cannot stall every other request.
        if (this.entries.length === 0) this.notifyIdle();
        this.arm();
      }
      return;
    }
    this.arm();
  }

  private notifyIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
