#!/usr/bin/env node
// The Wine benchmark: events per second and losses against the real conformance driver under
// Wine, for the seed thread's naive design (one request in flight, one event per completion)
// against DESIGN.md's (8 requests in flight, batches), and for the TypeScript client against a
// small native C client using a completion port: same driver, same session, same workload.
// Writes bench-results/wine.json and wine.ts-over-native.json (named numbers for
// scripts/bench-report.mjs, which orders them by file name: this table first).
// Each rate is the median of RUNS runs (BENCH_RUNS, default 5), with the slowest and fastest run
// beside it. Within one run the TypeScript and native clients run back to back (in alternating
// order from run to run), and wine.ts-over-native.json gives their ratio per run: median, lowest,
// highest.
// Both driver flavours are measured (BENCH_FLAVOURS, default "wdm,kmdf"; KMDF on the project's
// KMDF-subset runtime), each in a session of its own, with the same clients and workload.
// Read the ratios, not the absolute numbers (Wine, a shared machine).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFORMANCE_DEVICE_HEADER, ensureWine, runWindowsNode, spawnToFiles, startConformanceBed, wineEnvironment } from '@inverted-call/wine-bed';
import { MINGW_X64, WARNINGS_AS_ERRORS } from '@inverted-call/codegen';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = 1000;
const BURST = 16; // Large events per Inject: twice the ring (8), so the designs differ in losses
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FLAVOURS = (process.env.BENCH_FLAVOURS ?? 'wdm,kmdf').split(',');
const FLAVOUR_NAMES = { wdm: 'WDM', kmdf: 'KMDF (KMDF-subset runtime)' };
const RECORD = 264; // a Large record
const DESIGNS = { naive: { depth: 1, batchBytes: 24 + RECORD }, batched: { depth: 8, batchBytes: 24 + 32 * RECORD } };

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const parseLast = (text, what) => {
  const line = text.split('\n').filter((entry) => entry.startsWith('{')).at(-1);
  if (!line) throw new Error(`${what}: no result:\n${text}`);
  const value = JSON.parse(line);
  if (value.error) throw new Error(`${what}: ${value.error}`);
  return value;
};

const samples = new Map(); // `${flavour} ${client} ${design}` -> [{ delivered, dropped, injected, seconds }]
for (const flavour of FLAVOURS) {
const bed = await startConformanceBed(`wine-e2e-bench-${flavour}`, { flavour });
try {
  const exe = join(bed.workDir, 'native-client.exe');
  const compiled = spawnSync(MINGW_X64.command, ['-std=c11', '-O2', ...WARNINGS_AS_ERRORS, `-I${join(CONFORMANCE_DEVICE_HEADER, '..')}`, '-o', exe, join(PACKAGE, 'bench', 'native-client.c')], { encoding: 'utf8' });
  if (compiled.status !== 0) throw new Error(`building the native client failed:\n${compiled.stderr}`);
  const { wine64 } = ensureWine();

  const add = (key, result) => samples.set(`${flavour} ${key}`, [...(samples.get(`${flavour} ${key}`) ?? []), result]);
  const runTypeScript = async () => {
    const ts = await runWindowsNode(bed.prefix, join(PACKAGE, 'dist-windows', 'bench.mjs'), [String(ROUNDS), String(BURST)], { cwd: PACKAGE, timeoutMs: 300_000 });
    if (ts.exitCode !== 0) throw new Error(`bench.mjs exited ${ts.exitCode}:\n${ts.stdout}\n${ts.stderr}`);
    for (const line of ts.stdout.split('\n').filter((entry) => entry.startsWith('{'))) {
      const result = JSON.parse(line);
      add(`typescript ${result.design}`, result);
    }
  };
  const runNative = async () => {
    for (const [design, { depth, batchBytes }] of Object.entries(DESIGNS)) {
      const native = await spawnToFiles(wine64, [exe, String(depth), String(batchBytes), String(ROUNDS), String(BURST)], { env: wineEnvironment(bed.prefix), cwd: bed.workDir, timeoutMs: 300_000 }).done;
      add(`native ${design}`, parseLast(native.stdout, `native-client ${design}`));
    }
  };
  for (let run = 0; run < RUNS; run++) {
    // Alternate who goes first, so a load that rises or falls during a run favours neither.
    for (const client of run % 2 === 0 ? [runTypeScript, runNative] : [runNative, runTypeScript]) await client();
    const rate = (key) => samples.get(`${flavour} ${key}`).at(-1).delivered / samples.get(`${flavour} ${key}`).at(-1).seconds;
    console.log(`${flavour} run ${run + 1}/${RUNS}: ${Object.keys(DESIGNS).map((design) => `${design} TS ${Math.round(rate(`typescript ${design}`))}/s, native ${Math.round(rate(`native ${design}`))}/s, ratio ${(rate(`typescript ${design}`) / rate(`native ${design}`)).toFixed(3)}`).join('; ')}`);
  }

} finally {
  await bed.stop();
}
}

