#!/usr/bin/env node
// The verdict benchmark under Wine: how long a question takes when the kernel asks, the TypeScript
// decider (device.decide.ProcessCreate, Windows node.exe, Win32 backend) against a native C decider
// (bench/verdict-decider.c: parked ask requests on a completion port), in one session, with no
// decider as the floor (the default at once).
//
// The process monitor's driver (examples/process-monitor, test build) asks its ProcessCreate
// verdict from Notify.c on every process creation. The asker (bench/verdict-asker.c, native, the
// same for every row) sends the test-build process IOCTL describing a creation and times each
// request's round trip: it completes when the question has settled, so it is the question's whole
// life. It runs COUNT requests one at a time, then COUNT with IN_FLIGHT requests in flight. Both
// deciders keep CONCURRENCY ask requests parked and answer allow.
//
// Outcomes are the driver's own counters (protocol information, rule V9), read by the asker
// before and after: a row whose questions timed out, were refused or defaulted says so, and the
// run prints each such problem. Each decider's runs alternate who goes first; every row pools the
// round trips of RUNS runs. Both flavours (BENCH_FLAVOURS, default "wdm,kmdf"), each in a session
// of its own. Writes bench-results/wine.verdicts.json and wine.verdicts.ts-over-native.json for
// scripts/bench-report.mjs. Read the ratios (Wine, a shared machine).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MINGW_X64, WARNINGS_AS_ERRORS } from '@inverted-call/codegen';
import { writeRenderedDriver } from '@inverted-call/driver-template';
import { encodeNotifyTestProcess, notifyTestIoctlCode } from '@inverted-call/driver-template/notify-test';
import { loadDeviceSchema } from '@inverted-call/schema';
import {
  FLAVOUR_BUILDS,
  createPrefix,
  defaultPrefixDir,
  ensureWine,
  installDriverService,
  killWindowsProcess,
  sessionDebugChannels,
  spawnToFiles,
  startSession,
  startWindowsNode,
  stopSession,
  toWindowsPath,
  verifierStops,
  wineEnvironment,
} from '@inverted-call/wine-bed';
import { outcomeProblems, p99Ratios, percentile, summarize } from './verdict-stats.mjs';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = join(PACKAGE, '..', '..', 'examples', 'process-monitor');
const SCHEMA = join(EXAMPLE, 'schema', 'process-monitor.device.json');
/** The example's own Handlers.c (GetVersion), in place of the rendered stub. */
const HANDLERS = join(EXAMPLE, 'driver', 'Handlers.c');
/** Where process-monitor.h, the generated header both native programs include, lives. */
const HEADER_DIR = join(EXAMPLE, 'driver');
const TS_DECIDER = join(PACKAGE, 'dist-windows', 'verdict-decider.mjs');
const SERVICE = 'ProcessMonitor';

