/**
 * The reference model of an inverted-call driver (DESIGN.md section 4, rules R1-R7): a pure,
 * synchronous, deterministic state machine. It never schedules anything and never looks at a
 * clock; the same operations in the same order produce the same completion trace, byte for byte,
 * which is what lets a differential test run one scenario script against it and against the C core.
 *
 * It also plays the I/O manager's part that a driver relies on: the access check on the IOCTL
 * code happens here, before the driver logic, as it does on Windows.
 *
 * Verdicts (V1-V9) live in the verdict table; time, which only verdict deadlines need, is an
 * input like any other operation (`advanceClock`), so the trace still depends only on the
 * operations and their order.
 */
import {
  VERDICT_REPLY_HEADER_BYTES,
  decodeVerdictReply,
  protocolInfoByteLength,
  requiredAccessOfCode,
  schemaHashBytes,
  writeProtocolInfo,
  type ChannelDescriptorV1,
  type DeviceDescriptorV1,
  type VerdictDescriptorV1,
  type VerdictInfo,
} from '@inverted-call/codec';
import { ChannelTable, type ChannelSettings } from './channel-table.js';
import { checkDescriptor } from './descriptor-check.js';
import type { ChannelState, DriverModelOptions, DriverRequest, ModelEmitOutcome, HandleState, ModelState, ModelTotals, SubmitResult, ModelSubscriptionState } from './model-types.js';
import {
  STATUS_ACCESS_DENIED,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_PARAMETER,
  STATUS_QUOTA_EXCEEDED,
  STATUS_SUCCESS,
  isNtSuccess,
} from './ntstatus.js';
import { Subscription } from './subscription.js';
import type { TraceEntry } from './trace.js';
import { VerdictTable } from './verdict-table.js';
import type { AskOptions, VerdictAsk } from './verdict-types.js';
import type { VerdictTraceEntry } from './verdict-trace.js';

interface ModelHandleRecord {
  readonly id: number;
  readonly access: number;
  readonly owner: string;
  /** By channel name; insertion order is creation order. */
  readonly subscriptions: Map<string, Subscription>;
}

/** A request the driver holds: parked in a subscription, parked as a verdict's ask request, or a call being worked on. */
interface OutstandingRequest extends DriverRequest {
  readonly subscription: Subscription | null;
  readonly parkedAsk: boolean;
}

export class DriverModel {
  readonly descriptor: DeviceDescriptorV1;
  private readonly schemaHash: Uint8Array;
  private readonly channels: ChannelTable;
  private readonly verdicts: VerdictTable;
  private readonly handles = new Map<number, ModelHandleRecord>();
  /** Per channel, every live subscription in creation order: the fan-out order of R3. */
  private readonly subscriptionsByChannel = new Map<string, Subscription[]>();
  /** Insertion order is submission order, which is the order a handle close cancels in. */
  private readonly outstanding = new Map<number, OutstandingRequest>();
  private readonly injected = new Map<number, { status: number; remaining: number }[]>();
  private readonly completions: TraceEntry[] = [];
  private readonly totals: ModelTotals = { completions: 0, cancels: 0, eventsEmitted: 0, eventsOffered: 0, eventsDelivered: 0, eventsDropped: 0 };
  private nextSubscriptionId = 1;

  constructor(descriptor: DeviceDescriptorV1, private readonly options: DriverModelOptions = {}) {
    checkDescriptor(descriptor);
    this.descriptor = descriptor;
    this.schemaHash = schemaHashBytes(descriptor.schemaHash);
    this.channels = new ChannelTable(descriptor);
    for (const name of this.channels.names) this.subscriptionsByChannel.set(name, []);
    this.verdicts = new VerdictTable(descriptor.verdicts, {
      deliver: (requestId, bytes) => this.finish(this.outstanding.get(requestId)!, STATUS_SUCCESS, 'driver', bytes),
      completionCount: () => this.completions.length,
      ...(options.onVerdictSettled ? { onSettled: options.onVerdictSettled } : {}),
    });
  }

