/**
 * R3's overflow policies, counted exactly: every event takes a sequence number whether it is kept
 * or dropped, DroppedTotal says how many were dropped, and the client turns the gap into a loss notice.
 */
import { BATCH_FLAG_RING_EMPTY } from '@inverted-call/codec';
import { check, equal, within } from '../assert.js';
import { scenario } from '../scenario.js';
import { eventsIn, expectEvents, lossesIn, primeSubscription, range, readBatch, sequencesOf, subscribeRaw, subscriptionOf, takeItems, type Item } from './support.js';

export const overflowScenarios = [
  scenario('R3', 'drop-newest: 20 events into an empty ring of 8 keep the first 8 and drop exactly 12', async (context) => {
    const handle = await context.raw();
    await primeSubscription(context, handle, 'Events');
    const tags = await context.emit('Events', 20);
    const before = subscriptionOf(await context.state(), 'client', 'Events');
    equal({ parked: before.parked, ringFill: before.ringFill, dropped: before.dropped, nextSequence: before.nextSequence }, { parked: 0, ringFill: 8, dropped: 12n, nextSequence: 21n }, 'subscription after the burst');
    const kept = readBatch(await within(subscribeRaw(handle, 'Events'), 'request after the burst'), 'Events');
    equal(sequencesOf(kept.records), range(1, 8), 'kept sequences');
    expectEvents(kept.records, 'Small', tags.slice(0, 8), 'kept events');
    equal(kept.droppedTotal, 12n, 'DroppedTotal of the batch');
    // No gap before it and the ring drained: the 12 drops are the 12 sequences after its last record.
    equal(kept.flags, BATCH_FLAG_RING_EMPTY, 'Flags of the batch that drained the ring');
    // The count stays with the subscription: the next batch carries it too, and it does not grow.
    const next = subscribeRaw(handle, 'Events');
    await context.settle();
    const [last] = await context.emit('Events', 1);
    const after = readBatch(await within(next, 'request after the ring drained'), 'Events');
    equal({ sequences: sequencesOf(after.records), droppedTotal: after.droppedTotal }, { sequences: [21n], droppedTotal: 12n }, 'next batch');
    expectEvents(after.records, 'Small', [last!], 'next event');
  }),

  scenario('R3', 'a ring filled exactly to its capacity drops nothing', async (context) => {
    const handle = await context.raw();
    await primeSubscription(context, handle, 'Events');
    const tags = await context.emit('Events', 8);
    const state = subscriptionOf(await context.state(), 'client', 'Events');
    equal({ ringFill: state.ringFill, dropped: state.dropped }, { ringFill: 8, dropped: 0n }, 'subscription with a full ring');
    const batch = readBatch(await within(subscribeRaw(handle, 'Events'), 'request'), 'Events');
    equal({ sequences: sequencesOf(batch.records), droppedTotal: batch.droppedTotal }, { sequences: range(1, 8), droppedTotal: 0n }, 'batch');
    expectEvents(batch.records, 'Small', tags, 'events');
  }),

  scenario('R3', 'drop-oldest: 10 events into an empty ring of 4 keep the newest 4 and drop exactly 6', async (context) => {
    const handle = await context.raw();
    await primeSubscription(context, handle, 'Latest');
    const tags = await context.emit('Latest', 10);
    const state = subscriptionOf(await context.state(), 'client', 'Latest');
    equal({ ringFill: state.ringFill, dropped: state.dropped, nextSequence: state.nextSequence }, { ringFill: 4, dropped: 6n, nextSequence: 11n }, 'subscription after the burst');
    const batch = readBatch(await within(subscribeRaw(handle, 'Latest', { outputLength: 256 }), 'request after the burst'), 'Latest');
    // The gap before sequence 7 shows all 6 drops, and RING_EMPTY says none trails the batch.
    equal({ sequences: sequencesOf(batch.records), droppedTotal: batch.droppedTotal, flags: batch.flags }, { sequences: range(7, 4), droppedTotal: 6n, flags: BATCH_FLAG_RING_EMPTY }, 'batch');
    expectEvents(batch.records, 'Small', tags.slice(6), 'kept events');
  }),

  scenario('R3', 'drop-newest losses reach the client as one loss notice of exactly 12, between the kept events and the next', async (context) => {
    // One request in flight and room for one event: after two events the client stops asking.
    const subscription = (await context.client()).subscribe.Events({ depth: 1, highWaterMark: 1 });
    await context.settle();
    const early = await context.emit('Events', 2);
    await context.settle();
    equal(subscription.stats.inFlight, 0, 'requests in flight with a full client buffer');
    const burst = await context.emit('Events', 20);
    equal(subscriptionOf(await context.state(), 'client', 'Events').dropped, 12n, 'drops the driver counted');
    const items: Item[] = await takeItems(subscription, 2, 'held events');
    await context.settle();
    // A gap shows only when the event after it arrives.
    const [last] = await context.emit('Events', 1);
    items.push(...(await takeItems(subscription, 10, 'after the burst')));
    equal(items.map((item) => item.type), [...Array(10).fill('event'), 'loss', 'event'], 'item types');
    equal(lossesIn(items), [{ type: 'loss', count: 12, firstSequence: 10n, lastSequence: 21n }], 'loss notice');
    const events = eventsIn(items);
    equal(sequencesOf(events), [...range(0, 10), 22n], 'event sequences');
    expectEvents(events, 'Small', [...early, ...burst.slice(0, 8), last!], 'events');
    equal({ delivered: subscription.stats.delivered, lost: subscription.stats.lost, driverDropped: subscription.stats.driverDropped }, { delivered: 11, lost: 12, driverDropped: 12n }, 'client stats');
  }),

  scenario('R3', 'drop-oldest losses reach the client as a loss notice for the oldest events of the burst', async (context) => {
    const subscription = (await context.client()).subscribe.Latest({ depth: 1, highWaterMark: 1 });
    await context.settle();
    const early = await context.emit('Latest', 2);
    await context.settle();
    const burst = await context.emit('Latest', 10);
    const items = await takeItems(subscription, 7, 'Latest');
    equal(lossesIn(items), [{ type: 'loss', count: 6, firstSequence: 2n, lastSequence: 7n }], 'loss notice');
    equal(sequencesOf(eventsIn(items)), [0n, 1n, ...range(8, 4)], 'event sequences');
    expectEvents(eventsIn(items), 'Small', [...early, ...burst.slice(6)], 'events');
    equal(items[2]?.type, 'loss', 'the loss notice comes before the events kept after it');
  }),

  scenario('client', 'a slow consumer loses only what the driver counted: delivered plus lost equals emitted, and every event keeps its own tag', async (context) => {
    const depth = 2;
    const subscription = (await context.client()).subscribe.Events({ depth, highWaterMark: 4 });
    await context.settle();
    // Two bursts: the first fills the client's buffer past its high-water mark, the second finds
    // the client no longer re-posting, so only the driver's ring absorbs it.
    const burst = [...(await context.emit('Events', 25))];
    await context.settle();
    burst.push(...(await context.emit('Events', 25)));
    await context.settle();
    equal(subscription.stats.inFlight, 0, 'requests in flight while the consumer is not reading');
    equal(subscriptionOf(await context.state(), 'client', 'Events').parked, 0, 'requests parked at the driver');
    // Drain until the client holds nothing and its requests wait at the driver again.
    const items: Item[] = [];
    // (A request counts as in flight until its completion arrives, so look only after settling.)
    for (let round = 0; ; round++) {
      await context.settle();
      if (subscription.stats.buffered === 0 && subscription.stats.inFlight === depth) break;
      check(round < 100, `the subscription never drained: ${subscription.stats.buffered} buffered, ${subscription.stats.inFlight} in flight`);
      items.push(...(await takeItems(subscription, subscription.stats.buffered, 'draining')));
    }
    // A loss at the very end shows only when one more event arrives.
    const [sentinel] = await context.emit('Events', 1);
    do items.push(...(await takeItems(subscription, 1, 'reading up to the sentinel')));
    while (items.at(-1)?.type !== 'event');
    const events = eventsIn(items);
    expectEvents(events.slice(-1), 'Small', [sentinel!], 'the last item');
    const lost = lossesIn(items).reduce((sum, notice) => sum + notice.count, 0);
    equal(events.length - 1 + lost, burst.length, 'delivered plus lost');
    check(lost > 0, 'the bursts were meant to overflow the ring, but nothing was lost');
    equal(BigInt(lost), subscriptionOf(await context.state(), 'client', 'Events').dropped, 'lost according to the client against dropped according to the driver');
    equal({ lost: subscription.stats.lost, delivered: subscription.stats.delivered }, { lost, delivered: events.length }, 'client stats');
    // The subscription began with the bursts, so event n of them must carry sequence n.
    for (const event of events.slice(0, -1)) equal((event.data as { tag: bigint }).tag, burst[Number(event.sequence)], `tag of sequence ${event.sequence}`);
  }),
];
