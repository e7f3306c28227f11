// The client's cost per event against a DataView loop written by hand over the same batches, for
// a small event (32-byte records) and a large one (ProcessCreated, 584-byte records). The client
// reads pre-built batches from a backend that completes every request at once (decode-workload.ts),
// so what is measured is decoding, sequence checks, buffering and handing items over, not I/O.
// Four ways over the same bytes, side by side:
//   (a) `for await` over a subscription's items;
//   (b) `subscription.batches()`, one array of items per completion;
//   (c) the hand-written DataView loop: batch header, record headers, every field into an object;
//   (d) decodeBatch alone, the generated decoders without the subscription around them.
// Before the benchmarks, the file checks that all four produce the same items, then measures the
// ratios (a)/(c), (b)/(c) and (d)/(c) in interleaved rounds and writes their medians and spread to
// bench-results/decode-ratios.json for the report: on a shared machine a ratio of runs taken turn
// about is steadier than a ratio of two separate means.
import { mkdirSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { bench, describe } from 'vitest';
import { decodeBatch, kindsById } from '../src/index.js';
import { processCreatedWorkload, smallWorkload, subscribeToReplay, type HandItem, type Workload } from './decode-workload.js';

const PER_BATCH = 64;
const WORKLOADS = [smallWorkload(4096, PER_BATCH), processCreatedWorkload(512, PER_BATCH)];
const ROUNDS = 25;
/** The goals, by workload: at most how many times the hand loop's time a way may take. */
const GOALS: readonly Partial<Record<Way, number>>[] = [{ batches: 1.5 }, { iterator: 2, batches: 1.5 }];
type Way = 'iterator' | 'batches' | 'decoder';
const WAY_NAMES: Record<Way, string> = { iterator: '(a) for await', batches: '(b) batches()', decoder: '(d) decodeBatch alone' };

// Keeps results alive so the engine cannot drop the work as dead code.
let sink: unknown;

/** (a) Every item through `for await`; stops (and closes) once the last event has come. */
async function throughIterator(workload: Workload): Promise<void> {
  const { device, subscription } = await subscribeToReplay(workload);
  let taken = 0;
  for await (const item of subscription) {
    sink = item;
    if (++taken === workload.events) break;
  }
  await device.close();
}

/** (b) Whole completions through `batches()`. */
async function throughBatches(workload: Workload): Promise<void> {
  const { device, subscription } = await subscribeToReplay(workload);
  let taken = 0;
  for await (const items of subscription.batches()) {
    sink = items;
    taken += items.length;
    if (taken >= workload.events) break;
  }
  await device.close();
}

/** (c) The hand-written loop; a fresh array per batch, as a completion's items are. */
function byHand(workload: Workload): void {
  for (const batch of workload.batches) {
    const items: HandItem[] = [];
    workload.decodeByHand(batch, items);
    sink = items;
  }
}

/** (d) The generated decoders through decodeBatch, without sequence checks or buffering. */
function decoderAlone(workload: Workload): void {
  const kinds = kindsById(workload.channel);
  for (const batch of workload.batches) sink = decodeBatch(batch, workload.channel, kinds).records;
}

/** All four ways must produce the same items from the first batches, or the comparison means nothing. */
async function checkSameItems(workload: Workload): Promise<void> {
  const sample = workload.batches.slice(0, 4);
  const events = sample.length * PER_BATCH;
  const expected: HandItem[] = [];
  for (const batch of sample) workload.decodeByHand(batch, expected);
  const iterated: unknown[] = [];
  {
    const { device, subscription } = await subscribeToReplay(workload, sample);
    for await (const item of subscription) if (iterated.push(item) === events) break;
    await device.close();
  }
  const batched: unknown[] = [];
  {
    const { device, subscription } = await subscribeToReplay(workload, sample);
    for await (const items of subscription.batches()) if (batched.push(...items) >= events) break;
    await device.close();
  }
  const kinds = kindsById(workload.channel);
  const decoded = sample.flatMap((batch) => decodeBatch(batch, workload.channel, kinds).records);
  for (const [name, items] of Object.entries({ 'for await': iterated, 'batches()': batched, decodeBatch: decoded })) {
    if (!isDeepStrictEqual(items, expected)) throw new Error(`${workload.title}: ${name} and the hand-written loop disagree`);
  }
}

/**
 * CPU time of this process (user + system, all its threads), in microseconds. Everything here runs
 * on the CPU without waiting for I/O, so on an idle machine it equals wall time; on a loaded one it
 * leaves out the time other processes had the cores, which wall time does not.
 */
async function cpuTime(run: () => unknown): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/** The value below which a `fraction` of the values lie, interpolating between neighbours. */
function quantile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * fraction;
  const below = sorted[Math.floor(at)]!;
  return below + (sorted[Math.ceil(at)]! - below) * (at - Math.floor(at));
}

