/**
 * The Win32 backend: DeviceBackendV1 over overlapped DeviceIoControl and one I/O completion port
 * per backend (per client process), drained by the pump in completion-port.ts.
 *
 * - Every request owns three native blocks (OVERLAPPED, input, output) that stay allocated until
 *   its completion packet has been dequeued, also after a cancel: the kernel writes into them
 *   until then. Only then do they go back to the block pool, for a later request to reuse.
 * - One pump waits on the port (GetQueuedCompletionStatusEx on one worker thread, whatever the
 *   number of requests in flight, many packets per wake-up) and only while requests are in
 *   flight, so an idle client does not keep the process alive. Packets are delivered in the order
 *   the port gives them, so the batches of one subscription reach the client in the order the
 *   driver completed them.
 * - The outcome of a request is read from its OVERLAPPED (Internal = the NTSTATUS, InternalHigh =
 *   the bytes returned), not from GetLastError, which belongs to the pump's thread.
 * - AbortSignal: CancelIoEx of exactly that OVERLAPPED. ERROR_NOT_FOUND means the request already
 *   completed: its real result arrives as usual, so a cancel never loses an event.
 * - close(): CancelIoEx of everything, wait for every packet, then CloseHandle. When the last
 *   handle is closed the port is closed too and the pooled blocks are freed.
 */
import { DeviceError, accessBitsOf, type AccessMode, type DeviceBackendV1, type DeviceHandleV1, type IoctlOptions, type IoctlResult, type OpenOptions } from '@inverted-call/backend';
import {
  ERROR_IO_PENDING,
  FILE_FLAG_OVERLAPPED,
  FILE_SHARE_READ,
  FILE_SHARE_WRITE,
  GENERIC_READ,
  GENERIC_WRITE,
  INVALID_HANDLE_VALUE,
  OPEN_EXISTING,
  OVERLAPPED_BYTES,
  addressKey,
  readOverlapped,
  type NativeBuffer,
  type Win32Api,
  type Win32Handle,
} from './win32-api.js';
import type { BlockPool } from './block-pool.js';
import { CompletionPort, DEFAULT_ENTRIES_PER_WAKE, type PortRequest } from './completion-port.js';

