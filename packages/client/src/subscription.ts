/**
 * A subscription to one channel: a cursor on the driver's stream for one handle (see stream.ts).
 * It keeps `depth` subscribe requests parked at the driver, re-posts a request before it hands out
 * the batch that came back, turns each sequence gap (and each drop a ring-empty batch reveals)
 * into a loss notice, and stops re-posting while its own buffer is full. It yields one item at a
 * time (`next()`, `for await`) or one completion at a time (`batches()`), from the same buffer.
 */
import { DeviceError, isDeviceError, type DeviceHandleV1 } from '@inverted-call/backend';
import type { ChannelDescriptorV1, DeviceLimitsV1, EventKindDescriptorV1 } from '@inverted-call/codec';
import { decodeCheckedBatch, kindsById } from './batch.js';
import { DeviceLimitError, ProtocolError } from './errors.js';
import type { ChannelStream, StreamItem } from './stream.js';
import type { Subscription, SubscriptionItem, SubscriptionStats } from './types.js';

export interface ResolvedSubscribeOptions {
  /** The device's limits, named by the DeviceLimitError a refused request becomes. */
  limits: DeviceLimitsV1;
  depth: number;
  batchBytes: number;
  highWaterMark: number;
  signal: AbortSignal | undefined;
}

/** Where a subscription reads: a handle and the cursor on that handle's stream of this channel. */
export interface StreamLease {
  readonly handle: DeviceHandleV1;
  readonly stream: ChannelStream;
  /** Runs once the subscription has stopped: hands the stream back, or closes a handle of its own. */
  release(): Promise<void>;
}

type Item<Channel extends ChannelDescriptorV1> = SubscriptionItem<Channel>;

const NO_ITEMS: never[] = [];

/** The items of one completion, taken from the front. */
interface Chunk<Channel extends ChannelDescriptorV1> {
  items: Item<Channel>[];
  taken: number;
  /** Events among the items not yet taken, so taking a whole chunk need not count them again. */
  events: number;
  /** The next completion's chunk. */
  next: Chunk<Channel> | undefined;
}

interface Waiter<Channel extends ChannelDescriptorV1> {
  readonly whole: boolean;
  resolve(result: IteratorResult<Item<Channel>> | IteratorResult<readonly Item<Channel>[]>): void;
  reject(error: unknown): void;
}

export class ChannelSubscription<Channel extends ChannelDescriptorV1> implements Subscription<Channel> {
  readonly channel: Channel['name'];
  readonly ready: Promise<void>;
  private readonly kinds: ReadonlyMap<number, EventKindDescriptorV1>;
  private lease: StreamLease | undefined;
  /** Settles once the lease is taken or could not be had; stopping waits for it to hand it back. */
  private leased: Promise<StreamLease | undefined> = Promise.resolve(undefined);
  /**
   * Buffered completions, oldest first, in a linked list: taking the front of an array moves the
   * rest, which costs more per completion than handing its items over.
   */
  private oldest: Chunk<Channel> | undefined;
  private newest: Chunk<Channel> | undefined;
  private bufferedItems = 0;
  private readonly inFlight = new Map<AbortController, Promise<void>>();
  /**
   * Controllers of requests that completed without being cancelled, for the next requests: making
   * one costs about as much as decoding a batch of small events. Only stop() aborts a controller,
   * and nothing is posted after it, so a reused signal never cancels a later request by mistake.
   */
  private readonly idleControllers: AbortController[] = [];
  private sent = false;
  private stopping = false;
  private finished = false;
  private failure: { error: unknown } | undefined;
  /** Pending `next()` calls of either iterator, oldest first: a caller may ask again before an answer. */
  private readonly waiters: Waiter<Channel>[] = [];
  private stopped: Promise<void> | undefined;
  private readonly counts = { delivered: 0, lost: 0, completions: 0, discarded: 0 };
  private settleReady!: (error?: unknown) => void;
  private readonly onAbort = () => this.fail(new DeviceError('ERROR_OPERATION_ABORTED', { operation: this.where, detail: 'the subscription signal was aborted' }), true);

  constructor(
    private readonly descriptor: Channel,
    private readonly options: ResolvedSubscribeOptions,
    private readonly onStopped: (subscription: ChannelSubscription<Channel>) => void,
  ) {
    this.channel = descriptor.name;
    this.kinds = kindsById(descriptor);
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Awaiting `ready` is optional: an unobserved rejection must not crash the process.
    this.ready.catch(() => {});
  }

