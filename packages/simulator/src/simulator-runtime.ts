/**
 * The I/O-manager half of the simulator: turns backend calls (open, ioctl, close, a process crash)
 * into operations on the synchronous driver model, and hands the model's completions to the
 * delivery queue so that JavaScript hears about them in a later turn, as it would from a
 * completion port. It repeats the checks Windows makes before a driver sees a request.
 *
 * It also owns the clock of verdict deadlines: `manual`, moved only by `advance(ms)`, or `real`,
 * where the model's clock catches up with performance.now() before every operation and a timer
 * wakes it at the next deadline.
 */
import { DeviceError, accessBitsOf, type AccessMode, type IoctlOptions, type IoctlResult, type OpenOptions } from '@inverted-call/backend';
import type { CallDescriptorV1, DeviceDescriptorV1 } from '@inverted-call/codec';
import { runCall, type CallOutcome, type UntypedCallHandler } from './call-runner.js';
import { DeliveryQueue, type Latency } from './delivery-queue.js';
import { DriverModel } from './driver-model.js';
import { STATUS_CANCELLED, isNtSuccess } from './ntstatus.js';
import { operationNames } from './operation-name.js';
import type { TraceEntry } from './trace.js';
import type { AskOptions, VerdictAsk } from './verdict-types.js';

/**
 * How verdict deadlines pass. `real` (default): with wall-clock time, a question times out by
 * itself `deadlineMs` after it was asked (plus the delay of a Node.js timer). `manual`: time stands
 * still until `simulator.advance(ms)`, so a test decides exactly when deadlines pass.
 */
export type SimulatorClock = 'real' | 'manual';

/** The simulator's record of one process (one backend). */
export interface ProcessRecord {
  readonly processName: string;
  /** Unique in this simulator: what `askerProcessId` names (V7). */
  readonly processId: number;
  crashed: boolean;
}

/** The simulator's record of one open handle, shared with its `DeviceHandleV1` object. */
export interface HandleRecord {
  readonly handleId: number;
  readonly process: ProcessRecord;
  readonly path: string;
  readonly access: AccessMode;
  /** `closing` from the moment close (or a crash) begins: any use then is ERROR_INVALID_HANDLE. */
  state: 'open' | 'closing' | 'closed';
  closed: Promise<void> | null;
}

interface PendingRequest {
  readonly requestId: number;
  readonly handle: HandleRecord;
  readonly operation: string;
  readonly resolve: (result: IoctlResult) => void;
  readonly reject: (error: unknown) => void;
  detach: () => void;
  /** For a dispatched call: aborted when the request is cancelled. */
  controller: AbortController | null;
  failure: Pick<CallOutcome, 'detail' | 'cause'> | null;
}

const ACCESS_MODES: readonly AccessMode[] = ['read', 'write', 'read-write'];

