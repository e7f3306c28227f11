/**
 * The portable C core as a ConformanceTarget: a DeviceBackendV1 whose requests go, as harness
 * script lines, to the native harness (Core.c + the conformance device's rendered table and its
 * C Handlers.c), and whose completions come back from the harness's output. The backend plays the
 * I/O manager (the access check, closed handles, an already-aborted signal); everything else is
 * the C code's.
 *
 * Questions are asked with the harness's `ask` line, on behalf of a process id the target gives
 * each process name; deadlines pass with `advance` (the harness's manual clock).
 *
 * Every line sent is also kept as a scenario script. `dispose()` replays that script through the
 * simulator's DriverModel and requires the same completion trace, byte for byte, and the same
 * settlements in the same places (the verdict trace): so each named conformance scenario is also a
 * differential test of the core against the simulator.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  DeviceError,
  accessBitsOf,
  type AccessMode,
  type DeviceBackendV1,
  type DeviceHandleV1,
  type IoctlOptions,
  type IoctlResult,
  type OpenOptions,
} from '@inverted-call/backend';
import {
  LargeCodec,
  SmallCodec,
  conformanceDevice,
  eventData,
  type AskResult,
  type ConformanceChannel,
  type ConformanceDriverState,
  type ConformanceTarget,
  type ConformanceVerdict,
  type TargetAskOptions,
} from '@inverted-call/conformance';
import type { VerdictOutcome } from '@inverted-call/codec';
import { ASK_CANNOT_WAIT, CHANNEL_INDEX, modelTrace, requiredAccess, toHex, type Op } from './script.js';

interface PendingRequest {
  resolve(result: IoctlResult): void;
  reject(error: unknown): void;
  detach(): void;
  operation: string;
}

interface HandleRecord {
  id: number;
  process: string;
  access: AccessMode;
  state: 'open' | 'closing' | 'closed';
  closed: Promise<void> | null;
  pending: Set<number>;
}

const NT_SUCCESS = (status: number): boolean => (status | 0) >= 0;
const CHANNEL_NAMES = Object.keys(conformanceDevice.channels) as ConformanceChannel[];
const VERDICT_NAMES = Object.keys(conformanceDevice.verdicts) as ConformanceVerdict[];
const OUTCOMES: readonly VerdictOutcome[] = ['answered', 'timedOut', 'defaulted', 'refused'];

interface Asker {
  readonly verdict: ConformanceVerdict;
  resolve(result: AskResult): void;
}

export class HarnessTarget implements ConformanceTarget {
  readonly name = 'portable core (native harness)';
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<{ code: number | null; stderr: string }>;
  private readonly handles = new Map<number, HandleRecord>();
  private readonly requests = new Map<number, PendingRequest>();
  private readonly echoWaiters = new Map<string, () => void>();
  private readonly stateWaiters: ((lines: string[]) => void)[] = [];
  private stateLines: string[] | null = null;
  private stateExpected = 0;
  private readonly askers = new Map<number, Asker>();
  /** Process ids as Windows hands them out (multiples of 4), one per process name: what V7 compares. */
  private readonly processIds = new Map<DeviceBackendV1, number>();
  private nextAsk = 1;
  private nextHandle = 1;
  private nextRequest = 1;
  private nextEcho = 1;
  private sentCommands = 0;
  /** The script as the model replays it, and the core's completion and settlement lines, in order. */
  readonly ops: Op[] = [];
  readonly completions: string[] = [];

  constructor(harnessPath: string) {
    this.child = spawn(harnessPath, [], { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'halt_on_error=1' } });
    let stderr = '';
    this.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve({ code, stderr })));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
  }

  // ---- ConformanceTarget ----------------------------------------------------------------------

  process(name: string): DeviceBackendV1 {
    const target = this;
    let crashed = false;
    const pid = 1000 + 4 * this.processIds.size;
    const backend: DeviceBackendV1 & { crash(): Promise<void> } = {
      specificationVersion: 'v1',
      name: 'core-harness',
      open: (path: string, options: OpenOptions) => target.open(name, pid, () => crashed, path, options),
      crash: async () => {
        crashed = true;
        await Promise.all([...target.handles.values()].filter((handle) => handle.process === name).map((handle) => target.close(handle)));
      },
    };
    this.processIds.set(backend, pid);
    return backend;
  }

  ask(verdict: ConformanceVerdict, question: Record<string, unknown>, options: TargetAskOptions = {}): Promise<AskResult> {
    const index = VERDICT_NAMES.indexOf(verdict);
    if (index < 0) throw new Error(`HarnessTarget.ask: the conformance device has no verdict ${verdict}`);
    const bytes = conformanceDevice.verdicts[verdict].question.encode(question as never);
    let pid = 0;
    if (options.askerProcess !== undefined) {
      const known = this.processIds.get(options.askerProcess);
      if (known === undefined) throw new Error('HarnessTarget.ask: askerProcess must be a backend this target made with process(name)');
      pid = known;
    }
    const ask = this.nextAsk++;
    const flags = options.cannotWait ? ASK_CANNOT_WAIT : 0;
    this.ops.push({ op: 'ask', ask, verdict: index, pid, flags, question: bytes });
    // Sent now, before this returns: an ask request sent afterwards comes after the question.
    const settled = new Promise<AskResult>((resolve) => this.askers.set(ask, { verdict, resolve }));
    this.send(`ask ${ask} ${index} ${pid} ${flags} ${toHex(bytes)}`);
    return settled;
  }

  async elapse(ms: number): Promise<void> {
    this.ops.push({ op: 'advance', ms });
    this.send(`advance ${ms}`);
    await this.echo();
  }

  async emit(channel: ConformanceChannel, kind: string, count: number, firstTag: bigint): Promise<void> {
    const descriptor = conformanceDevice.channels[channel];
    const event = Object.values(descriptor.events).find((candidate) => candidate.name === kind);
    if (!event) throw new Error(`HarnessTarget.emit: channel ${channel} has no kind ${kind}`);
    const codec = kind === 'Large' ? LargeCodec : SmallCodec;
    for (let index = 0; index < count; index++) {
      const payload = (codec as typeof SmallCodec).encode(eventData(kind, firstTag + BigInt(index)) as never);
      this.ops.push({ op: 'emit', channel, kind: event.id, payload });
      this.send(`emit ${CHANNEL_INDEX[channel]} ${event.id} ${toHex(payload)}`);
    }
    await this.echo();
  }

  async state(): Promise<ConformanceDriverState> {
    const lines = await new Promise<string[]>((resolve) => {
      this.stateWaiters.push(resolve);
      this.send('state', false);
    });
    return {
      openHandles: [...this.handles.values()].filter((handle) => handle.state !== 'closed').length,
      subscriptions: lines.map((line) => {
        const [, handle, channel, ringFill, dropped, nextSequence, parked] = line.split(' ');
        return {
          process: this.handles.get(Number(handle))?.process ?? `handle ${handle}`,
          channel: CHANNEL_NAMES[Number(channel)]!,
          parked: Number(parked),
          ringFill: Number(ringFill),
          dropped: BigInt(dropped!),
          nextSequence: BigInt(nextSequence!),
        };
      }),
    };
  }

  async crash(process: DeviceBackendV1): Promise<void> {
    await (process as DeviceBackendV1 & { crash(): Promise<void> }).crash();
  }

  async settle(): Promise<void> {
    for (;;) {
      const before = this.sentCommands;
      await this.echo();
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.sentCommands === before) return;
    }
  }

  /** Ends the harness (which checks for leaks), then compares the core's trace with the model's. */
  async dispose(): Promise<void> {
    this.child.stdin.end();
    const { code, stderr } = await this.exited;
    if (code !== 0) throw new Error(`the core harness exited with ${code}:\n${stderr}`);
    const expected = modelTrace(this.ops);
    const actual = this.completions;
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      const first = actual.findIndex((line, index) => line !== expected[index]);
      throw new Error(
        `the C core and the simulator's DriverModel differ on this scenario (line ${first === -1 ? actual.length : first} of completions and settlements):\n` +
          `  core:  ${actual[first] ?? '(none)'}\n  model: ${expected[first === -1 ? actual.length : first] ?? '(none)'}`,
      );
    }
  }

  // ---- the backend's operations -----------------------------------------------------------------

  private open(processName: string, pid: number, crashed: () => boolean, path: string, options: OpenOptions): Promise<DeviceHandleV1> {
    return new Promise((resolve, reject) => {
      const fail = (error: unknown) => setImmediate(() => reject(error));
      if (crashed()) return fail(new DeviceError('ERROR_INVALID_HANDLE', { operation: `open ${path}`, detail: `process ${processName} has crashed` }));
      if (path.toLowerCase() !== conformanceDevice.devicePath.toLowerCase()) {
        return fail(new DeviceError('ERROR_FILE_NOT_FOUND', { operation: `open ${path}`, detail: `the device is ${conformanceDevice.devicePath}` }));
      }
      const record: HandleRecord = { id: this.nextHandle++, process: processName, access: options.access, state: 'open', closed: null, pending: new Set() };
      this.handles.set(record.id, record);
      this.ops.push({ op: 'open', handle: record.id, access: accessBitsOf(options.access), pid });
      this.send(`open ${record.id} ${accessBitsOf(options.access)} ${pid}`);
      const target = this;
      const handle: DeviceHandleV1 = {
        path,
        access: options.access,
        ioctl: (code, input, outputLength, ioctlOptions) => target.ioctl(record, code, input, outputLength, ioctlOptions),
        close: () => target.close(record),
      };
      setImmediate(() => resolve(handle));
    });
  }

  private ioctl(handle: HandleRecord, code: number, input: Uint8Array | null, outputLength: number, options?: IoctlOptions): Promise<IoctlResult> {
    return new Promise((resolve, reject) => {
      const operation = `IOCTL 0x${(code >>> 0).toString(16)}`;
      // After every completion the harness has yet to report: requests settle in the order sent.
      const fail = (error: unknown) => void this.echo().then(() => reject(error));
      if (handle.state !== 'open') return fail(new DeviceError('ERROR_INVALID_HANDLE', { operation, detail: 'the handle was closed' }));
      const signal = options?.signal;
      if (signal?.aborted) return fail(new DeviceError('ERROR_OPERATION_ABORTED', { operation, detail: 'the signal was already aborted; the request was not sent' }));
      const requestId = this.nextRequest++;
      const bytes = input && input.byteLength > 0 ? input.slice() : null;
      this.ops.push({ op: 'ioctl', handle: handle.id, request: requestId, code: code >>> 0, outputLength, input: bytes });
      // The I/O manager's check: the driver never sees a request the handle's access does not allow.
      const required = requiredAccess(code);
      if ((accessBitsOf(handle.access) & required) !== required) return fail(new DeviceError('ERROR_ACCESS_DENIED', { operation }));
      let detach = () => {};
      if (signal) {
        const onAbort = () => {
          this.ops.push({ op: 'cancel', request: requestId });
          this.send(`cancel ${requestId}`);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.requests.set(requestId, { resolve, reject, detach, operation });
      handle.pending.add(requestId);
      this.send(`ioctl ${handle.id} ${requestId} 0x${(code >>> 0).toString(16)} ${outputLength} ${bytes ? toHex(bytes) : '-'}`);
    });
  }

  private close(handle: HandleRecord): Promise<void> {
    if (handle.closed) return handle.closed;
    handle.state = 'closing';
    this.ops.push({ op: 'close', handle: handle.id });
    this.send(`close ${handle.id}`);
    handle.closed = this.echo().then(() => {
      // The close line completed every request the handle had parked; none may be left.
      if (handle.pending.size > 0) throw new Error(`the core left ${handle.pending.size} request(s) of handle ${handle.id} uncompleted after close`);
      handle.state = 'closed';
    });
    return handle.closed;
  }

  // ---- the harness's input and output -------------------------------------------------------

  private send(line: string, counts = true): void {
    if (counts) this.sentCommands++;
    this.child.stdin.write(`${line}\n`);
  }

  private echo(): Promise<void> {
    const token = String(this.nextEcho++);
    return new Promise((resolve) => {
      this.echoWaiters.set(token, resolve);
      this.send(`echo ${token}`, false);
    });
  }

  private onLine(line: string): void {
    if (this.stateLines) {
      this.stateLines.push(line);
      if (this.stateLines.length === this.stateExpected) this.finishState();
      return;
    }
    const [first, second, third] = line.split(' ');
    if (first === 'echo') {
      this.echoWaiters.get(second!)?.();
      this.echoWaiters.delete(second!);
      return;
    }
    if (first === 'state') {
      this.stateLines = [];
      this.stateExpected = Number(second);
      if (this.stateExpected === 0) this.finishState();
      return;
    }
    // A settlement: asked T OUTCOME ID ANSWERHEX (kept in the trace: the model must settle the same way).
    if (first === 'asked') {
      this.completions.push(line);
      const [, , outcome, id, hex] = line.split(' ');
      const asker = this.askers.get(Number(second));
      if (!asker) throw new Error(`the core harness settled ask ${second}, which is not waiting`);
      if (!OUTCOMES.includes(outcome as VerdictOutcome)) throw new Error(`the core harness settled ask ${second} with an unknown outcome: ${line}`);
      this.askers.delete(Number(second));
      const answer = conformanceDevice.verdicts[asker.verdict].answer.decode(Uint8Array.from(Buffer.from(hex!, 'hex')));
      asker.resolve({ outcome: outcome as VerdictOutcome, id: BigInt(id!), answer: answer as unknown as Record<string, unknown> });
      return;
    }
    // A completion: REQUEST STATUS BYTES
    this.completions.push(line);
    const requestId = Number(first);
    const pending = this.requests.get(requestId);
    if (!pending) throw new Error(`the core harness completed request ${requestId}, which is not outstanding`);
    this.requests.delete(requestId);
    for (const handle of this.handles.values()) handle.pending.delete(requestId);
    pending.detach();
    const status = Number.parseInt(second!, 16);
    const output = third === '-' ? new Uint8Array(0) : Uint8Array.from(Buffer.from(third!, 'hex'));
    if (NT_SUCCESS(status)) pending.resolve({ output, bytesReturned: output.byteLength });
    else pending.reject(DeviceError.fromNtStatus(status, { operation: pending.operation }));
  }

  private finishState(): void {
    const lines = this.stateLines!;
    this.stateLines = null;
    this.stateWaiters.shift()?.(lines);
  }
}
