#!/usr/bin/env node
// The Wine benchmark: events per second and losses against the real conformance driver under
// Wine, for the seed thread's naive design (one request in flight, one event per completion)
// against DESIGN.md's (8 requests in flight, batches), and for the TypeScript client against a
// small native C client using a completion port: same driver, same session, same workload.
// Writes bench-results/wine.json (named numbers for scripts/bench-report.mjs). Each figure is
// the median of RUNS runs; read the ratios, not the absolute numbers (Wine, a shared machine).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFORMANCE_DEVICE_HEADER, ensureWine, runWindowsNode, spawnToFiles, startConformanceBed, wineEnvironment } from '@inverted-call/wine-bed';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = 1000;
const BURST = 16; // Large events per Inject: twice the ring (8), so the designs differ in losses
const RUNS = 3;
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

const bed = await startConformanceBed('wine-e2e-bench');
try {
  const exe = join(bed.workDir, 'native-client.exe');
  const compiled = spawnSync('x86_64-w64-mingw32-gcc', ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', `-I${join(CONFORMANCE_DEVICE_HEADER, '..')}`, '-o', exe, join(PACKAGE, 'bench', 'native-client.c')], { encoding: 'utf8' });
  if (compiled.status !== 0) throw new Error(`building the native client failed:\n${compiled.stderr}`);
  const { wine64 } = ensureWine();

  const samples = new Map(); // `${client} ${design}` -> [{ delivered, dropped, injected, seconds }]
  const add = (key, result) => samples.set(key, [...(samples.get(key) ?? []), result]);
  for (let run = 0; run < RUNS; run++) {
    const ts = await runWindowsNode(bed.prefix, join(PACKAGE, 'dist-windows', 'bench.mjs'), [String(ROUNDS), String(BURST)], { cwd: PACKAGE, timeoutMs: 300_000 });
    if (ts.exitCode !== 0) throw new Error(`bench.mjs exited ${ts.exitCode}:\n${ts.stdout}\n${ts.stderr}`);
    for (const line of ts.stdout.split('\n').filter((entry) => entry.startsWith('{'))) {
      const result = JSON.parse(line);
      add(`typescript ${result.design}`, result);
    }
    for (const [design, { depth, batchBytes }] of Object.entries(DESIGNS)) {
      const native = await spawnToFiles(wine64, [exe, String(depth), String(batchBytes), String(ROUNDS), String(BURST)], { env: wineEnvironment(bed.prefix), cwd: bed.workDir, timeoutMs: 300_000 }).done;
      add(`native ${design}`, parseLast(native.stdout, `native-client ${design}`));
    }
  }

  const label = {
    'typescript naive': 'TypeScript client, naive: depth 1, one event per completion',
    'typescript batched': 'TypeScript client, depth 8 with batches of up to 32',
    'native naive': 'native C client (IOCP), naive: depth 1, one event per completion',
    'native batched': 'native C client (IOCP), depth 8 with batches of up to 32',
  };
  const rows = Object.entries(label).map(([key, name]) => {
    const runs = samples.get(key) ?? [];
    const rate = median(runs.map((result) => result.delivered / result.seconds));
    const result = runs[0];
    return { name, values: { 'events delivered/s (median)': Math.round(rate), 'injected per run': result.injected, delivered: result.delivered, dropped: result.dropped, 'lost %': (100 * result.dropped) / result.injected } };
  });
  const fastest = Math.max(...rows.map((row) => row.values['events delivered/s (median)']));
  for (const row of rows) row.values['ratio to fastest'] = fastest / row.values['events delivered/s (median)'];
  mkdirSync(join(PACKAGE, 'bench-results'), { recursive: true });
  const report = {
    title: 'Under Wine: the real driver, naive against batched, TypeScript against native C',
    description:
      `The conformance device's WDM driver (test build) under Wine 8, read by Windows node.exe with the Win32 backend and by a small native C client with a completion port, in one session. ` +
      `Workload: ${ROUNDS} rounds; each injects ${BURST} Large events with one Inject call (the driver's event path) and reads until each is delivered or counted in DroppedTotal. ` +
      `The ring holds 8, so the naive design, with one request in flight and one event per completion, loses what a burst puts past the ring; depth 8 absorbs the bursts. ` +
      `events delivered/s is the median of ${RUNS} runs; delivered, dropped and lost % are from the first run (they are the same every run: the driver's accounting is exact). ` +
      'Read the ratios: Wine and a shared 2-core machine make absolute rates move.',
    rowHeader: 'Client and design',
    columns: ['events delivered/s (median)', 'ratio to fastest', 'injected per run', 'delivered', 'dropped', 'lost %'],
    rows,
  };
  writeFileSync(join(PACKAGE, 'bench-results', 'wine.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(rows, null, 2));
} finally {
  await bed.stop();
}
