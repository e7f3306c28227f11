/**
 * The client end to end against the simulator (the reference model of the driver): typed calls,
 * the slow-consumer problem of the seed thread (one request in flight loses a burst; more requests
 * and batches lose less; either way every loss is reported exactly), back-pressure, re-posting
 * before delivering, cancellation of one call, close and process death, and a stale schema.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceError, ProtocolMismatchError, openDevice, type Subscription, type SubscriptionItem } from '../src/index.js';
import { EVENTS, device, expectSimulatorsClean, openOnSimulator, trackedSimulator } from './support.js';

type Events = typeof EVENTS;

// Every test closes what it opened: the driver is left with no handle, no subscription, nothing parked.
afterEach(expectSimulatorsClean);
const setup = openOnSimulator;

const small = (tag: number) => ({ kind: 'Small' as const, data: { tag: BigInt(tag), value: tag, flag: false } });
const large = (tag: number) => ({ kind: 'Large' as const, data: { tag: BigInt(tag), text: `event ${tag}` } });
const tagOf = (item: SubscriptionItem<Events>) => (item.type === 'event' ? Number(item.data.tag) : undefined);

/** Takes items until `done` says so; `onItem` may emit more (the consumer's reaction). */
async function consume(subscription: Subscription<Events>, done: (items: SubscriptionItem<Events>[]) => boolean, onItem?: (item: SubscriptionItem<Events>) => void) {
  const items: SubscriptionItem<Events>[] = [];
  while (!done(items)) {
    const next = await subscription.next();
    if (next.done) break;
    items.push(next.value);
    onItem?.(next.value);
  }
  return items;
}

describe('typed calls answered by simulator handlers', () => {
  it('encodes inputs, decodes outputs, and passes a driver error through with its Win32 name', async () => {
    const { simulator, opened } = await setup();
    let counter = 0n;
    simulator.handle('Echo', (input) => ({ value: input.value * 2, text: input.text.toUpperCase() }));
    simulator.handle('WriteCounter', (input) => {
      counter = input.value;
    });
    simulator.handle('ReadCounter', async () => ({ value: counter }));
    simulator.handle('Ping', () => {
      throw new DeviceError('ERROR_NO_SYSTEM_RESOURCES');
    });

    expect(await opened.call.Echo({ value: 21, text: 'hello' })).toEqual({ value: 42, text: 'HELLO' });
    await opened.call.WriteCounter({ value: 7n });
    expect(await opened.call.ReadCounter()).toEqual({ value: 7n });
    await expect(opened.call.Ping()).rejects.toMatchObject({ name: 'DeviceError', code: 'ERROR_NO_SYSTEM_RESOURCES', errno: 1450 });
    // No handler: the driver does not support it.
    await expect(opened.call.Inject({ channel: 0, kind: 1, reserved: 0, count: 1, firstTag: 0n })).rejects.toMatchObject({ code: 'ERROR_NOT_SUPPORTED' });
    // A bad input never reaches the driver.
    const before = simulator.trace().length;
    await expect(opened.call.Echo({ value: -1, text: '' })).rejects.toThrow(/EchoData\.value/);
    expect(simulator.trace()).toHaveLength(before);
    await opened.close();
  });
});

