/**
 * Subscriptions are cursors on the driver's stream of a handle and channel: a re-subscribe on the
 * same open device continues where the last one stopped, with no false loss and no ProtocolError;
 * two at the same time each get every event through a handle of their own; `ready` says when the
 * driver has the stream; `batches()` yields whole completions from the same buffer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDevice, type Subscription, type SubscriptionItem } from '../src/index.js';
import { EVENTS, device, expectSimulatorsClean, openOnSimulator } from './support.js';

type Events = typeof EVENTS;
type Item = SubscriptionItem<Events>;

// Every test closes what it opened: the driver is left with no handle, no subscription, nothing parked.
afterEach(expectSimulatorsClean);
const setup = openOnSimulator;

const tick = (index: number) => ({ tag: BigInt(index), value: index, flag: false });
const describeItem = (item: Item) => (item.type === 'event' ? `event ${item.sequence}` : `loss ${item.firstSequence}-${item.lastSequence}`);

async function takeItems(subscription: Subscription<Events>, count: number): Promise<string[]> {
  const items: string[] = [];
  while (items.length < count) {
    const next = await subscription.next();
    if (next.done) throw new Error(`the subscription ended after ${JSON.stringify(items)}`);
    items.push(describeItem(next.value));
  }
  return items;
}

describe('a re-subscribe on one open device', () => {
  it('continues where the closed subscription stopped: no false loss (the issue’s own example)', async () => {
    const { simulator, opened } = await setup();
    const first = opened.subscribe.Events();
    await first.ready;
    simulator.emit('Events', 'Small', tick(0));
    expect(await takeItems(first, 1)).toEqual(['event 0']);
    await first.close();
    const second = opened.subscribe.Events();
    await second.ready;
    simulator.emit('Events', 'Small', tick(1));
    expect(await takeItems(second, 1)).toEqual(['event 1']);
    simulator.emit('Events', 'Small', tick(2));
    expect(await takeItems(second, 1)).toEqual(['event 2']);
    expect(second.stats).toMatchObject({ delivered: 2, lost: 0, driverDropped: 0n });
    await opened.close();
  });

  it('delivers the events that reached the driver between two subscriptions', async () => {
    const { simulator, opened } = await setup();
    const first = opened.subscribe.Events();
    await first.ready;
    simulator.emit('Events', 'Small', tick(0));
    for await (const item of first) {
      expect(describeItem(item)).toBe('event 0');
      break;
    }
    // Nobody is subscribed now, but the handle's stream still exists: the ring keeps these.
    simulator.emit('Events', 'Small', tick(1));
    simulator.emit('Events', 'Small', tick(2));
    await simulator.settle();
    const again = opened.subscribe.Events();
    expect(await takeItems(again, 2)).toEqual(['event 1', 'event 2']);
    expect(again.stats.lost).toBe(0);
    await opened.close();
  });

  it('counts what the closed subscription received but never handed over as its discarded, not as loss', async () => {
    const { simulator, opened } = await setup();
    const first = opened.subscribe.Events({ depth: 1 });
    await first.ready;
    simulator.emitBurst('Events', [0, 1, 2].map((index) => ({ kind: 'Small', data: tick(index) })));
    await simulator.settle();
    expect(await takeItems(first, 1)).toEqual(['event 0']);
    await first.close();
    expect(first.stats).toMatchObject({ delivered: 1, discarded: 2, lost: 0 });
    const second = opened.subscribe.Events();
    await second.ready;
    simulator.emit('Events', 'Small', tick(3));
    expect(await takeItems(second, 1)).toEqual(['event 3']);
    expect(second.stats.lost).toBe(0);
    await opened.close();
  });

  it('waits for a subscription whose close was not awaited, then continues its stream', async () => {
    const { simulator, opened } = await setup();
    const first = opened.subscribe.Events();
    await first.ready;
    simulator.emit('Events', 'Small', tick(0));
    expect(await takeItems(first, 1)).toEqual(['event 0']);
    const closing = first.close();
    const second = opened.subscribe.Events();
    await second.ready;
    await closing;
    simulator.emit('Events', 'Small', tick(1));
    expect(await takeItems(second, 1)).toEqual(['event 1']);
    expect(simulator.state().handles).toHaveLength(1);
    await opened.close();
  });
});

describe('two subscriptions on one device and channel at the same time', () => {
  it('each gets every event, through a handle of its own, and neither reports the other’s events as lost', async () => {
    const { simulator, opened } = await setup();
    const first = opened.subscribe.Events();
    const second = opened.subscribe.Events();
    await Promise.all([first.ready, second.ready]);
    expect(simulator.state().handles).toHaveLength(2);
    for (let index = 0; index < 5; index++) simulator.emit('Events', 'Small', tick(index));
    const expected = ['event 0', 'event 1', 'event 2', 'event 3', 'event 4'];
    expect(await takeItems(first, 5)).toEqual(expected);
    expect(await takeItems(second, 5)).toEqual(expected);
    expect(first.stats.lost + second.stats.lost).toBe(0);
    await second.close();
    // The second subscription's own handle closes with it.
    await simulator.settle();
    expect(simulator.state().handles).toHaveLength(1);
    await opened.close();
  });

  it('device.close() closes every subscription and its own handle', async () => {
    const { simulator, opened } = await setup();
    const subscriptions = [opened.subscribe.Events(), opened.subscribe.Events(), opened.subscribe.Events()];
    await Promise.all(subscriptions.map((subscription) => subscription.ready));
    expect(simulator.state().handles).toHaveLength(3);
    await opened.close();
    for (const subscription of subscriptions) await expect(subscription.next()).resolves.toEqual({ done: true, value: undefined });
  });
});

describe('ready', () => {
  it('resolves once the first request is at the driver: an event emitted right after is never missed', async () => {
    const { simulator, opened } = await setup();
    const subscription = opened.subscribe.Events();
    await subscription.ready;
    expect(simulator.state().subscriptions).toHaveLength(1);
    simulator.emit('Events', 'Small', tick(0));
    expect(await takeItems(subscription, 1)).toEqual(['event 0']);
    await opened.close();
  });

  it('rejects when the subscription is closed before its first request was sent', async () => {
    const { simulator, opened } = await setup();
    const busy = opened.subscribe.Events();
    await busy.ready;
    const waiting = opened.subscribe.Events(); // opens a handle of its own: not sent yet
    const closed = waiting.close();
    await expect(waiting.ready).rejects.toMatchObject({ canceled: true });
    await closed;
    await simulator.settle();
    await opened.close();
  });
});

describe('batches()', () => {
  it('yields whole completions with their loss notices, from the same buffer as next()', async () => {
    const { simulator, opened } = await setup();
    simulator.setChannel('Events', { capacity: 4 });
    const subscription = opened.subscribe.Events({ depth: 1, highWaterMark: 1 });
    await subscription.ready;
    simulator.emit('Events', 'Small', tick(0)); // completes the parked request
    await simulator.settle();
    // The client re-posted before buffering event 0, so event 1 completes that request. Then its
    // buffer is at highWaterMark: nothing more is posted, the ring takes 4 and drops 2.
    for (let index = 1; index <= 7; index++) simulator.emit('Events', 'Small', tick(index));
    const batches = subscription.batches();
    const taken: string[][] = [];
    for (let index = 0; index < 3; index++) {
      const next = await batches.next();
      if (next.done) throw new Error('batches() ended early');
      taken.push(next.value.map(describeItem));
    }
    // The batch that empties the ring says so: the two drops after it are reported at once.
    expect(taken).toEqual([['event 0'], ['event 1'], ['event 2', 'event 3', 'event 4', 'event 5', 'loss 6-7']]);
    simulator.emit('Events', 'Small', tick(8));
    expect(await takeItems(subscription, 1)).toEqual(['event 8']);
    await batches.return!();
    expect(subscription.stats).toMatchObject({ delivered: 7, lost: 2, driverDropped: 2n });
    await opened.close();
  });
});
