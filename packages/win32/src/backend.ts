/**
 * The Win32 backend: DeviceBackendV1 over overlapped DeviceIoControl and one I/O completion port
 * per backend (per client process).
 *
 * - Every request owns three native blocks (OVERLAPPED, input, output) that stay allocated until
 *   its completion packet has been dequeued, also after a cancel: the kernel writes into them
 *   until then.
 * - One pump waits on the port (GetQueuedCompletionStatus on one worker thread, whatever the
 *   number of requests in flight) and only while requests are in flight, so an idle client does
 *   not keep the process alive. Packets are delivered in the order the port gives them, so the
 *   batches of one subscription reach the client in the order the driver completed them.
 * - The outcome of a request is read from its OVERLAPPED (Internal = the NTSTATUS, InternalHigh =
 *   the bytes returned), not from GetLastError, which belongs to the pump's thread.
 * - AbortSignal: CancelIoEx of exactly that OVERLAPPED. ERROR_NOT_FOUND means the request already
 *   completed: its real result arrives as usual, so a cancel never loses an event.
 * - close(): CancelIoEx of everything, wait for every packet, then CloseHandle.
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
  readOverlapped,
  type CompletionPacket,
  type NativeBuffer,
  type Win32Api,
  type Win32Handle,
} from './win32-api.js';

const ACCESS_MODES: readonly AccessMode[] = ['read', 'write', 'read-write'];
const NT_SUCCESS = (status: number): boolean => (status | 0) >= 0;
const later = (run: () => void): void => void setImmediate(run);

interface InFlight {
  readonly handle: HandleState;
  readonly operation: string;
  readonly overlapped: NativeBuffer;
  readonly input: NativeBuffer | null;
  readonly output: NativeBuffer | null;
  resolve(result: IoctlResult): void;
  reject(error: unknown): void;
  detach(): void;
}

interface HandleState {
  readonly native: Win32Handle;
  state: 'open' | 'closing' | 'closed';
  inFlight: number;
  closed: Promise<void> | null;
  whenIdle: (() => void) | null;
}

/** The completion port of one backend and the pump that drains it. */
class CompletionPort {
  private port: Win32Handle = 0n;
  private pumping = false;
  private readonly requests = new Map<bigint, InFlight>();

  constructor(private readonly api: Win32Api) {}

  associate(handle: Win32Handle, key: bigint): boolean {
    if (this.port === 0n) {
      this.port = this.api.createIoCompletionPort(INVALID_HANDLE_VALUE, 0n, 0n);
      if (this.port === 0n) return false;
    }
    return this.api.createIoCompletionPort(handle, this.port, key) !== 0n;
  }

  track(request: InFlight): void {
    this.requests.set(request.overlapped.address, request);
    if (!this.pumping) {
      this.pumping = true;
      this.wait();
    }
  }

  private wait(): void {
    this.api.waitForCompletion(this.port, (error, packet) => {
      if (error) {
        // The wait itself failed (the binding, not the I/O): fail what is in flight rather than hang.
        this.pumping = false;
        for (const request of [...this.requests.values()]) this.finish(request, null, error);
        return;
      }
      this.deliver(packet);
      if (this.requests.size > 0) this.wait();
      else this.pumping = false;
    });
  }

  private deliver(packet: CompletionPacket): void {
    if (packet.overlapped === 0n) return; // a wake-up, not an I/O
    const request = this.requests.get(packet.overlapped);
    if (!request) return;
    this.finish(request, readOverlapped(request.overlapped), null);
  }

  private finish(request: InFlight, outcome: { status: number; bytes: number } | null, failure: Error | null): void {
    this.requests.delete(request.overlapped.address);
    request.detach();
    let settle: () => void;
    if (outcome && NT_SUCCESS(outcome.status)) {
      // A copy the caller owns: the native block is freed below.
      const output = request.output ? request.output.bytes().slice(0, outcome.bytes) : new Uint8Array(0);
      settle = () => request.resolve({ output, bytesReturned: output.byteLength });
    } else {
      const error = outcome
        ? DeviceError.fromNtStatus(outcome.status, { operation: request.operation })
        : new DeviceError('ERROR_GEN_FAILURE', { operation: request.operation, detail: 'waiting on the completion port failed', cause: failure });
      settle = () => request.reject(error);
    }
    this.api.release(request.overlapped);
    if (request.input) this.api.release(request.input);
    if (request.output) this.api.release(request.output);
    settle();
    const handle = request.handle;
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
      const operation = `IOCTL 0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
      if (this.handle.state !== 'open') return fail(new DeviceError('ERROR_INVALID_HANDLE', { operation, detail: 'the handle was closed' }));
      const signal = options?.signal;
      if (signal?.aborted) return fail(new DeviceError('ERROR_OPERATION_ABORTED', { operation, detail: 'the signal was already aborted; the request was not sent', cause: signal.reason }));

      const overlapped = this.api.allocate(OVERLAPPED_BYTES);
      overlapped.bytes().fill(0);
      const inputLength = input?.byteLength ?? 0;
      const inputBlock = inputLength > 0 ? this.api.allocate(inputLength) : null;
      if (inputBlock && input) inputBlock.bytes().set(input);
      const outputBlock = outputLength > 0 ? this.api.allocate(outputLength) : null;

      let detach = (): void => {};
      const request: InFlight = { handle: this.handle, operation, overlapped, input: inputBlock, output: outputBlock, resolve, reject, detach: () => detach() };
      const sent = this.api.deviceIoControl(this.handle.native, code, inputBlock, inputLength, outputBlock, outputLength, overlapped);
      const error = sent ? ERROR_IO_PENDING : this.api.lastError();
      if (!sent && error !== ERROR_IO_PENDING) {
        // Failed at once: the I/O manager queues no packet for it.
        this.api.release(overlapped);
        if (inputBlock) this.api.release(inputBlock);
        if (outputBlock) this.api.release(outputBlock);
        return fail(new DeviceError(error, { operation }));
      }
      // Pending, or done at once: either way its packet comes through the port.
      this.handle.inFlight++;
      this.port.track(request);
      if (signal) {
        const onAbort = (): void => {
          // False with ERROR_NOT_FOUND: it completed meanwhile, and that result is delivered.
          this.api.cancelIoEx(this.handle.native, overlapped);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        detach = () => signal.removeEventListener('abort', onAbort);
      }
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
}

class Win32Backend implements DeviceBackendV1 {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'win32';
  private loaded: Promise<{ api: Win32Api; port: CompletionPort }> | null = null;
  private nextKey = 1n;

  constructor(private readonly load: () => Promise<Win32Api>) {}

  async open(path: string, options: OpenOptions): Promise<DeviceHandleV1> {
    if (typeof path !== 'string') throw new TypeError(`open: path must be a string such as \\\\.\\Device, got ${typeof path}`);
    const access = options?.access;
    if (!ACCESS_MODES.includes(access)) throw new TypeError(`open: options.access must be 'read', 'write' or 'read-write', got ${JSON.stringify(access)}`);
    this.loaded ??= this.load().then((api) => ({ api, port: new CompletionPort(api) }));
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
  const load = typeof api === 'function' ? api : api ? async () => api : async () => (await import('./koffi-api.js')).loadKoffiWin32Api();
  return new Win32Backend(load);
}
