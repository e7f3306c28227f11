/** R5: handle close and process death end that client's subscriptions, cancel its requests, and touch nobody else. */
import { check, equal, within } from '../assert.js';
import { scenario } from '../scenario.js';
import { eventsIn, expectDeviceError, expectEvents, primeSubscription, range, readBatch, sequencesOf, subscribeRaw, subscriptionOf, subscriptionsOf, takeItems, watch } from './support.js';

export const closeAndCrashScenarios = [
  scenario('R5', 'closing a handle cancels every request it had parked, on every channel, and frees its subscriptions', async (context) => {
    const baseline = (await context.state()).openHandles;
    const handle = await context.raw('closer');
    const requests = [subscribeRaw(handle, 'Events'), subscribeRaw(handle, 'Events'), subscribeRaw(handle, 'Latest')].map(watch);
    await context.settle();
    equal(subscriptionsOf(await context.state(), 'closer').map((entry) => [entry.channel, entry.parked]), [['Events', 2], ['Latest', 1]], 'subscriptions before the close');
    await within(handle.close(), 'close');
    for (const [index, request] of requests.entries()) await expectDeviceError(request.done, 'ERROR_OPERATION_ABORTED', `parked request ${index + 1}`);
    await context.settle();
    const state = await context.state();
    equal(subscriptionsOf(state, 'closer'), [], 'subscriptions after the close');
    equal(state.openHandles, baseline, 'open handles after the close');
  }),

  scenario('R5', 'close resolves only after every parked request of the handle has completed', async (context) => {
    const handle = await context.raw();
    const requests = [0, 1, 2].map(() => watch(subscribeRaw(handle, 'Events')));
    await context.settle();
    await within(handle.close(), 'close');
    equal(requests.map((request) => request.settled), [true, true, true], 'requests settled when close resolved');
    equal(requests.map((request) => (request.error as { canceled?: boolean } | undefined)?.canceled), [true, true, true], 'each cancelled');
  }),

  scenario('R5', "closing one client's handle leaves another client's subscription, ring and counts untouched", async (context) => {
    const keeper = await context.raw('keeper');
    const closer = await context.raw('closer');
    await primeSubscription(context, keeper, 'Events');
    // On another channel, so that the events below do not complete it before the close.
    const closerRequest = watch(subscribeRaw(closer, 'Latest'));
    await context.settle();
    const tags = await context.emit('Events', 10);
    const before = subscriptionOf(await context.state(), 'keeper', 'Events');
    await within(closer.close(), 'closing the other handle');
    await expectDeviceError(closerRequest.done, 'ERROR_OPERATION_ABORTED', "the other handle's parked request");
    await context.settle();
    equal(subscriptionOf(await context.state(), 'keeper', 'Events'), before, "keeper's subscription after the other close");
    const batch = readBatch(await within(subscribeRaw(keeper, 'Events'), "keeper's next request"), 'Events');
    equal({ sequences: sequencesOf(batch.records), droppedTotal: batch.droppedTotal }, { sequences: range(1, 8), droppedTotal: 2n }, "keeper's batch");
    expectEvents(batch.records, 'Small', tags.slice(0, 8), "keeper's events");
  }),

  scenario('R5', 'a crashed client leaves another client receiving every event', async (context) => {
    const victim = (await context.client('victim')).subscribe.Events();
    const survivor = (await context.client('survivor')).subscribe.Events();
    await context.settle();
    const before = await context.emit('Events', 2);
    expectEvents(eventsIn(await takeItems(survivor, 2, 'survivor before the crash')), 'Small', before, 'survivor events before the crash');
    // Each client has its own completion port: the survivor's batch arriving says nothing of when
    // the victim's does (under Wine it was seen to come later), so wait until every completion of
    // every process is delivered before counting what the victim holds.
    await context.settle();
    equal(victim.stats.buffered, 2, 'victim events before the crash');
    await context.crash('victim');
    await context.settle();
    const after = await context.emit('Events', 3);
    const items = await takeItems(survivor, 3, 'survivor after the crash');
    equal(sequencesOf(eventsIn(items)), range(2, 3), 'survivor sequences after the crash');
    expectEvents(eventsIn(items), 'Small', after, 'survivor events after the crash');
    await context.settle();
    const state = await context.state();
    equal(subscriptionsOf(state, 'victim'), [], "victim's subscriptions");
    equal(subscriptionOf(state, 'survivor', 'Events').parked, 4, "survivor's parked requests (its depth)");
  }),

  scenario('R5', 'a crashed process leaves no handle, no subscription and no parked request behind', async (context) => {
    const baseline = (await context.state()).openHandles;
    const readWrite = await context.raw('doomed');
    const readOnly = await context.raw('doomed', 'read');
    const requests = [subscribeRaw(readWrite, 'Events'), subscribeRaw(readWrite, 'Latest'), subscribeRaw(readWrite, 'Audit'), subscribeRaw(readOnly, 'Events')].map(watch);
    const client = (await context.client('doomed')).subscribe.Latest({ depth: 2 });
    await context.settle();
    const state = await context.state();
    equal(subscriptionsOf(state, 'doomed').reduce((sum, entry) => sum + entry.parked, 0), 6, 'requests parked before the crash');
    equal(state.openHandles, baseline + 3, 'open handles before the crash');
    await context.crash('doomed');
    await context.settle();
    for (const [index, request] of requests.entries()) await expectDeviceError(request.done, 'ERROR_OPERATION_ABORTED', `raw request ${index + 1}`);
    equal(client.stats.inFlight, 0, "the dead client's requests in flight");
    // Events after the death must not bring anything of it back.
    await context.emit('Events', 3);
    await context.emit('Latest', 3);
    const after = await context.state();
    equal(subscriptionsOf(after, 'doomed'), [], 'subscriptions of the dead process');
    equal(after.openHandles, baseline, 'open handles after the crash');
  }),

  scenario('R5', 'a handle opened after a close starts a fresh subscription at sequence 0 with no drops carried over', async (context) => {
    const first = await context.raw();
    await primeSubscription(context, first, 'Events');
    await context.emit('Events', 12);
    equal(subscriptionOf(await context.state(), 'client', 'Events').dropped, 4n, 'drops before the close');
    await within(first.close(), 'close');
    const second = await context.raw();
    const request = watch(subscribeRaw(second, 'Events'));
    await context.settle();
    check(!request.settled, 'the new handle received events from the closed one');
    const fresh = subscriptionOf(await context.state(), 'client', 'Events');
    equal({ ringFill: fresh.ringFill, dropped: fresh.dropped, nextSequence: fresh.nextSequence }, { ringFill: 0, dropped: 0n, nextSequence: 0n }, 'the new subscription');
    const tags = await context.emit('Events', 1);
    const batch = readBatch(await within(request.done, 'the new request'), 'Events');
    equal({ sequences: sequencesOf(batch.records), droppedTotal: batch.droppedTotal }, { sequences: [0n], droppedTotal: 0n }, 'first batch of the new handle');
    expectEvents(batch.records, 'Small', tags, 'events');
  }),

  scenario('R5', 'a client reopened after close numbers its events from 0 again, with no loss notice', async (context) => {
    const device = await context.client();
    const subscription = device.subscribe.Events();
    await context.settle();
    await context.emit('Events', 3);
    await takeItems(subscription, 3, 'first client');
    await device.close();
    const reopened = (await context.client()).subscribe.Events();
    await context.settle();
    const tags = await context.emit('Events', 2);
    const items = await takeItems(reopened, 2, 'reopened client');
    equal(items.map((item) => item.type), ['event', 'event'], 'item types');
    equal(sequencesOf(eventsIn(items)), [0n, 1n], 'sequences');
    expectEvents(eventsIn(items), 'Small', tags, 'events');
  }),

  scenario('R5', 'a closed handle refuses every later request with ERROR_INVALID_HANDLE', async (context) => {
    const handle = await context.raw();
    await within(handle.close(), 'close');
    await expectDeviceError(handle.ioctl(context.descriptor.calls.Ping.code, null, 0), 'ERROR_INVALID_HANDLE', 'Ping on a closed handle');
    await expectDeviceError(subscribeRaw(handle, 'Events'), 'ERROR_INVALID_HANDLE', 'subscribe on a closed handle');
    await within(handle.close(), 'a second close');
  }),
];
