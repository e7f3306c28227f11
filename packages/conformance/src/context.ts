/**
 * What a scenario works with: clients opened through the target's processes, raw handles for
 * byte-level checks, events, driver state; everything it opens is closed afterwards.
 */
import type { AccessMode, DeviceBackendV1, DeviceHandleV1 } from '@inverted-call/backend';
import { openDevice, type Device, type OpenDeviceOptions } from '@inverted-call/client';
import { conformanceDevice } from '@inverted-call/conformance-device';
import type { AskResult, ConformanceChannel, ConformanceDriverState, ConformanceTarget, ConformanceVerdict, TargetAskOptions } from './target.js';
import { runCleanups } from './cleanups.js';

export type ConformanceDevice = Device<typeof conformanceDevice>;

export class ScenarioContext {
  readonly descriptor = conformanceDevice;
  private readonly processes = new Map<string, DeviceBackendV1>();
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  private nextTag = 1n;

  constructor(readonly target: ConformanceTarget) {}

  /** The backend of the client process `name`, created on first use. */
  process(name = 'client'): DeviceBackendV1 {
    let backend = this.processes.get(name);
    if (!backend) {
      backend = this.target.process(name);
      this.processes.set(name, backend);
    }
    return backend;
  }

  /** A typed client in process `name`, closed when the scenario ends. */
  async client(name = 'client', options: Omit<OpenDeviceOptions, 'backend'> = {}): Promise<ConformanceDevice> {
    const device = await openDevice(conformanceDevice, { ...options, backend: this.process(name) });
    this.cleanups.push(() => device.close());
    return device;
  }

  /** A raw handle in process `name`, for byte-level requests the typed client would refuse. */
  async raw(name = 'client', access: AccessMode = 'read-write'): Promise<DeviceHandleV1> {
    const handle = await this.process(name).open(conformanceDevice.devicePath, { access });
    this.cleanups.push(() => handle.close());
    return handle;
  }

  /** Emits `count` events and returns their tags; tags are unique within a scenario. */
  async emit(channel: ConformanceChannel, count = 1, kind = 'Small'): Promise<bigint[]> {
    const first = this.nextTag;
    this.nextTag += BigInt(count);
    await this.target.emit(channel, kind, count, first);
    return Array.from({ length: count }, (_, index) => first + BigInt(index));
  }

  state(): Promise<ConformanceDriverState> {
    return this.target.state();
  }

  settle(): Promise<void> {
    return this.target.settle();
  }

  /** Raises one question (see ConformanceTarget.ask); the promise settles with it. */
  ask(verdict: ConformanceVerdict, question: Record<string, unknown>, options: TargetAskOptions = {}): Promise<AskResult> {
    return this.target.ask(verdict, question, options);
  }

  /** Lets `ms` of verdict-deadline time pass (see ConformanceTarget.elapse). */
  elapse(ms: number): Promise<void> {
    return this.target.elapse(ms);
  }

  async crash(name: string): Promise<void> {
    await this.target.crash(this.process(name));
  }

  /** Closes everything the scenario opened, newest first; failures here are reported too. */
  cleanup(): Promise<void> {
    return runCleanups(this.cleanups);
  }
}
