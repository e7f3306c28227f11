/**
 * A bounded FIFO of events, written the way the C core keeps it (a fixed array with a head index
 * and a count) so the two stay easy to compare line by line. It only stores; what to do when it is
 * full is the subscription's decision (the overflow policy), not the ring's.
 */

/** One event waiting in a subscription's ring. Its sequence number was taken when it was offered. */
export interface RingRecord {
  readonly sequence: bigint;
  readonly kindId: number;
  readonly payload: Uint8Array;
}

export class Ring {
  readonly capacity: number;
  private readonly slots: Array<RingRecord | undefined>;
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be an integer >= 1, got ${capacity}`);
    this.capacity = capacity;
    this.slots = new Array<RingRecord | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  isEmpty(): boolean {
    return this.count === 0;
  }

  isFull(): boolean {
    return this.count === this.capacity;
  }

  /** Appends; the caller has made room first (a full ring here is a bug in the caller). */
  push(record: RingRecord): void {
    if (this.isFull()) throw new Error('Ring.push on a full ring: apply the overflow policy first');
    this.slots[(this.head + this.count) % this.capacity] = record;
    this.count++;
  }

  /** The oldest record without removing it, or undefined when empty. */
  peek(): RingRecord | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  /** Removes and returns the oldest record, or undefined when empty. */
  shift(): RingRecord | undefined {
    if (this.count === 0) return undefined;
    const record = this.slots[this.head];
    // Clear the slot so a freed event's payload is not kept alive by the array.
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return record;
  }

  /** Drops everything (handle close frees the ring). */
  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