  /**
   * A file object was created with `access` (FILE_READ_ACCESS 1 | FILE_WRITE_ACCESS 2) by process
   * `owner`; `processId`, when given, is what an asker's `askerProcessId` is compared with (V7).
   */
  openHandle(handleId: number, access: number, owner = '', processId?: number): void {
    if (this.handles.has(handleId)) throw new Error(`DriverModel.openHandle: handle ${handleId} is already open`);
    if (access !== 1 && access !== 2 && access !== 3) throw new RangeError(`DriverModel.openHandle: access must be 1, 2 or 3, got ${access}`);
    this.handles.set(handleId, { id: handleId, access, owner, subscriptions: new Map() });
    this.verdicts.openHandle(handleId, processId);
  }

  /**
   * One request, checked in the order Windows checks it: the access bits of the code (I/O
   * manager), then an injected failure, then the driver: protocol information (R7), a call's
   * lengths (R6), a verdict's ask request or reply (V1-V6), a subscription (R1, R2), or an
   * unknown code (R6).
   */
  submit(request: DriverRequest): SubmitResult {
    const handle = this.handles.get(request.handleId);
    if (!handle) throw new Error(`DriverModel.submit: handle ${request.handleId} is not open (the I/O manager refuses a closed handle before any driver sees it)`);
    if (this.outstanding.has(request.requestId)) throw new Error(`DriverModel.submit: request ${request.requestId} is still outstanding`);
    const code = request.code >>> 0;
    const inputLength = request.input?.byteLength ?? 0;

    const required = requiredAccessOfCode(code);
    if ((handle.access & required) !== required) return this.completeNow(request, STATUS_ACCESS_DENIED, 'io-manager');
    const injected = this.takeInjectedFailure(code);
    if (injected !== undefined) return this.completeNow(request, injected);

    if (code === this.descriptor.protocolInfoCode >>> 0) {
      // R7: a call without input; the whole answer or STATUS_BUFFER_TOO_SMALL.
      if (inputLength !== 0) return this.completeNow(request, STATUS_INVALID_PARAMETER);
      const verdicts = this.verdictInfos();
      if (request.outputLength < protocolInfoByteLength(this.channels.names.length, verdicts.length)) return this.completeNow(request, STATUS_BUFFER_TOO_SMALL);
      return this.completeNow(request, STATUS_SUCCESS, 'driver', writeProtocolInfo(this.schemaHash, this.channels.configurations(), verdicts));
    }

    const call = this.channels.callOfCode(code);
    if (call) {
      // R6: exact input size (0 without an input struct), output at least the output struct.
      if (inputLength !== (call.input ? call.input.size : 0)) return this.completeNow(request, STATUS_INVALID_PARAMETER);
      if (call.output && request.outputLength < call.output.size) return this.completeNow(request, STATUS_BUFFER_TOO_SMALL);
      this.outstanding.set(request.requestId, { ...request, subscription: null, parkedAsk: false });
      return { disposition: 'dispatched', call };
    }

    const verdictCode = this.verdicts.codeOf(code);
    if (verdictCode) {
      return verdictCode.role === 'ask' ? this.submitAsk(request, verdictCode.verdict, inputLength) : this.submitReply(request, verdictCode.verdict, inputLength);
    }

    const channel = this.channels.channelOfCode(code);
    if (!channel) return this.completeNow(request, STATUS_INVALID_DEVICE_REQUEST);
    // A subscribe request carries no input, like a call without an input struct.
    if (inputLength !== 0) return this.completeNow(request, STATUS_INVALID_PARAMETER);
    // R1: refused at once, never parked, and no subscription is created for it.
    if (request.outputLength < channel.minimumOutputBytes) return this.completeNow(request, STATUS_BUFFER_TOO_SMALL);
    const existing = handle.subscriptions.get(channel.name);
    // While stalled, a new request parks behind any older one instead of overtaking it; `release`
    // serves them oldest first. Unstalled, a parked request means an empty ring, so R2 is exact.
    const servedAtOnce = existing !== undefined && !existing.ring.isEmpty() && !this.channels.isStalled(channel.name);
    // Limits: refused at once like R1, never parked, nothing created.
    if (this.passesLimit(handle, channel, existing, servedAtOnce)) return this.completeNow(request, STATUS_QUOTA_EXCEEDED);
    const subscription = existing ?? this.createSubscription(handle, channel);
    if (servedAtOnce) {
      // R2: events are waiting, so complete at once with as many whole records as fit.
      const batch = subscription.takeBatch(request.outputLength);
      this.totals.eventsDelivered += batch.recordCount;
      return this.completeNow(request, STATUS_SUCCESS, 'driver', batch.bytes);
    }
    subscription.parked.push({ requestId: request.requestId, outputLength: request.outputLength });
    this.outstanding.set(request.requestId, { ...request, subscription, parkedAsk: false });
    return { disposition: 'parked', subscriptionId: subscription.id };
  }

