/**
 * The `DeviceBackendV1` and `DeviceHandleV1` objects a client gets from the simulator. They hold
 * no logic of their own: each stands for one process or one handle and forwards to the runtime,
 * so that every rule is implemented once.
 */
import type { AccessMode, DeviceBackendV1, DeviceHandleV1, IoctlOptions, IoctlResult, OpenOptions } from '@inverted-call/backend';
import type { HandleRecord, ProcessRecord, SimulatorRuntime } from './simulator-runtime.js';

/**
 * A handle opened on the simulated device. Beyond the `DeviceHandleV1` rules: `ioctl` sends the
 * request to the driver model synchronously (as DeviceIoControl dispatches in the caller's
 * thread) and settles it in a later turn; a `signal` that is already aborted rejects the request
 * as cancelled without sending it, so it leaves no trace in the driver.
 */
export interface SimulatedHandle extends DeviceHandleV1 {
  /** The id the driver model and `simulator.state()` know this handle by. */
  readonly handleId: number;
  /** The process (backend) that opened it. */
  readonly processName: string;
}

/** One simulated client process; `simulator.crash(backend)` kills it. */
export interface SimulatedBackend extends DeviceBackendV1 {
  readonly processName: string;
  /** This process's id in the simulator: pass it as `askerProcessId` to ask on its behalf (V7). */
  readonly processId: number;
  /** True once `simulator.crash()` killed this process; it can open nothing more. */
  readonly crashed: boolean;
  open(path: string, options: OpenOptions): Promise<SimulatedHandle>;
}

class Handle implements SimulatedHandle {
  constructor(
    private readonly runtime: SimulatorRuntime,
    private readonly record: HandleRecord,
  ) {}

  get handleId(): number {
    return this.record.handleId;
  }

  get processName(): string {
    return this.record.process.processName;
  }

  get path(): string {
    return this.record.path;
  }

  get access(): AccessMode {
    return this.record.access;
  }

  ioctl(code: number, input: Uint8Array | null, outputLength: number, options?: IoctlOptions): Promise<IoctlResult> {
    return this.runtime.ioctl(this.record, code, input, outputLength, options);
  }

  close(): Promise<void> {
    return this.runtime.close(this.record);
  }
}

class Backend implements SimulatedBackend {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'simulator';

  constructor(
    /** @internal the simulator this process belongs to */
    readonly runtime: SimulatorRuntime,
    /** @internal the runtime's record of this process */
    readonly process: ProcessRecord,
  ) {}

  get processName(): string {
    return this.process.processName;
  }

  get processId(): number {
    return this.process.processId;
  }

  get crashed(): boolean {
    return this.process.crashed;
  }

  async open(path: string, options: OpenOptions): Promise<SimulatedHandle> {
    const record = await this.runtime.open(this.process, path, options);
    return new Handle(this.runtime, record);
  }
}

export function createSimulatedBackend(runtime: SimulatorRuntime, processName: string): SimulatedBackend {
  return new Backend(runtime, runtime.newProcess(processName));
}

/** The process record behind a backend made by this runtime's simulator, or undefined. */
export function processOf(runtime: SimulatorRuntime, backend: DeviceBackendV1): ProcessRecord | undefined {
  return backend instanceof Backend && backend.runtime === runtime ? backend.process : undefined;
}
