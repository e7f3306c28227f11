// Events per second through `subscribe` on the simulator, for the seed thread's naive design (one
// request in flight, one event per completion, a consumer that awaits each event) against the
// design of DESIGN.md section 5 (several requests in flight, batches). Both run the same workload:
// 20,000 events arriving in bursts of 1,000 that the consumer drains before the next burst, with a
// ring large enough that nothing is dropped, so the difference is the cost per event alone.
//
// Before the benchmarks, the file measures once how much each design loses when 100,000 events
// arrive while the consumer is stalled, and writes it to bench-results/loss.json for the report.
// Compare ratios within one run: absolute numbers move with the machine and its load.
import { mkdirSync, writeFileSync } from 'node:fs';
import { bench, describe } from 'vitest';
import { conformanceDevice as device } from '@inverted-call/conformance-device';
import { createSimulator } from '@inverted-call/simulator';
import { openDevice, type SubscribeOptions } from '../src/index.js';

const EVENTS = device.channels.Events;
const LARGE_RECORD_BYTES = EVENTS.events.Large.recordBytes;
const BATCH_HEADER_BYTES = 24;

const TOTAL = 20_000;
const BURST = 1_000;
const STALLED_BURST = 100_000;
const STALLED_CHUNK = 1_000;

/**
 * Large events (a 264-byte record): the smallest legal buffer, the channel's minimumOutputBytes,
 * holds exactly one, so the naive design gets one event per completion as in the seed thread.
 */
const DESIGNS = [
  {
    name: '(a) depth 1, one event per completion, highWaterMark 1',
    options: { depth: 1, batchBytes: EVENTS.minimumOutputBytes, highWaterMark: 1 },
  },
  {
    name: '(b) depth 8, batches of up to 32 events, highWaterMark 1024',
    options: { depth: 8, batchBytes: BATCH_HEADER_BYTES + 32 * LARGE_RECORD_BYTES, highWaterMark: 1024 },
  },
] as const satisfies readonly { name: string; options: SubscribeOptions }[];

function burstOf(count: number, firstTag: number) {
  return Array.from({ length: count }, (_, index) => ({ kind: 'Large' as const, data: { tag: BigInt(firstTag + index), text: 'C:\\Windows\\System32\\notepad.exe' } }));
}

const THROUGHPUT_BURST = burstOf(BURST, 0);

/** One run of the throughput workload; throws if an event is lost, so the numbers mean what they say. */
async function drainBursts(options: SubscribeOptions): Promise<void> {
  const simulator = createSimulator(device);
  simulator.setChannel('Events', { capacity: BURST });
  const opened = await openDevice(device, { backend: simulator.backend });
  const subscription = opened.subscribe.Events(options);
  for (let sent = 0; sent < TOTAL; sent += BURST) {
    simulator.emitBurstSummary('Events', THROUGHPUT_BURST);
    for (let taken = 0; taken < BURST; taken++) {
      const next = await subscription.next();
      if (next.done || next.value.type !== 'event') throw new Error(`throughput workload: expected an event, got ${JSON.stringify(next.value)}`);
    }
  }
  if (subscription.stats.delivered !== TOTAL || subscription.stats.lost !== 0) throw new Error(`throughput workload: ${JSON.stringify(subscription.stats, (_, value) => (typeof value === 'bigint' ? Number(value) : value))}`);
  await opened.close();
}

/**
 * 100,000 events arrive in chunks of 1,000 while the consumer takes nothing; the event loop turns
 * between chunks, so the client keeps handling completions and re-posting until its buffer reaches
 * highWaterMark. Then the consumer resumes and drains, and one more event shows the final gap.
 */
async function lossWhileStalled(options: SubscribeOptions) {
  const simulator = createSimulator(device);
  const opened = await openDevice(device, { backend: simulator.backend });
  const subscription = opened.subscribe.Events(options);
  for (let sent = 0; sent < STALLED_BURST; sent += STALLED_CHUNK) {
    simulator.emitBurstSummary('Events', burstOf(STALLED_CHUNK, sent));
    await simulator.settle();
  }
  let delivered = 0;
  for (;;) {
    if (subscription.stats.buffered === 0) {
      await simulator.settle();
      if (subscription.stats.buffered === 0) break;
    }
    const next = await subscription.next();
    if (!next.done && next.value.type === 'event') delivered++;
  }
  const driver = simulator.state().subscriptions[0]!;
  const reported = Number(subscription.stats.driverDropped);
  // The marker event after the burst turns a trailing gap into a loss notice the consumer sees.
  simulator.emit('Events', 'Large', { tag: BigInt(STALLED_BURST), text: 'marker' });
  for (let next = await subscription.next(); !(next.done || (next.value.type === 'event' && next.value.data.tag === BigInt(STALLED_BURST))); next = await subscription.next());
  if (subscription.stats.lost !== reported) throw new Error(`loss measurement: the consumer saw ${subscription.stats.lost} lost, the batch headers said ${reported}`);
  const values = {
    emitted: STALLED_BURST,
    delivered,
    lost: subscription.stats.lost,
    'dropped by the driver': Number(driver.dropped),
    'delivered + lost': delivered + subscription.stats.lost,
    completions: subscription.stats.completions,
  };
  if (values['delivered + lost'] !== STALLED_BURST || values.lost !== values['dropped by the driver']) throw new Error(`loss measurement does not add up: ${JSON.stringify(values)}`);
  await opened.close();
  return values;
}

const lossRows: { name: string; values: Record<string, number> }[] = [];
for (const design of DESIGNS) lossRows.push({ name: design.name, values: await lossWhileStalled(design.options) });
const loss = {
  title: `Loss under a burst of ${STALLED_BURST.toLocaleString('en-US')} events with a stalled consumer`,
  description:
    `${STALLED_BURST.toLocaleString('en-US')} Large events reach the simulated driver (ring of ${EVENTS.capacity}, drop-newest) in chunks of ${STALLED_CHUNK.toLocaleString('en-US')} ` +
    'while the consumer takes nothing; the client still handles completions and re-posts until its buffer reaches highWaterMark. ' +
    'A consumer stalled for the whole burst keeps only what fits in its buffer, its requests in flight and the driver ring; ' +
    'the point is that every other event is reported as lost, exactly: delivered + lost equals emitted, and the loss equals the driver\'s drop count.',
  rowHeader: 'Design',
  columns: ['emitted', 'delivered', 'lost', 'dropped by the driver', 'delivered + lost', 'completions'],
  rows: lossRows,
};
console.log(`\n${loss.title}`);
for (const row of lossRows) console.log(`  ${row.name}: ${JSON.stringify(row.values)}`);
const results = new URL('../bench-results/', import.meta.url);
mkdirSync(results, { recursive: true });
writeFileSync(new URL('loss.json', results), `${JSON.stringify(loss, null, 2)}\n`);

describe(`subscribe: ${TOTAL.toLocaleString('en-US')} events per op, in bursts of ${BURST.toLocaleString('en-US')} drained by an awaiting consumer`, () => {
  for (const design of DESIGNS) {
    bench(design.name, () => drainBursts(design.options), { time: 1500, iterations: 5, warmupIterations: 1 });
  }
});