  /**
   * Finishes a dispatched call. Returns false, changing nothing, if the request is no longer
   * outstanding (it was cancelled while the call was being worked on: the late result is dropped).
   */
  completeCall(requestId: number, status: number, output: Uint8Array = new Uint8Array(0)): boolean {
    const request = this.outstanding.get(requestId);
    if (!request || request.subscription !== null || request.parkedAsk) return false;
    const success = isNtSuccess(status);
    if (success && output.byteLength > request.outputLength) {
      throw new RangeError(`DriverModel.completeCall: ${output.byteLength} bytes do not fit the ${request.outputLength}-byte output buffer of request ${requestId}`);
    }
    this.finish(request, status >>> 0, 'driver', success ? output : new Uint8Array(0));
    return true;
  }

  /** R4 (CancelIoEx): true if the request was outstanding and is now completed with STATUS_CANCELLED. */
  cancel(requestId: number): boolean {
    const request = this.outstanding.get(requestId);
    if (!request) return false; // already completed: ERROR_NOT_FOUND on Windows, nothing to do
    request.subscription?.unpark(requestId);
    // V6: a parked ask request holds no question, so cancelling it loses none.
    if (request.parkedAsk) this.verdicts.cancelAsk(requestId);
    this.finish(request, STATUS_CANCELLED, 'driver', new Uint8Array(0));
    return true;
  }

  /**
   * R5: the handle's outstanding requests are cancelled in submission order, its subscriptions and
   * rings are freed, and nothing of it remains. Other subscriptions are untouched. Then V6: the
   * questions delivered to it settle with the default, and so do the queued questions of a verdict
   * it leaves without deciders. False if the handle was not open.
   */
  closeHandle(handleId: number): boolean {
    const handle = this.handles.get(handleId);
    if (!handle) return false;
    const requestIds = [...this.outstanding.values()].filter((request) => request.handleId === handleId).map((request) => request.requestId);
    for (const requestId of requestIds) this.cancel(requestId);
    for (const subscription of handle.subscriptions.values()) {
      const list = this.subscriptionsByChannel.get(subscription.channel.name)!;
      list.splice(list.indexOf(subscription), 1);
      subscription.ring.clear();
    }
    this.verdicts.closeHandle(handleId);
    this.handles.delete(handleId);
    return true;
  }

  /**
   * The kernel raises a question (V1-V8): settled at once with the default, delivered to the
   * longest-parked ask request, or queued. The result settles exactly once; read
   * `settlement` or await `settled`.
   */
  ask(verdictName: string, question: Uint8Array, options: AskOptions = {}): VerdictAsk {
    return this.verdicts.ask(verdictName, question, options);
  }

  /** Moves the model's clock `ms` forward, settling every question whose deadline it reaches, at its deadline (V4). */
  advanceClock(ms: number): void {
    this.verdicts.advance(ms);
  }

  /** The model's clock: ms since it was created, as `advanceClock` moved it. */
  get clockMs(): number {
    return this.verdicts.clockMs;
  }

  /** The earliest deadline of an unsettled question, or undefined (for a runtime that must arm a timer). */
  nextVerdictDeadlineMs(): number | undefined {
    return this.verdicts.nextDeadlineMs();
  }

  /** VERDICT_INFO of each verdict in descriptor order: what protocol information v2 reports. */
  verdictInfos(): VerdictInfo[] {
    return this.verdicts.infos();
  }

  /** Every question's settlement so far, in order (a copy). */
  verdictTrace(): VerdictTraceEntry[] {
    return this.verdicts.trace();
  }

