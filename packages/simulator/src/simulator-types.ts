/**
 * The public types of `createSimulator`: controls typed from the device descriptor, so that
 * `simulator.emit('Events', 'Small', { tag: 1n, value: 2, flag: true })` is checked end to end
 * (channel names, kind names and the event struct) just like the client's calls are.
 */
import type { AccessMode, DeviceBackendV1, Win32ErrorName } from '@inverted-call/backend';
import type {
  CallInputValue,
  CallOutputValue,
  ChannelEvent,
  DeviceDescriptorV1,
  EventKindDescriptorV1,
  OverflowPolicy,
  VerdictAnswerValue,
  VerdictOutcome,
  VerdictQuestionValue,
} from '@inverted-call/codec';
import type { CallContext } from './call-runner.js';
import type { Latency } from './delivery-queue.js';
import type { ChannelState, ModelTotals, ModelSubscriptionState } from './model-types.js';
import type { SimulatedBackend } from './simulated-backend.js';
import type { OfferOutcome } from './subscription.js';
import type { TraceEntry } from './trace.js';
import type { SimulatorClock } from './simulator-runtime.js';
import type { AskOptions, VerdictState } from './verdict-types.js';
import type { VerdictTraceEntry } from './verdict-trace.js';

export type ChannelName<Device extends DeviceDescriptorV1> = keyof Device['channels'] & string;
export type CallName<Device extends DeviceDescriptorV1> = keyof Device['calls'] & string;
export type EventKindName<Device extends DeviceDescriptorV1, Channel extends ChannelName<Device>> = keyof Device['channels'][Channel]['events'] & string;
export type EventData<Device extends DeviceDescriptorV1, Channel extends ChannelName<Device>, Kind extends EventKindName<Device, Channel>> =
  Device['channels'][Channel]['events'][Kind] extends EventKindDescriptorV1<infer Data> ? Data : never;

export type VerdictName<Device extends DeviceDescriptorV1> = keyof Device['verdicts'] & string;

/** How a question asked with `simulator.ask` settled. */
export interface VerdictResult<Answer> {
  readonly outcome: VerdictOutcome;
  /** The decider's answer, or the verdict's default. */
  readonly answer: Answer;
  /** The question's id, 0n if it settled at once without entering the table (no decider, self, limit, not at PASSIVE_LEVEL). */
  readonly id: bigint;
  /** The simulator's clock (ms) when it was asked and when it settled. */
  readonly askedAtMs: number;
  readonly settledAtMs: number;
}

/**
 * A stand-in for the driver's implementation of one call: gets the decoded input, returns the
 * output (or a promise of it). Throw a `DeviceError` to complete with its NTSTATUS; any other throw
 * completes with STATUS_UNSUCCESSFUL (ERROR_GEN_FAILURE). `context.signal` aborts when the request
 * is cancelled, after which the result is ignored.
 */
export type CallHandler<Call> = (input: CallInputValue<Call>, context: CallContext) => CallOutputValue<Call> | Promise<CallOutputValue<Call>>;

export interface SimulatorOptions {
  /**
   * When completions reach JavaScript. `immediate` (default): one FIFO, one completion per turn of
   * the event loop, in completion order. `{ minMs, maxMs, seed }`: a seeded random delay each, but
   * never out of completion order within one handle.
   */
  latency?: Latency;
  /** Name of the process `simulator.backend` stands for; default `default`. */
  processName?: string;
  /** How verdict deadlines pass: `real` (default) or `manual` (only `simulator.advance(ms)` moves time). */
  clock?: SimulatorClock;
}

/** What one emitted event did at one subscription. */
export interface EmitOutcome {
  readonly subscriptionId: number;
  readonly handleId: number;
  readonly processName: string;
  /** `completed` a parked request, `queued` in the ring, `dropped` (drop-newest), or `replaced-oldest` (drop-oldest). */
  readonly outcome: OfferOutcome;
  /** The sequence number this event took at this subscription. */
  readonly sequence: bigint;
  /** The sequence number of the event dropped by this emit, if one was. */
  readonly droppedSequence?: bigint;
}

/**
 * What a burst did, counted rather than listed: the result of `emitBurstSummary`. It stays this
 * size however many events the burst had.
 */
export interface EmitBurstSummary {
  /** Events emitted: the items taken from the iterable. */
  readonly events: number;
  /**
   * Offers (one event at one subscription) per outcome, named as in `EmitOutcome.outcome`:
   * `completed` went straight into a parked request, `queued` into the ring, `dropped` was lost
   * to drop-newest, `replaced-oldest` entered the ring in place of the oldest event (drop-oldest).
   * They add up to `events` times the channel's subscriptions.
   */
  readonly outcomes: Readonly<Record<OfferOutcome, number>>;
}

export interface SimulatorHandleState {
  readonly handleId: number;
  readonly processName: string;
  readonly path: string;
  readonly access: AccessMode;
}

