/**
 * Win32Api over kernel32, bound with koffi 3 (loaded only when a Win32 backend is created, and
 * only on Windows). Declarations follow TOOLCHAIN.md: handles as intptr_t, buffers and OVERLAPPED
 * from koffi.alloc (memory that does not move), matched back to their request by address.
 */
import type { CompletionPacket, NativeBuffer, Win32Api, Win32Handle } from './win32-api.js';

/** What this module needs of koffi 3 (its types are loose: pointers are BigInt, blocks opaque). */
interface Koffi {
  load(name: string): { func(declaration: string): KoffiFunction };
  alloc(type: string, length: number): unknown;
  free(block: unknown): void;
  address(block: unknown): bigint;
  view(block: unknown, length: number): ArrayBuffer;
}
type KoffiFunction = ((...args: unknown[]) => unknown) & { async(...args: unknown[]): void };

const INFINITE = 0xffffffff;

const toHandle = (value: unknown): Win32Handle => (typeof value === 'bigint' ? value : BigInt(value as number));
const toAddress = (value: unknown): bigint => (value === null || value === undefined ? 0n : typeof value === 'bigint' ? value : BigInt(value as number));

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

export async function loadKoffiWin32Api(): Promise<Win32Api> {
  const imported = (await import('koffi')) as unknown as { default?: Koffi } & Koffi;
  const koffi: Koffi = imported.default ?? imported;
  const kernel32 = koffi.load('kernel32.dll');
  const CreateFileW = kernel32.func('intptr_t __stdcall CreateFileW(const char16_t *name, uint32_t access, uint32_t share, void *sa, uint32_t disposition, uint32_t flags, intptr_t templateFile)');
  const DeviceIoControl = kernel32.func('bool __stdcall DeviceIoControl(intptr_t handle, uint32_t code, void *input, uint32_t inputLength, void *output, uint32_t outputLength, void *bytesReturned, void *overlapped)');
  const CreateIoCompletionPort = kernel32.func('intptr_t __stdcall CreateIoCompletionPort(intptr_t file, intptr_t port, uintptr_t key, uint32_t threads)');
  const GetQueuedCompletionStatus = kernel32.func('bool __stdcall GetQueuedCompletionStatus(intptr_t port, _Out_ uint32_t *bytes, _Out_ uintptr_t *key, _Out_ void **overlapped, uint32_t milliseconds)');
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
    waitForCompletion(port, done) {
      const bytes = [0];
      const key = [0];
      const overlapped: unknown[] = [null];
      // One blocking wait on one libuv worker thread; koffi runs the callback on the main thread.
      GetQueuedCompletionStatus.async(port, bytes, key, overlapped, INFINITE, (error: Error | null, ok: unknown) => {
        const packet: CompletionPacket = { ok: ok === true, key: toAddress(key[0]), overlapped: toAddress(overlapped[0]) };
        done(error, packet);
      });
    },
    postCompletion: (port, key) => PostQueuedCompletionStatus(port, 0, key, null) === true,
    cancelIoEx: (handle, overlapped) => CancelIoEx(handle, block(overlapped)) === true,
    closeHandle: (handle) => CloseHandle(handle) === true,
    lastError: () => GetLastError() as number,
    allocate: (length) => new KoffiBuffer(koffi.alloc('uint8_t', Math.max(1, length)), Math.max(1, length), koffi),
    release: (buffer) => koffi.free((buffer as KoffiBuffer).block),
  };
}
