/**
 * What a device-generic scenario works with: the descriptor, raw handles and typed clients opened
 * through the target's processes, events built from the descriptor, and the driver's state;
 * everything it opens is closed afterwards.
 */
import type { AccessMode, DeviceBackendV1, DeviceHandleV1 } from '@inverted-call/backend';
import { openDevice, type Device } from '@inverted-call/client';
import type { ChannelDescriptorV1, DeviceDescriptorV1, EventKindDescriptorV1 } from '@inverted-call/codec';
import type { DeviceDriverState, DeviceTestTarget } from '../device-target.js';
import { sampleValue } from './sample-data.js';
import { runCleanups } from '../cleanups.js';

/** One event as the scenarios emit and expect it. */
export interface SampleEvent {
  kind: string;
  data: Record<string, unknown>;
}

export class DeviceScenarioContext {
  readonly descriptor: DeviceDescriptorV1;
  private readonly processes = new Map<string, DeviceBackendV1>();
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  private nextSeed = 0;

  constructor(readonly target: DeviceTestTarget) {
    this.descriptor = target.descriptor;
  }

  /** The backend of the client process `name`, created on first use. */
  process(name = 'client'): DeviceBackendV1 {
    let backend = this.processes.get(name);
    if (!backend) {
      backend = this.target.process(name);
      this.processes.set(name, backend);
    }
    return backend;
  }

  /** A raw handle in process `name`, closed when the scenario ends (unless it closed it itself). */
  async raw(name = 'client', access: AccessMode = 'read-write'): Promise<DeviceHandleV1> {
    const handle = await this.process(name).open(this.descriptor.devicePath, { access });
    this.cleanups.push(() => handle.close());
    return handle;
  }

  /** A client of the device in process `name`, closed when the scenario ends. */
  async client(name = 'client'): Promise<Device<DeviceDescriptorV1>> {
    const device = await openDevice(this.descriptor, { backend: this.process(name) });
    this.cleanups.push(() => device.close());
    return device;
  }

  /**
   * `count` events of the channel, its kinds taken in turn, each with data of its own: seeds are
   * unique within a scenario, so two events never carry the same data by accident.
   */
  sampleEvents(channel: ChannelDescriptorV1, count: number): SampleEvent[] {
    const kinds: EventKindDescriptorV1[] = Object.values(channel.events);
    return Array.from({ length: count }, (_, index) => {
      const kind = kinds[index % kinds.length]!;
      return { kind: kind.name, data: sampleValue(kind.codec, this.nextSeed++) as Record<string, unknown> };
    });
  }

  /** Emits each event once, in order. */
  async emitEach(channel: ChannelDescriptorV1, events: readonly SampleEvent[]): Promise<void> {
    for (const event of events) await this.target.emit(channel.name, event.kind, event.data);
  }

  /** Emits one event of the channel's smallest kind `count` times in a single request (what the emit IOCTL's count is for). */
  async emitRepeated(channel: ChannelDescriptorV1, count: number): Promise<SampleEvent> {
    // The smallest records fit the most to a batch: the fewest requests read a full ring back.
    const kind = Object.values(channel.events).reduce((smallest, candidate) => (candidate.recordBytes < smallest.recordBytes ? candidate : smallest));
    const event = { kind: kind.name, data: sampleValue(kind.codec, this.nextSeed++) as Record<string, unknown> };
    await this.target.emit(channel.name, event.kind, event.data, count);
    return event;
  }

  state(): Promise<DeviceDriverState> {
    return this.target.state();
  }

  settle(): Promise<void> {
    return this.target.settle();
  }

  /** Closes everything the scenario opened, newest first; failures here are reported too. */
  cleanup(): Promise<void> {
    return runCleanups(this.cleanups);
  }
}
