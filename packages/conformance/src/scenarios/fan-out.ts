/** R3: an event completes a parked request, and reaches every subscription of its channel, each numbering it its own way. */
import { equal, within } from '../assert.js';
import { scenario } from '../scenario.js';
import { eventsIn, expectEvents, lossesIn, primeSubscription, range, readBatch, sequencesOf, subscribeRaw, subscriptionOf, subscriptionsOf, takeItems } from './support.js';

export const fanOutScenarios = [
  scenario('R3', 'a parked request is completed by the next event with exactly that one record', async (context) => {
    const handle = await context.raw();
    const request = subscribeRaw(handle, 'Events', { outputLength: 512 });
    await context.settle();
    const tags = await context.emit('Events', 1);
    const batch = readBatch(await within(request, 'the parked request'), 'Events');
    equal({ count: batch.count, bytesReturned: batch.bytesReturned, droppedTotal: batch.droppedTotal }, { count: 1, bytesReturned: 56, droppedTotal: 0n }, 'batch');
    equal(sequencesOf(batch.records), [0n], 'sequences');
    expectEvents(batch.records, 'Small', tags, 'records');
    await context.settle();
    const { parked, ringFill, nextSequence } = subscriptionOf(await context.state(), 'client', 'Events');
    equal({ parked, ringFill, nextSequence }, { parked: 0, ringFill: 0, nextSequence: 1n }, 'subscription afterwards');
  }),

  scenario('R3', 'parked requests of one handle are completed oldest first, one event each', async (context) => {
    const handle = await context.raw();
    const requests = [0, 1, 2].map(() => subscribeRaw(handle, 'Events'));
    await context.settle();
    const tags = await context.emit('Events', 3);
    const batches = await within(Promise.all(requests), 'three parked requests');
    equal(batches.map((result) => sequencesOf(readBatch(result, 'Events').records)), [[0n], [1n], [2n]], 'sequences per request, in sending order');
    equal(batches.map((result) => readBatch(result, 'Events').records[0]?.data.tag), tags, 'tags per request');
  }),

  scenario('R3', 'three clients each receive every event, numbered by their own subscription from 0', async (context) => {
    const first = (await context.client('first')).subscribe.Events();
    await context.settle();
    const early = await context.emit('Events', 2);
    const others = [(await context.client('second')).subscribe.Events(), (await context.client('third')).subscribe.Events()];
    await context.settle();
    const tags = await context.emit('Events', 5);
    const firstItems = await takeItems(first, 7, 'first client');
    equal(sequencesOf(eventsIn(firstItems)), range(0, 7), 'first client sequences');
    expectEvents(eventsIn(firstItems), 'Small', [...early, ...tags], 'first client events');
    for (const [index, subscription] of others.entries()) {
      const items = await takeItems(subscription, 5, `client ${index + 2}`);
      equal(sequencesOf(eventsIn(items)), range(0, 5), `client ${index + 2} sequences`);
      expectEvents(eventsIn(items), 'Small', tags, `client ${index + 2} events`);
    }
  }),

  scenario('R3', 'two handles of one process hold two subscriptions, each with its own sequence numbers', async (context) => {
    const early = await context.raw();
    await primeSubscription(context, early, 'Events');
    const late = await context.raw();
    const requests = [subscribeRaw(early, 'Events'), subscribeRaw(late, 'Events')];
    await context.settle();
    equal(subscriptionsOf(await context.state(), 'client', 'Events').length, 2, 'subscriptions of the process on Events');
    const tags = await context.emit('Events', 1);
    const [earlyBatch, lateBatch] = (await within(Promise.all(requests), 'both requests')).map((result) => readBatch(result, 'Events'));
    equal(sequencesOf(earlyBatch!.records), [1n], 'sequence on the handle subscribed first');
    equal(sequencesOf(lateBatch!.records), [0n], 'sequence on the handle subscribed later');
    expectEvents([...earlyBatch!.records, ...lateBatch!.records], 'Small', [...tags, ...tags], 'records');
  }),

  scenario('R3', 'a full ring at one subscription costs another subscription nothing', async (context) => {
    const stalled = await context.raw('stalled');
    await primeSubscription(context, stalled, 'Events');
    const reader = (await context.client('reader')).subscribe.Events({ depth: 4 });
    await context.settle();
    // Bursts of 10 fit the reader's 4 parked requests plus its ring of 8, so it must lose nothing.
    const tags = [...(await context.emit('Events', 10))];
    await context.settle();
    tags.push(...(await context.emit('Events', 10)));
    const items = await takeItems(reader, 20, 'reader');
    equal(lossesIn(items), [], 'loss notices at the reader');
    expectEvents(eventsIn(items), 'Small', tags, 'reader events');
    const state = await context.state();
    equal(subscriptionOf(state, 'reader', 'Events').dropped, 0n, 'reader drops');
    const full = subscriptionOf(state, 'stalled', 'Events');
    equal({ ringFill: full.ringFill, dropped: full.dropped }, { ringFill: 8, dropped: 12n }, 'stalled subscription');
  }),

  scenario('R3', 'events of one channel reach no subscription of another channel', async (context) => {
    const device = await context.client();
    const events = device.subscribe.Events({ depth: 2 });
    const latest = device.subscribe.Latest({ depth: 2 });
    await context.settle();
    const tags = await context.emit('Latest', 3);
    expectEvents(eventsIn(await takeItems(latest, 3, 'Latest')), 'Small', tags, 'Latest events');
    await context.settle();
    const state = subscriptionOf(await context.state(), 'client', 'Events');
    equal({ parked: state.parked, ringFill: state.ringFill, nextSequence: state.nextSequence }, { parked: 2, ringFill: 0, nextSequence: 0n }, 'the Events subscription');
    equal({ completions: events.stats.completions, buffered: events.stats.buffered }, { completions: 0, buffered: 0 }, 'what the Events subscription received');
  }),
];
