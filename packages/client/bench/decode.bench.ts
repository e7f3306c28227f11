// The client's cost per event against a DataView loop written by hand over the same batches, for
// a small event (Small, 32-byte records) and a large one (ProcessCreated, 584-byte records). The
// client reads pre-built batches from a backend that completes every request at once
// (decode-workload.ts), so what is measured is decoding, sequence checks, buffering and handing
// items over, not I/O. Four ways over the same bytes (decode-ways.ts), side by side:
//   (a) `for await` over a subscription's items;
//   (b) `subscription.batches()`, one array of items per completion;
//   (c) the hand-written loop: batch header, record headers, every field into the same objects;
//   (d) decodeBatch alone, the generated decoders without the subscription around them.
//
// Before the vitest benchmarks, the file checks that all four produce the same items, then times
// them in rounds, in RUNS Node processes of their own (decode-rounds.ts), and writes each way's
// ratio to (c) and its rate to bench-results/decode-ratios.json for the report: taken within a
// round, a ratio survives load that comes and goes, and the median over processes survives the
// engine optimizing one process differently from the next. The vitest tables are one process each.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { bench, describe } from 'vitest';
import { checkSameItems, WAYS, type Way } from './decode-ways.js';
import { decodeWorkloads, PER_BATCH } from './decode-workload.js';

const RUNS = 5;
const ROUNDS = 15;
const WORKLOADS = decodeWorkloads();
const WAY_NAMES: Record<Way, string> = { iterator: '(a) for await', batches: '(b) batches()', hand: '(c) hand-written loop', decoder: '(d) decodeBatch alone' };
/** The goals, by workload: at most how many times the hand loop's time a way may take. */
const GOALS: readonly Partial<Record<Way, number>>[] = [{ batches: 1.5 }, { iterator: 2, batches: 1.5 }];

type Times = Record<string, Record<Way, number[]>>;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Bundles decode-rounds.ts as a program would ship, and runs it RUNS times, one process after another. */
async function timesOfRuns(): Promise<Times[]> {
  const bundle = fileURLToPath(new URL('../bench-results/decode-rounds/', import.meta.url));
  await build({ entry: [fileURLToPath(new URL('decode-rounds.ts', import.meta.url))], outDir: bundle, format: ['esm'], platform: 'node', target: 'node20', config: false, dts: false, silent: true });
  const runs: Times[] = [];
  for (let run = 0; run < RUNS; run++) {
    const child = spawnSync(process.execPath, [join(bundle, 'decode-rounds.js'), String(ROUNDS)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`decode-rounds, run ${run + 1} of ${RUNS}, failed:\n${child.stderr}`);
    runs.push(JSON.parse(child.stdout) as Times);
  }
  return runs;
}

for (const workload of WORKLOADS) await checkSameItems(workload);
const runs = await timesOfRuns();
const rows: { name: string; values: Record<string, number> }[] = [];
for (const [index, workload] of WORKLOADS.entries()) {
  for (const way of Object.keys(WAY_NAMES) as Way[]) {
    // Per run: the median of the ratios taken round by round, and the rate of the median round.
    const ratios = runs.map((run) => median(run[workload.title]![way].map((time, round) => time / run[workload.title]!.hand[round]!)));
    const rates = runs.map((run) => workload.events / (median(run[workload.title]![way]) / 1e6));
    const values: Record<string, number> = {
      'events per CPU second': Math.round(median(rates)),
      '÷ hand loop, median': median(ratios),
      'lowest run': Math.min(...ratios),
      'highest run': Math.max(...ratios),
    };
    const goal = GOALS[index]![way];
    if (goal !== undefined) values['goal: at most'] = goal;
    rows.push({ name: `${workload.title}, ${WAY_NAMES[way]}`, values });
  }
}
const report = {
  title: 'Cost per event against a hand-written DataView loop',
  description:
    `The same pre-built batches of ${PER_BATCH} records, read four ways: (a) \`for await\` over a subscription's items, (b) \`subscription.batches()\`, ` +
    '(c) a loop written by hand that reads the batch header, each record header and every field into the same objects (DataView for numbers, ' +
    "Node's UTF-16 decoder for the text), (d) `decodeBatch` alone, without the subscription. Each is timed once per round, in turn, and " +
    `divided by (c)'s time in the same round; a run is ${ROUNDS} rounds in a Node process of its own, running the client bundled as a program ships it. ` +
    `The table gives the median over ${RUNS} runs of each run's median ratio, with the lowest and highest run (1 means as fast as the hand loop), ` +
    'and the rate of each run\'s median round. Times are CPU time of the process, which the load of other processes on a shared machine disturbs less than wall time. ' +
    "The vitest tables of the same file time each way in a single process, through vitest's module loader, which makes every imported name a lookup: their ratios run a little higher. " +
    'To rerun only these: `pnpm --filter @inverted-call/client bench`, then `node scripts/bench-report.mjs`.',
  rowHeader: 'Records and way',
  columns: ['events per CPU second', '÷ hand loop, median', 'lowest run', 'highest run', 'goal: at most'],
  rows,
};
console.log(`\n${report.title}`);
for (const row of rows) console.log(`  ${row.name}: ${Object.entries(row.values).map(([name, value]) => `${name} ${value < 100 ? value.toFixed(2) : Math.round(value)}`).join(', ')}`);
const results = new URL('../bench-results/', import.meta.url);
mkdirSync(results, { recursive: true });
writeFileSync(new URL('decode-ratios.json', results), `${JSON.stringify(report, null, 2)}\n`);

for (const workload of WORKLOADS) {
  // No `<N> events per op` in the title: the report would chart these timings of a single process.
  describe(`${workload.title}: one op reads ${workload.events.toLocaleString('en-US')} events in batches of ${PER_BATCH}`, () => {
    const options = { time: 2000, iterations: 5, warmupIterations: 2 };
    bench('(a) for await over items', () => WAYS.iterator(workload), options);
    bench('(b) batches(), one array per completion', () => WAYS.batches(workload), options);
    bench('(c) hand-written DataView loop', () => WAYS.hand(workload), options);
    bench('(d) decodeBatch alone', () => WAYS.decoder(workload), options);
  });
}
