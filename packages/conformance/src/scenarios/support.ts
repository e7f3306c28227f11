/**
 * What the scenarios share: raw subscribe requests and their batches read byte by byte, lookups in
 * the driver's state, and reading a client subscription with bounded waits (`within`), so that a
 * lost completion fails the scenario instead of stalling the run.
 */
import type { DeviceHandleV1, IoctlResult } from '@inverted-call/backend';
import { decodeBatch, kindsById, type LossNotice } from '@inverted-call/client';
import { BATCH_HEADER_BYTES, BatchHeaderCodec, type BatchHeader, type ChannelDescriptorV1 } from '@inverted-call/codec';
import { check, deviceError, equal, rejects, within } from '../assert.js';
import type { ScenarioContext } from '../context.js';
import { conformanceDevice } from '@inverted-call/conformance-device';
import type { DeviceDriverState, DeviceSubscriptionState } from '../device-target.js';
import { eventData, type ConformanceChannel } from '../target.js';

export const channels = conformanceDevice.channels;
export const calls = conformanceDevice.calls;

/** A raw subscribe request; by default with the smallest output buffer R1 accepts. */
export function subscribeRaw(handle: DeviceHandleV1, channel: ConformanceChannel, options: { outputLength?: number; signal?: AbortSignal } = {}): Promise<IoctlResult> {
  return subscribeChannel(handle, channels[channel], options);
}

/** A raw subscribe request on any device's channel; by default with the smallest output buffer R1 accepts. */
export function subscribeChannel(handle: DeviceHandleV1, channel: ChannelDescriptorV1, options: { outputLength?: number; signal?: AbortSignal } = {}): Promise<IoctlResult> {
  return handle.ioctl(channel.code, null, options.outputLength ?? channel.minimumOutputBytes, options.signal ? { signal: options.signal } : {});
}

export interface BatchRecord {
  sequence: bigint;
  kind: string;
  data: Record<string, unknown>;
}

export interface Batch extends BatchHeader {
  bytesReturned: number;
  records: BatchRecord[];
}

/** One completed subscribe request: the header through the codec, the records through the client's strict decoder. */
export function readBatch(result: IoctlResult, channel: ConformanceChannel): Batch {
  return readChannelBatch(result, channels[channel]);
}

/** `readBatch` for any device's channel. */
export function readChannelBatch(result: IoctlResult, channel: ChannelDescriptorV1): Batch {
  const { output } = result;
  equal(result.bytesReturned, output.byteLength, `subscribe ${channel.name}: bytesReturned against the output's length`);
  check(output.byteLength >= BATCH_HEADER_BYTES, `subscribe ${channel.name}: ${output.byteLength} bytes cannot hold a batch header`);
  const decoded = decodeBatch(output, channel, kindsById(channel));
  return {
    ...BatchHeaderCodec.decode(output),
    bytesReturned: result.bytesReturned,
    records: decoded.records as BatchRecord[],
  };
}

export const sequencesOf = (records: readonly { sequence: bigint }[]): bigint[] => records.map((record) => record.sequence);
export const tagsOf = (records: readonly { data: unknown }[]): bigint[] => records.map((record) => (record.data as { tag: bigint }).tag);

/** `count` consecutive numbers from `first`, as bigints (sequences and tags are u64). */
export function range(first: bigint | number, count: number): bigint[] {
  return Array.from({ length: count }, (_, index) => BigInt(first) + BigInt(index));
}

/** Checks records carry exactly these tags, with the data `eventData` derives from each. */
export function expectEvents(records: readonly { kind: string; data: unknown }[], kind: string, tags: readonly bigint[], what: string): void {
  equal(records.map((record) => ({ kind: record.kind, data: record.data })), tags.map((tag) => ({ kind, data: eventData(kind, tag) })), what);
}

export interface Watched<T> {
  readonly settled: boolean;
  readonly value: T | undefined;
  readonly error: unknown;
  /** Resolves with the value or rejects with the error, like the promise watched. */
  readonly done: Promise<T>;
}

/** Follows a promise without awaiting it; its rejection is recorded, so it is never unhandled. */
export function watch<T>(promise: Promise<T>): Watched<T> {
  const watched = { settled: false, value: undefined as T | undefined, error: undefined as unknown, done: promise };
  promise.then(
    (value) => Object.assign(watched, { settled: true, value }),
    (error: unknown) => Object.assign(watched, { settled: true, error }),
  );
  return watched;
}

/** Awaits a rejection and checks it is the DeviceError `code` (with `canceled` set exactly for a cancel). */
export async function expectDeviceError(promise: Promise<unknown>, code: string, what: string): Promise<{ code: string; errno: number; canceled: boolean }> {
  const error = await rejects(within(promise, what), what);
  deviceError(error, code, what);
  return error as { code: string; errno: number; canceled: boolean };
}

export function subscriptionsOf<Entry extends DeviceSubscriptionState>(state: { subscriptions: Entry[] }, process: string, channel?: string): Entry[] {
  return state.subscriptions.filter((entry) => entry.process === process && (channel === undefined || entry.channel === channel));
}

/** The one subscription of `process` on `channel`; fails if there is none or more than one. */
export function subscriptionOf<Entry extends DeviceSubscriptionState>(state: { subscriptions: Entry[] }, process: string, channel: string): Entry {
  const found = subscriptionsOf(state, process, channel);
  equal(found.length, 1, `subscriptions of ${process} on ${channel}`);
  return found[0]!;
}

export function parkedOf(state: DeviceDriverState, process: string): number {
  return subscriptionsOf(state, process).reduce((sum, entry) => sum + entry.parked, 0);
}

export type Item = { type: 'event'; kind: string; data: unknown; sequence: bigint } | LossNotice;

/** The next `count` items of a client subscription (events and loss notices alike). */
export async function takeItems(subscription: AsyncIterator<unknown>, count: number, what: string): Promise<Item[]> {
  const items: Item[] = [];
  while (items.length < count) {
    const next = await within(subscription.next(), `${what}: item ${items.length + 1} of ${count}`);
    check(!next.done, `${what}: the subscription ended after ${items.length} of ${count} items`);
    items.push(next.value as Item);
  }
  return items;
}

export const eventsIn = (items: readonly Item[]) => items.filter((item): item is Extract<Item, { type: 'event' }> => item.type === 'event');
export const lossesIn = (items: readonly Item[]) => items.filter((item): item is LossNotice => item.type === 'loss');

/**
 * Creates `handle`'s subscription on `channel` and leaves it with an empty ring and nothing parked:
 * one request, completed by one event, which took sequence 0. Other subscriptions of the channel
 * see that event too.
 */
export async function primeSubscription(context: ScenarioContext, handle: DeviceHandleV1, channel: ConformanceChannel): Promise<void> {
  const first = subscribeRaw(handle, channel);
  await context.settle();
  await context.emit(channel, 1);
  const batch = readBatch(await within(first, `priming ${channel}: the first request`), channel);
  equal(sequencesOf(batch.records), [0n], `priming ${channel}: sequences of the first batch`);
}