describe('the slow-consumer problem: a burst against depth 1 and depth 8', () => {
  /**
   * Subscribes, lets a burst of 100 Large events arrive in one go, drains what survived, then sends
   * one more event so the gap at the end of the burst shows as a loss notice.
   */
  async function burstOf100(options: { depth: number; batchBytes: number; highWaterMark: number }) {
    const { simulator, opened } = await setup();
    const subscription = opened.subscribe.Events(options);
    expect(simulator.state().subscriptions[0]!.parked).toBe(options.depth);
    simulator.emitBurst('Events', Array.from({ length: 100 }, (_, tag) => large(tag)));
    const survivors = options.depth + EVENTS.capacity; // one per parked request, then a full ring
    let delivered = 0;
    const items = await consume(
      subscription,
      (seen) => seen.at(-1)?.type === 'event' && tagOf(seen.at(-1)!) === 1000,
      (item) => {
        if (item.type === 'event' && ++delivered === survivors) simulator.emit('Events', 'Large', large(1000).data);
      },
    );
    const stats = subscription.stats;
    await opened.close();
    return { items, stats, emitted: 101 };
  }

  it('loses more with one request in flight than with eight and batches, and reports every loss exactly', async () => {
    const naive = await burstOf100({ depth: 1, batchBytes: EVENTS.minimumOutputBytes, highWaterMark: 1 });
    const batched = await burstOf100({ depth: 8, batchBytes: 24 + 16 * EVENTS.events.Large.recordBytes, highWaterMark: 1024 });

    for (const [run, depth] of [[naive, 1], [batched, 8]] as const) {
      const survivors = depth + EVENTS.capacity;
      const lost = 100 - survivors;
      // Events in order, then one loss notice naming exactly the dropped sequence numbers, then the last event.
      expect(run.items.map((item) => (item.type === 'event' ? item.sequence : item))).toEqual([
        ...Array.from({ length: survivors }, (_, index) => BigInt(index)),
        { type: 'loss', count: lost, firstSequence: BigInt(survivors), lastSequence: 99n },
        100n,
      ]);
      expect(run.stats).toMatchObject({ delivered: survivors + 1, lost, driverDropped: BigInt(lost) });
      expect(run.stats.delivered + run.stats.lost).toBe(run.emitted);
    }
    expect(naive.stats.lost).toBe(91);
    expect(batched.stats.lost).toBe(84);
    // One event per completion for the naive design; batches for the other.
    expect(naive.stats.completions).toBe(naive.stats.delivered);
    expect(batched.stats.completions).toBeLessThan(batched.stats.delivered);
  });

  it('surfaces the loss in the middle of the stream under drop-oldest, without waiting for another event', async () => {
    const { simulator, opened } = await setup();
    const subscription = opened.subscribe.Latest({ depth: 1 });
    simulator.emitBurst('Latest', Array.from({ length: 20 }, (_, tag) => small(tag)));
    const items = await consume(subscription as unknown as Subscription<Events>, (seen) => seen.filter((item) => item.type === 'event').length === 5);
    // The parked request took event 0; the ring kept the newest four.
    expect(items.map((item) => (item.type === 'event' ? tagOf(item) : item))).toEqual([0, { type: 'loss', count: 15, firstSequence: 1n, lastSequence: 15n }, 16, 17, 18, 19]);
    expect(subscription.stats.delivered + subscription.stats.lost).toBe(20);
    await opened.close();
  });
});

describe('back-pressure', () => {
  it('stops re-posting while its buffer is full, lets the driver ring absorb then count drops, and accounts for all after resuming', async () => {
    const { simulator, opened } = await setup();
    const subscription = opened.subscribe.Events({ depth: 4, highWaterMark: 4 });
    const parked = () => simulator.state().subscriptions[0]!.parked;

    // The consumer is paused: events arrive one at a time and pile up in the client's buffer.
    const inFlight: number[] = [];
    for (let tag = 0; tag < 8; tag++) {
      simulator.emit('Events', 'Small', small(tag).data);
      await simulator.settle();
      inFlight.push(subscription.stats.inFlight);
    }
    // Re-posting continues up to the high-water mark, then each completion leaves one request fewer.
    expect(inFlight).toEqual([4, 4, 4, 4, 3, 2, 1, 0]);
    expect(parked()).toBe(0);
    expect(subscription.stats.buffered).toBe(8);

    // With no request at the driver, the ring fills and the rest are dropped and counted there.
    simulator.emitBurst('Events', Array.from({ length: 30 }, (_, index) => small(100 + index)));
    await simulator.settle();
    expect(simulator.state().subscriptions[0]).toMatchObject({ parked: 0, ringFill: 8, dropped: 22n });
    expect(subscription.stats).toMatchObject({ inFlight: 0, buffered: 8, delivered: 0, lost: 0 });

    // Resume: the buffer drains, re-posting resumes, the ring drains into new requests.
    let resumed = false;
    const items = await consume(
      subscription,
      (seen) => seen.some((item) => tagOf(item) === 999),
      (item) => {
        if (!resumed && tagOf(item) === 107) {
          resumed = true;
          simulator.emit('Events', 'Small', small(999).data);
        }
      },
    );
    expect(items.map((item) => (item.type === 'event' ? tagOf(item) : item))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
      100, 101, 102, 103, 104, 105, 106, 107,
      { type: 'loss', count: 22, firstSequence: 16n, lastSequence: 37n },
      999,
    ]);
    expect(subscription.stats).toMatchObject({ delivered: 17, lost: 22, driverDropped: 22n, buffered: 0 });
    expect(subscription.stats.delivered + subscription.stats.lost).toBe(8 + 30 + 1);
    await simulator.settle();
    expect(subscription.stats.inFlight).toBe(4);
    expect(parked()).toBe(4);
    await opened.close();
  });
});

