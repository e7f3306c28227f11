/**
 * A scripted stand-in for kernel32, for testing the backend's bookkeeping on any platform. It
 * keeps native blocks in a map (and counts them, so a leak shows), queues completion packets the
 * way a port does, and lets a test decide how each DeviceIoControl ends: at once with an error,
 * done at once (a packet still comes), or pending until the test completes or cancels it.
 */
import type { CompletionPacket, NativeBuffer, Win32Api, Win32Handle } from '../../src/index.js';

export type Disposition = { kind: 'fail'; error: number } | { kind: 'done'; status: number; output?: Uint8Array } | { kind: 'pending' };

export interface FakeRequest {
  readonly handle: Win32Handle;
  readonly code: number;
  readonly input: Uint8Array;
  readonly outputLength: number;
  readonly overlapped: NativeBuffer;
  readonly output: NativeBuffer | null;
  state: 'pending' | 'completed';
}

const STATUS_CANCELLED = 0xc0000120;
const ERROR_NOT_FOUND = 1168;
const ERROR_FILE_NOT_FOUND = 2;

export class FakeWin32 implements Win32Api {
  /** Live native blocks: must be back to 0 once everything has completed. */
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

  private readonly blocks = new Map<bigint, Uint8Array>();
  private nextAddress = 0x10000n;
  private nextHandle = 100n;
  private port: Win32Handle = 0n;
  private readonly packets: CompletionPacket[] = [];
  private waiter: ((packet: CompletionPacket) => void) | null = null;
  private error = 0;

  createFile(path: string): Win32Handle {
    if (path.toLowerCase() !== this.devicePath.toLowerCase()) {
      this.error = ERROR_FILE_NOT_FOUND;
      return -1n;
    }
    return this.nextHandle++;
  }

  deviceIoControl(handle: Win32Handle, code: number, input: NativeBuffer | null, inputLength: number, output: NativeBuffer | null, outputLength: number, overlapped: NativeBuffer): boolean {
    const request: FakeRequest = { handle, code, input: input ? input.bytes().slice(0, inputLength) : new Uint8Array(0), outputLength, overlapped, output, state: 'pending' };
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
    if (request.state !== 'pending') throw new Error('FakeWin32: request completed twice');
    request.state = 'completed';
    if (output.byteLength > 0) request.output!.bytes().set(output);
    const view = new DataView(request.overlapped.bytes().buffer, request.overlapped.bytes().byteOffset, 32);
    view.setBigUint64(0, BigInt(status >>> 0), true);
    view.setBigUint64(8, BigInt(output.byteLength), true);
    this.queue({ ok: (status | 0) >= 0, key: 1n, overlapped: request.overlapped.address });
  }

  pending(): FakeRequest[] {
    return this.requests.filter((request) => request.state === 'pending');
  }

  createIoCompletionPort(file: Win32Handle, existing: Win32Handle): Win32Handle {
    if (existing === 0n) {
      this.port = 999n;
      return this.port;
    }
    return existing === this.port ? this.port : 0n;
  }

  waitForCompletion(_port: Win32Handle, done: (error: Error | null, packet: CompletionPacket) => void): void {
    this.waitsInProgress++;
    this.maxWaitsInProgress = Math.max(this.maxWaitsInProgress, this.waitsInProgress);
    const deliver = (packet: CompletionPacket) => {
      this.waitsInProgress--;
      // The real callback comes back to the main thread in a later turn.
      setImmediate(() => done(null, packet));
    };
    const packet = this.packets.shift();
    if (packet) deliver(packet);
    else this.waiter = deliver;
  }

  postCompletion(_port: Win32Handle, key: bigint): boolean {
    this.queue({ ok: true, key, overlapped: 0n });
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
    if (this.pending().some((request) => request.handle === handle)) throw new Error('FakeWin32: CloseHandle with requests still pending');
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
    return { address, length: memory.byteLength, bytes: () => {
      if (!this.blocks.has(address)) throw new Error('FakeWin32: use of a released block (the kernel could still write into it)');
      return memory;
    } };
  }

  release(buffer: NativeBuffer): void {
    if (!this.blocks.delete(buffer.address)) throw new Error('FakeWin32: block released twice');
    const request = this.requests.find((candidate) => candidate.overlapped.address === buffer.address || candidate.output?.address === buffer.address);
    if (request && request.state === 'pending') throw new Error('FakeWin32: a block was released while its request is still pending');
    this.liveBlocks--;
  }

  private queue(packet: CompletionPacket): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      waiter(packet);
    } else {
      this.packets.push(packet);
    }
  }
}
