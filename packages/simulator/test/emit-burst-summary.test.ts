/** `emitBurstSummary`: the same events as `emitBurst`, counted per outcome instead of listed per event. */
import { describe, expect, it } from 'vitest';
import { createSimulator, type EmitBurstSummary, type EmitOutcome, type OfferOutcome } from '../src/index.js';
import { IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS as EVENTS, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST as LATEST, device, small } from './helpers.js';

function smallEvents(count: number, firstTag: number) {
  return Array.from({ length: count }, (_, index) => ({ kind: 'Small' as const, data: small(firstTag + index) }));
}

/** What the summary of a burst must be: the detailed outcomes, counted. */
function countOutcomes(burst: EmitOutcome[][]): EmitBurstSummary {
  const outcomes: Record<OfferOutcome, number> = { completed: 0, queued: 0, dropped: 0, 'replaced-oldest': 0 };
  for (const offers of burst) for (const offer of offers) outcomes[offer.outcome]++;
  return { events: burst.length, outcomes };
}

/**
 * A device where bursts reach every outcome: on Events (drop-newest, ring of 3) a reader with two
 * parked requests and a slow process with one; on Latest (drop-oldest, ring of 2, stalled) the
 * slow process with one parked request that the stall keeps empty.
 */
async function scriptedDevice() {
  const simulator = createSimulator(device);
  simulator.setChannel('Events', { capacity: 3 });
  simulator.setChannel('Latest', { capacity: 2 });
  simulator.stall('Latest');
  const reader = await simulator.backend.open(device.devicePath, { access: 'read' });
  const slow = await simulator.createBackend('slow').open(device.devicePath, { access: 'read' });
  const requests = [reader.ioctl(EVENTS, null, 512), reader.ioctl(EVENTS, null, 512), slow.ioctl(EVENTS, null, 512), slow.ioctl(LATEST, null, 256)];
  const settled = Promise.allSettled(requests);
  expect(simulator.state().subscriptions.map((subscription) => subscription.parked)).toEqual([2, 1, 1]);
  const close = async () => {
    await Promise.all([reader.close(), slow.close()]);
    await settled;
  };
  return { simulator, close };
}

describe('emitBurstSummary', () => {
  it('counts what emitBurst lists on the same workload, and leaves the device in the same state', async () => {
    const detailed = await scriptedDevice();
    const listed = [detailed.simulator.emitBurst('Events', smallEvents(10, 0)), detailed.simulator.emitBurst('Latest', smallEvents(5, 10))];
    const summarised = await scriptedDevice();
    const counted = [summarised.simulator.emitBurstSummary('Events', smallEvents(10, 0)), summarised.simulator.emitBurstSummary('Latest', smallEvents(5, 10))];

    expect(counted).toEqual(listed.map(countOutcomes));
    // Worked out by hand, so that a bug shared by both modes would still show.
    expect(counted).toEqual([
      // 10 events x 2 subscriptions: 2 + 1 complete the parked requests, 3 + 3 fill the rings, 5 + 6 are dropped.
      { events: 10, outcomes: { completed: 3, queued: 6, dropped: 11, 'replaced-oldest': 0 } },
      // 5 events x 1 subscription, stalled: 2 fill the ring, each later one pushes out the oldest.
      { events: 5, outcomes: { completed: 0, queued: 2, dropped: 0, 'replaced-oldest': 3 } },
    ]);
    await summarised.simulator.settle();
    await detailed.simulator.settle();
    expect(summarised.simulator.state()).toEqual(detailed.simulator.state());
    expect(summarised.simulator.trace()).toEqual(detailed.simulator.trace());
    await Promise.all([detailed.close(), summarised.close()]);
  });

  it('counts 200,000 events from a generator in a small result', async () => {
    const simulator = createSimulator(device);
    const reader = await simulator.backend.open(device.devicePath, { access: 'read' });
    const parked = reader.ioctl(EVENTS, null, 512);
    // A generator, so that neither the input nor the result holds anything per event.
    function* burst(count: number) {
      for (let tag = 0; tag < count; tag++) yield { kind: 'Small' as const, data: small(tag) };
    }
    const summary = simulator.emitBurstSummary('Events', burst(200_000));
    // One event completes the parked request, the ring of 8 takes the next ones, the rest overflow.
    expect(summary).toEqual({ events: 200_000, outcomes: { completed: 1, queued: 8, dropped: 199_991, 'replaced-oldest': 0 } });
    // Two numbers and four counters, whatever the burst's length (emitBurst's result would hold 200,000 arrays).
    expect(JSON.stringify(summary).length).toBeLessThan(100);
    expect(simulator.state().subscriptions[0]).toMatchObject({ nextSequence: 200_000n, dropped: 199_991n });
    await reader.close();
    await parked;
  });

  it('stops at an item that does not fit the schema, after emitting the ones before it', () => {
    const simulator = createSimulator(device);
    const items = [...smallEvents(2, 0), { kind: 'Small' as const, data: { ...small(2), label: 'x' } }, ...smallEvents(2, 3)];
    expect(() => simulator.emitBurstSummary('Events', items)).toThrow(/Small\.label: Small has no field "label"/);
    expect(simulator.state().totals.eventsEmitted).toBe(2);
  });

  it('is typed from the descriptor like emitBurst', () => {
    const simulator = createSimulator(device);
    // @ts-expect-error Latest has no Large events
    expect(() => simulator.emitBurstSummary('Latest', [{ kind: 'Large', data: { tag: 1n, text: '' } }])).toThrow(RangeError);
  });
});