  /** R3: offers one event to every subscription of the channel, in creation order. */
  emit(channelName: string, kindId: number, payload: Uint8Array): ModelEmitOutcome[] {
    const channel = this.channels.channel(channelName);
    const kind = Object.values(channel.events).find((candidate) => candidate.id === kindId);
    if (!kind) throw new RangeError(`DriverModel.emit: channel ${channelName} has no event kind with id ${kindId}`);
    if (payload.byteLength !== kind.codec.size) throw new RangeError(`DriverModel.emit: ${kind.name} is ${kind.codec.size} bytes, got ${payload.byteLength}`);
    const ownPayload = payload.slice(); // the caller may reuse its buffer; the rings keep this copy
    const hold = this.channels.isStalled(channel.name);
    this.totals.eventsEmitted++;
    const outcomes: ModelEmitOutcome[] = [];
    for (const subscription of [...this.subscriptionsByChannel.get(channel.name)!]) {
      const result = subscription.offer(kindId, ownPayload, hold);
      this.totals.eventsOffered++;
      if (result.droppedSequence !== undefined) this.totals.eventsDropped++;
      let requestId: number | undefined;
      if (result.completion) {
        requestId = result.completion.request.requestId;
        this.totals.eventsDelivered += result.completion.recordCount;
        this.finish(this.outstanding.get(requestId)!, STATUS_SUCCESS, 'driver', result.completion.bytes);
      }
      outcomes.push({
        subscriptionId: subscription.id,
        handleId: subscription.handleId,
        outcome: result.outcome,
        sequence: result.sequence,
        ...(result.droppedSequence !== undefined ? { droppedSequence: result.droppedSequence } : {}),
        ...(requestId !== undefined ? { requestId } : {}),
      });
    }
    return outcomes;
  }

  /**
   * Test control: while a channel is stalled, nothing on it completes: events go to rings even
   * when requests are parked, and new requests park even when the ring holds events.
   */
  stall(channelName?: string): void {
    for (const name of this.channels.select(channelName)) this.channels.stall(name);
  }

  /** Ends a stall and completes parked requests from their rings (R2), oldest request first. */
  release(channelName?: string): void {
    for (const name of this.channels.select(channelName)) {
      if (!this.channels.unstall(name)) continue;
      for (const subscription of this.subscriptionsByChannel.get(name)!) {
        while (subscription.parked.length > 0 && !subscription.ring.isEmpty()) {
          const parked = subscription.parked.shift()!;
          const batch = subscription.takeBatch(parked.outputLength);
          this.totals.eventsDelivered += batch.recordCount;
          this.finish(this.outstanding.get(parked.requestId)!, STATUS_SUCCESS, 'driver', batch.bytes);
        }
      }
    }
  }

  /** Test control: ring capacity and policy for subscriptions created from now on. */
  setChannel(channelName: string, settings: ChannelSettings): void {
    this.channels.override(channelName, settings);
  }