describe('re-post before deliver', () => {
  it('has the request back at the driver when an event is handed out, so the next event finds it even with depth 1', async () => {
    const { simulator, opened } = await setup();
    const subscription = opened.subscribe.Events({ depth: 1 });
    const first = subscription.next();
    simulator.emit('Events', 'Small', small(1).data);
    const item = await first;
    expect(item.value).toMatchObject({ type: 'event', sequence: 0n });
    // The consumer holds its first event and has not asked for another...
    expect(subscription.stats).toMatchObject({ inFlight: 1, completions: 1 });
    expect(simulator.state().subscriptions[0]!.parked).toBe(1);
    // ...and an event arriving now completes a request instead of waiting in the ring.
    const [outcome] = simulator.emit('Events', 'Small', small(2).data);
    expect(outcome!.outcome).toBe('completed');
    expect((await subscription.next()).value).toMatchObject({ type: 'event', sequence: 1n });
    await opened.close();
  });

  it('keeps the full depth in flight as each item of a batch is handed out', async () => {
    const { simulator, opened } = await setup();
    const subscription = opened.subscribe.Events({ depth: 8 });
    simulator.emitBurst('Events', Array.from({ length: 5 }, (_, tag) => small(tag)));
    const depths: number[] = [];
    await consume(subscription, (seen) => seen.length === 5, () => depths.push(subscription.stats.inFlight));
    expect(depths).toEqual([8, 8, 8, 8, 8]);
    await opened.close();
  });
});

