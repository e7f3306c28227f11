/**
 * Subscriptions are cursors on one stream per handle and channel (DESIGN.md section 9): a
 * re-subscribe continues where the last subscription stopped, events that reach the driver in
 * between are delivered, what a closed subscription never handed over is its `discarded` (never a
 * loss), two subscriptions at once each get every event, and a drop at the very end of a burst is
 * reported as soon as the ring is empty. Every scenario accounts for each emitted event exactly once:
 * delivered + lost + discarded = emitted.
 */
import { check, equal } from '../assert.js';
import { scenario } from '../scenario.js';
import type { ScenarioContext } from '../context.js';
import { eventsIn, lossesIn, range, sequencesOf, subscriptionOf, subscriptionsOf, tagsOf, takeItems } from './support.js';

interface Accounted {
  readonly stats: { delivered: number; lost: number; discarded: number };
}

/** Every emitted event was delivered, reported lost, or discarded by a subscription that closed first. */
function accounted(emitted: number, subscriptions: readonly Accounted[], what: string): void {
  const totals = { delivered: 0, lost: 0, discarded: 0 };
  for (const { stats } of subscriptions) {
    totals.delivered += stats.delivered;
    totals.lost += stats.lost;
    totals.discarded += stats.discarded;
  }
  equal(totals.delivered + totals.lost + totals.discarded, emitted, `${what}: delivered + lost + discarded (${JSON.stringify(totals)})`);
}

/** The one client, with the driver's view of its Events stream. */
async function eventsStream(context: ScenarioContext) {
  return subscriptionOf(await context.state(), 'client', 'Events');
}

export const streamScenarios = [
  scenario('client', 'break, then a new subscription on the same handle continues the stream: no false loss, no repeat', async (context) => {
    const device = await context.client();
    const first = device.subscribe.Events();
    await first.ready;
    const tags = await context.emit('Events', 2);
    const taken = [];
    for await (const item of first) {
      taken.push(item);
      if (taken.length === 2) break;
    }
    const second = device.subscribe.Events();
    await second.ready;
    tags.push(...(await context.emit('Events', 2)));
    const items = await takeItems(second, 2, 'the second subscription');
    equal(lossesIn(items), [], 'loss notices after the re-subscribe');
    equal(sequencesOf(eventsIn(items)), range(2, 2), 'sequences continue the stream');
    equal(tagsOf(eventsIn(items)), tags.slice(2), 'tags');
    equal((await eventsStream(context)).dropped, 0n, 'drops at the driver');
    accounted(4, [first, second], 'two subscriptions one after the other');
  }),

  scenario('client', 'events that reach the driver between two subscriptions are delivered to the next one; what the first never handed over is discarded, not lost', async (context) => {
    const device = await context.client();
    const first = device.subscribe.Events({ depth: 2 });
    await first.ready;
    const tags = await context.emit('Events', 4);
    await context.settle();
    const [item] = await takeItems(first, 1, 'the first subscription');
    equal(item?.type === 'event' && item.sequence, 0n, 'the first event');
    await first.close();
    equal(first.stats.discarded, 3, 'events the first subscription received and never handed over');
    // Nobody reads the channel now; the handle's stream still exists and its ring keeps these.
    tags.push(...(await context.emit('Events', 3)));
    equal((await eventsStream(context)).ringFill, 3, 'events waiting in the ring between subscriptions');
    const second = device.subscribe.Events();
    const items = await takeItems(second, 3, 'the second subscription');
    equal(lossesIn(items), [], 'loss notices');
    equal(sequencesOf(eventsIn(items)), range(4, 3), 'sequences');
    equal(tagsOf(eventsIn(items)), tags.slice(4), 'tags');
    accounted(7, [first, second], 'a close with events buffered, then a re-subscribe');
  }),

  scenario('client', 'two subscriptions on one device and channel at the same time each get every event, with no false loss', async (context) => {
    const device = await context.client();
    const first = device.subscribe.Events();
    const second = device.subscribe.Events();
    await Promise.all([first.ready, second.ready]);
    equal(subscriptionsOf(await context.state(), 'client', 'Events').length, 2, 'driver subscriptions (one per handle)');
    const tags = await context.emit('Events', 5);
    const seen = [await takeItems(first, 5, 'the first subscription'), await takeItems(second, 5, 'the second subscription')];
    for (const [index, items] of seen.entries()) {
      equal(lossesIn(items), [], `loss notices of subscription ${index + 1}`);
      equal(tagsOf(eventsIn(items)), tags, `tags of subscription ${index + 1}`);
    }
    accounted(5, [first], 'the first subscription');
    accounted(5, [second], 'the second subscription');
    await second.close();
    await context.settle();
    equal(subscriptionsOf(await context.state(), 'client', 'Events').length, 1, 'driver subscriptions once the second closed (its handle closed with it)');
  }),

  scenario('R3', 'a drop at the end of a burst is reported as soon as the ring is empty, with its exact range and no later event', async (context) => {
    const device = await context.client();
    const capacity = context.descriptor.channels.Events.capacity;
    const subscription = device.subscribe.Events({ depth: 1, highWaterMark: 1 });
    await subscription.ready;
    // Two events fill the client's buffer past highWaterMark, so it stops re-posting.
    await context.emit('Events', 1);
    await context.settle();
    await context.emit('Events', 1);
    await context.settle();
    equal(subscription.stats.inFlight, 0, 'requests in flight once the buffer is full');
    await context.emit('Events', capacity + 3);
    await context.settle();
    equal((await eventsStream(context)).dropped, 3n, 'drops at the driver');
    const items = await takeItems(subscription, 2 + capacity + 1, 'the buffered events, the ring, then the loss');
    equal(sequencesOf(eventsIn(items)), range(0, 2 + capacity), 'sequences delivered');
    equal(lossesIn(items), [{ type: 'loss', count: 3, firstSequence: BigInt(2 + capacity), lastSequence: BigInt(2 + capacity + 2) }], 'the trailing loss, with nothing emitted after it');
    check(items.at(-1)?.type === 'loss', 'the loss notice comes right after the last delivered event');
    equal(subscription.stats.driverDropped, 3n, 'stats.driverDropped');
    accounted(2 + capacity + 3, [subscription], 'a burst that overflowed the ring');
  }),
];