  /** Starts reading once the stream is ours; `lease` fails with why it cannot be had. */
  start(lease: StreamLease | Promise<StreamLease>): void {
    if (this.options.signal?.aborted) {
      this.onAbort();
    } else {
      this.options.signal?.addEventListener('abort', this.onAbort, { once: true });
    }
    if (lease instanceof Promise) {
      this.leased = lease.then(
        (taken) => this.take(taken),
        (error: unknown) => void this.fail(error, false),
      );
    } else {
      this.leased = Promise.resolve(this.take(lease));
    }
  }

  /** Ends before it began: a bad option or a closed device, reported through the iterator like any error. */
  refuse(error: unknown): void {
    this.fail(error, false);
  }

  get stats(): Readonly<SubscriptionStats> {
    return {
      ...this.counts,
      driverDropped: this.lease?.stream.driverDropped ?? 0n,
      inFlight: this.inFlight.size,
      buffered: this.bufferedItems,
    };
  }

  /** True once close, an abort or a failure began stopping it: a new subscription then waits for the stream. */
  get isStopping(): boolean {
    return this.stopping;
  }

  whenStopped(): Promise<void> {
    return this.stop();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Item<Channel>>> {
    // The common case, an item already buffered and nobody ahead in line, skips the waiter queue.
    if (this.waiters.length === 0 && this.bufferedItems > 0) {
      return Promise.resolve({ value: this.takeItem(), done: false });
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ whole: false, resolve: resolve as Waiter<Channel>['resolve'], reject });
      this.wake();
    });
  }

  batches(): AsyncIterableIterator<readonly Item<Channel>[]> & AsyncDisposable {
    const next = (): Promise<IteratorResult<readonly Item<Channel>[]>> => {
      // As in next(): a completion already buffered and nobody ahead in line skips the waiter queue.
      if (this.waiters.length === 0 && this.bufferedItems > 0) {
        return Promise.resolve({ value: this.takeChunk(), done: false });
      }
      return new Promise((resolve, reject) => {
        this.waiters.push({ whole: true, resolve: resolve as Waiter<Channel>['resolve'], reject });
        this.wake();
      });
    };
    const end = async (): Promise<IteratorResult<readonly Item<Channel>[]>> => {
      await this.close();
      return { done: true, value: undefined };
    };
    const iterator = {
      next,
      return: end,
      [Symbol.asyncIterator]: () => iterator,
      [Symbol.asyncDispose]: async () => void (await end()),
    };
    return iterator;
  }

  async return(): Promise<IteratorResult<Item<Channel>>> {
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

  private get where(): string {
    return `subscribe ${this.descriptor.name}`;
  }

  private take(lease: StreamLease): StreamLease {
    this.lease = lease;
    // Closed while waiting for the stream: stop() hands it straight back.
    if (this.stopping) return lease;
    const broken = lease.stream.failure;
    if (broken) this.fail(broken, false);
    else this.fill();
    return lease;
  }

  /** Posts requests until `depth` are in flight, unless stopping or the buffer is full. */
  private fill(): void {
    const handle = this.lease?.handle;
    if (handle === undefined) return;
    while (!this.stopping && this.inFlight.size < this.options.depth && this.bufferedItems < this.options.highWaterMark) {
      const controller = this.idleControllers.pop() ?? new AbortController();
      const settled = handle.ioctl(this.descriptor.code, null, this.options.batchBytes, { signal: controller.signal }).then(
        (result) => this.onCompleted(controller, result.output),
        (error: unknown) => this.onFailed(controller, error),
      );
      this.inFlight.set(controller, settled);
      if (!this.sent) {
        // The backend hands a request to the driver before ioctl returns: the stream exists now.
        this.sent = true;
        this.settleReady();
      }
    }
  }

  private onCompleted(controller: AbortController, output: Uint8Array): void {
    this.inFlight.delete(controller);
    // stop() is the only one to abort a controller, and it sets `stopping` first.
    if (!this.stopping) this.idleControllers.push(controller);
    this.counts.completions++;
    // Re-post before decoding and delivering, so the driver has a request the moment the next
    // event comes (a batch that then fails to decode stops the subscription, cancelling it again).
    this.fill();
    // What the stream accepted before an error, or where it puts the items of a batch it adds notices to.
    const accepted: StreamItem[] = [];
    let items = accepted;
    // How many of the items are events, known once the whole batch is accepted.
    let events: number | undefined;
    let error: unknown;
    try {
      const { batch, consecutive } = decodeCheckedBatch(output, this.descriptor, this.kinds);
      items = this.lease!.stream.accept(batch, accepted, consecutive);
      events = batch.records.length;
    } catch (caught) {
      error = caught;
      if (caught instanceof ProtocolError) this.lease!.stream.breakWith(caught);
    }
    if (this.stopping) {
      // Received after close or abort: never handed over, so discarded; the cursor still moved past it.
      for (const item of items) {
        if (item.type === 'event') this.counts.discarded++;
        else this.counts.lost += item.count;
      }
      return;
    }
    if (items.length > 0) this.push(items as Item<Channel>[], events);
    if (error !== undefined) this.fail(error, false);
    this.wake();
  }

  private onFailed(controller: AbortController, error: unknown): void {
    this.inFlight.delete(controller);
    // Cancellations we asked for are expected; anything else (a driver error, the handle closed
    // under us, the process's I/O cancelled) ends the subscription with that error.
    if (this.stopping) return;
    this.fail(isDeviceError(error, 'ERROR_NOT_ENOUGH_QUOTA') ? new DeviceLimitError(this.where, this.options.limits, error) : error, false);
  }

  /** Buffers the items of one completion; `events` is how many are events, if known. */
  private push(items: Item<Channel>[], events: number | undefined): void {
    // Items that are all events hold no loss notice to count: only other batches are gone through.
    if (events !== items.length) {
      events = 0;
      for (const item of items) {
        if (item.type === 'event') events++;
        else this.counts.lost += item.count;
      }
    }
    const chunk: Chunk<Channel> = { items, taken: 0, events, next: undefined };
    if (this.newest) this.newest.next = chunk;
    else this.oldest = chunk;
    this.newest = chunk;
    this.bufferedItems += items.length;
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
    while (this.oldest) {
      this.counts.discarded += this.oldest.events;
      this.dropOldest();
    }
    this.bufferedItems = 0;
  }

  /** Cancels every in-flight request, waits until each has completed, then hands the stream back. */
  private stop(): Promise<void> {
    if (!this.stopped) {
      this.stopping = true;
      this.options.signal?.removeEventListener('abort', this.onAbort);
      for (const controller of this.inFlight.keys()) controller.abort();
      if (!this.sent) this.settleReady(this.failure?.error ?? new DeviceError('ERROR_OPERATION_ABORTED', { operation: this.where, detail: 'the subscription was closed before its first request was sent' }));
      this.stopped = Promise.all(this.inFlight.values())
        .then(() => this.leased)
        .then((lease) => lease?.release())
        .then(() => this.onStopped(this));
    }
    return this.stopped;
  }

  /** The next buffered item; the caller checked there is one. */
  private takeItem(): Item<Channel> {
    const chunk = this.oldest!;
    const item = chunk.items[chunk.taken++]!;
    const events = item.type === 'event' ? 1 : 0;
    chunk.events -= events;
    if (chunk.taken === chunk.items.length) this.dropOldest();
    this.afterTaking(events, 1);
    return item;
  }

  /** What is left of the oldest completion; the caller checked there is one. */
  private takeChunk(): readonly Item<Channel>[] {
    const chunk = this.oldest!;
    const items = chunk.taken === 0 ? chunk.items : chunk.items.slice(chunk.taken);
    const events = chunk.events;
    this.dropOldest();
    this.afterTaking(events, items.length);
    return items;
  }

  /**
   * Unlinks the oldest chunk and empties it. A chunk that stayed buffered through a few garbage
   * collections may have been moved to the old generation, where it is only freed by a full
   * collection; until then, whatever it still points to (its items, the next chunks) would be kept
   * alive and moved there too, which can make full collections run back to back.
   */
  private dropOldest(): void {
    const dropped = this.oldest!;
    this.oldest = dropped.next;
    if (!this.oldest) this.newest = undefined;
    dropped.next = undefined;
    dropped.items = NO_ITEMS;
  }

  private afterTaking(events: number, items: number): void {
    this.counts.delivered += events;
    this.bufferedItems -= items;
    // Taking may bring the buffer under the high-water mark: resume posting.
    if (this.inFlight.size < this.options.depth) this.fill();
  }

  /** Settles waiting `next()` calls, oldest first, while there is anything to settle them with. */
  private wake(): void {
    while (this.waiters.length > 0) {
      if (this.bufferedItems > 0) {
        const waiter = this.waiters.shift()!;
        waiter.resolve(waiter.whole ? { value: this.takeChunk(), done: false } : { value: this.takeItem(), done: false });
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
