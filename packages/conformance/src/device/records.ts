/**
 * Reading a device's events back, request by request, and holding them to what was emitted: the
 * kind and data of each, and sequence numbers that run on without a gap.
 */
import type { DeviceHandleV1, IoctlResult } from '@inverted-call/backend';
import { BATCH_FLAG_RING_EMPTY, type ChannelDescriptorV1 } from '@inverted-call/codec';
import { check, equal, within } from '../assert.js';
import { range, readChannelBatch, subscribeChannel, type Batch, type BatchRecord } from '../scenarios/support.js';
import type { SampleEvent } from './context.js';

/**
 * The records of `first` (a request already sent) and of as many further requests as it takes to
 * hold `count` records; each of those finds events waiting, so it completes at once.
 */
export async function collectRecords(handle: DeviceHandleV1, channel: ChannelDescriptorV1, first: Promise<IoctlResult>, count: number, what: string): Promise<BatchRecord[]> {
  const records = [...readChannelBatch(await within(first, `${what}: the first request`), channel).records];
  while (records.length < count) {
    const batch = readChannelBatch(await within(subscribeChannel(handle, channel, { outputLength: channel.batchBytes }), `${what}: a request after ${records.length} of ${count} records`), channel);
    check(batch.records.length > 0, `${what}: a request completed with no record after ${records.length} of ${count}`);
    records.push(...batch.records);
  }
  equal(records.length, count, `${what}: records`);
  return records;
}

/** Requests with room for a whole batch until one comes back with RING_EMPTY set; returns every batch. */
export async function drainRing(handle: DeviceHandleV1, channel: ChannelDescriptorV1, what: string): Promise<Batch[]> {
  const batches: Batch[] = [];
  // Each request takes one record at least, so a ring of `capacity` drains in as many requests at most.
  for (let request = 0; request <= channel.capacity; request++) {
    const batch = readChannelBatch(await within(subscribeChannel(handle, channel, { outputLength: channel.batchBytes }), `${what}: request ${request + 1}`), channel);
    batches.push(batch);
    if (batch.flags & BATCH_FLAG_RING_EMPTY) return batches;
  }
  throw new Error(`${what}: the ring was still not empty after ${channel.capacity + 1} requests`);
}

/** Checks records are exactly these events, in order, numbered from `firstSequence` on. */
export function expectRecords(records: readonly BatchRecord[], events: readonly SampleEvent[], firstSequence: bigint, what: string): void {
  equal(records.map((record) => record.sequence), range(firstSequence, events.length), `${what}: sequences`);
  equal(records.map(({ kind, data }) => ({ kind, data })), events.map(({ kind, data }) => ({ kind, data })), `${what}: kinds and data`);
}
