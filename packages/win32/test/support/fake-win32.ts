/**
 * A scripted stand-in for kernel32, for testing the backend's bookkeeping on any platform. It
 * keeps native blocks in a map (and counts them, so a leak shows), queues completion packets the
 * way a port does and hands them out through GetQueuedCompletionStatusEx's OVERLAPPED_ENTRY array,
 * and lets a test decide how each DeviceIoControl ends: at once with an error, done at once (a
 * packet still comes), or pending until the test completes or cancels it.
 *
 * It refuses what real kernel32 would punish silently: a block freed or handed to a new request
 * before the packet of the request that used it was dequeued, CloseHandle before every packet of
 * the handle was dequeued, two waits on the port at once, a poll while a wait is in progress.
 */
import type { CompletionEntries, NativeBuffer, Win32Api, Win32Handle } from '../../src/index.js';

export type Disposition = { kind: 'fail'; error: number } | { kind: 'done'; status: number; output?: Uint8Array } | { kind: 'pending' };

export interface FakeRequest {
  readonly handle: Win32Handle;
  readonly code: number;
  readonly input: Uint8Array;
  readonly outputLength: number;
  readonly overlapped: NativeBuffer;
  readonly inputBlock: NativeBuffer | null;
  readonly output: NativeBuffer | null;
  /** pending at the driver, completed (its packet queued in the port), or its packet dequeued. */
  state: 'pending' | 'completed' | 'dequeued';
}

interface Packet {
  readonly key: bigint;
  readonly overlapped: bigint;
  readonly bytes: number;
  readonly request: FakeRequest | null;
}

const STATUS_CANCELLED = 0xc0000120;
const ERROR_NOT_FOUND = 1168;
const ERROR_FILE_NOT_FOUND = 2;
const ENTRY_BYTES = 32;

export class FakeWin32 implements Win32Api {
  /** Live native blocks: must be back to 0 once every handle is closed. */
  liveBlocks = 0;
  readonly requests: FakeRequest[] = [];
  readonly closed: Win32Handle[] = [];
  readonly cancels: { handle: Win32Handle; overlapped: bigint | null; found: boolean }[] = [];
  /** How the next DeviceIoControl calls end (default: pending). */
  decide: (request: FakeRequest) => Disposition = () => ({ kind: 'pending' });
  devicePath = '\\\\.\\ConformanceDevice';
  /** Blocking waits in progress: more than one at a time would mean a pump per request. */
  waitsInProgress = 0;
  maxWaitsInProgress = 0;
  /** Entries removed by each wait that returned (and by each poll, as `poll n`). */
  readonly wakeups: (number | string)[] = [];
  /** ulCount of every GetQueuedCompletionStatusEx call, in order. */
  readonly counts: number[] = [];
  /** Make the next wait fail (GetQueuedCompletionStatusEx returning FALSE). */
  failNextWait = false;
  readonly port: Win32Handle = 999n;
  /**
   * Every rule broken, also those thrown where nobody catches them (in the backend's microtasks
   * or callbacks): tests check it is empty after each test.
   */
  readonly violations: string[] = [];

  private readonly blocks = new Map<bigint, Uint8Array>();
  private nextAddress = 0x10000n;
  private nextHandle = 100n;
  private portOpen = false;
  /** Files associated with the port that is open now. */
  private readonly associated = new Set<Win32Handle>();
  private readonly packets: Packet[] = [];
  private waiter: { into: CompletionEntries; count: number; done: (error: Error | null, removed: number) => void } | null = null;
  private workerScheduled = false;
  private error = 0;

  createFile(path: string): Win32Handle {
    if (path.toLowerCase() !== this.devicePath.toLowerCase()) {
      this.error = ERROR_FILE_NOT_FOUND;
      return -1n;
    }
    return this.nextHandle++;
  }

