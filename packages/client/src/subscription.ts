/**
 * A subscription to one channel: keeps `depth` subscribe requests parked at the driver, re-posts
 * a request before it hands out the batch that came back, checks every sequence number, turns
 * each gap into a loss notice, and stops re-posting while its own buffer is full.
 */
import { DeviceError, type DeviceHandleV1 } from '@inverted-call/backend';
import type { ChannelDescriptorV1, EventKindDescriptorV1 } from '@inverted-call/codec';
import { decodeBatch, kindsById, type DecodedBatch } from './batch.js';
import { ProtocolError } from './errors.js';
import type { Subscription, SubscriptionItem, SubscriptionStats } from './types.js';

export interface ResolvedSubscribeOptions {
  depth: number;
  batchBytes: number;
  highWaterMark: number;
  signal: AbortSignal | undefined;
}

type Waiter<T> = { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void };

export class ChannelSubscription<Channel extends ChannelDescriptorV1> implements Subscription<Channel> {
  readonly channel: Channel['name'];
  private readonly kinds: ReadonlyMap<number, EventKindDescriptorV1>;
  private readonly queue: SubscriptionItem<Channel>[] = [];
  private head = 0;
  private readonly inFlight = new Map<AbortController, Promise<void>>();
  private expectedSequence = 0n;
  private stopping = false;
  private finished = false;
  private failure: { error: unknown } | undefined;
  /** Pending `next()` calls, oldest first: the iterator protocol lets a caller ask again before an answer. */
  private readonly waiters: Waiter<SubscriptionItem<Channel>>[] = [];
  private stopped: Promise<void> | undefined;
  private readonly counts = { delivered: 0, lost: 0, driverDropped: 0n, completions: 0, discarded: 0 };
  private readonly onAbort = () => this.fail(new DeviceError('ERROR_OPERATION_ABORTED', { operation: `subscribe ${this.descriptor.name}`, detail: 'the subscription signal was aborted' }), true);

  constructor(
    private readonly handle: DeviceHandleV1,
    private readonly descriptor: Channel,
    private readonly options: ResolvedSubscribeOptions,
    private readonly onStopped: (subscription: ChannelSubscription<Channel>) => void,
  ) {
    this.channel = descriptor.name;
    this.kinds = kindsById(descriptor);
    if (options.signal?.aborted) {
      this.onAbort();
      return;
    }
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.fill();
  }

