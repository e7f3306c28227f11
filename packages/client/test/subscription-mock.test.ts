// Subscription behaviour against scripted completions: gaps become exact loss notices, protocol
// violations end the iterator with a ProtocolError instead of a wrong event or a hang.
import { describe, expect, it } from 'vitest';
import { DeviceError } from '@inverted-call/backend';
import { BATCH_FLAG_RING_EMPTY } from '@inverted-call/codec';
import { ProtocolError, openDevice, type SubscriptionItem } from '../src/index.js';
import { RecordingBackend, encodeBatch, type MockAnswer } from '../src/testing.js';
import { EVENTS, device } from './support.js';

const small = (sequence: bigint) => ({ sequence, kind: 'Small', data: { tag: sequence, value: 0, flag: false } });

/** Answers subscribe requests with the given batches in order, then parks the rest until cancelled. */
function scripted(batches: MockAnswer[]) {
  let next = 0;
  return new RecordingBackend({
    descriptor: device,
    responses: {
      [EVENTS.code]: () => {
        const answer = batches[next++];
        // Past the script, requests stay parked until cancelled, like a driver with no events.
        return answer ?? new Promise<MockAnswer>(() => {});
      },
    },
  });
}

async function take(backend: RecordingBackend, count: number, options = {}) {
  const opened = await openDevice(device, { backend });
  const subscription = opened.subscribe.Events({ depth: 2, ...options });
  const items: SubscriptionItem<typeof EVENTS>[] = [];
  for await (const item of subscription) {
    items.push(item);
    if (items.length === count) break;
  }
  return { opened, subscription, items };
}

describe('subscription against scripted batches', () => {
  it('delivers events in order with their sequence numbers', async () => {
    const { items, subscription, opened } = await take(scripted([encodeBatch(EVENTS, [small(0n), small(1n)]), encodeBatch(EVENTS, [small(2n)])]), 3);
    expect(items.map((item) => item.type === 'event' && item.sequence)).toEqual([0n, 1n, 2n]);
    expect(subscription.stats).toMatchObject({ delivered: 3, lost: 0, inFlight: 0 });
    await opened.close();
  });

  it('turns a sequence gap into one loss notice with the exact count', async () => {
    const { items, opened } = await take(scripted([encodeBatch(EVENTS, [small(0n), small(4n)], 3n)]), 3);
    expect(items[1]).toEqual({ type: 'loss', count: 3, firstSequence: 1n, lastSequence: 3n });
    expect(items[2]).toMatchObject({ type: 'event', sequence: 4n });
    await opened.close();
  });

  it('reports the drops after a ring-empty batch at once, and never twice', async () => {
    const { items, subscription, opened } = await take(
      scripted([encodeBatch(EVENTS, [small(0n), small(1n)], 2n, BATCH_FLAG_RING_EMPTY), encodeBatch(EVENTS, [small(4n)], 2n, BATCH_FLAG_RING_EMPTY)]),
      4,
    );
    expect(items.slice(0, 3)).toEqual([
      expect.objectContaining({ sequence: 0n }),
      expect.objectContaining({ sequence: 1n }),
      { type: 'loss', count: 2, firstSequence: 2n, lastSequence: 3n },
    ]);
    expect(items[3]).toMatchObject({ type: 'event', sequence: 4n });
    expect(subscription.stats).toMatchObject({ lost: 2, driverDropped: 2n });
    await opened.close();
  });

  it('without the ring-empty flag, a trailing drop waits for the gap the next event shows', async () => {
    const { items, opened } = await take(scripted([encodeBatch(EVENTS, [small(0n)], 1n), encodeBatch(EVENTS, [small(2n)], 1n, BATCH_FLAG_RING_EMPTY)]), 3);
    expect(items.map((item) => item.type)).toEqual(['event', 'loss', 'event']);
    expect(items[1]).toEqual({ type: 'loss', count: 1, firstSequence: 1n, lastSequence: 1n });
    await opened.close();
  });

  it.each([
    ['a repeated sequence', [encodeBatch(EVENTS, [small(0n)]), encodeBatch(EVENTS, [small(0n)])], 'repeats or goes back'],
    ['more missing than the driver dropped', [encodeBatch(EVENTS, [small(5n)], 2n)], 'driver reports 2 dropped'],
    ['a drop count going back', [encodeBatch(EVENTS, [small(0n)], 4n), encodeBatch(EVENTS, [small(1n)], 1n)], 'went back'],
    ['garbage', [new Uint8Array([1, 2, 3])], 'less than the 24-byte batch header'],
  ])('ends with a ProtocolError on %s, after what was valid', async (_, batches, message) => {
    const opened = await openDevice(device, { backend: scripted(batches) });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const item of opened.subscribe.Events({ depth: 1 })) seen.push(item);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain(message);
    await opened.close();
  });

  it('ends with the driver error when a request fails', async () => {
    const opened = await openDevice(device, { backend: scripted([new DeviceError('ERROR_INSUFFICIENT_BUFFER')]) });
    await expect(opened.subscribe.Events({ depth: 1 }).next()).rejects.toMatchObject({ code: 'ERROR_INSUFFICIENT_BUFFER' });
    await opened.close();
  });

  it('refuses bad options before any I/O, through the iterator and ready like any error', async () => {
    const backend = scripted([]);
    const opened = await openDevice(device, { backend });
    const cases = [
      [{ depth: 0 }, 'depth must be a whole number from 1 to 256'],
      [{ batchBytes: 100 }, 'batchBytes must be at least 288'],
      [{ highWaterMark: 0 }, 'highWaterMark'],
    ] as const;
    for (const [options, message] of cases) {
      const subscription = opened.subscribe.Events(options);
      await expect(subscription.ready).rejects.toThrow(message);
      await expect(subscription.next()).rejects.toThrow(RangeError);
      await expect(subscription.next()).resolves.toEqual({ done: true, value: undefined });
    }
    expect(backend.ioctls.filter((call) => call.code === EVENTS.code)).toHaveLength(0);
    await opened.close();
    const late = opened.subscribe.Events();
    await expect(late.next()).rejects.toMatchObject({ code: 'ERROR_INVALID_HANDLE' });
  });

  it('keeps depth requests in flight, and close cancels and waits for them', async () => {
    const backend = scripted([]);
    const opened = await openDevice(device, { backend });
    const subscription = opened.subscribe.Events({ depth: 5 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(subscription.stats.inFlight).toBe(5);
    await opened.close();
    expect(subscription.stats.inFlight).toBe(0);
    expect(backend.ioctls.filter((call) => call.code === EVENTS.code).every((call) => call.signal!.aborted)).toBe(true);
    await expect(subscription.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('an aborted signal ends the iterator with a canceled DeviceError', async () => {
    const opened = await openDevice(device, { backend: scripted([]) });
    const controller = new AbortController();
    const subscription = opened.subscribe.Events({ signal: controller.signal });
    const pending = subscription.next();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'DeviceError', canceled: true, code: 'ERROR_OPERATION_ABORTED' });
    await opened.close();
  });
});
