/**
 * The client runtime over a real backend (DESIGN.md section 5): requests kept in flight, re-posting
 * before delivering, cancellation of exactly one call, close waiting for everything, and errors.
 */
import { DeviceError } from '@inverted-call/backend';
import { check, equal, rejects, within } from '../assert.js';
import { scenario } from '../scenario.js';
import { eventData } from '../target.js';
import { calls, eventsIn, expectDeviceError, lossesIn, range, sequencesOf, subscriptionOf, subscriptionsOf, takeItems, watch } from './support.js';

export const clientScenarios = [
  scenario('client', 'a subscription keeps depth requests in flight, and the driver holds exactly that many parked', async (context) => {
    const device = await context.client();
    const events = device.subscribe.Events({ depth: 3 });
    const latest = device.subscribe.Latest({ depth: 1 });
    await context.settle();
    equal([events.stats.inFlight, latest.stats.inFlight], [3, 1], 'requests in flight per the client');
    const state = await context.state();
    equal([subscriptionOf(state, 'client', 'Events').parked, subscriptionOf(state, 'client', 'Latest').parked], [3, 1], 'requests parked per the driver');
  }),

  scenario('client', 'the client re-posts before delivering: with an event waiting for the consumer, depth requests are parked again', async (context) => {
    const subscription = (await context.client()).subscribe.Events({ depth: 2 });
    await context.settle();
    const tags = await context.emit('Events', 1);
    // Nobody is reading: the re-post must come from the completion itself, not from a next() call.
    await context.settle();
    equal({ inFlight: subscription.stats.inFlight, buffered: subscription.stats.buffered }, { inFlight: 2, buffered: 1 }, 'client with an event not yet taken');
    equal(subscriptionOf(await context.state(), 'client', 'Events').parked, 2, 'requests parked while the event waits for the consumer');
    const [item] = await takeItems(subscription, 1, 'the event');
    equal(item, { type: 'event', kind: 'Small', data: eventData('Small', tags[0]!), sequence: 0n }, 'the event');
    equal(subscription.stats.inFlight, 2, 'requests in flight once the event is taken');
  }),

  scenario('client', 'events arrive with the kind, data and sequence they were emitted with, Small and Large alike', async (context) => {
    const subscription = (await context.client()).subscribe.Events();
    await context.settle();
    const emitted = [
      ...(await context.emit('Events', 2, 'Small')).map((tag) => ['Small', tag] as const),
      ...(await context.emit('Events', 1, 'Large')).map((tag) => ['Large', tag] as const),
      ...(await context.emit('Events', 1, 'Small')).map((tag) => ['Small', tag] as const),
    ];
    const items = await takeItems(subscription, 4, 'four events');
    equal(items, emitted.map(([kind, tag], index) => ({ type: 'event', kind, data: eventData(kind, tag), sequence: BigInt(index) })), 'items');
    equal(subscription.stats.delivered, 4, 'stats.delivered');
  }),

  scenario('client', 'bursts no larger than depth plus ring capacity lose nothing over many batches', async (context) => {
    const subscription = (await context.client()).subscribe.Events({ depth: 4 });
    await context.settle();
    const tags: bigint[] = [];
    for (let burst = 0; burst < 5; burst++) {
      tags.push(...(await context.emit('Events', 12)));
      await context.settle();
    }
    const items = await takeItems(subscription, 60, 'sixty events');
    equal(lossesIn(items), [], 'loss notices');
    equal(sequencesOf(eventsIn(items)), range(0, 60), 'sequences');
    equal(eventsIn(items).map((item) => (item.data as { tag: bigint }).tag), tags, 'tags');
    equal(subscriptionOf(await context.state(), 'client', 'Events').dropped, 0n, 'drops at the driver');
  }),

  scenario('client', 'a call whose signal is aborted is cancelled alone: the calls sent with it succeed', async (context) => {
    const device = await context.client();
    const inputs = [1, 2, 3].map((value) => ({ value, text: `call ${value}` }));
    const results = inputs.map((input, index) => watch(device.call.Echo(input, index === 1 ? { signal: AbortSignal.abort() } : {})));
    const error = await expectDeviceError(results[1]!.done, 'ERROR_OPERATION_ABORTED', 'the aborted call');
    equal(error.errno, 995, 'Win32 error number');
    equal([await within(results[0]!.done, 'call 1'), await within(results[2]!.done, 'call 3')], [inputs[0], inputs[2]], 'the other calls');
    equal(await device.call.Ping(), undefined, 'a call afterwards');
  }),

  scenario('client', "aborting a call's signal after it completed leaves its result", async (context) => {
    const device = await context.client();
    const controller = new AbortController();
    const result = device.call.Echo({ value: 42, text: 'kept' }, { signal: controller.signal });
    await context.settle();
    controller.abort();
    equal(await within(result, 'the call'), { value: 42, text: 'kept' }, 'the result');
  }),

  scenario('client', 'close() cancels everything and waits for every completion: nothing in flight, iterators done, later calls refused', async (context) => {
    const baseline = (await context.state()).openHandles;
    const device = await context.client('closing');
    const events = device.subscribe.Events({ depth: 3 });
    const latest = device.subscribe.Latest({ depth: 2 });
    await context.settle();
    const waiting = watch(events.next());
    await within(device.close(), 'close');
    equal([events.stats.inFlight, latest.stats.inFlight], [0, 0], 'requests in flight when close resolved');
    equal(await within(waiting.done, 'the waiting next()'), { done: true, value: undefined }, 'the waiting next()');
    equal((await within(latest.next(), 'next() after close')).done, true, 'next() after close is done');
    await context.settle();
    const state = await context.state();
    equal(subscriptionsOf(state, 'closing'), [], 'subscriptions after close');
    equal(state.openHandles, baseline, 'open handles after close');
    await expectDeviceError(device.call.Ping(), 'ERROR_INVALID_HANDLE', 'a call after close');
    // A subscription's errors arrive through its iterator, like a call's through its promise.
    await expectDeviceError(device.subscribe.Events().next(), 'ERROR_INVALID_HANDLE', 'subscribe after close');
  }),

  scenario('client', '`await using` closes the device and its subscriptions at the end of the scope', async (context) => {
    const baseline = (await context.state()).openHandles;
    let events;
    {
      await using device = await context.client('scoped');
      events = device.subscribe.Events({ depth: 2 });
      await context.settle();
      equal(subscriptionOf(await context.state(), 'scoped', 'Events').parked, 2, 'requests parked inside the scope');
    }
    equal(events.stats.inFlight, 0, 'requests in flight after the scope');
    await context.settle();
    const state = await context.state();
    equal(subscriptionsOf(state, 'scoped'), [], 'subscriptions after the scope');
    equal(state.openHandles, baseline, 'open handles after the scope');
  }),

  scenario('client', 'closing one subscription cancels its requests and leaves the device and its other subscriptions working', async (context) => {
    const device = await context.client();
    const events = device.subscribe.Events({ depth: 2 });
    const latest = device.subscribe.Latest({ depth: 2 });
    await context.settle();
    await within(events.close(), 'closing the Events subscription');
    equal(events.stats.inFlight, 0, 'Events requests in flight after its close');
    await context.settle();
    const state = await context.state();
    equal([subscriptionOf(state, 'client', 'Events').parked, subscriptionOf(state, 'client', 'Latest').parked], [0, 2], 'requests parked per channel');
    await device.call.Ping();
    const tags = await context.emit('Latest', 1);
    equal(eventsIn(await takeItems(latest, 1, 'Latest')).map((item) => (item.data as { tag: bigint }).tag), tags, 'Latest still receives');
  }),

  scenario('client', 'every failure is a DeviceError with the Win32 name and number a Windows client sees', async (context) => {
    const readOnly = await context.client('reader', { access: 'read' });
    const denied = await rejects(readOnly.call.WriteCounter({ value: 1n }), 'WriteCounter on a read-only client');
    check(denied instanceof DeviceError, `expected a DeviceError instance, got ${String(denied)}`);
    equal({ code: denied.code, errno: denied.errno, canceled: denied.canceled }, { code: 'ERROR_ACCESS_DENIED', errno: 5, canceled: false }, 'access denied');
    const handle = await context.raw();
    const table: [string, Promise<unknown>, string, number][] = [
      ['unknown code', handle.ioctl(0x9c001ffc, null, 0), 'ERROR_INVALID_FUNCTION', 1],
      ['short input', handle.ioctl(calls.Echo.code, new Uint8Array(1), 36), 'ERROR_INVALID_PARAMETER', 87],
      ['small output', handle.ioctl(calls.ReadCounter.code, null, 1), 'ERROR_INSUFFICIENT_BUFFER', 122],
      ['cancelled', handle.ioctl(calls.Ping.code, null, 0, { signal: AbortSignal.abort() }), 'ERROR_OPERATION_ABORTED', 995],
    ];
    for (const [what, promise, code, errno] of table) {
      const error = await rejects(promise, what);
      check(error instanceof DeviceError, `${what}: expected a DeviceError instance, got ${String(error)}`);
      equal({ code: error.code, errno: error.errno, canceled: error.canceled }, { code, errno, canceled: code === 'ERROR_OPERATION_ABORTED' }, what);
    }
  }),

  scenario('client', 'a subscription the handle may not make fails its iterator with ERROR_ACCESS_DENIED and leaves nothing at the driver', async (context) => {
    const subscription = (await context.client('reader', { access: 'read' })).subscribe.Audit();
    await expectDeviceError(within(subscription.next(), 'next() on a denied subscription'), 'ERROR_ACCESS_DENIED', 'the iterator');
    await context.settle();
    equal(subscriptionsOf(await context.state(), 'reader'), [], 'subscriptions at the driver');
  }),

  scenario('client', 'subscribe options below the protocol minimum are refused before any request is sent, through the iterator and ready', async (context) => {
    const device = await context.client();
    const minimum = context.descriptor.channels.Events.minimumOutputBytes;
    for (const options of [{ batchBytes: minimum - 1 }, { depth: 0 }, { highWaterMark: 0 }]) {
      const subscription = device.subscribe.Events(options);
      const fromReady = await rejects(within(subscription.ready, 'ready'), `ready of subscribe.Events(${JSON.stringify(options)})`);
      const fromNext = await rejects(within(subscription.next(), 'next()'), `next() of subscribe.Events(${JSON.stringify(options)})`);
      check(fromReady instanceof RangeError && fromNext === fromReady, `subscribe.Events(${JSON.stringify(options)}) should fail with one RangeError, got ${String(fromReady)} and ${String(fromNext)}`);
    }
    await context.settle();
    equal(subscriptionsOf(await context.state(), 'client'), [], 'subscriptions at the driver');
  }),
];
