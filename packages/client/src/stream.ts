/**
 * The driver keeps one stream of events per open handle and channel (protocol v1): one sequence
 * counter and one drop count for the handle's lifetime, however many client subscriptions come and
 * go on it. `ChannelStream` is the client's cursor on that stream. A subscription borrows it while
 * it runs and hands it back when it stops, so the next subscription on the same handle continues
 * exactly where the last one left off: no false loss, no sequence that repeats.
 */
import { BATCH_FLAG_RING_EMPTY } from '@inverted-call/codec';
import type { DecodedBatch } from './batch.js';
import { ProtocolError } from './errors.js';
import type { LossNotice } from './types.js';

/** What one batch adds to the stream: its events in order, each gap turned into a loss notice. */
export type StreamItem = DecodedBatch['records'][number] | LossNotice;

export class ChannelStream {
  /** The sequence the next record should carry. */
  private nextSequence = 0n;
  /** Sequences found missing so far, by gaps or by a ring-empty batch; never more than the driver dropped. */
  private missing = 0n;
  /** The driver's drop count from the latest batch. */
  private reportedDropped = 0n;
  /** Set once the driver broke the protocol: the cursor is then unknown, and so is every later item. */
  private broken: ProtocolError | undefined;
  /** The subscription reading the stream now; others wait for it to stop. */
  owner: object | undefined;

  constructor(private readonly where: string) {}

  get driverDropped(): bigint {
    return this.reportedDropped;
  }

  get failure(): ProtocolError | undefined {
    return this.broken;
  }

  /**
   * Checks one batch against the cursor and returns its items: its records, with a loss notice
   * before each gap and, after a batch that emptied the ring, one for the drops that follow. A batch
   * that adds no notice (the usual one) returns `batch.records` itself, so nothing is copied; any
   * other appends its items to `items` and returns that. Throws a ProtocolError (and the stream
   * stays broken) if the sequences or drop counts contradict each other; what was valid before that
   * point is then in `items`. `consecutive` says the decoder found each record's sequence one more
   * than the one before (see CheckedBatch): then a first record that continues the cursor is all
   * there is to check.
   */
  accept(batch: DecodedBatch, items: StreamItem[], consecutive = false): StreamItem[] {
    if (this.broken) throw this.broken;
    if (batch.droppedTotal < this.reportedDropped) {
      this.break(`the driver's drop count went back from ${this.reportedDropped} to ${batch.droppedTotal}`);
    }
    const records = batch.records;
    let asIs = consecutive && records.length > 0 && records[0]!.sequence === this.nextSequence;
    if (asIs) {
      this.nextSequence = records[records.length - 1]!.sequence + 1n;
    } else {
      for (const record of records) {
        this.check(record.sequence, items);
        items.push(record);
        this.nextSequence = record.sequence + 1n;
      }
    }
    // Only gaps in this batch can make this true: a batch taken as is adds nothing to `missing`.
    if (this.missing > batch.droppedTotal) {
      this.break(`${this.missing} events are missing but the driver reports ${batch.droppedTotal} dropped`);
    }
    // The ring was empty after this batch: drops no gap has shown are the sequences that follow.
    if ((batch.flags & BATCH_FLAG_RING_EMPTY) !== 0 && batch.droppedTotal > this.missing) {
      if (asIs) items.push(...records);
      asIs = false;
      items.push(this.lose(batch.droppedTotal - this.missing));
    }
    this.reportedDropped = batch.droppedTotal;
    return asIs ? records : items;
  }

  /** Compares a record's sequence with the cursor: a gap becomes a loss notice, going back breaks the stream. */
  private check(sequence: bigint, items: StreamItem[]): void {
    if (sequence < this.nextSequence) this.break(`sequence ${sequence} repeats or goes back (next expected ${this.nextSequence})`);
    if (sequence > this.nextSequence) items.push(this.lose(sequence - this.nextSequence));
  }

  /** Marks the stream unreadable: a batch that could not be decoded leaves the cursor unknown. */
  breakWith(error: ProtocolError): void {
    this.broken ??= error;
  }

  private lose(count: bigint): LossNotice {
    const notice: LossNotice = { type: 'loss', count: Number(count), firstSequence: this.nextSequence, lastSequence: this.nextSequence + count - 1n };
    this.missing += count;
    this.nextSequence += count;
    return notice;
  }

  private break(reason: string): never {
    this.broken = new ProtocolError(`${this.where}: ${reason}`);
    throw this.broken;
  }
}