/** Each round runs the four ways once, in turn; a ratio is taken within a round, so load that comes and goes hits both sides. */
async function measureRatios(workload: Workload): Promise<Record<Way, number[]>> {
  const ratios: Record<Way, number[]> = { iterator: [], batches: [], decoder: [] };
  for (let round = -2; round < ROUNDS; round++) {
    const hand = await cpuTime(() => byHand(workload));
    const iterator = await cpuTime(() => throughIterator(workload));
    const batches = await cpuTime(() => throughBatches(workload));
    const decoder = await cpuTime(() => decoderAlone(workload));
    // The first two rounds warm the engine up.
    if (round < 0) continue;
    ratios.iterator.push(iterator / hand);
    ratios.batches.push(batches / hand);
    ratios.decoder.push(decoder / hand);
  }
  return ratios;
}

const rows: { name: string; values: Record<string, number> }[] = [];
for (const [index, workload] of WORKLOADS.entries()) {
  await checkSameItems(workload);
  const ratios = await measureRatios(workload);
  for (const way of Object.keys(WAY_NAMES) as Way[]) {
    const values: Record<string, number> = { median: quantile(ratios[way], 0.5), 'lower quartile': quantile(ratios[way], 0.25), 'upper quartile': quantile(ratios[way], 0.75) };
    const goal = GOALS[index]![way];
    if (goal !== undefined) values['goal: at most'] = goal;
    rows.push({ name: `${workload.title}, ${WAY_NAMES[way]}`, values });
  }
}
const report = {
  title: 'Cost per event against a hand-written DataView loop (CPU time ÷ CPU time of the hand loop)',
  description:
    `The same pre-built batches of ${PER_BATCH} records, read four ways: (a) \`for await\` over a subscription's items, (b) \`subscription.batches()\`, ` +
    '(c) a loop written by hand that reads the batch header, each record header and every field into the same objects (DataView for numbers, ' +
    "Node's UTF-16 decoder for the text), (d) `decodeBatch` alone, without the subscription. Each is timed once per round, in turn, and the ratio " +
    `to (c) taken within the round; the table gives the median of ${ROUNDS} rounds and the quartiles around it. 1 means as fast as the hand loop. ` +
    'Times are CPU time of the process, which the load of other processes on a shared machine disturbs less than wall time.',
  rowHeader: 'Records and way',
  columns: ['median', 'lower quartile', 'upper quartile', 'goal: at most'],
  rows,
};
console.log(`\n${report.title}`);
for (const row of rows) console.log(`  ${row.name}: ${Object.entries(row.values).map(([name, value]) => `${name} ${value.toFixed(2)}`).join(', ')}`);
const results = new URL('../bench-results/', import.meta.url);
mkdirSync(results, { recursive: true });
writeFileSync(new URL('decode-ratios.json', results), `${JSON.stringify(report, null, 2)}\n`);

for (const workload of WORKLOADS) {
  describe(`${workload.title}: ${workload.events.toLocaleString('en-US')} events per op, in batches of ${PER_BATCH}`, () => {
    const options = { time: 2000, iterations: 5, warmupIterations: 2 };
    bench('(a) for await over items', () => throughIterator(workload), options);
    bench('(b) batches(), one array per completion', () => throughBatches(workload), options);
    bench('(c) hand-written DataView loop', () => byHand(workload), options);
    bench('(d) decodeBatch alone', () => decoderAlone(workload), options);
  });
}

export { sink };
