/**
 * Win32Api over kernel32, bound with koffi 3 (loaded only when a Win32 backend is created, and
 * only on Windows). Declarations follow TOOLCHAIN.md: handles as intptr_t, buffers and OVERLAPPED
 * from koffi.alloc (memory that does not move), matched back to their request by address.
 */
import type { CompletionEntries, NativeBuffer, Win32Api, Win32Handle } from './win32-api.js';

/** What this package needs of koffi 3 (its types are loose: pointers are BigInt, blocks opaque). */
export interface Koffi {
  load(name: string): { func(declaration: string): KoffiFunction };
  alloc(type: string, length: number): unknown;
  free(block: unknown): void;
  address(block: unknown): bigint;
  view(block: unknown, length: number): ArrayBuffer;
  proto(declaration: string): unknown;
  struct(name: string, fields: Record<string, unknown>): unknown;
  pointer(type: unknown): unknown;
  register(callback: (...args: never[]) => unknown, type: unknown): unknown;
  unregister(callback: unknown): void;
}
export type KoffiFunction = ((...args: unknown[]) => unknown) & { async(...args: unknown[]): void };

/** koffi itself, loaded on first use (only on Windows: its native part is Windows-only here). */
export async function importKoffi(): Promise<Koffi> {
  const imported = (await import('koffi')) as unknown as { default?: Koffi } & Koffi;
  return imported.default ?? imported;
}

const INFINITE = 0xffffffff;

const toHandle = (value: unknown): Win32Handle => (typeof value === 'bigint' ? value : BigInt(value as number));

class KoffiBuffer implements NativeBuffer {
  readonly address: bigint;
  private readonly view: Uint8Array;
  constructor(
    readonly block: unknown,
    readonly length: number,
    koffi: Koffi,
  ) {
    this.address = koffi.address(block);
    this.view = new Uint8Array(koffi.view(block, length));
  }
  bytes(): Uint8Array {
    return this.view;
  }
}

/** ulNumEntriesRemoved, as GetQueuedCompletionStatusEx left it. */
function removedCount(into: CompletionEntries): number {
  const bytes = into.removed.bytes();
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
}

export async function loadKoffiWin32Api(): Promise<Win32Api> {
  const koffi = await importKoffi();
  const kernel32 = koffi.load('kernel32.dll');
  const CreateFileW = kernel32.func('intptr_t __stdcall CreateFileW(const char16_t *name, uint32_t access, uint32_t share, void *sa, uint32_t disposition, uint32_t flags, intptr_t templateFile)');
  const DeviceIoControl = kernel32.func('bool __stdcall DeviceIoControl(intptr_t handle, uint32_t code, void *input, uint32_t inputLength, void *output, uint32_t outputLength, void *bytesReturned, void *overlapped)');
  const CreateIoCompletionPort = kernel32.func('intptr_t __stdcall CreateIoCompletionPort(intptr_t file, intptr_t port, uintptr_t key, uint32_t threads)');
  // BOOL is a 32-bit int: declared as such, so FALSE for fAlertable fills the whole argument.
  const GetQueuedCompletionStatusEx = kernel32.func('int32_t __stdcall GetQueuedCompletionStatusEx(intptr_t port, void *entries, uint32_t count, void *removed, uint32_t milliseconds, int32_t alertable)');
  const PostQueuedCompletionStatus = kernel32.func('bool __stdcall PostQueuedCompletionStatus(intptr_t port, uint32_t bytes, uintptr_t key, void *overlapped)');
  const CancelIoEx = kernel32.func('bool __stdcall CancelIoEx(intptr_t handle, void *overlapped)');
  const CloseHandle = kernel32.func('bool __stdcall CloseHandle(intptr_t handle)');
  const GetLastError = kernel32.func('uint32_t __stdcall GetLastError()');

  const block = (buffer: NativeBuffer | null): unknown => (buffer === null ? null : (buffer as KoffiBuffer).block);

  return {
    createFile: (path, desiredAccess, shareMode, creationDisposition, flags) =>
      toHandle(CreateFileW(path, desiredAccess, shareMode, null, creationDisposition, flags, 0)),
    deviceIoControl: (handle, code, input, inputLength, output, outputLength, overlapped) =>
      DeviceIoControl(handle, code >>> 0, block(input), inputLength, block(output), outputLength, null, block(overlapped)) === true,
    createIoCompletionPort: (file, existing, key) => toHandle(CreateIoCompletionPort(file, existing, key, 1)),
    waitForCompletions(port, into, count, done) {
      // One blocking wait on one libuv worker thread; koffi runs the callback on the main thread.
      // Native memory only: nothing is marshalled back, the caller reads the entries in place.
      GetQueuedCompletionStatusEx.async(port, block(into.entries), count, block(into.removed), INFINITE, 0, (error: Error | null, ok: unknown) => {
        done(error, error === null && ok !== 0 ? removedCount(into) : 0);
      });
    },
    pollCompletions: (port, into, count) => (GetQueuedCompletionStatusEx(port, block(into.entries), count, block(into.removed), 0, 0) !== 0 ? removedCount(into) : 0),
    postCompletion: (port, key) => PostQueuedCompletionStatus(port, 0, key, null) === true,
    cancelIoEx: (handle, overlapped) => CancelIoEx(handle, block(overlapped)) === true,
    closeHandle: (handle) => CloseHandle(handle) === true,
    lastError: () => GetLastError() as number,
    allocate: (length) => new KoffiBuffer(koffi.alloc('uint8_t', Math.max(1, length)), Math.max(1, length), koffi),
    release: (buffer) => koffi.free((buffer as KoffiBuffer).block),
  };
}
