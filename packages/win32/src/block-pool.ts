/**
 * Native blocks kept for reuse, by exact length: a subscription re-posts requests of one size
 * over and over, and taking a block back from here costs no koffi.alloc, koffi.address or
 * koffi.view. A block comes back only once the packet of the request that used it has been
 * dequeued (the kernel may write into it until then): the port's caller guarantees that, and the
 * unit tests plant the opposite to show it would be caught.
 */
import type { NativeBuffer, Win32Api } from './win32-api.js';

/** Enough for a few subscriptions' worth of requests; beyond it blocks are simply freed. */
const POOL_LIMIT_BYTES = 1 << 20;
const POOL_LIMIT_BLOCKS = 1024;

export class BlockPool {
  private readonly free = new Map<number, NativeBuffer[]>();
  private bytes = 0;
  private blocks = 0;

  constructor(private readonly api: Win32Api) {}

  /** A block of exactly `length` bytes (at least 1), reused if one is free. Its content is undefined. */
  take(length: number): NativeBuffer {
    const block = this.free.get(Math.max(1, length))?.pop();
    if (!block) return this.api.allocate(length);
    this.bytes -= block.length;
    this.blocks--;
    return block;
  }

  /** Back for reuse, or freed when the pool is full. Only after its request's packet was dequeued. */
  give(block: NativeBuffer): void {
    if (this.bytes + block.length > POOL_LIMIT_BYTES || this.blocks >= POOL_LIMIT_BLOCKS) {
      this.api.release(block);
      return;
    }
    let list = this.free.get(block.length);
    if (!list) this.free.set(block.length, (list = []));
    list.push(block);
    this.bytes += block.length;
    this.blocks++;
  }

  /** Frees every pooled block (when the backend has no open handle left). */
  drain(): void {
    for (const list of this.free.values()) for (const block of list) this.api.release(block);
    this.free.clear();
    this.bytes = 0;
    this.blocks = 0;
  }
}
