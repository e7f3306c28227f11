// runMonitor against the simulated driver: it counts every event as delivered or lost, through
// loss notices and the driver's trailing drop count, with the driver stalled or the consumer slow.
import { DeviceError, type DeviceBackendV1 } from '@inverted-call/client';
import { createSimulator } from '@inverted-call/simulator';
import { describe, expect, it } from 'vitest';
import { processMonitorDevice, type ProcessChannelEvent } from '../generated/process-monitor.js';
import { runMonitor, type ProcessEvent } from '../src/monitor.js';

function exited(index: number): ProcessChannelEvent {
  return { kind: 'Exited', data: { processId: BigInt(1000 + 4 * index), exitTime: 133_000_000_000_000_000n + BigInt(index) } };
}

/** A simulated driver whose ring holds `capacity` events, answering GetVersion like driver/Handlers.c. */
function smallDriver(capacity: number) {
  const simulator = createSimulator(processMonitorDevice);
  simulator.handle('GetVersion', () => ({ major: 1, minor: 0, patch: 0, flags: 0 }));
  simulator.setChannel('Process', { capacity });
  return simulator;
}

/**
 * The same driver as an older protocol v1 driver that never sets RING_EMPTY in its batch headers
 * (the flag is a compatible addition): subscribe outputs get their Flags word cleared.
 */
function withoutRingEmptyFlag(backend: DeviceBackendV1): DeviceBackendV1 {
  const subscribeCode = processMonitorDevice.channels.Process.code;
  return {
    specificationVersion: 'v1',
    name: `${backend.name} (no RING_EMPTY)`,
    async open(path, options) {
      const handle = await backend.open(path, options);
      return {
        path: handle.path,
        access: handle.access,
        close: () => handle.close(),
        async ioctl(code, input, outputLength, ioctlOptions) {
          const result = await handle.ioctl(code, input, outputLength, ioctlOptions);
          if (code === subscribeCode) new DataView(result.output.buffer, result.output.byteOffset).setUint32(12, 0, true);
          return result;
        },
      };
    },
  };
}

const ringOf = (simulator: ReturnType<typeof smallDriver>) => simulator.state().subscriptions.find((subscription) => subscription.channel === 'Process')!;