const COUNT = Number(process.env.BENCH_VERDICT_COUNT ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FLAVOURS = (process.env.BENCH_FLAVOURS ?? 'wdm,kmdf').split(',');
const FLAVOUR_NAMES = { wdm: 'WDM', kmdf: 'KMDF (KMDF-subset runtime)' };
const IN_FLIGHT = 4;
const CONCURRENCY = 4;
/** Requests sent, and not counted, each time a decider has started: first-use costs stay out. */
const WARM_UP = 50;
/** The CreationStatus Notify.c set: 4 bytes of output. */
const STATUS_BYTES = 4;
const MODES = [
  { name: 'one at a time', depth: 1 },
  { name: `${IN_FLIGHT} in flight`, depth: IN_FLIGHT },
];
const DECIDERS = {
  none: { name: 'no decider (the default at once)', expected: 'defaulted' },
  native: { name: `native C decider (IOCP, ${CONCURRENCY} asks parked)`, expected: 'answered' },
  typescript: { name: `TypeScript decider (decide, Win32 backend, concurrency ${CONCURRENCY})`, expected: 'answered' },
};
/**
 * One process creation, from the encoder that owns the IOCTL's layout. The creating process id is
 * no process's (rule V7: a question on behalf of a decider's own process is defaulted at once).
 */
const CREATION = encodeNotifyTestProcess({
  kind: 'created',
  processId: 0x7fff0n,
  parentProcessId: 0x7fff4n,
  creatingProcessId: 0x7fff4n,
  creatingThreadId: 0x7fff8n,
  imageFileName: '\\??\\C:\\bench\\child.exe',
  fileOpenNameAvailable: true,
});

const parseLast = (text, what) => {
  const line = text.split('\n').filter((entry) => entry.startsWith('{')).at(-1);
  if (!line) throw new Error(`${what}: no result:\n${text}`);
  const value = JSON.parse(line);
  if (value.error) throw new Error(`${what}: ${value.error}`);
  return value;
};

/** The example's driver, rendered and built as a test build of `flavour`, installed in a prefix of its own, with a session. */
async function startExampleBed(flavour) {
  ensureWine();
  const name = `wine-e2e-verdicts-${flavour}`;
  const prefix = (await createPrefix(defaultPrefixDir(name))).dir;
  const workDir = join(defaultPrefixDir(name), '..', `${name}-work`);
  rmSync(workDir, { recursive: true, force: true });
  const driverDir = join(workDir, 'driver');
  mkdirSync(driverDir, { recursive: true });
  const model = loadDeviceSchema(SCHEMA);
  writeRenderedDriver(driverDir, FLAVOUR_BUILDS[flavour].render(model, { schemaPath: SCHEMA }));
  const sysPath = join(workDir, `${model.name}.sys`);
  FLAVOUR_BUILDS[flavour].build(driverDir, sysPath, { testBuild: true, extraSources: [HANDLERS] });
  await installDriverService(prefix, { name: SERVICE, sysPath, start: 'auto' });
  const session = await startSession(prefix, { drivers: [SERVICE], wineDebug: sessionDebugChannels(flavour) });
  const verdict = model.verdicts.find((entry) => entry.name === 'ProcessCreate');
  if (!verdict) throw new Error(`${SCHEMA} declares no ProcessCreate verdict: the benchmark asks it`);
  return { prefix, workDir, session, deviceType: model.deviceType.value, verdict };
}

/** Builds bench/<name>.c with mingw-w64 against the example's generated header; the .exe path. */
function compile(workDir, name) {
  const exe = join(workDir, `${name}.exe`);
  const compiled = spawnSync(MINGW_X64.command, ['-std=c11', '-O2', ...WARNINGS_AS_ERRORS, `-I${HEADER_DIR}`, '-o', exe, join(PACKAGE, 'bench', `${name}.c`)], { encoding: 'utf8' });
  if (compiled.status !== 0) throw new Error(`building ${name} failed:\n${compiled.stderr}`);
  return exe;
}

/** Waits for the decider's {"ready":true}; throws if it ends or fails first. */
async function untilReady(started, what) {
  let ended = false;
  void started.done.then(() => (ended = true), () => (ended = true));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const text = existsSync(started.stdoutPath) ? readFileSync(started.stdoutPath, 'utf8') : '';
    if (text.includes('"ready":true')) return;
    if (text.includes('"error"')) throw new Error(`${what}: ${text}`);
    if (ended || Date.now() > deadline) {
      const result = await started.done;
      throw new Error(`${what} was not ready (exit ${result.status ?? result.exitCode}):\n${result.stdout}\n${result.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The verdict as the schema declares it, for the description (the first flavour's load). */
let verdict;
/** The machine's 1-minute load average at the start and end of each flavour's runs: the page says what the numbers were measured under. */
const loads = [];
const samples = new Map(); // `${flavour} ${decider} ${mode}` -> asker results, one per run
const deciderReports = [];
const problems = [];
for (const flavour of FLAVOURS) {
  const bed = await startExampleBed(flavour);
  verdict = bed.verdict;
  loads.push(loadavg()[0]);
  try {
    const asker = compile(bed.workDir, 'verdict-asker');
    const nativeDecider = compile(bed.workDir, 'verdict-decider');
    const { wine64 } = ensureWine();
    const env = wineEnvironment(bed.prefix);
    const stopFile = join(bed.workDir, 'stop-deciding');
    const ioctl = `0x${notifyTestIoctlCode(bed.deviceType).toString(16)}`;
    const input = Buffer.from(CREATION).toString('hex');

    const ask = async (count, depth) => {
      const result = await spawnToFiles(wine64, [asker, ioctl, input, String(STATUS_BYTES), String(count), String(depth)], { env, cwd: bed.workDir, timeoutMs: 600_000 }).done;
      return parseLast(result.stdout, `verdict-asker (${count} requests, ${depth} in flight)\n${result.stderr}`);
    };
    const measure = async (decider) => {
      await ask(WARM_UP, 1);
      for (const mode of MODES) {
        const key = `${flavour} ${decider} ${mode.name}`;
        samples.set(key, [...(samples.get(key) ?? []), await ask(COUNT, mode.depth)]);
      }
    };
    const withDecider = async (decider, start) => {
      rmSync(stopFile, { force: true });
      const started = start();
      try {
        await untilReady(started, `the ${decider} decider`);
      } catch (error) {
        await killWindowsProcess(started);
        throw error;
      }
      try {
        await measure(decider);
      } finally {
        writeFileSync(stopFile, '');
      }
      const result = await started.done;
      const stats = parseLast(result.stdout, `the ${decider} decider (exit ${result.status ?? result.exitCode})\n${result.stderr}`);
      deciderReports.push({ flavour, ...stats });
      for (const count of ['refused', 'late', 'failed']) {
        if (stats[count] > 0) problems.push(`${FLAVOUR_NAMES[flavour]}: the ${decider} decider counted ${stats[count]} questions ${count}`);
      }
    };
    const deciders = {
      native: () => withDecider('native', () => spawnToFiles(wine64, [nativeDecider, String(CONCURRENCY), toWindowsPath(stopFile)], { env, cwd: bed.workDir, timeoutMs: 1_800_000, keepOutput: true })),
      typescript: () => withDecider('typescript', () => startWindowsNode(bed.prefix, TS_DECIDER, [String(CONCURRENCY), toWindowsPath(stopFile)], { cwd: PACKAGE, timeoutMs: 1_800_000, keepOutput: true })),
    };

    for (let run = 0; run < RUNS; run++) {
      await measure('none');
      // Alternate who goes first, so a load that rises or falls during a run favours neither.
      for (const decider of run % 2 === 0 ? ['typescript', 'native'] : ['native', 'typescript']) await deciders[decider]();
      const p99 = (decider, mode) => Math.round(percentile(samples.get(`${flavour} ${decider} ${mode}`).at(-1).roundTripsUs, 99));
      console.log(`${flavour} run ${run + 1}/${RUNS}: ${MODES.map((mode) => `${mode.name}: p99 none ${p99('none', mode.name)} µs, native ${p99('native', mode.name)} µs, TS ${p99('typescript', mode.name)} µs`).join('; ')}`);
    }
    loads.push(loadavg()[0]);
    const stops = verifierStops(bed.session.logPath);
    if (stops.length > 0) problems.push(`${FLAVOUR_NAMES[flavour]}: the KMDF-subset verifier stopped the driver:\n${stops.join('\n')}`);
  } finally {
    await stopSession(bed.prefix);
  }
}

const rows = FLAVOURS.flatMap((flavour) =>
  Object.entries(DECIDERS).flatMap(([decider, { name, expected }]) =>
    MODES.map((mode) => {
      const values = summarize(samples.get(`${flavour} ${decider} ${mode.name}`));
      const rowName = `${FLAVOUR_NAMES[flavour]}: ${name}, ${mode.name}`;
      problems.push(...outcomeProblems(rowName, values, expected));
      return { name: rowName, values };
    }),
  ),
);
const GOAL = 1.5;
const ratioRows = FLAVOURS.flatMap((flavour) =>
  MODES.map((mode) => {
    const runsOf = (decider) => samples.get(`${flavour} ${decider} ${mode.name}`);
    const pooled = (decider, column = 'p99 round trip (µs)') => summarize(runsOf(decider))[column];
    const ratios = p99Ratios(runsOf('typescript'), runsOf('native'), GOAL);
    return {
      name: `${FLAVOUR_NAMES[flavour]}: ${mode.name}`,
      values: {
        'TS p99 (µs)': pooled('typescript'),
        'native p99 (µs)': pooled('native'),
        'TS/native p99, all runs pooled': pooled('typescript') / pooled('native'),
        'median of runs': ratios.median,
        'lowest run': ratios.lowest,
        'highest run': ratios.highest,
        runs: ratios.runs,
        [`runs at most ${GOAL}x`]: ratios.withinGoal,
        'TS/native p50, all runs pooled': pooled('typescript', 'p50 round trip (µs)') / pooled('native', 'p50 round trip (µs)'),
      },
    };
  }),
);

const missed = ratioRows.filter((row) => row.values['TS/native p99, all runs pooled'] > GOAL);
const runsWithin = ratioRows.reduce((sum, row) => sum + row.values[`runs at most ${GOAL}x`], 0);
const runsAll = ratioRows.reduce((sum, row) => sum + row.values.runs, 0);
const goal =
  `Goal: TS p99 at most ${GOAL}x native p99. All runs pooled, ${missed.length === 0 ? 'met in every row' : `not met in ${missed.map((row) => `${row.name} (${row.values['TS/native p99, all runs pooled'].toFixed(2)}x)`).join('; ')}`}; ` +
  `run by run, met in ${runsWithin} of ${runsAll} runs.`;
const outcomeNote =
  problems.length === 0
    ? 'Every question of a decider row was answered by the decider, every question of a no-decider row was defaulted at once, none timed out or was refused, and every creation got STATUS_SUCCESS (allow).'
    : `Not as planned: ${problems.join('; ')}.`;

mkdirSync(join(PACKAGE, 'bench-results'), { recursive: true });
writeFileSync(
  join(PACKAGE, 'bench-results', 'wine.verdicts.json'),
  `${JSON.stringify(
    {
      title: 'Under Wine: verdicts, the TypeScript decider against a native C decider',
      description:
        `The process monitor's driver (examples/process-monitor, test build) under Wine 8, in each flavour (a session each), asks its ProcessCreate verdict (deadline ${verdict.deadlineMs} ms, default ${verdict.defaultAnswer.map((field) => `${field.field} = ${field.value}`).join(', ')}) from Notify.c for every process creation. ` +
        `A native asker sends the test-build process IOCTL describing a creation; the driver runs the notify routine on a worker thread, which asks and waits, and the IOCTL completes when the question has settled, so its round trip is one question's whole life. ` +
        "The no-decider rows are the floor: the test IOCTL's own cost (Wine's IRP dispatch, a system thread per request, the notify routine) with the default at once; a decider row's excess over it is the question's trip to the decider and back. " +
        `Each row: ${RUNS} runs of ${COUNT} requests, ${MODES.map((mode) => mode.name).join(' and ')}, after ${WARM_UP} uncounted ones; p50 and p99 over all of them, decisions per second the median run (beside the slowest and fastest). ` +
        `The deciders keep ${CONCURRENCY} ask requests parked and answer allow: Windows node.exe with the Win32 backend and \`device.decide.ProcessCreate\`, and a native C program with a completion port; they took turns going first. ` +
        `Outcomes are the driver's own counters (protocol information), summed over the runs. ${outcomeNote} ` +
        `The machine's 1-minute load average was ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} (at the start and end of each flavour) on ${cpus().length} cores: read the ratios, Wine and a shared machine make absolute times move.`,
      rowHeader: 'Decider and asker',
      columns: Object.keys(rows[0].values),
      rows,
    },
    null,
    2,
  )}\n`,
);
writeFileSync(
  join(PACKAGE, 'bench-results', 'wine.verdicts.ts-over-native.json'),
  `${JSON.stringify(
    {
      title: 'Under Wine: TypeScript decider over native C decider, p99 round trip',
      description:
        'The same runs as above: the TypeScript decider\'s p99 round trip over the native decider\'s, over all runs pooled, and run by run (both measured in the same run, one after the other). ' +
        `1 is as fast as native C. ${goal} The p50 ratio beside it: the p99 of a loaded machine is mostly scheduling delay, the p50 shows the typical cost.`,
      rowHeader: 'Asker',
      columns: Object.keys(ratioRows[0].values),
      rows: ratioRows,
    },
    null,
    2,
  )}\n`,
);
console.log(JSON.stringify({ rows, ratioRows, deciderReports }, null, 2));
console.log(goal);
if (problems.length > 0) console.log(`Not as planned:\n${problems.join('\n')}`);