  /** Test control: the next `times` requests with this code fail with `status` once past the access check. */
  injectFailure(code: number, status: number, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be an integer >= 1, got ${times}`);
    const queue = this.injected.get(code >>> 0) ?? [];
    queue.push({ status: status >>> 0, remaining: times });
    this.injected.set(code >>> 0, queue);
  }

  /** Every completion so far, in order (a copy). */
  trace(): TraceEntry[] {
    return [...this.completions];
  }

  state(): ModelState {
    const handles: HandleState[] = [...this.handles.values()].map((handle) => ({ handleId: handle.id, access: handle.access, owner: handle.owner }));
    const subscriptions: ModelSubscriptionState[] = [];
    for (const name of this.channels.names) {
      for (const subscription of this.subscriptionsByChannel.get(name)!) {
        subscriptions.push({
          subscriptionId: subscription.id,
          handleId: subscription.handleId,
          channel: name,
          parked: subscription.parked.length,
          ringFill: subscription.ring.size,
          capacity: subscription.ring.capacity,
          overflow: subscription.overflow,
          nextSequence: subscription.nextSequence,
          dropped: subscription.droppedTotal,
        });
      }
    }
    const channels: ChannelState[] = this.channels.configurations().map(({ name, capacity, overflow }) => ({ channel: name, capacity, overflow, stalled: this.channels.isStalled(name) }));
    return { handles, subscriptions, channels, verdicts: this.verdicts.state(), totals: { ...this.totals } };
  }

  /**
   * Would this subscribe request pass a limit of descriptor.limits? A new subscription must fit
   * under maxSubscriptions and maxRingBytes (capacity x maxRecordBytes per ring); a request that
   * will park must fit under the handle's maxParkedPerHandle, all channels and verdicts together.
   */
  private passesLimit(handle: ModelHandleRecord, channel: ChannelDescriptorV1, existing: Subscription | undefined, servedAtOnce: boolean): boolean {
    const { limits } = this.descriptor;
    if (existing === undefined) {
      let count = 0;
      let ringBytes = 0;
      for (const list of this.subscriptionsByChannel.values()) {
        for (const subscription of list) {
          count++;
          ringBytes += subscription.ring.capacity * subscription.channel.maxRecordBytes;
        }
      }
      const newRingBytes = this.channels.settingsOf(channel.name).capacity * channel.maxRecordBytes;
      if (count >= limits.maxSubscriptions || ringBytes + newRingBytes > limits.maxRingBytes) return true;
    }
    if (servedAtOnce) return false;
    return this.parkedOf(handle) >= limits.maxParkedPerHandle;
  }

  /** Requests of `handle` parked now: subscribe requests of every channel and ask requests of every verdict (maxParkedPerHandle). */
  private parkedOf(handle: ModelHandleRecord): number {
    let parked = this.verdicts.parkedAsksOf(handle.id);
    for (const subscription of handle.subscriptions.values()) parked += subscription.parked.length;
    return parked;
  }

  /** An ask request: no input, room for the header and the question (else refused at once, never parked). */
  private submitAsk(request: DriverRequest, verdict: VerdictDescriptorV1, inputLength: number): SubmitResult {
    if (inputLength !== 0) return this.completeNow(request, STATUS_INVALID_PARAMETER);
    if (request.outputLength < verdict.minimumOutputBytes) return this.completeNow(request, STATUS_BUFFER_TOO_SMALL);
    // One that would park must fit under maxParkedPerHandle, like a subscribe request (the handle
    // is a decider already: it has parked ask requests).
    const handle = this.handles.get(request.handleId);
    if (handle && this.verdicts.wouldPark(verdict.name) && this.parkedOf(handle) >= this.descriptor.limits.maxParkedPerHandle) return this.completeNow(request, STATUS_QUOTA_EXCEEDED);
    const question = this.verdicts.submitAsk(verdict.name, request.requestId, request.handleId);
    if (question) return this.completeNow(request, STATUS_SUCCESS, 'driver', question);
    this.outstanding.set(request.requestId, { ...request, subscription: null, parkedAsk: true });
    return { disposition: 'parked-ask', verdict: verdict.name };
  }

  /** A reply: input exactly the reply header and the answer, no output; then V5 decides its status. */
  private submitReply(request: DriverRequest, verdict: VerdictDescriptorV1, inputLength: number): SubmitResult {
    if (inputLength !== VERDICT_REPLY_HEADER_BYTES + verdict.answer.size || request.outputLength !== 0) return this.completeNow(request, STATUS_INVALID_PARAMETER);
    const { id, answer } = decodeVerdictReply(request.input!, verdict.answer.size);
    return this.completeNow(request, this.verdicts.reply(verdict.name, request.handleId, id, answer));
  }

  private createSubscription(handle: ModelHandleRecord, channel: ChannelDescriptorV1): Subscription {
    const { capacity, overflow } = this.channels.settingsOf(channel.name);
    const subscription = new Subscription(this.nextSubscriptionId++, handle.id, channel, capacity, overflow);
    handle.subscriptions.set(channel.name, subscription);
    this.subscriptionsByChannel.get(channel.name)!.push(subscription);
    return subscription;
  }

  private completeNow(request: DriverRequest, status: number, origin: TraceEntry['origin'] = 'driver', bytes: Uint8Array = new Uint8Array(0)): SubmitResult {
    this.finish(request, status, origin, bytes);
    return { disposition: 'completed', status };
  }

  private finish(request: DriverRequest, status: number, origin: TraceEntry['origin'], bytes: Uint8Array): void {
    this.outstanding.delete(request.requestId);
    const entry: TraceEntry = { index: this.completions.length, requestId: request.requestId, handleId: request.handleId, code: request.code >>> 0, status, bytes, origin };
    this.completions.push(entry);
    this.totals.completions++;
    if (status === STATUS_CANCELLED) this.totals.cancels++;
    this.options.onCompletion?.(entry);
  }

  private takeInjectedFailure(code: number): number | undefined {
    const queue = this.injected.get(code);
    const next = queue?.[0];
    if (!queue || !next) return undefined;
    if (--next.remaining === 0) queue.shift();
    return next.status;
  }
}