const label = {
  'typescript naive': 'TypeScript client, naive: depth 1, one event per completion',
  'typescript batched': 'TypeScript client, depth 8 with batches of up to 32',
  'native naive': 'native C client (IOCP), naive: depth 1, one event per completion',
  'native batched': 'native C client (IOCP), depth 8 with batches of up to 32',
};
const rates = (key) => (samples.get(key) ?? []).map((result) => result.delivered / result.seconds);
const rows = FLAVOURS.flatMap((flavour) => Object.entries(label).map(([client, name]) => [`${flavour} ${client}`, `${FLAVOUR_NAMES[flavour]}: ${name}`])).map(([key, name]) => {
  const result = samples.get(key)[0];
  const values = {
    'events delivered/s (median)': Math.round(median(rates(key))),
    'slowest run': Math.round(Math.min(...rates(key))),
    'fastest run': Math.round(Math.max(...rates(key))),
    'injected per run': result.injected,
    delivered: result.delivered,
    dropped: result.dropped,
    'lost %': (100 * result.dropped) / result.injected,
  };
  return { name, values };
});
const fastest = Math.max(...rows.map((row) => row.values['events delivered/s (median)']));
for (const row of rows) row.values['ratio to fastest'] = fastest / row.values['events delivered/s (median)'];
mkdirSync(join(PACKAGE, 'bench-results'), { recursive: true });
const report = {
  title: 'Under Wine: the real driver, naive against batched, TypeScript against native C',
  description:
    `The conformance device's driver (test build) under Wine 8, in each flavour (KMDF on the project's KMDF-subset runtime, in a session of its own), read by Windows node.exe with the Win32 backend and by a small native C client with a completion port, in one session. ` +
    `Workload: ${ROUNDS} rounds; each injects ${BURST} Large events with one Inject call (the driver's event path) and reads until each is delivered or counted in DroppedTotal. ` +
    `The ring holds 8, so the naive design, with one request in flight and one event per completion, loses what a burst puts past the ring; depth 8 absorbs the bursts. ` +
    `events delivered/s is the median of ${RUNS} runs, beside the slowest and the fastest run; delivered, dropped and lost % are from the first run (they are the same every run: the driver's accounting is exact). ` +
    'Read the ratios: Wine and a shared 2-core machine make absolute rates move.',
  rowHeader: 'Client and design',
  columns: ['events delivered/s (median)', 'ratio to fastest', 'slowest run', 'fastest run', 'injected per run', 'delivered', 'dropped', 'lost %'],
  rows,
};
writeFileSync(join(PACKAGE, 'bench-results', 'wine.json'), `${JSON.stringify(report, null, 2)}\n`);

// TypeScript over native, run by run: both measured back to back, under the same load.
const ratioRows = FLAVOURS.flatMap((flavour) => Object.keys(DESIGNS).map((design) => [flavour, design])).map(([flavour, design]) => {
  const ratios = rates(`${flavour} typescript ${design}`).map((rate, run) => rate / rates(`${flavour} native ${design}`)[run]);
  return { name: `${FLAVOUR_NAMES[flavour]}: ${label[`typescript ${design}`].replace('TypeScript client, ', '')}`, values: { 'TS/native, median of runs': median(ratios), 'lowest run': Math.min(...ratios), 'highest run': Math.max(...ratios), runs: ratios.length } };
});
const ratioReport = {
  title: 'Under Wine: TypeScript client over native C client, run by run',
  description:
    'The same workload as above. In each run the TypeScript client and the native client ran back to back (alternating which went first); ' +
    'this is the ratio of their events delivered/s within each run, 1 being as fast as native C: its median over the runs, and the lowest and highest run. ' +
    'Both clients make the same Wine round trips (every DeviceIoControl goes through wineserver to the driver host and back); the TypeScript client adds JavaScript for every request and event, ' +
    'and one thread hop per round, when it waits for the next burst. Where the time goes, measured: [the Win32 backend under Wine](wine.md#performance-under-wine).',
  rowHeader: 'Design',
  columns: ['TS/native, median of runs', 'lowest run', 'highest run', 'runs'],
  rows: ratioRows,
};
writeFileSync(join(PACKAGE, 'bench-results', 'wine.ts-over-native.json'), `${JSON.stringify(ratioReport, null, 2)}\n`);
console.log(JSON.stringify([...rows, ...ratioRows], null, 2));
