#!/usr/bin/env node
// `npm run test:under-load`: the whole suite (`npm test`) with busy processes taking the CPUs, to
// catch tests that pass only on a quiet machine. `--help` for the options (under-load.mjs).
// Exits with the suite's status: that of the first failing run, or 0 when every run passed;
// 2 on bad usage; 130/143 when stopped by Ctrl+C/SIGTERM. The busy processes never outlive it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countTestTotals, findTestReports, formatTestTotals } from './test-totals.mjs';
import { USAGE, UsageError, formatSeconds, parseUnderLoadArguments, runChild, startHogs, stopHogs } from './under-load.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => console.log(`test-under-load: ${line}`);

let options;
try {
  options = parseUnderLoadArguments(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`test-under-load: ${error.message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

// What `npm test` runs, unless --command stands in for it.
// --force: turbo must not replay the previous run's cached test results; every run does the work.
const command = options.command ?? [process.execPath, join(root, 'scripts', 'bootstrap.mjs'), 'test', '--force'];
const commandText = typeof command === 'string' ? command : 'node scripts/bootstrap.mjs test --force';
const hogs = startHogs(options.hogs);
if (hogs.length === 0) say('no busy processes (--hogs 0)');
else say(`${hogs.length} busy process${hogs.length === 1 ? '' : 'es'} started (pid${hogs.length === 1 ? '' : 's'} ${hogs.map((hog) => hog.pid).join(', ')})`);

let suite; // the run in progress
// The suite runs in a process group of its own, so Ctrl+C reaches only us: pass it on (SIGTERM
// too), stop the hogs, and wait for the suite to end before leaving.
for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, async () => {
    say(`${signal}: stopping`);
    suite?.stop(signal);
    await stopHogs(hogs);
    await suite?.status;
    process.exit(status);
  });
}

const times = [];
let status = 0;
try {
  for (let run = 1; run <= options.runs && status === 0; run++) {
    const label = options.runs > 1 ? `run ${run}/${options.runs}` : 'run';
    say(`${label}: ${commandText}`);
    const started = Date.now();
    suite = runChild(command, { cwd: root });
    status = await suite.status;
    suite = undefined;
    const seconds = (Date.now() - started) / 1000;
    times.push(seconds);
    // Only the reports this run wrote: a stand-in command writes none.
    const reports = findTestReports(root, started);
    const totals = reports.length ? formatTestTotals(countTestTotals(reports)) : 'no test reports written';
    say(`${label}: ${status === 0 ? 'passed' : `FAILED (exit ${status})`} in ${formatSeconds(seconds)}; ${totals}`);
  }
} finally {
  await stopHogs(hogs);
}
if (options.runs > 1) {
  const stopped = status !== 0 && times.length < options.runs ? `, stopped at the first failure` : '';
  say(`${times.length} of ${options.runs} runs${stopped}: ${times.map(formatSeconds).join(', ')}`);
}
process.exit(status);