const ACCESS_MODES: readonly AccessMode[] = ['read', 'write', 'read-write'];
const NT_SUCCESS = (status: number): boolean => (status | 0) >= 0;
const later = (run: () => void): void => void setImmediate(run);
/** How errors name a request; built only when one is reported, not for every request sent. */
const operationOf = (code: number): string => `IOCTL 0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;

interface HandleState {
  readonly native: Win32Handle;
  state: 'open' | 'closing' | 'closed';
  inFlight: number;
  closed: Promise<void> | null;
  whenIdle: (() => void) | null;
}

/** One request in flight: its three native blocks, and how it settles once its packet is dequeued. */
class Request implements PortRequest {
  readonly key: number;
  private signal: AbortSignal | null = null;
  private readonly onAbort = (): void => {
    // False with ERROR_NOT_FOUND: it completed meanwhile, and that result is delivered.
    this.api.cancelIoEx(this.handle.native, this.overlapped);
  };

  constructor(
    private readonly api: Win32Api,
    private readonly pool: BlockPool,
    private readonly handle: HandleState,
    private readonly code: number,
    readonly overlapped: NativeBuffer,
    private readonly input: NativeBuffer | null,
    private readonly output: NativeBuffer | null,
    private readonly resolve: (result: IoctlResult) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.key = addressKey(overlapped.address);
  }

  listen(signal: AbortSignal): void {
    this.signal = signal;
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  complete(): void {
    const { status, bytes } = readOverlapped(this.overlapped);
    // The one copy of the output, taken before the block goes back to the pool: the caller owns it.
    const output = NT_SUCCESS(status) ? (this.output ? this.output.bytes().slice(0, bytes) : new Uint8Array(0)) : null;
    this.detach();
    this.pool.give(this.overlapped);
    if (this.input) this.pool.give(this.input);
    if (this.output) this.pool.give(this.output);
    if (output) this.resolve({ output, bytesReturned: output.byteLength });
    else this.reject(DeviceError.fromNtStatus(status, { operation: operationOf(this.code) }));
    this.done();
  }

  abandon(cause: Error): void {
    // Not dequeued: the kernel may still write into the blocks, so they are never freed or reused.
    this.detach();
    this.reject(new DeviceError('ERROR_GEN_FAILURE', { operation: operationOf(this.code), detail: 'waiting on the completion port failed', cause }));
    this.done();
  }

  /** Settled: an abort from now on must not cancel whatever request reuses this OVERLAPPED. */
  private detach(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = null;
  }

  private done(): void {
    const handle = this.handle;
    handle.inFlight--;
    if (handle.inFlight === 0) handle.whenIdle?.();
  }
}

class Win32DeviceHandle implements DeviceHandleV1 {
  constructor(
    private readonly api: Win32Api,
    private readonly port: CompletionPort,
    private readonly handle: HandleState,
    readonly path: string,
    readonly access: AccessMode,
  ) {}

  ioctl(code: number, input: Uint8Array | null, outputLength: number, options?: IoctlOptions): Promise<IoctlResult> {
    return new Promise((resolve, reject) => {
      const fail = (error: unknown) => later(() => reject(error));
      if (!Number.isInteger(code) || code < 0 || code > 0xffffffff) return fail(new TypeError(`ioctl: code must be a 32-bit IOCTL code, got ${String(code)}`));
      if (input !== null && !(input instanceof Uint8Array)) return fail(new TypeError('ioctl: input must be a Uint8Array or null'));
      if (!Number.isInteger(outputLength) || outputLength < 0 || outputLength > 0xffffffff) return fail(new TypeError(`ioctl: outputLength must be an integer from 0 to 4294967295, got ${String(outputLength)}`));
      if (this.handle.state !== 'open') return fail(new DeviceError('ERROR_INVALID_HANDLE', { operation: operationOf(code), detail: 'the handle was closed' }));
      const signal = options?.signal;
      if (signal?.aborted) return fail(new DeviceError('ERROR_OPERATION_ABORTED', { operation: operationOf(code), detail: 'the signal was already aborted; the request was not sent', cause: signal.reason }));

      const pool = this.port.pool;
      const overlapped = pool.take(OVERLAPPED_BYTES);
      overlapped.bytes().fill(0); // a reused block still holds the last outcome
      const inputLength = input?.byteLength ?? 0;
      const inputBlock = inputLength > 0 ? pool.take(inputLength) : null;
      if (inputBlock && input) inputBlock.bytes().set(input);
      const outputBlock = outputLength > 0 ? pool.take(outputLength) : null;

      const sent = this.api.deviceIoControl(this.handle.native, code, inputBlock, inputLength, outputBlock, outputLength, overlapped);
      const error = sent ? ERROR_IO_PENDING : this.api.lastError();
      if (!sent && error !== ERROR_IO_PENDING) {
        // Failed at once: the I/O manager queues no packet for it, so its blocks are free now.
        pool.give(overlapped);
        if (inputBlock) pool.give(inputBlock);
        if (outputBlock) pool.give(outputBlock);
        return fail(new DeviceError(error, { operation: operationOf(code) }));
      }
      // Pending, or done at once: either way its packet comes through the port.
      const request = new Request(this.api, pool, this.handle, code, overlapped, inputBlock, outputBlock, resolve, reject);
      this.handle.inFlight++;
      this.port.track(request, sent);
      if (signal) request.listen(signal);
    });
  }

  close(): Promise<void> {
    const handle = this.handle;
    if (handle.closed) return handle.closed;
    handle.state = 'closing';
    handle.closed = new Promise((resolve) => {
      const finish = (): void => {
        handle.whenIdle = null;
        this.api.closeHandle(handle.native);
        handle.state = 'closed';
        this.port.fileClosed();
        later(resolve);
      };
      if (handle.inFlight === 0) return finish();
      handle.whenIdle = finish;
      this.api.cancelIoEx(handle.native, null);
    });
    return handle.closed;
  }
}

export interface Win32BackendOptions {
  /** The Win32 calls to make; by default kernel32 through koffi, loaded at the first open. */
  api?: Win32Api | (() => Promise<Win32Api>);
  /** Completion packets one wake-up of the pump can take (default 64); the rest wait for the next. */
  entriesPerWake?: number;
}

class Win32Backend implements DeviceBackendV1 {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'win32';
  private loaded: Promise<{ api: Win32Api; port: CompletionPort }> | null = null;
  private nextKey = 1n;

  constructor(
    private readonly load: () => Promise<Win32Api>,
    private readonly entriesPerWake: number,
  ) {}

  async open(path: string, options: OpenOptions): Promise<DeviceHandleV1> {
    if (typeof path !== 'string') throw new TypeError(`open: path must be a string such as \\\\.\\Device, got ${typeof path}`);
    const access = options?.access;
    if (!ACCESS_MODES.includes(access)) throw new TypeError(`open: options.access must be 'read', 'write' or 'read-write', got ${JSON.stringify(access)}`);
    this.loaded ??= this.load().then((api) => ({ api, port: new CompletionPort(api, this.entriesPerWake) }));
    const { api, port } = await this.loaded;
    const bits = accessBitsOf(access);
    const desired = (bits & 1 ? GENERIC_READ : 0) | (bits & 2 ? GENERIC_WRITE : 0);
    const native = api.createFile(path, desired >>> 0, FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING, FILE_FLAG_OVERLAPPED);
    const operation = `open ${path}`;
    if (native === INVALID_HANDLE_VALUE) throw new DeviceError(api.lastError(), { operation });
    if (!port.associate(native, this.nextKey++)) {
      const error = api.lastError();
      api.closeHandle(native);
      throw new DeviceError(error, { operation, detail: 'associating the handle with the completion port failed' });
    }
    await new Promise<void>((resolve) => later(resolve));
    return new Win32DeviceHandle(api, port, { native, state: 'open', inFlight: 0, closed: null, whenIdle: null }, path, access);
  }
}

/**
 * A backend over the real Win32 API: each backend is one client process's view (one completion
 * port). On a platform other than Windows, without an `api`, it throws at once with what to use.
 */
export function createWin32Backend(options: Win32BackendOptions = {}): DeviceBackendV1 {
  const api = options.api;
  if (api === undefined && process.platform !== 'win32') {
    throw new Error(
      `@inverted-call/win32 talks to a real driver through kernel32 and works only on Windows (this is ${process.platform}). ` +
        'To run a client elsewhere, pass a simulator backend: openDevice(descriptor, { backend: createSimulator(descriptor).backend }) from @inverted-call/simulator.',
    );
  }
  const entriesPerWake = options.entriesPerWake ?? DEFAULT_ENTRIES_PER_WAKE;
  if (!Number.isInteger(entriesPerWake) || entriesPerWake < 1) throw new TypeError(`entriesPerWake must be a positive integer, got ${String(entriesPerWake)}`);
  const load = typeof api === 'function' ? api : api ? async () => api : async () => (await import('./koffi-api.js')).loadKoffiWin32Api();
  return new Win32Backend(load, entriesPerWake);
}
