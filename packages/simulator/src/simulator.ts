/**
 * `createSimulator`: the driver model behind the backend contract, plus the test controls of
 * DESIGN.md section 6. The controls only reach what a real device would do on its own (events
 * arriving, calls being answered, a process dying); they never bypass a rule.
 */
import { WIN32_ERRORS, type DeviceBackendV1, type Win32ErrorName } from '@inverted-call/backend';
import type { DeviceDescriptorV1, EventKindDescriptorV1, OverflowPolicy, VerdictDescriptorV1 } from '@inverted-call/codec';
import type { UntypedCallHandler } from './call-runner.js';
import { createSimulatedBackend, processOf, type SimulatedBackend } from './simulated-backend.js';
import { SimulatorRuntime } from './simulator-runtime.js';
import type { ModelEmitOutcome } from './model-types.js';
import type { EmitBurstSummary, EmitOutcome, Simulator, SimulatorOptions, SimulatorState, VerdictResult } from './simulator-types.js';
import type { OfferOutcome } from './subscription.js';
import type { TraceEntry } from './trace.js';
import type { AskOptions } from './verdict-types.js';
import type { VerdictTraceEntry } from './verdict-trace.js';

class DeviceSimulator<Device extends DeviceDescriptorV1> implements Simulator<Device> {
  readonly backend: SimulatedBackend;
  private readonly runtime: SimulatorRuntime;

  constructor(readonly descriptor: Device, options: SimulatorOptions) {
    this.runtime = new SimulatorRuntime(descriptor, options.latency ?? 'immediate', options.clock ?? 'real');
    this.backend = createSimulatedBackend(this.runtime, options.processName ?? 'default');
  }

  createBackend(processName: string): SimulatedBackend {
    if (typeof processName !== 'string' || processName === '') throw new TypeError('createBackend: processName must be a non-empty string');
    return createSimulatedBackend(this.runtime, processName);
  }

  emit(channel: string, kind: string, data: unknown): EmitOutcome[] {
    return this.offer(channel, kind, data).map((outcome) => ({
      subscriptionId: outcome.subscriptionId,
      handleId: outcome.handleId,
      processName: this.runtime.handles.get(outcome.handleId)?.process.processName ?? '',
      outcome: outcome.outcome,
      sequence: outcome.sequence,
      ...(outcome.droppedSequence !== undefined ? { droppedSequence: outcome.droppedSequence } : {}),
    }));
  }

  emitBurst(channel: string, items: Iterable<{ readonly kind: string; readonly data: unknown }>): EmitOutcome[][] {
    const outcomes: EmitOutcome[][] = [];
    for (const item of items) outcomes.push(this.emit(channel, item.kind, item.data));
    return outcomes;
  }

  emitBurstSummary(channel: string, items: Iterable<{ readonly kind: string; readonly data: unknown }>): EmitBurstSummary {
    const outcomes = { completed: 0, queued: 0, dropped: 0, 'replaced-oldest': 0 } satisfies Record<OfferOutcome, number>;
    let events = 0;
    for (const item of items) {
      for (const offered of this.offer(channel, item.kind, item.data)) outcomes[offered.outcome]++;
      events++;
    }
    return { events, outcomes };
  }

  ask(verdict: string, question: unknown, options: AskOptions = {}): Promise<VerdictResult<any>> {
    const descriptor = this.verdict(verdict);
    // Encoding checks the value against the schema and throws a CodecError naming the bad field.
    const asked = this.runtime.ask(verdict, descriptor.question.encode(question), options);
    return asked.settled.then((settlement) => ({
      outcome: settlement.outcome,
      answer: descriptor.answer.decode(settlement.answer),
      id: asked.id,
      askedAtMs: asked.askedAtMs,
      settledAtMs: settlement.atMs,
    }));
  }

  advance(ms: number): void {
    this.runtime.advance(ms);
  }

  verdictTrace(): VerdictTraceEntry[] {
    return this.runtime.model.verdictTrace();
  }

  handle(call: string, handler: UntypedCallHandler): void {
    if (!Object.prototype.hasOwnProperty.call(this.descriptor.calls, call)) {
      throw new RangeError(`device ${this.descriptor.name} has no call ${JSON.stringify(call)}; it has ${Object.keys(this.descriptor.calls).join(', ')}`);
    }
    if (typeof handler !== 'function') throw new TypeError(`handle('${call}', handler): handler must be a function`);
    this.runtime.handlers.set(call, handler);
  }