  get stats(): Readonly<SubscriptionStats> {
    return { ...this.counts, inFlight: this.inFlight.size, buffered: this.queue.length - this.head };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<SubscriptionItem<Channel>>> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.wake();
    });
  }

  async return(): Promise<IteratorResult<SubscriptionItem<Channel>>> {
    await this.close();
    return { done: true, value: undefined };
  }

  async close(): Promise<void> {
    this.finished = true;
    this.discardBuffered();
    await this.stop();
    this.wake();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Posts requests until `depth` are in flight, unless stopping or the buffer is full. */
  private fill(): void {
    while (!this.stopping && this.inFlight.size < this.options.depth && this.queue.length - this.head < this.options.highWaterMark) {
      const controller = new AbortController();
      const settled = this.handle
        .ioctl(this.descriptor.code, null, this.options.batchBytes, { signal: controller.signal })
        .then(
          (result) => this.onCompleted(controller, result.output),
          (error: unknown) => this.onFailed(controller, error),
        );
      this.inFlight.set(controller, settled);
    }
  }

  private onCompleted(controller: AbortController, output: Uint8Array): void {
    this.inFlight.delete(controller);
    this.counts.completions++;
    if (this.stopping) {
      this.counts.discarded += recordCount(output);
      return;
    }
    let batch: DecodedBatch;
    try {
      batch = decodeBatch(output, this.descriptor, this.kinds);
    } catch (error) {
      this.fail(error, false);
      return;
    }
    // Re-post before delivering, so the driver has a request the moment the next event comes.
    this.fill();
    this.accept(batch);
    this.wake();
  }

  private onFailed(controller: AbortController, error: unknown): void {
    this.inFlight.delete(controller);
    // Cancellations we asked for are expected; anything else (a driver error, the handle closed
    // under us, the process's I/O cancelled) ends the subscription with that error.
    if (!this.stopping) this.fail(error, false);
  }

  private accept(batch: DecodedBatch): void {
    if (batch.droppedTotal < this.counts.driverDropped) {
      this.fail(new ProtocolError(`subscribe ${this.descriptor.name}: the driver's drop count went back from ${this.counts.driverDropped} to ${batch.droppedTotal}`), false);
      return;
    }
    for (const record of batch.records) {
      if (record.sequence < this.expectedSequence) {
        this.fail(new ProtocolError(`subscribe ${this.descriptor.name}: sequence ${record.sequence} repeats or goes back (next expected ${this.expectedSequence})`), false);
        return;
      }
      if (record.sequence > this.expectedSequence) {
        const count = Number(record.sequence - this.expectedSequence);
        this.counts.lost += count;
        this.queue.push({ type: 'loss', count, firstSequence: this.expectedSequence, lastSequence: record.sequence - 1n });
      }
      this.queue.push({ type: 'event', kind: record.kind, data: record.data, sequence: record.sequence } as SubscriptionItem<Channel>);
      this.expectedSequence = record.sequence + 1n;
    }
    if (BigInt(this.counts.lost) > batch.droppedTotal) {
      this.fail(new ProtocolError(`subscribe ${this.descriptor.name}: ${this.counts.lost} events are missing but the driver reports ${batch.droppedTotal} dropped`), false);
      return;
    }
    this.counts.driverDropped = batch.droppedTotal;
  }

  /** Ends the subscription with an error, delivered after what is buffered unless `discard`. */
  private fail(error: unknown, discard: boolean): void {
    if (this.failure || this.finished) return;
    this.failure = { error };
    if (discard) this.discardBuffered();
    void this.stop();
    this.wake();
  }

  private discardBuffered(): void {
    for (let index = this.head; index < this.queue.length; index++) {
      if (this.queue[index]!.type === 'event') this.counts.discarded++;
    }
    this.queue.length = 0;
    this.head = 0;
  }

  /** Cancels every in-flight request and waits until each has completed. */
  private stop(): Promise<void> {
    if (!this.stopped) {
      this.stopping = true;
      this.options.signal?.removeEventListener('abort', this.onAbort);
      for (const controller of this.inFlight.keys()) controller.abort();
      this.stopped = Promise.all(this.inFlight.values()).then(() => this.onStopped(this));
    }
    return this.stopped;
  }

  /** Settles waiting `next()` calls, oldest first, while there is anything to settle them with. */
  private wake(): void {
    while (this.waiters.length > 0) {
      if (this.head < this.queue.length) {
        const waiter = this.waiters.shift()!;
        const item = this.queue[this.head++]!;
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue.splice(0, this.head);
          this.head = 0;
        }
        if (item.type === 'event') this.counts.delivered++;
        // Taking an item may bring the buffer under the high-water mark: resume posting.
        this.fill();
        waiter.resolve({ value: item, done: false });
      } else if (this.failure && !this.finished) {
        this.finished = true;
        this.waiters.shift()!.reject(this.failure.error);
      } else if (this.finished || (this.stopping && this.inFlight.size === 0)) {
        this.finished = true;
        this.waiters.shift()!.resolve({ value: undefined, done: true });
      } else {
        return;
      }
    }
  }
}

/** Records in a batch that arrived after the subscription stopped, for the `discarded` count. */
function recordCount(output: Uint8Array): number {
  return output.byteLength >= 8 ? new DataView(output.buffer, output.byteOffset, output.byteLength).getUint32(4, true) : 0;
}