describe('runMonitor', () => {
  it('delivers in order and reports the driver version', async () => {
    const simulator = smallDriver(64);
    const controller = new AbortController();
    const seen: bigint[] = [];
    const monitor = runMonitor({ backend: simulator.backend, signal: controller.signal, onEvent: (event) => void seen.push(event.sequence) });
    expect(await monitor.ready).toEqual({ major: 1, minor: 0, patch: 0, flags: 0 });
    simulator.emitBurst('Process', Array.from({ length: 20 }, (_, index) => exited(index)));
    await simulator.settle();
    expect(monitor.stats()).toMatchObject({ delivered: 20, lost: 0, inFlight: 8, buffered: 0 });
    expect(monitor.stats().eventsPerSecond).toBe(20);
    controller.abort();
    const summary = await monitor.done;
    expect(seen).toEqual(Array.from({ length: 20 }, (_, index) => BigInt(index)));
    expect(summary).toMatchObject({ delivered: 20, lost: 0, lossNotices: 0, discarded: 0 });
  });

  it('reports a burst past the ring as one loss notice as soon as the ring drains', async () => {
    const simulator = smallDriver(16);
    const controller = new AbortController();
    const losses: unknown[] = [];
    const monitor = runMonitor({ backend: simulator.backend, depth: 4, signal: controller.signal, onLoss: (loss) => void losses.push(loss) });
    await monitor.ready;
    // The driver does not get round to completing: events go to the ring, 16 fit, 84 are dropped.
    simulator.stall('Process');
    const burst = simulator.emitBurstSummary('Process', Array.from({ length: 100 }, (_, index) => exited(index)));
    expect(burst.outcomes).toEqual({ completed: 0, queued: 16, dropped: 84, 'replaced-oldest': 0 });
    expect(ringOf(simulator)).toMatchObject({ ringFill: 16, dropped: 84n, parked: 4 });
    simulator.release('Process');
    await simulator.settle();
    // The batch that drained the ring says so: the 84 drops after it are reported at once.
    expect(monitor.stats()).toMatchObject({ delivered: 16, lost: 84, lossNotices: 1 });
    expect(losses).toEqual([{ type: 'loss', count: 84, firstSequence: 16n, lastSequence: 99n }]);
    simulator.emit('Process', 'Exited', exited(100).data as never);
    await simulator.settle();
    controller.abort();
    const summary = await monitor.done;
    expect(losses).toEqual([{ type: 'loss', count: 84, firstSequence: 16n, lastSequence: 99n }]);
    expect(summary).toMatchObject({ delivered: 17, lost: 84, lostInNotices: 84, lossNotices: 1, lostWithoutNotice: 0, discarded: 0 });
    expect(summary.delivered + summary.lost).toBe(101);
  });

  it('with a driver that never sets RING_EMPTY, counts the drops after the last event from the driver\'s drop count, without a notice', async () => {
    const simulator = smallDriver(16);
    const controller = new AbortController();
    const monitor = runMonitor({ backend: withoutRingEmptyFlag(simulator.backend), depth: 4, signal: controller.signal });
    await monitor.ready;
    simulator.stall('Process');
    simulator.emitBurstSummary('Process', Array.from({ length: 100 }, (_, index) => exited(index)));
    simulator.release('Process');
    await simulator.settle();
    controller.abort();
    const summary = await monitor.done;
    expect(summary).toMatchObject({ delivered: 16, lost: 84, lostInNotices: 0, lossNotices: 0, lostWithoutNotice: 84 });
  });

  it('a slow consumer: the buffer fills, requests stop, the ring fills, the rest is counted', async () => {
    const simulator = smallDriver(16);
    const controller = new AbortController();
    let resume: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (resume = resolve));
    let stalled = true;
    const monitor = runMonitor({
      backend: simulator.backend,
      depth: 2,
      highWaterMark: 10,
      signal: controller.signal,
      onEvent: () => (stalled ? gate : undefined),
    });
    await monitor.ready;
    let emitted = 0;
    // One event at a time, each given time to arrive: only the consumer is slow here.
    for (; emitted < 60; emitted++) {
      simulator.emit('Process', 'Exited', exited(emitted).data as never);
      await simulator.settle();
    }
    // Our buffer reached the high-water mark, so nothing is parked: the ring took 16, the rest dropped.
    const during = monitor.stats();
    expect(during.delivered).toBe(1);
    expect(during.inFlight).toBe(0);
    expect(during.buffered).toBeGreaterThanOrEqual(10);
    expect(ringOf(simulator)).toMatchObject({ ringFill: 16, parked: 0 });
    const dropped = Number(ringOf(simulator).dropped);
    expect(dropped).toBe(60 - 16 - (during.buffered + during.delivered));

    stalled = false;
    resume!();
    // The consumer catches up: the buffer drains, requests go out again, the ring empties.
    for (let round = 0; round < 50 && ringOf(simulator).ringFill > 0; round++) await simulator.settle();
    expect(ringOf(simulator)).toMatchObject({ ringFill: 0, parked: 2 });
    // The next event completes a parked request, and its sequence number shows the gap.
    simulator.emit('Process', 'Exited', exited(emitted++).data as never);
    for (let round = 0; round < 50 && monitor.stats().delivered + monitor.stats().lost < emitted; round++) await simulator.settle();
    controller.abort();
    const summary = await monitor.done;
    expect(summary.lost).toBe(dropped);
    expect(summary.lossNotices).toBe(1);
    expect(summary.delivered + summary.lost).toBe(emitted);
  });

  it('hands each event to onEvent in sequence, loss notices in their place', async () => {
    const simulator = smallDriver(8);
    const controller = new AbortController();
    const items: string[] = [];
    const monitor = runMonitor({
      backend: simulator.backend,
      depth: 1,
      signal: controller.signal,
      onEvent: (event: ProcessEvent) => void items.push(`event ${event.sequence}`),
      onLoss: (loss) => void items.push(`loss ${loss.firstSequence}-${loss.lastSequence}`),
    });
    await monitor.ready;
    simulator.stall('Process');
    simulator.emitBurst('Process', Array.from({ length: 10 }, (_, index) => exited(index)));
    simulator.release('Process');
    simulator.emit('Process', 'Exited', exited(10).data as never);
    for (let round = 0; round < 20 && items.length < 10; round++) await simulator.settle();
    controller.abort();
    await monitor.done;
    expect(items).toEqual(['event 0', 'event 1', 'event 2', 'event 3', 'event 4', 'event 5', 'event 6', 'event 7', 'loss 8-9', 'event 10']);
  });

  it('rejects ready and done when the driver refuses a call', async () => {
    const simulator = createSimulator(processMonitorDevice); // no GetVersion handler: STATUS_NOT_SUPPORTED
    const monitor = runMonitor({ backend: simulator.backend });
    await expect(monitor.ready).rejects.toBeInstanceOf(DeviceError);
    await expect(monitor.done).rejects.toMatchObject({ code: 'ERROR_NOT_SUPPORTED' });
    expect(simulator.state().handles).toEqual([]);
  });
});