  deviceIoControl(handle: Win32Handle, code: number, input: NativeBuffer | null, inputLength: number, output: NativeBuffer | null, outputLength: number, overlapped: NativeBuffer): boolean {
    if (!this.associated.has(handle)) throw this.violation('I/O on a handle with no open completion port (its packet would be lost)');
    for (const block of [overlapped, input, output]) {
      if (block && this.ownerNotDequeued(block.address)) throw this.violation('a block was given to a new request before the packet of its last request was dequeued');
    }
    const request: FakeRequest = { handle, code, input: input ? input.bytes().slice(0, inputLength) : new Uint8Array(0), outputLength, overlapped, inputBlock: input, output, state: 'pending' };
    const disposition = this.decide(request);
    if (disposition.kind === 'fail') {
      this.error = disposition.error;
      return false;
    }
    this.requests.push(request);
    if (disposition.kind === 'done') {
      this.complete(request, disposition.status, disposition.output);
      return true;
    }
    this.error = 997; // ERROR_IO_PENDING
    return false;
  }

  /** The driver completes a pending request: the OVERLAPPED gets status and bytes, a packet is queued. */
  complete(request: FakeRequest, status: number, output: Uint8Array = new Uint8Array(0)): void {
    if (request.state !== 'pending') throw this.violation('request completed twice');
    request.state = 'completed';
    if (output.byteLength > 0) request.output!.bytes().set(output);
    const view = new DataView(request.overlapped.bytes().buffer, request.overlapped.bytes().byteOffset, 32);
    view.setBigUint64(0, BigInt(status >>> 0), true);
    view.setBigUint64(8, BigInt(output.byteLength), true);
    this.queue({ key: 1n, overlapped: request.overlapped.address, bytes: output.byteLength, request });
  }

  pending(): FakeRequest[] {
    return this.requests.filter((request) => request.state === 'pending');
  }

  /** Packets queued in the port and not yet dequeued. */
  get queuedPackets(): number {
    return this.packets.length;
  }

  createIoCompletionPort(file: Win32Handle, existing: Win32Handle): Win32Handle {
    if (existing === 0n) {
      if (this.portOpen) throw this.violation('a second completion port while the first is open');
      this.portOpen = true;
      return this.port;
    }
    if (existing !== this.port || !this.portOpen) return 0n;
    this.associated.add(file);
    return this.port;
  }

  waitForCompletions(port: Win32Handle, into: CompletionEntries, count: number, done: (error: Error | null, removed: number) => void): void {
    if (port !== this.port || !this.portOpen) throw this.violation('waiting on a port that is not open');
    if (this.waiter) throw this.violation('a second wait on the port while one is in progress');
    this.checkCount(into, count);
    this.waitsInProgress++;
    this.maxWaitsInProgress = Math.max(this.maxWaitsInProgress, this.waitsInProgress);
    this.waiter = { into, count, done };
    if (this.packets.length > 0 || this.failNextWait) this.scheduleWorker();
  }

  pollCompletions(port: Win32Handle, into: CompletionEntries, count: number): number {
    if (this.waiter) throw this.violation('a poll while a wait is in progress (it would take packets out of order)');
    if (port !== this.port || !this.portOpen) throw this.violation('polling a port that is not open');
    this.checkCount(into, count);
    const removed = this.dequeue(into, count);
    this.wakeups.push(`poll ${removed}`);
    return removed;
  }

  postCompletion(_port: Win32Handle, key: bigint): boolean {
    this.queue({ key, overlapped: 0n, bytes: 0, request: null });
    return true;
  }

  cancelIoEx(handle: Win32Handle, overlapped: NativeBuffer | null): boolean {
    const targets = this.pending().filter((request) => request.handle === handle && (overlapped === null || request.overlapped.address === overlapped.address));
    this.cancels.push({ handle, overlapped: overlapped?.address ?? null, found: targets.length > 0 });
    for (const request of targets) this.complete(request, STATUS_CANCELLED);
    if (targets.length === 0) this.error = ERROR_NOT_FOUND;
    return targets.length > 0;
  }

