/**
 * R1-R5 on each channel of any device: refused subscribe requests, delivery in order with exact
 * data, overflow counted exactly, cancel, close, two subscribers, and a client re-subscribing.
 * Small on purpose: a real driver behind a bridge takes milliseconds per request.
 */
import type { ChannelDescriptorV1, DeviceDescriptorV1 } from '@inverted-call/codec';
import { equal, within } from '../assert.js';
import { eventsIn, expectDeviceError, lossesIn, parkedOf, readChannelBatch, subscribeChannel, subscriptionOf, subscriptionsOf, takeItems, watch } from '../scenarios/support.js';
import { collectRecords, drainRing, expectRecords } from './records.js';
import { deviceScenario, type DeviceScenario } from './scenario.js';

/** Events past capacity in the overflow scenario: more than one, so that a count of one is not taken for "some". */
const OVERFLOW_EXTRA = 2;

/** Events one scenario sends to a ring: every kind once at least (where the ring holds them), never past capacity. */
function deliveryCount(channel: ChannelDescriptorV1): number {
  return Math.min(channel.capacity, Math.max(3, Object.keys(channel.events).length));
}

/** The subscription fields a scenario checks, without the process and channel it already knows. */
function countsOf(entry: { parked: number; ringFill: number; dropped: bigint; nextSequence: bigint }) {
  return { parked: entry.parked, ringFill: entry.ringFill, dropped: entry.dropped, nextSequence: entry.nextSequence };
}

