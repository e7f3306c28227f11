/**
 * The completion port of one backend and the pump that drains it.
 *
 * - At most one GetQueuedCompletionStatusEx is in progress at a time: either a blocking wait on
 *   one libuv worker thread, or a zero-timeout poll on the main thread, never both (each would
 *   take packets the other has not delivered yet, and order would be lost).
 * - One call takes up to `capacity` packets into an OVERLAPPED_ENTRY array allocated once per
 *   port; packets past that stay queued in the port for the next call. The entries are matched
 *   to their requests and delivered in port order, all in one turn, so the batches of one
 *   subscription reach the client in the order the driver completed them.
 * - The blocking wait costs a thread hop each way (worker wake-up, then the callback queued to the
 *   main thread), which under Wine is several wineserver round trips. So the wait is posted only
 *   when the main thread has nothing else to take. When packets are likely queued already (a
 *   request completed at once: DeviceIoControl returned TRUE; a wait just returned at the start
 *   of a burst; a poll came back full), a microtask polls first, and only an empty poll, or
 *   nothing likely queued, leads to the blocking wait. The microtask runs after the reactions of
 *   what this turn delivered, so their re-posts are sent by then. A bounded number of polls per
 *   turn of the event loop keeps a busy port from starving timers and other I/O.
 * - The pump waits only while requests are in flight: an idle client keeps nothing alive.
 * - Only a dequeued request gets `complete()`: its blocks may then be freed or reused. Nothing
 *   else frees them, also not a cancel.
 */
import { BlockPool } from './block-pool.js';
import { OVERLAPPED_ENTRY_BYTES, entryOverlapped, INVALID_HANDLE_VALUE, type CompletionEntries, type Win32Api, type Win32Handle } from './win32-api.js';

/** What the port needs of a request it tracks. */
export interface PortRequest {
  /** addressKey of the request's OVERLAPPED: the packet names the request by it. */
  readonly key: number;
  /** Its packet has been dequeued: read the outcome from the OVERLAPPED, then free or reuse its blocks. */
  complete(): void;
  /** The port can no longer be waited on, so its packet will never be seen. It must not free its blocks. */
  abandon(cause: Error): void;
}

/** Packets one wake-up can take; the rest wait for the next one. */
export const DEFAULT_ENTRIES_PER_WAKE = 64;
/**
 * Polls in one turn of the event loop, after which the pump waits instead: polls run in
 * microtasks, so a port that always has packets (or a caller that awaits request after request
 * done at once) would otherwise keep timers and other I/O from ever running.
 */
const POLLS_PER_TURN = 16;

export class CompletionPort {
  readonly pool: BlockPool;
  private port: Win32Handle = 0n;
  private into: CompletionEntries | null = null;
  private view: DataView | null = null;
  private waiting = false;
  /** A drain (poll, or else wait) is queued as a microtask. */
  private draining = false;
  /** Worth a poll: packets were delivered, or a request completed at once, since the last call. */
  private likelyQueued = false;
  private pollsThisTurn = 0;
  /** Files associated and not yet closed: the port lives while there is one. */
  private files = 0;
  private readonly requests = new Map<number, PortRequest>();
  /** The requests of the wake-up being delivered; reused, so a wake-up allocates no array. */
  private readonly batch: PortRequest[] = [];
  private readonly onWake = (error: Error | null, removed: number): void => this.wake(error, removed);
  private readonly onDrain = (): void => this.drain();
  private readonly onTurn = (): void => {
    this.pollsThisTurn = 0;
  };

  constructor(
    private readonly api: Win32Api,
    private readonly capacity = DEFAULT_ENTRIES_PER_WAKE,
  ) {
    this.pool = new BlockPool(api);
  }