  closeHandle(handle: Win32Handle): boolean {
    if (handle === this.port) {
      if (this.waiter) throw this.violation('the port was closed while a wait is in progress');
      if (this.packets.length > 0) throw this.violation('the port was closed with packets still queued');
      this.portOpen = false;
      this.associated.clear();
    } else if (this.requests.some((request) => request.handle === handle && request.state !== 'dequeued')) {
      throw this.violation('CloseHandle before every packet of the handle was dequeued');
    }
    this.closed.push(handle);
    return true;
  }

  lastError(): number {
    return this.error;
  }

  allocate(length: number): NativeBuffer {
    const address = this.nextAddress;
    this.nextAddress += 0x1000n;
    const memory = new Uint8Array(Math.max(1, length)).fill(0xee);
    this.blocks.set(address, memory);
    this.liveBlocks++;
    return {
      address,
      length: memory.byteLength,
      bytes: () => {
        if (!this.blocks.has(address)) throw this.violation('use of a released block (the kernel could still write into it)');
        return memory;
      },
    };
  }

  release(buffer: NativeBuffer): void {
    if (this.ownerNotDequeued(buffer.address)) throw this.violation('a block was released before the packet of its request was dequeued');
    if (!this.blocks.delete(buffer.address)) throw this.violation('block released twice');
    this.liveBlocks--;
  }

  private violation(message: string): Error {
    this.violations.push(message);
    return new Error(`FakeWin32: ${message}`);
  }

  private ownerNotDequeued(address: bigint): boolean {
    return this.requests.some(
      (request) => request.state !== 'dequeued' && (request.overlapped.address === address || request.output?.address === address || request.inputBlock?.address === address),
    );
  }

  private queue(packet: Packet): void {
    this.packets.push(packet);
    if (this.waiter) this.scheduleWorker();
  }

  /**
   * The waiting worker wakes in a later turn, as a real thread would: every packet queued before it
   * runs (say, several completions the test made in one step) lands in the same wake-up.
   */
  private scheduleWorker(): void {
    if (this.workerScheduled) return;
    this.workerScheduled = true;
    setImmediate(() => {
      this.workerScheduled = false;
      const waiter = this.waiter;
      if (!waiter) return;
      this.waiter = null;
      this.waitsInProgress--;
      if (this.failNextWait) {
        this.failNextWait = false;
        this.wakeups.push('failed');
        waiter.done(null, 0);
        return;
      }
      const removed = this.dequeue(waiter.into, waiter.count);
      this.wakeups.push(removed);
      waiter.done(null, removed);
    });
  }

  private checkCount(into: CompletionEntries, count: number): void {
    if (!Number.isInteger(count) || count < 1 || count > into.capacity) throw this.violation(`ulCount ${count} outside 1..${into.capacity}`);
    this.counts.push(count);
  }

  /** Moves up to `count` packets into the entry array, oldest first, as the port hands them out. */
  private dequeue(into: CompletionEntries, count: number): number {
    const memory = into.entries.bytes();
    const view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength);
    const removed = Math.min(count, this.packets.length);
    for (let index = 0; index < removed; index++) {
      const packet = this.packets.shift()!;
      if (packet.request) packet.request.state = 'dequeued';
      const offset = index * ENTRY_BYTES;
      view.setBigUint64(offset, packet.key, true);
      view.setBigUint64(offset + 8, packet.overlapped, true);
      view.setBigUint64(offset + 16, 0n, true);
      view.setUint32(offset + 24, packet.bytes, true);
    }
    // Past `removed` the array holds whatever was there; make that a trap: the OVERLAPPED of a
    // request still pending, which a pump reading too far would complete before its time.
    const bait = this.pending()[0]?.overlapped.address ?? 0xdeadn;
    for (let index = removed; index < into.capacity; index++) view.setBigUint64(index * ENTRY_BYTES + 8, bait, true);
    new DataView(into.removed.bytes().buffer, into.removed.bytes().byteOffset, 4).setUint32(0, removed, true);
    return removed;
  }
}
