/**
 * One subscription: what the driver keeps per (handle, channel) once the first subscribe request
 * on that handle was accepted. It owns the ring, the sequence counter, the drop count and the
 * FIFO of parked requests, and applies rules R2 (fill from the ring) and R3 (offer one event).
 */
import { BATCH_FLAG_RING_EMPTY, recordBytes, type ChannelDescriptorV1, type OverflowPolicy } from '@inverted-call/codec';
import { batchByteLength, writeBatch } from '@inverted-call/codec';
import { Ring, type RingRecord } from './ring.js';

/** A subscribe request waiting in the manual queue for an event. */
export interface ParkedRequest {
  readonly requestId: number;
  readonly outputLength: number;
}

/**
 * What happened to one event offered to one subscription:
 * - `completed`: it completed the oldest parked request (a batch holding just this event);
 * - `queued`: it entered the ring;
 * - `dropped`: the ring was full under drop-newest, so this event was dropped and counted;
 * - `replaced-oldest`: the ring was full under drop-oldest; the oldest event was dropped and counted
 *   and this one entered the ring.
 */
export type OfferOutcome = 'completed' | 'queued' | 'dropped' | 'replaced-oldest';

export interface OfferResult {
  readonly outcome: OfferOutcome;
  /** The sequence number this event took. */
  readonly sequence: bigint;
  /** The sequence number of the event dropped by this offer, if one was. */
  readonly droppedSequence?: bigint;
  /** Set for `completed`: the request to complete and the batch to complete it with. */
  readonly completion?: BatchCompletion;
}

export interface BatchCompletion {
  readonly request: ParkedRequest;
  readonly bytes: Uint8Array;
  readonly recordCount: number;
}

export class Subscription {
  readonly ring: Ring;
  readonly parked: ParkedRequest[] = [];
  /** The number the next offered event takes; u64 on the wire, so a bigint here. */
  nextSequence = 0n;
  droppedTotal = 0n;

  constructor(
    readonly id: number,
    readonly handleId: number,
    readonly channel: ChannelDescriptorV1,
    capacity: number,
    readonly overflow: OverflowPolicy,
  ) {
    this.ring = new Ring(capacity);
  }

  /**
   * Rule R3 for this subscription. `holdDelivery` is the simulator's stall control: the event goes
   * to the ring even if a request is parked, as if the driver had not got round to completing it.
   */
  offer(kindId: number, payload: Uint8Array, holdDelivery: boolean): OfferResult {
    const record: RingRecord = { sequence: this.nextSequence, kindId, payload };
    // Every offered event takes a number, delivered or not, so the client can count each loss.
    this.nextSequence++;
    const request = this.parked[0];
    if (!holdDelivery && request !== undefined && this.ring.isEmpty()) {
      this.parked.shift();
      // The ring was empty and this event bypassed it, so it is still empty: RING_EMPTY, as in R2.
      const completion = { request, bytes: writeBatch([record], this.droppedTotal, BATCH_FLAG_RING_EMPTY), recordCount: 1 };
      return { outcome: 'completed', sequence: record.sequence, completion };
    }
    if (!this.ring.isFull()) {
      this.ring.push(record);
      return { outcome: 'queued', sequence: record.sequence };
    }
    this.droppedTotal++;
    if (this.overflow === 'drop-newest') {
      return { outcome: 'dropped', sequence: record.sequence, droppedSequence: record.sequence };
    }
    const evicted = this.ring.shift()!;
    this.ring.push(record);
    return { outcome: 'replaced-oldest', sequence: record.sequence, droppedSequence: evicted.sequence };
  }

  /**
   * Rule R2: removes from the ring as many whole records, oldest first, as fit in `outputLength`
   * and encodes them. Rule R1 guarantees room for at least one record of any kind. The header
   * carries RING_EMPTY when no record is left behind: the drops no gap has shown yet are then the
   * sequences right after the batch's last record, which a client can report without waiting.
   */
  takeBatch(outputLength: number): { bytes: Uint8Array; recordCount: number } {
    const records: RingRecord[] = [];
    let used = batchByteLength(records);
    for (let next = this.ring.peek(); next !== undefined; next = this.ring.peek()) {
      const size = recordBytes(next.payload.byteLength);
      if (used + size > outputLength) break;
      records.push(this.ring.shift()!);
      used += size;
    }
    const flags = this.ring.isEmpty() ? BATCH_FLAG_RING_EMPTY : 0;
    return { bytes: writeBatch(records, this.droppedTotal, flags), recordCount: records.length };
  }

  /** Removes a parked request; false if it is not parked here. */
  unpark(requestId: number): boolean {
    const index = this.parked.findIndex((request) => request.requestId === requestId);
    if (index < 0) return false;
    this.parked.splice(index, 1);
    return true;
  }
}