function channelScenarios(descriptor: DeviceDescriptorV1, channel: ChannelDescriptorV1): DeviceScenario[] {
  const name = channel.name;
  const scenarios = [
    deviceScenario('R1', `${name}: a subscribe buffer one byte short of the minimum, or with an input buffer, is refused and never parked`, async (context) => {
      const handle = await context.raw();
      await expectDeviceError(subscribeChannel(handle, channel, { outputLength: channel.minimumOutputBytes - 1 }), 'ERROR_INSUFFICIENT_BUFFER', `subscribe ${name} into ${channel.minimumOutputBytes - 1} bytes`);
      await expectDeviceError(handle.ioctl(channel.code, new Uint8Array(4), channel.batchBytes), 'ERROR_INVALID_PARAMETER', `subscribe ${name} with 4 bytes in`);
      await context.settle();
      equal(parkedOf(await context.state(), 'client'), 0, `requests parked on ${name}`);
    }),

    deviceScenario('R3', `${name}: events reach a subscriber in order, every kind with its exact data, numbered from 0 without a gap`, async (context) => {
      const handle = await context.raw();
      const first = subscribeChannel(handle, channel, { outputLength: channel.batchBytes });
      await context.settle();
      equal(countsOf(subscriptionOf(await context.state(), 'client', name)), { parked: 1, ringFill: 0, dropped: 0n, nextSequence: 0n }, 'a new subscription with one request parked');
      const events = context.sampleEvents(channel, deliveryCount(channel));
      await context.emitEach(channel, events);
      // The first event completed the parked request; the rest wait in the ring.
      equal(countsOf(subscriptionOf(await context.state(), 'client', name)), { parked: 0, ringFill: events.length - 1, dropped: 0n, nextSequence: BigInt(events.length) }, `the subscription after ${events.length} events`);
      const records = await collectRecords(handle, channel, first, events.length, `${name} events`);
      expectRecords(records, events, 0n, `${name} events`);
      equal(countsOf(subscriptionOf(await context.state(), 'client', name)), { parked: 0, ringFill: 0, dropped: 0n, nextSequence: BigInt(events.length) }, 'the subscription after delivery');
    }),

    deviceScenario('R3', `${name} (${channel.overflow}, capacity ${channel.capacity}): ${OVERFLOW_EXTRA} events past a full ring are dropped and counted exactly, in the driver's state and in the batches`, async (context) => {
      const handle = await context.raw();
      // One request and one event make the subscription, and leave its ring empty at sequence 1.
      const first = subscribeChannel(handle, channel);
      await context.settle();
      const opener = await context.emitRepeated(channel, 1);
      expectRecords(readChannelBatch(await within(first, `${name}: the first request`), channel).records, [opener], 0n, `${name}: the first batch`);
      const emitted = channel.capacity + OVERFLOW_EXTRA;
      const burst = await context.emitRepeated(channel, emitted);
      const lastSequence = BigInt(emitted);
      equal(countsOf(subscriptionOf(await context.state(), 'client', name)), { parked: 0, ringFill: channel.capacity, dropped: BigInt(OVERFLOW_EXTRA), nextSequence: lastSequence + 1n }, `the subscription after ${emitted} events with no request`);
      const batches = await drainRing(handle, channel, `${name}: draining the ring`);
      for (const batch of batches) equal(batch.droppedTotal, BigInt(OVERFLOW_EXTRA), `${name}: DroppedTotal of each batch`);
      const records = batches.flatMap((batch) => batch.records);
      // drop-newest keeps the first `capacity` events of the burst, drop-oldest the last.
      const firstKept = channel.overflow === 'drop-newest' ? 1n : 1n + BigInt(OVERFLOW_EXTRA);
      expectRecords(records, Array(channel.capacity).fill(burst), firstKept, `${name}: the events kept`);
      equal(countsOf(subscriptionOf(await context.state(), 'client', name)), { parked: 0, ringFill: 0, dropped: BigInt(OVERFLOW_EXTRA), nextSequence: lastSequence + 1n }, 'the subscription after draining');
    }),

    deviceScenario('R4', `${name}: a cancelled subscribe request fails with ERROR_OPERATION_ABORTED, leaves nothing parked, and the next event waits for the next request`, async (context) => {
      const handle = await context.raw();
      const controller = new AbortController();
      const request = subscribeChannel(handle, channel, { signal: controller.signal });
      await context.settle();
      equal(subscriptionOf(await context.state(), 'client', name).parked, 1, 'requests parked before the cancel');
      controller.abort();
      await expectDeviceError(request, 'ERROR_OPERATION_ABORTED', 'the cancelled request');
      await context.settle();
      equal(countsOf(subscriptionOf(await context.state(), 'client', name)), { parked: 0, ringFill: 0, dropped: 0n, nextSequence: 0n }, 'the subscription after the cancel');
      const event = await context.emitRepeated(channel, 1);
      const batch = readChannelBatch(await within(subscribeChannel(handle, channel), 'the request after the cancel'), channel);
      expectRecords(batch.records, [event], 0n, 'the event after the cancel');
    }),

    deviceScenario('R5', `${name}: closing a handle cancels its parked requests and frees its subscription`, async (context) => {
      const baseline = (await context.state()).openHandles;
      const handle = await context.raw();
      const parked = Math.min(2, descriptor.limits.maxParkedPerHandle);
      const requests = Array.from({ length: parked }, () => watch(subscribeChannel(handle, channel)));
      await context.settle();
      const before = await context.state();
      equal({ openHandles: before.openHandles, parked: subscriptionOf(before, 'client', name).parked }, { openHandles: baseline + 1, parked }, 'the handle before closing');
      await within(handle.close(), 'closing the handle');
      for (const [index, request] of requests.entries()) await expectDeviceError(request.done, 'ERROR_OPERATION_ABORTED', `parked request ${index + 1} of the closed handle`);
      await context.settle();
      const after = await context.state();
      equal({ openHandles: after.openHandles, subscriptions: subscriptionsOf(after, 'client') }, { openHandles: baseline, subscriptions: [] }, 'the driver after the close');
    }),

    deviceScenario('client', `${name}: a client that breaks off a subscription and subscribes again on the same handle sees no false loss and no repeat`, async (context) => {
      const device = await context.client();
      const subscribe = device.subscribe[name]!;
      const first = subscribe();
      await within(first.ready, 'the first subscription ready');
      const early = context.sampleEvents(channel, 2);
      await context.emitEach(channel, early);
      const taken = await takeItems(first, 2, 'the first subscription');
      await first.return?.();
      const second = subscribe();
      await within(second.ready, 'the second subscription ready');
      const late = context.sampleEvents(channel, 2);
      await context.emitEach(channel, late);
      const items = [...taken, ...(await takeItems(second, 2, 'the second subscription'))];
      equal(lossesIn(items), [], 'loss notices');
      const events = eventsIn(items);
      equal(events.map(({ kind, data, sequence }) => ({ kind, data, sequence })), [...early, ...late].map(({ kind, data }, index) => ({ kind, data, sequence: BigInt(index) })), 'events of both subscriptions');
      equal(subscriptionOf(await context.state(), 'client', name).dropped, 0n, 'drops at the driver');
    }),
  ];
  if (twoSubscriptionsFit(descriptor, channel)) {
    scenarios.push(
      deviceScenario('R3', `${name}: two subscribers in two processes each get every event, numbered by their own subscription`, async (context) => {
        const handles = [await context.raw('client'), await context.raw('second')];
        const requests = handles.map((handle) => subscribeChannel(handle, channel, { outputLength: channel.batchBytes }));
        await context.settle();
        const events = context.sampleEvents(channel, deliveryCount(channel));
        await context.emitEach(channel, events);
        for (const [index, handle] of handles.entries()) {
          const records = await collectRecords(handle, channel, requests[index]!, events.length, `${name} events of subscriber ${index + 1}`);
          expectRecords(records, events, 0n, `${name} events of subscriber ${index + 1}`);
        }
        const state = await context.state();
        for (const process of ['client', 'second']) {
          equal(countsOf(subscriptionOf(state, process, name)), { parked: 0, ringFill: 0, dropped: 0n, nextSequence: BigInt(events.length) }, `the subscription of ${process}`);
        }
      }),
    );
  }
  return scenarios;
}

/** Whether the device's limits let two subscriptions of this channel exist at once (R3's fan-out needs two). */
function twoSubscriptionsFit(descriptor: DeviceDescriptorV1, channel: ChannelDescriptorV1): boolean {
  const { maxSubscriptions, maxRingBytes } = descriptor.limits;
  return maxSubscriptions >= 2 && 2 * channel.capacity * channel.maxRecordBytes <= maxRingBytes;
}

export function allChannelScenarios(descriptor: DeviceDescriptorV1): DeviceScenario[] {
  return Object.values(descriptor.channels).flatMap((channel) => channelScenarios(descriptor, channel));
}
