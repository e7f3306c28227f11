/**
 * The few Win32 calls the backend makes, as an interface: the real one binds kernel32 with koffi
 * (koffi-api.ts); tests give a scripted stand-in, so the backend's bookkeeping (buffers kept until
 * their completion, cancel races, close ordering) is tested on any platform.
 */

/** A native memory block that does not move (koffi.alloc), and its address. */
export interface NativeBuffer {
  readonly address: bigint;
  readonly length: number;
  /** A view of the memory itself, not a copy. */
  bytes(): Uint8Array;
}

/** One dequeued completion packet. */
export interface CompletionPacket {
  /** GetQueuedCompletionStatus's result: false for a failed I/O (or a timeout). */
  readonly ok: boolean;
  readonly key: bigint;
  /** Address of the OVERLAPPED the I/O was started with; 0n for a packet posted without one. */
  readonly overlapped: bigint;
}

export type Win32Handle = bigint;

export interface Win32Api {
  /** CreateFileW; returns INVALID_HANDLE_VALUE (-1n) on failure (see lastError). */
  createFile(path: string, desiredAccess: number, shareMode: number, creationDisposition: number, flags: number): Win32Handle;
  /** DeviceIoControl with an OVERLAPPED: true (done, a packet still comes), or false (see lastError). */
  deviceIoControl(handle: Win32Handle, code: number, input: NativeBuffer | null, inputLength: number, output: NativeBuffer | null, outputLength: number, overlapped: NativeBuffer): boolean;
  /** CreateIoCompletionPort: a new port (existing 0n) or the file associated with `existing`. 0n on failure. */
  createIoCompletionPort(file: Win32Handle, existing: Win32Handle, key: bigint): Win32Handle;
  /**
   * GetQueuedCompletionStatus with an infinite wait, run off the main thread (one blocking call
   * on one worker, however many requests are in flight); `done` runs on the main thread.
   */
  waitForCompletion(port: Win32Handle, done: (error: Error | null, packet: CompletionPacket) => void): void;
  /** PostQueuedCompletionStatus without an OVERLAPPED: wakes a waiting pump. */
  postCompletion(port: Win32Handle, key: bigint): boolean;
  /** CancelIoEx of one request (overlapped) or of every request of the handle (null). */
  cancelIoEx(handle: Win32Handle, overlapped: NativeBuffer | null): boolean;
  closeHandle(handle: Win32Handle): boolean;
  /** GetLastError right after a failed call, on the main thread. */
  lastError(): number;
  allocate(length: number): NativeBuffer;
  release(buffer: NativeBuffer): void;
}

export const INVALID_HANDLE_VALUE = -1n;
export const GENERIC_READ = 0x80000000;
export const GENERIC_WRITE = 0x40000000;
export const FILE_SHARE_READ = 0x1;
export const FILE_SHARE_WRITE = 0x2;
export const OPEN_EXISTING = 3;
export const FILE_FLAG_OVERLAPPED = 0x40000000;
export const ERROR_IO_PENDING = 997;
export const ERROR_NOT_FOUND = 1168;

/** OVERLAPPED on 64-bit Windows: Internal (the NTSTATUS), InternalHigh (bytes), offsets, hEvent. */
export const OVERLAPPED_BYTES = 32;

/** The status and byte count the I/O manager stores in a completed OVERLAPPED. */
export function readOverlapped(overlapped: NativeBuffer): { status: number; bytes: number } {
  const view = new DataView(overlapped.bytes().buffer, overlapped.bytes().byteOffset, OVERLAPPED_BYTES);
  return { status: view.getUint32(0, true), bytes: Number(view.getBigUint64(8, true)) };
}