/** The model's subscription state, with the process that owns the handle. */
export interface SimulatorSubscriptionState extends ModelSubscriptionState {
  readonly processName: string;
}

export interface SimulatorState {
  /** Handles the driver knows, in the order they were opened (a closed handle leaves no state). */
  readonly handles: readonly SimulatorHandleState[];
  /** Per channel in descriptor order, then in creation order: the fan-out order. */
  readonly subscriptions: readonly SimulatorSubscriptionState[];
  readonly channels: readonly ChannelState[];
  /** Per verdict in descriptor order: deciders (handle ids), parked ask requests, questions and the V9 counters. */
  readonly verdicts: readonly VerdictState[];
  readonly totals: Readonly<ModelTotals>;
}

export interface Simulator<Device extends DeviceDescriptorV1 = DeviceDescriptorV1> {
  readonly descriptor: Device;
  /** The default client process. */
  readonly backend: SimulatedBackend;
  /** Another client process, e.g. to show that one process crashing leaves the others untouched. */
  createBackend(processName: string): SimulatedBackend;

  /** Rule R3: offers one event to every subscription of the channel. Returns one outcome per subscription. */
  emit<Channel extends ChannelName<Device>, Kind extends EventKindName<Device, Channel>>(
    channel: Channel,
    kind: Kind,
    data: EventData<Device, Channel, Kind>,
  ): EmitOutcome[];
  /**
   * Emits each item in order; returns the outcomes of each. That is one object per event and
   * subscription, kept until the result is dropped: for bursts of many thousands of events whose
   * outcomes you only count, use `emitBurstSummary`.
   */
  emitBurst<Channel extends ChannelName<Device>>(channel: Channel, items: Iterable<ChannelEvent<Device['channels'][Channel]>>): EmitOutcome[][];
  /**
   * Emits each item in order, exactly as `emitBurst` does, but keeps nothing per event: returns how
   * many offers ended each way. `items` may be a generator, so a burst of millions needs no array
   * either. An item that fails to encode throws its `CodecError`; the items before it were emitted.
   */
  emitBurstSummary<Channel extends ChannelName<Device>>(channel: Channel, items: Iterable<ChannelEvent<Device['channels'][Channel]>>): EmitBurstSummary;
  /** Registers (or replaces) the implementation of a call; without one it completes with STATUS_NOT_SUPPORTED. */
  handle<Name extends CallName<Device>>(call: Name, handler: CallHandler<Device['calls'][Name]>): void;
  /** Overrides ring capacity and overflow policy for subscriptions created from now on. */
  setChannel(channel: ChannelName<Device>, settings: { capacity?: number; overflow?: OverflowPolicy }): void;
  /**
   * Holds delivery on a channel (every channel without an argument): events go to rings even when
   * requests are parked, and new requests park even when the ring holds events, so a test can fill
   * rings and reach overflow with requests in flight.
   */
  stall(channel?: ChannelName<Device>): void;
  /** Ends a stall and completes parked requests, oldest first, from their rings (rule R2). */
  release(channel?: ChannelName<Device>): void;
  /**
   * Kills a process: each of its handles is closed as the I/O manager would (parked requests
   * cancelled, subscriptions freed). Resolves once every cancellation has been delivered. Throws
   * a TypeError for a backend this simulator did not make.
   */
  crash(backend: DeviceBackendV1): Promise<void>;
  /**
   * The next `times` requests to this call or channel (or raw IOCTL code) that pass the access
   * check complete with the NTSTATUS behind `error`, before the driver looks at them.
   */
  injectError(target: CallName<Device> | ChannelName<Device> | number, error: Win32ErrorName, times?: number): void;
  /**
   * The kernel raises a question (rules V1-V9) as the driver would on behalf of the process
   * `options.askerProcessId` (a backend's `processId`), at PASSIVE_LEVEL unless
   * `options.atPassiveLevel` is false. Resolves once it settles: answered by a decider, timed out,
   * defaulted or refused. Throws a CodecError for a question that does not fit the struct.
   */
  ask<Name extends VerdictName<Device>>(verdict: Name, question: VerdictQuestionValue<Device['verdicts'][Name]>, options?: AskOptions): Promise<VerdictResult<VerdictAnswerValue<Device['verdicts'][Name]>>>;
  /**
   * With `clock: 'manual'`: moves time `ms` forward; every question whose deadline passes settles
   * with the default, at its deadline. Throws a TypeError on the real clock.
   */
  advance(ms: number): void;
  /** Every question's settlement so far, in the order they settled. */
  verdictTrace(): VerdictTraceEntry[];
  state(): SimulatorState;
  /** Resolves once every completion scheduled so far (and any that their reactions caused) has been delivered. */
  settle(): Promise<void>;
  /** Every completion so far, in the order the driver made them. */
  trace(): TraceEntry[];
}