  /** Associates a file with the port (made at the first association, or after shutdown). */
  associate(handle: Win32Handle, key: bigint): boolean {
    if (this.port === 0n) {
      const port = this.api.createIoCompletionPort(INVALID_HANDLE_VALUE, 0n, 0n);
      if (port === 0n) return false;
      this.port = port;
      const entries = this.api.allocate(this.capacity * OVERLAPPED_ENTRY_BYTES);
      this.into = { entries, removed: this.api.allocate(4), capacity: this.capacity };
      this.view = new DataView(entries.bytes().buffer, entries.bytes().byteOffset, entries.length);
    }
    if (this.api.createIoCompletionPort(handle, this.port, key) === 0n) {
      if (this.files === 0) this.shutdown();
      return false;
    }
    this.files++;
    return true;
  }

  /** An associated file was closed, after every packet of its requests was dequeued. */
  fileClosed(): void {
    if (--this.files === 0) this.shutdown();
  }

  /** A request whose packet will come through the port: pending, or done at once (DeviceIoControl returned TRUE). */
  track(request: PortRequest, doneAtOnce: boolean): void {
    this.requests.set(request.key, request);
    if (doneAtOnce) this.likelyQueued = true;
    this.schedule();
  }

  /**
   * With no file left open, and so nothing in flight and no wait in progress: frees the pooled
   * blocks and the entry array and closes the port. The next associate makes a new one.
   */
  private shutdown(): void {
    if (this.waiting || this.requests.size > 0 || this.port === 0n) return;
    this.likelyQueued = false; // a drain still queued finds no port and does nothing
    this.pool.drain();
    this.api.release(this.into!.entries);
    this.api.release(this.into!.removed);
    this.into = null;
    this.view = null;
    this.api.closeHandle(this.port);
    this.port = 0n;
  }

  /** Queues a drain for the end of this turn, unless a call on the port is already due. */
  private schedule(): void {
    if (this.waiting || this.draining) return;
    this.draining = true;
    queueMicrotask(this.onDrain);
  }

  /** Polls while packets are likely queued, then waits if requests are still in flight. */
  private drain(): void {
    this.draining = false;
    if (this.waiting || this.port === 0n || this.requests.size === 0) return;
    const count = this.entriesWanted();
    if (this.likelyQueued && this.pollsThisTurn < POLLS_PER_TURN) {
      this.likelyQueued = false;
      if (this.pollsThisTurn++ === 0) setImmediate(this.onTurn);
      const removed = this.api.pollCompletions(this.port, this.into!, count);
      if (removed > 0) {
        // A full take with more in flight may have left packets behind; otherwise only a request
        // done at once (a re-post that found events waiting) calls for another poll.
        if (removed === count && this.requests.size > count) this.likelyQueued = true;
        this.deliver(removed);
        this.schedule();
        return;
      }
    }
    this.likelyQueued = false;
    this.waiting = true;
    this.api.waitForCompletions(this.port, this.into!, count, this.onWake);
  }

  /**
   * No more entries than requests in flight: under Wine each entry is one wineserver call and
   * asking for more than can come costs one more call that finds the port empty.
   */
  private entriesWanted(): number {
    return Math.min(this.capacity, this.requests.size);
  }

  private wake(error: Error | null, removed: number): void {
    this.waiting = false;
    if (error || removed === 0) {
      // The wait itself failed (the binding or the port, not an I/O): fail what is in flight
      // rather than hang. Their packets will never be seen, so their blocks are never freed.
      const cause = error ?? new Error('GetQueuedCompletionStatusEx failed');
      const abandoned = [...this.requests.values()];
      this.requests.clear();
      for (const request of abandoned) request.abandon(cause);
      return;
    }
    // The wait returns at the first packet of what is often a burst: the rest is worth a poll.
    this.likelyQueued = true;
    this.deliver(removed);
    this.schedule();
  }

  /** Completes the requests of the first `removed` entries, in port order, in this turn. */
  private deliver(removed: number): void {
    const batch = this.batch;
    const view = this.view!;
    for (let index = 0; index < removed; index++) {
      const key = entryOverlapped(view, index);
      const request = key === 0 ? undefined : this.requests.get(key); // 0: a posted wake-up, not an I/O
      if (!request) continue;
      this.requests.delete(key);
      batch.push(request);
    }
    try {
      for (const request of batch) request.complete();
    } finally {
      batch.length = 0;
    }
  }
}
