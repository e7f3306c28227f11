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

/**
 * Where GetQueuedCompletionStatusEx writes: `entries` holds `capacity` OVERLAPPED_ENTRY structures
 * (OVERLAPPED_ENTRY_BYTES each) and `removed` the ULONG count of entries it filled. Allocated once
 * per port and reused by every call, so taking packets allocates nothing native.
 */
export interface CompletionEntries {
  readonly entries: NativeBuffer;
  readonly removed: NativeBuffer;
  readonly capacity: number;
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
   * GetQueuedCompletionStatusEx(port, entries, count, &removed, INFINITE, FALSE) off the main thread
   * (one blocking call on one worker, however many requests are in flight); count <= capacity.
   * `done` runs on the main thread with the number of entries removed: at least 1, or 0 if the
   * call failed.
   */
  waitForCompletions(port: Win32Handle, into: CompletionEntries, count: number, done: (error: Error | null, removed: number) => void): void;
  /**
   * The same call with a zero timeout, on the calling thread: the entries already queued (0 when
   * none). Never while a waitForCompletions on the same entries is in progress.
   */
  pollCompletions(port: Win32Handle, into: CompletionEntries, count: number): number;
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

/**
 * OVERLAPPED_ENTRY on 64-bit Windows (minwinbase.h): lpCompletionKey (ULONG_PTR) at 0, lpOverlapped
 * at 8, Internal (ULONG_PTR) at 16, dwNumberOfBytesTransferred (DWORD) at 24, padded to 32. Checked
 * against Microsoft's documentation and compiled against mingw-w64's header (test/layout.test.ts).
 */
export const OVERLAPPED_ENTRY_BYTES = 32;
export const ENTRY_OVERLAPPED_OFFSET = 8;

/**
 * A native address as a JS number: exact, because user-mode addresses on x64 Windows stay below
 * 2^47, and cheaper than a BigInt as a map key and to read from an entry (no allocation).
 */
export function addressKey(address: bigint): number {
  return Number(address);
}

/** lpOverlapped of entry `index`, as addressKey gives it; 0 for a packet posted without one. */
export function entryOverlapped(view: DataView, index: number): number {
  const offset = index * OVERLAPPED_ENTRY_BYTES + ENTRY_OVERLAPPED_OFFSET;
  return view.getUint32(offset + 4, true) * 0x1_0000_0000 + view.getUint32(offset, true);
}

/** The status and byte count the I/O manager stores in a completed OVERLAPPED. */
export function readOverlapped(overlapped: NativeBuffer): { status: number; bytes: number } {
  const view = new DataView(overlapped.bytes().buffer, overlapped.bytes().byteOffset, OVERLAPPED_BYTES);
  return { status: view.getUint32(0, true), bytes: Number(view.getBigUint64(8, true)) };
}