  setChannel(channel: string, settings: { capacity?: number; overflow?: OverflowPolicy }): void {
    this.runtime.model.setChannel(channel, settings);
  }

  stall(channel?: string): void {
    this.runtime.model.stall(channel);
  }

  release(channel?: string): void {
    this.runtime.model.release(channel);
  }

  crash(backend: DeviceBackendV1): Promise<void> {
    const process = processOf(this.runtime, backend);
    if (!process) throw new TypeError('crash: this backend was not made by this simulator (use simulator.backend or simulator.createBackend())');
    return this.runtime.crash(process);
  }

  injectError(target: string | number, error: Win32ErrorName, times = 1): void {
    const info = Object.prototype.hasOwnProperty.call(WIN32_ERRORS, error) ? WIN32_ERRORS[error] : undefined;
    if (!info) throw new RangeError(`injectError: unknown Win32 error ${JSON.stringify(error)}; use one of ${Object.keys(WIN32_ERRORS).join(', ')}`);
    this.runtime.model.injectFailure(this.codeOf(target), info.ntstatus, times);
  }

  state(): SimulatorState {
    const model = this.runtime.model.state();
    const record = (handleId: number) => this.runtime.handles.get(handleId)!;
    return {
      handles: model.handles.map(({ handleId }) => {
        const handle = record(handleId);
        return { handleId, processName: handle.process.processName, path: handle.path, access: handle.access };
      }),
      subscriptions: model.subscriptions.map((subscription) => ({ ...subscription, processName: record(subscription.handleId).process.processName })),
      channels: model.channels,
      verdicts: model.verdicts,
      totals: model.totals,
    };
  }

  settle(): Promise<void> {
    return this.runtime.settle();
  }

  trace(): TraceEntry[] {
    return this.runtime.model.trace();
  }

  /** Rule R3 for one event, with the model's outcomes (which `emit` dresses up and `emitBurstSummary` counts). */
  private offer(channel: string, kind: string, data: unknown): ModelEmitOutcome[] {
    const event = this.eventKind(channel, kind);
    // Encoding checks the value against the schema and throws a CodecError naming the bad field.
    const payload = event.codec.encode(data);
    return this.runtime.model.emit(channel, event.id, payload);
  }

  private verdict(name: string): VerdictDescriptorV1 {
    const verdicts = this.descriptor.verdicts;
    const verdict = Object.prototype.hasOwnProperty.call(verdicts, name) ? verdicts[name] : undefined;
    if (!verdict) throw new RangeError(`device ${this.descriptor.name} has no verdict ${JSON.stringify(name)}; it has ${Object.keys(verdicts).join(', ') || 'none'}`);
    return verdict;
  }

  private eventKind(channel: string, kind: string): EventKindDescriptorV1 {
    const channelDescriptor = Object.prototype.hasOwnProperty.call(this.descriptor.channels, channel) ? this.descriptor.channels[channel] : undefined;
    if (!channelDescriptor) throw new RangeError(`device ${this.descriptor.name} has no channel ${JSON.stringify(channel)}; it has ${Object.keys(this.descriptor.channels).join(', ')}`);
    const event = Object.prototype.hasOwnProperty.call(channelDescriptor.events, kind) ? channelDescriptor.events[kind] : undefined;
    if (!event) throw new RangeError(`channel ${channel} has no event kind ${JSON.stringify(kind)}; it has ${Object.keys(channelDescriptor.events).join(', ')}`);
    return event;
  }

  private codeOf(target: string | number): number {
    if (typeof target === 'number') {
      if (!Number.isInteger(target) || target < 0 || target > 0xffffffff) throw new RangeError(`injectError: ${target} is not a 32-bit IOCTL code`);
      return target;
    }
    if (Object.prototype.hasOwnProperty.call(this.descriptor.calls, target)) return this.descriptor.calls[target]!.code;
    if (Object.prototype.hasOwnProperty.call(this.descriptor.channels, target)) return this.descriptor.channels[target]!.code;
    throw new RangeError(`injectError: device ${this.descriptor.name} has no call or channel ${JSON.stringify(target)}; pass a name or an IOCTL code`);
  }
}

/**
 * A simulated device built from a generated descriptor. Open it through `simulator.backend`
 * (or another process's backend from `createBackend`) exactly as through the Win32 backend.
 */
export function createSimulator<const Device extends DeviceDescriptorV1>(descriptor: Device, options: SimulatorOptions = {}): Simulator<Device> {
  return new DeviceSimulator(descriptor, options) as unknown as Simulator<Device>;
}