describe('the async iterator protocol', () => {
  it('answers next() calls made before earlier ones settled, in order, and ends all of them at close', async () => {
    const { simulator, opened } = await setup();
    const subscription = opened.subscribe.Events({ depth: 2 });
    const answers: IteratorResult<SubscriptionItem<Events>>[] = [];
    for (let index = 0; index < 4; index++) void subscription.next().then((answer) => (answers[index] = answer));
    simulator.emitBurst('Events', [small(1), small(2)]);
    await simulator.settle();
    expect(answers.map((answer) => answer && tagOf(answer.value!))).toEqual([1, 2]);
    await subscription.close();
    await simulator.settle();
    expect(answers.slice(2)).toEqual([
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);
    await opened.close();
  });
});

describe('cancellation', () => {
  it('an AbortSignal cancels exactly its call; the other call and the subscription carry on', async () => {
    const { simulator, opened } = await setup();
    const started: { input: { value: number; text: string }; signal: AbortSignal; finish: (output: { value: number; text: string }) => void }[] = [];
    simulator.handle('Echo', (input, { signal }) => new Promise((finish) => started.push({ input, signal, finish })));
    const subscription = opened.subscribe.Events({ depth: 2 });

    const controller = new AbortController();
    const first = opened.call.Echo({ value: 1, text: 'one' }, { signal: controller.signal });
    const second = opened.call.Echo({ value: 2, text: 'two' });
    expect(started.map((call) => call.input.value)).toEqual([1, 2]);
    controller.abort();
    const error = await first.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect(error).toMatchObject({ canceled: true, code: 'ERROR_OPERATION_ABORTED' });
    expect(started.map((call) => call.signal.aborted)).toEqual([true, false]);

    // The cancelled call's late result is dropped; the other one completes normally.
    started[0]!.finish({ value: 10, text: 'late' });
    started[1]!.finish({ value: 20, text: 'two' });
    expect(await second).toEqual({ value: 20, text: 'two' });
    expect(simulator.state().totals.cancels).toBe(1);
    expect(subscription.stats.inFlight).toBe(2);
    simulator.emit('Events', 'Small', small(5).data);
    expect((await subscription.next()).value).toMatchObject({ type: 'event', data: { tag: 5n } });
    await opened.close();
  });

  it('close() while a consumer is iterating ends the iteration and leaves no parked request', async () => {
    const { simulator, opened } = await setup();
    const subscription = opened.subscribe.Events({ depth: 4 });
    const seen: SubscriptionItem<Events>[] = [];
    const consumer = (async () => {
      for await (const item of subscription) seen.push(item);
      return 'ended';
    })();
    simulator.emit('Events', 'Small', small(1).data);
    await simulator.settle();
    expect(seen).toHaveLength(1);
    expect(simulator.state().subscriptions[0]!.parked).toBe(4);

    await subscription.close();
    expect(await consumer).toBe('ended');
    expect(simulator.state().subscriptions[0]!.parked).toBe(0);
    expect(subscription.stats.inFlight).toBe(0);
    expect(await subscription.next()).toEqual({ done: true, value: undefined });
    await opened.close();
    expect(simulator.state()).toMatchObject({ handles: [], subscriptions: [] });
    expect(simulator.state().totals.cancels).toBe(4);
  });

  it('device.close() while a consumer is iterating ends it too, and closes the handle after every completion', async () => {
    const { simulator, opened } = await setup();
    const subscription = opened.subscribe.Events({ depth: 3 });
    const consumer = (async () => {
      let count = 0;
      for await (const item of subscription) if (item.type === 'event') count++;
      return count;
    })();
    simulator.emitBurst('Events', [small(1), small(2)]);
    await simulator.settle();
    await opened.close();
    expect(await consumer).toBe(2);
    expect(simulator.state()).toMatchObject({ handles: [], subscriptions: [] });
    // Every request of the handle completed before it closed: 2 with events, 3 cancelled.
    expect(simulator.state().totals).toMatchObject({ cancels: 3 });
  });
});

describe('process death', () => {
  it("throws a canceled DeviceError from the dead process's iterator after what it had received; another process is untouched", async () => {
    const { simulator, opened } = await setup();
    const survivor = await openDevice(device, { backend: simulator.createBackend('survivor') });
    const theirs = survivor.subscribe.Events({ depth: 2 });
    const ours = opened.subscribe.Events({ depth: 4 });
    const seen: SubscriptionItem<Events>[] = [];
    // The outcome is taken at once, so the iterator's error is never an unhandled rejection.
    const ended = (async () => {
      for await (const item of ours) seen.push(item);
    })().then(() => undefined, (caught: unknown) => caught);
    simulator.emit('Events', 'Small', small(1).data);
    await simulator.settle();

    await simulator.crash(simulator.backend);
    const error = await ended;
    expect(error).toBeInstanceOf(DeviceError);
    expect(error).toMatchObject({ canceled: true, code: 'ERROR_OPERATION_ABORTED' });
    expect(seen.map(tagOf)).toEqual([1]);
    expect(simulator.state().handles.map((handle) => handle.processName)).toEqual(['survivor']);
    expect(simulator.state().subscriptions).toMatchObject([{ processName: 'survivor', parked: 2 }]);

    simulator.emit('Events', 'Small', small(2).data);
    expect((await consume(theirs, (items) => items.length === 2)).map(tagOf)).toEqual([1, 2]);
    await opened.close();
    await survivor.close();
  });
});

describe('protocol check at open', () => {
  it('refuses a driver built from another schema with ProtocolMismatchError, and closes the handle it opened', async () => {
    const simulator = trackedSimulator();
    const stale = { ...device, schemaHash: '0'.repeat(64) };
    const error = await openDevice(stale, { backend: simulator.backend }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProtocolMismatchError);
    expect((error as ProtocolMismatchError).differences).toEqual([expect.stringMatching(new RegExp(`^schema hash: driver ${device.schemaHash.slice(0, 16)}\\.\\.\\., client 0000000000000000\\.\\.\\.`))]);
    expect((error as Error).message).toMatch(/Regenerate/);
    await simulator.settle();
    expect(simulator.state().handles).toEqual([]);
  });
});

describe('nothing is left behind', () => {
  /** Timers and immediates the process holds; an idle client and simulator must add none. */
  const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout' || resource === 'Immediate').length;

  it('leaves no timer or immediate after a device with calls, subscriptions and cancels is closed, even with delivery latency', async () => {
    const baseline = timers();
    const { simulator, opened } = await setup({ latency: { minMs: 0, maxMs: 2, seed: 7 } });
    // From here to the check below nothing awaits, so no timer can fire in between: a runner timer
    // firing during the awaits above once made the count look unchanged under load.
    const beforeTraffic = timers();
    simulator.handle('Echo', (input) => input);
    const subscription = opened.subscribe.Events({ depth: 4 });
    const controller = new AbortController();
    const pending = opened.call.Echo({ value: 1, text: 'x' }, { signal: controller.signal }).catch((error: unknown) => error);
    simulator.emitBurst('Events', [small(1), small(2), small(3)]);
    // While completions are on their way, the simulator holds a timer (so this measure does see them).
    expect(timers()).toBeGreaterThan(beforeTraffic);
    expect((await consume(subscription, (items) => items.length === 3)).map(tagOf)).toEqual([1, 2, 3]);
    controller.abort();
    await pending;
    await opened.close();
    await simulator.settle();
    // At most the baseline: a runner timer that was pending at the start may have fired since.
    expect(timers()).toBeLessThanOrEqual(baseline);
  });
});
