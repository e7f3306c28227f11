/**
 * The oracle of the model-based test: rules R1-R5 of DESIGN.md section 4 written a second time,
 * as plainly as possible (arrays and numbers, no bytes, no ids chosen by the simulator), so the
 * simulator is checked against an independent reading of the protocol instead of against itself.
 * It predicts what every request will complete with and what every emitted event does at every
 * subscription; the test compares those predictions with what the simulator's clients receive.
 */
import type { Win32ErrorName } from '@inverted-call/backend';
import { conformanceDevice as device } from '@inverted-call/conformance-device';

export type ChannelName = 'Events' | 'Latest';
export type KindName = 'Small' | 'Large';
export type AccessName = 'read' | 'write' | 'read-write';
export type Overflow = 'drop-newest' | 'drop-oldest';

export const CHANNEL_NAMES: readonly ChannelName[] = ['Events', 'Latest'];
export const PROCESS_SLOTS = 3;
const BATCH_HEADER = 24;

/** Bytes one record of `kind` takes in a batch of `channel` (header and payload, 8-aligned). */
export function recordSize(channel: ChannelName, kind: KindName): number {
  const events = device.channels[channel].events as Record<string, { recordBytes: number } | undefined>;
  return events[kind]!.recordBytes;
}

/** The kinds a channel carries; a burst asking for another kind on it sends Small instead. */
export function kindOn(channel: ChannelName, kind: KindName): KindName {
  return channel === 'Latest' ? 'Small' : kind;
}

export interface OracleRecord {
  readonly sequence: number;
  readonly kind: KindName;
  readonly tag: bigint;
}

export type Expected =
  | { readonly status: 'parked' }
  /** `ringEmpty`: the subscription's ring held nothing once the batch was filled (the RING_EMPTY flag). */
  | { readonly status: 'ok'; readonly records: readonly OracleRecord[]; readonly droppedTotal: number; readonly ringEmpty: boolean }
  | { readonly status: 'error'; readonly code: Win32ErrorName };

export interface OracleHandle {
  /** Position in `Oracle.handles`; the test keeps the real handle at the same position. */
  readonly index: number;
  readonly slot: number;
  readonly processName: string;
  readonly access: AccessName;
  readonly handleId: number;
  open: boolean;
  readonly subscriptions: Map<ChannelName, OracleSubscription>;
}

export interface OracleRequest {
  readonly index: number;
  readonly handle: OracleHandle;
  readonly channel: ChannelName;
  readonly outputLength: number;
  /** False when the handle was already closed: the I/O manager refuses it, the driver never sees it. */
  readonly sent: boolean;
  expected: Expected;
}

export interface OracleSubscription {
  readonly handle: OracleHandle;
  readonly channel: ChannelName;
  readonly capacity: number;
  readonly overflow: Overflow;
  readonly ring: OracleRecord[];
  readonly parked: OracleRequest[];
  nextSequence: number;
  dropped: number;
  /** The highest sequence dropped so far, -1 before any drop. */
  lastDropped: number;
}

/** What one event does at one subscription, keyed by the handle it belongs to. */
export interface PredictedOffer {
  readonly handleId: number;
  readonly outcome: 'completed' | 'queued' | 'dropped' | 'replaced-oldest';
  readonly sequence: number;
  readonly droppedSequence?: number;
}

export interface OracleTotals {
  offered: number;
  delivered: number;
  dropped: number;
  cancels: number;
}

export class Oracle {
  readonly processes = Array.from({ length: PROCESS_SLOTS }, (_, slot) => ({ name: `p${slot}`, generation: 0, crashed: false }));
  readonly handles: OracleHandle[] = [];
  readonly requests: OracleRequest[] = [];
  readonly channels: Record<ChannelName, { capacity: number; overflow: Overflow; stalled: boolean }> = {
    Events: { capacity: device.channels.Events.capacity, overflow: device.channels.Events.overflow, stalled: false },
    Latest: { capacity: device.channels.Latest.capacity, overflow: device.channels.Latest.overflow, stalled: false },
  };
  /** Live subscriptions of each channel in creation order: the order an event visits them. */
  readonly live: Record<ChannelName, OracleSubscription[]> = { Events: [], Latest: [] };
  readonly totals: OracleTotals = { offered: 0, delivered: 0, dropped: 0, cancels: 0 };
  /** How often each interesting situation came up, so the test can show that its runs reach them. */
  readonly coverage = new Map<string, number>();
  private nextTag = 1n;

  /** A crashed process cannot open anything; the test starts a new process in its slot. */
  respawn(slot: number): string {
    const process = this.processes[slot]!;
    process.generation++;
    process.crashed = false;
    process.name = `p${slot}.${process.generation}`;
    this.count('open after a crash');
    return process.name;
  }

  open(slot: number, access: AccessName, handleId: number): OracleHandle {
    const handle: OracleHandle = { index: this.handles.length, slot, processName: this.processes[slot]!.name, access, handleId, open: true, subscriptions: new Map() };
    this.handles.push(handle);
    return handle;
  }