export class SimulatorRuntime {
  readonly model: DriverModel;
  readonly queue: DeliveryQueue;
  readonly handlers = new Map<string, UntypedCallHandler>();
  readonly handles = new Map<number, HandleRecord>();
  private readonly pending = new Map<number, PendingRequest>();
  private readonly operationName: (code: number) => string;
  private nextHandleId = 1;
  private nextRequestId = 1;
  /** Process ids as Windows hands them out: multiples of 4, here from 1000. */
  private nextProcessId = 1000;
  private readonly clockOrigin = performance.now();
  private deadlineTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly descriptor: DeviceDescriptorV1, latency: Latency, readonly clock: SimulatorClock = 'real') {
    if (clock !== 'real' && clock !== 'manual') throw new RangeError(`clock must be 'real' or 'manual', got ${JSON.stringify(clock)}`);
    this.queue = new DeliveryQueue(latency);
    this.model = new DriverModel(descriptor, { onCompletion: (entry) => this.onCompletion(entry) });
    this.operationName = operationNames(descriptor);
  }

  newProcess(processName: string): ProcessRecord {
    const processId = this.nextProcessId;
    this.nextProcessId += 4;
    return { processName, processId, crashed: false };
  }

  /** The kernel raises a question (see DriverModel.ask). */
  ask(verdictName: string, question: Uint8Array, options: AskOptions): VerdictAsk {
    return this.withClock(() => this.model.ask(verdictName, question, options));
  }

  /** Manual clock only: moves time `ms` forward, settling every question whose deadline passes. */
  advance(ms: number): void {
    if (this.clock !== 'manual') throw new TypeError("advance: this simulator runs on the real clock; create it with { clock: 'manual' } to move time by hand");
    this.model.advanceClock(ms);
  }

  /** CreateFileW: the handle exists from now on; the caller hears about it in a later turn. */
  open(process: ProcessRecord, path: string, options: OpenOptions): Promise<HandleRecord> {
    return new Promise((resolve, reject) => {
      const fail = (error: unknown) => this.queue.schedule(null, () => reject(error));
      if (typeof path !== 'string') return fail(new TypeError(`open: path must be a string such as ${this.descriptor.devicePath}, got ${typeof path}`));
      const access = options?.access;
      if (!ACCESS_MODES.includes(access)) return fail(new TypeError(`open: options.access must be 'read', 'write' or 'read-write', got ${JSON.stringify(access)}`));
      const operation = `open ${path}`;
      if (process.crashed) return fail(new DeviceError('ERROR_INVALID_HANDLE', { operation, detail: `process ${process.processName} has crashed; start another with simulator.createBackend()` }));
      // Object names are case-insensitive on Windows.
      if (path.toLowerCase() !== this.descriptor.devicePath.toLowerCase()) {
        return fail(new DeviceError('ERROR_FILE_NOT_FOUND', { operation, detail: `the simulated device is ${this.descriptor.devicePath}` }));
      }
      const handle: HandleRecord = { handleId: this.nextHandleId++, process, path, access, state: 'open', closed: null };
      this.handles.set(handle.handleId, handle);
      this.model.openHandle(handle.handleId, accessBitsOf(access), process.processName, process.processId);
      this.queue.schedule(null, () => resolve(handle));
    });
  }

  /** DeviceIoControl with an OVERLAPPED: sent to the driver now, settled when delivered. */
  ioctl(handle: HandleRecord, code: number, input: Uint8Array | null, outputLength: number, options?: IoctlOptions): Promise<IoctlResult> {
    return new Promise((resolve, reject) => {
      const fail = (error: unknown) => this.queue.schedule(handle.handleId, () => reject(error));
      // The argument checks a native binding makes; they are programming errors, hence TypeError.
      if (!Number.isInteger(code) || code < 0 || code > 0xffffffff) return fail(new TypeError(`ioctl: code must be a 32-bit IOCTL code, got ${String(code)}`));
      if (input !== null && !(input instanceof Uint8Array)) return fail(new TypeError('ioctl: input must be a Uint8Array or null'));
      if (!Number.isInteger(outputLength) || outputLength < 0 || outputLength > 0xffffffff) return fail(new TypeError(`ioctl: outputLength must be an integer from 0 to 4294967295, got ${String(outputLength)}`));
      const operation = this.operationName(code);
      if (handle.state !== 'open') return fail(new DeviceError('ERROR_INVALID_HANDLE', { operation, detail: 'the handle was closed (or its process crashed)' }));
      const signal = options?.signal;
      // Decision: an already-aborted signal is never sent, so it leaves no trace in the driver.
      if (signal?.aborted) return fail(new DeviceError('ERROR_OPERATION_ABORTED', { operation, detail: 'the signal was already aborted; the request was not sent', cause: signal.reason }));

      const requestId = this.nextRequestId++;
      const pending: PendingRequest = { requestId, handle, operation, resolve, reject, detach: () => {}, controller: null, failure: null };
      this.pending.set(requestId, pending);
      if (signal) {
        // CancelIoEx of exactly this request; a no-op (ERROR_NOT_FOUND) if it already completed.
        const onAbort = () => this.withClock(() => this.model.cancel(requestId));
        signal.addEventListener('abort', onAbort, { once: true });
        pending.detach = () => signal.removeEventListener('abort', onAbort);
      }
      // Copy the input as METHOD_BUFFERED does: the caller may reuse its buffer at once.
      const result = this.withClock(() => this.model.submit({ requestId, handleId: handle.handleId, code, input: input ? input.slice() : null, outputLength }));
      if (result.disposition === 'dispatched') this.dispatch(pending, result.call, input ? input.slice() : null);
    });
  }

  /** CloseHandle after cancelling everything: resolves once every completion has been delivered. */
  close(handle: HandleRecord): Promise<void> {
    if (handle.closed) return handle.closed;
    handle.state = 'closing';
    handle.closed = new Promise((resolve) => {
      this.withClock(() => this.model.closeHandle(handle.handleId));
      // Every request of this handle is now completed in the model and queued on its lane; this
      // entry comes after them, so close settles only once the client has seen each of them.
      this.queue.schedule(handle.handleId, () => {
        handle.state = 'closed';
        this.handles.delete(handle.handleId);
        resolve();
      });
    });
    return handle.closed;
  }

  /** The process dies: the I/O manager closes each of its handles, cancelling what they had parked. */
  crash(process: ProcessRecord): Promise<void> {
    process.crashed = true;
    const closing = [...this.handles.values()].filter((handle) => handle.process === process).map((handle) => this.close(handle));
    return Promise.all(closing).then(() => undefined);
  }

  /** Resolves once nothing is queued, after giving the reactions to the last delivery a turn to send more. */
  async settle(): Promise<void> {
    for (;;) {
      await this.queue.whenIdle();
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.queue.size === 0) return;
    }
  }

  /**
   * Runs one model operation at the right time: with the real clock the model first catches up
   * (so a deadline that passed settles before, say, a late reply is judged), and afterwards the
   * timer is set for the next deadline.
   */
  private withClock<T>(operation: () => T): T {
    if (this.clock === 'manual') return operation();
    this.catchUp();
    try {
      return operation();
    } finally {
      this.armDeadlineTimer();
    }
  }

  private catchUp(): void {
    const behind = performance.now() - this.clockOrigin - this.model.clockMs;
    if (behind > 0) this.model.advanceClock(behind);
  }

  /** A timer exists only while a question is unsettled, so an idle simulator keeps no process alive. */
  private armDeadlineTimer(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    const next = this.model.nextVerdictDeadlineMs();
    if (next === undefined) return;
    const wait = Math.max(0, Math.ceil(next - (performance.now() - this.clockOrigin)));
    this.deadlineTimer = setTimeout(() => this.withClock(() => undefined), wait);
  }

  private dispatch(pending: PendingRequest, call: CallDescriptorV1, input: Uint8Array | null): void {
    const controller = new AbortController();
    pending.controller = controller;
    runCall(call, this.handlers.get(call.name), input, { signal: controller.signal, handleId: pending.handle.handleId }, (outcome) => {
      if (outcome.detail !== undefined || outcome.cause !== undefined) pending.failure = { detail: outcome.detail, cause: outcome.cause };
      // False when the request was cancelled meanwhile: the late result is dropped, as a driver must.
      this.model.completeCall(pending.requestId, outcome.status, outcome.output);
    });
  }

  private onCompletion(entry: TraceEntry): void {
    const pending = this.pending.get(entry.requestId);
    if (!pending) return;
    this.pending.delete(entry.requestId);
    if (entry.status === STATUS_CANCELLED && pending.controller) {
      const controller = pending.controller;
      // Abort after the model operation has finished, so a handler reacting to it cannot re-enter
      // the model halfway through (say) a handle close.
      queueMicrotask(() => controller.abort(new DeviceError('ERROR_OPERATION_ABORTED', { operation: pending.operation })));
    }
    this.queue.schedule(entry.handleId, () => this.deliver(pending, entry));
  }

  private deliver(pending: PendingRequest, entry: TraceEntry): void {
    pending.detach();
    if (isNtSuccess(entry.status)) {
      // A copy the caller owns; the trace keeps its own bytes.
      pending.resolve({ output: entry.bytes.slice(), bytesReturned: entry.bytes.byteLength });
      return;
    }
    const { detail, cause } = pending.failure ?? {};
    pending.reject(DeviceError.fromNtStatus(entry.status, { operation: pending.operation, ...(detail !== undefined ? { detail } : {}), ...(cause !== undefined ? { cause } : {}) }));
  }
}