  /** A subscribe request: the I/O manager's checks, then R1, then R2 or parking. */
  subscribe(handle: OracleHandle, channel: ChannelName, outputLength: number): OracleRequest {
    const request: OracleRequest = { index: this.requests.length, handle, channel, outputLength, sent: handle.open, expected: { status: 'parked' } };
    this.requests.push(request);
    const descriptor = device.channels[channel];
    if (!handle.open) request.expected = { status: 'error', code: 'ERROR_INVALID_HANDLE' };
    else if (handle.access === 'write') request.expected = { status: 'error', code: 'ERROR_ACCESS_DENIED' };
    else if (outputLength < descriptor.minimumOutputBytes) request.expected = { status: 'error', code: 'ERROR_INSUFFICIENT_BUFFER' };
    else {
      if (this.channels[channel].stalled) this.count('subscribe while stalled');
      let subscription = handle.subscriptions.get(channel);
      if (!subscription) {
        const { capacity, overflow } = this.channels[channel];
        subscription = { handle, channel, capacity, overflow, ring: [], parked: [], nextSequence: 0, dropped: 0, lastDropped: -1 };
        handle.subscriptions.set(channel, subscription);
        this.live[channel].push(subscription);
      }
      if (subscription.ring.length > 0 && !this.channels[channel].stalled) this.completeFromRing(subscription, request);
      else subscription.parked.push(request);
    }
    return request;
  }

  /** R3: one event visits every live subscription of its channel. */
  emit(channel: ChannelName, kind: KindName): { tag: bigint; offers: PredictedOffer[] } {
    const tag = this.nextTag++;
    const offers: PredictedOffer[] = [];
    for (const subscription of [...this.live[channel]]) {
      const record: OracleRecord = { sequence: subscription.nextSequence++, kind, tag };
      const handleId = subscription.handle.handleId;
      this.totals.offered++;
      if (!this.channels[channel].stalled && subscription.parked.length > 0 && subscription.ring.length === 0) {
        const request = subscription.parked.shift()!;
        // The event skips the ring, which was empty and stays so.
        request.expected = { status: 'ok', records: [record], droppedTotal: subscription.dropped, ringEmpty: true };
        this.totals.delivered++;
        offers.push({ handleId, outcome: 'completed', sequence: record.sequence });
      } else if (subscription.ring.length < subscription.capacity) {
        subscription.ring.push(record);
        offers.push({ handleId, outcome: 'queued', sequence: record.sequence });
      } else {
        subscription.dropped++;
        this.totals.dropped++;
        this.count(subscription.overflow);
        if (subscription.overflow === 'drop-newest') {
          subscription.lastDropped = record.sequence;
          offers.push({ handleId, outcome: 'dropped', sequence: record.sequence, droppedSequence: record.sequence });
        } else {
          const evicted = subscription.ring.shift()!;
          subscription.lastDropped = evicted.sequence;
          subscription.ring.push(record);
          offers.push({ handleId, outcome: 'replaced-oldest', sequence: record.sequence, droppedSequence: evicted.sequence });
        }
      }
    }
    return { tag, offers };
  }

  /** R4: true when the request was parked and is now cancelled; a completed one keeps its result. */
  cancel(request: OracleRequest, reason = 'cancel of a parked request'): boolean {
    if (request.expected.status !== 'parked') return false;
    this.count(reason);
    const subscription = request.handle.subscriptions.get(request.channel)!;
    subscription.parked.splice(subscription.parked.indexOf(request), 1);
    request.expected = { status: 'error', code: 'ERROR_OPERATION_ABORTED' };
    this.totals.cancels++;
    return true;
  }

  /** R5: parked requests cancelled, subscriptions and rings freed; a second close changes nothing. */
  close(handle: OracleHandle): void {
    if (!handle.open) return;
    handle.open = false;
    for (const subscription of handle.subscriptions.values()) {
      for (const request of [...subscription.parked]) this.cancel(request, 'close with a parked request');
      if (subscription.ring.length > 0) this.count('close with events in the ring');
      const list = this.live[subscription.channel];
      list.splice(list.indexOf(subscription), 1);
    }
  }

  crash(slot: number): void {
    this.processes[slot]!.crashed = true;
    for (const handle of this.handles) if (handle.slot === slot && handle.open) this.close(handle);
  }

  stall(channel: ChannelName | undefined): void {
    for (const name of channel ? [channel] : CHANNEL_NAMES) this.channels[name].stalled = true;
  }

  /** Ends a stall: each subscription's parked requests, oldest first, take batches while its ring has events. */
  release(channel: ChannelName | undefined): void {
    for (const name of channel ? [channel] : CHANNEL_NAMES) {
      if (!this.channels[name].stalled) continue;
      this.channels[name].stalled = false;
      for (const subscription of this.live[name]) {
        while (subscription.parked.length > 0 && subscription.ring.length > 0) {
          this.count('completion by release');
          this.completeFromRing(subscription, subscription.parked.shift()!);
        }
      }
    }
  }

  setChannel(channel: ChannelName, capacity: number | undefined, overflow: Overflow | undefined): void {
    if (capacity !== undefined) this.channels[channel].capacity = capacity;
    if (overflow !== undefined) this.channels[channel].overflow = overflow;
  }

  count(situation: string): void {
    this.coverage.set(situation, (this.coverage.get(situation) ?? 0) + 1);
  }

  /** R2: as many whole records, oldest first, as fit in the request's buffer. */
  private completeFromRing(subscription: OracleSubscription, request: OracleRequest): void {
    const records: OracleRecord[] = [];
    let used = BATCH_HEADER;
    while (subscription.ring.length > 0 && used + recordSize(subscription.channel, subscription.ring[0]!.kind) <= request.outputLength) {
      used += recordSize(subscription.channel, subscription.ring[0]!.kind);
      records.push(subscription.ring.shift()!);
    }
    this.totals.delivered += records.length;
    if (records.length > 1) this.count('batch of several records');
    const ringEmpty = subscription.ring.length === 0;
    this.count(ringEmpty ? 'batch emptying the ring' : 'batch leaving events in the ring');
    if (ringEmpty && subscription.lastDropped > records.at(-1)!.sequence) this.count('batch emptying the ring before trailing drops');
    request.expected = { status: 'ok', records, droppedTotal: subscription.dropped, ringEmpty };
  }
}
