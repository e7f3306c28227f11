#!/usr/bin/env node
// The process monitor demo: the service of src/monitor.ts against the simulated driver with a
// scripted workload (src/workload.ts), or against the real driver with --real on Windows.
// It runs the compiled TypeScript in dist/ (`pnpm run build`; the root `npm run demo` builds).
//
// Exit codes: 0 every event delivered or counted, 1 an event unaccounted for or an error,
// 2 bad usage or --real where there is no Windows.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `Usage: pnpm run demo [options]      (or: node scripts/demo.mjs [options])

Runs the process monitor service (src/monitor.ts) against the simulated ProcessMonitor driver:
a steady stream of process creations and exits, then a build burst of 10,000 events while the
consumer is stalled (more than the driver's ring of 4,096 holds), then recovery. Ends with a
summary and the check that every emitted event was delivered or counted as lost.

Options:
  --fast                  run the workload as fast as possible (the default without a terminal)
  --depth <n>             subscribe requests kept parked in the driver (default 8)
  --high-water-mark <n>   events buffered in the client before it stops asking (default 1024)
  --burst <n>             events in the burst (default 10000)
  --seed <n>              seed of the simulated activity (default 1125)
  --layouts               first print the IOCTLs and struct layouts and compile the generated
                          header with mingw-w64 (x64, x86; kernel and user mode)
  --real                  Windows only: run the same monitor against the installed driver
                          (\\\\.\\ProcessMonitor) through the Win32 backend, elevated
  --duration <seconds>    with --real: stop after this long (default: Ctrl+C on a terminal, else 10)
  --spawn <n>             with --real: start n short cmd.exe processes to have something to see
                          (default 10)
  -h, --help              show this help

Exit codes: 0 every event delivered or counted, 1 an event unaccounted for or an error,
2 bad usage, or --real on a system other than Windows.`;

function usageError(message) {
  process.stderr.write(`demo: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

let args;
try {
  // `pnpm run demo -- --fast` passes the `--` along; accept it.
  const argv = process.argv.slice(2);
  args = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      fast: { type: 'boolean', default: false },
      real: { type: 'boolean', default: false },
      depth: { type: 'string' },
      'high-water-mark': { type: 'string' },
      burst: { type: 'string' },
      seed: { type: 'string' },
      layouts: { type: 'boolean', default: false },
      duration: { type: 'string' },
      spawn: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (error) {
  usageError(error.message);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

function integer(name, fallback, min, max) {
  const text = args[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) usageError(`--${name} takes a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}
const options = {
  depth: integer('depth', 8, 1, 256),
  highWaterMark: integer('high-water-mark', 1024, 1, 1_000_000),
  burst: integer('burst', 10_000, 0, 1_000_000),
  seed: integer('seed', 1125, 0, 2 ** 32 - 1),
  duration: integer('duration', 0, 1, 24 * 3600),
  spawn: integer('spawn', 10, 0, 1000),
};
if (!args.real && (args.duration !== undefined || args.spawn !== undefined)) usageError('--duration and --spawn go with --real');

if (args.real && process.platform !== 'win32') {
  process.stderr.write(
    `demo: --real runs the monitor against the installed ProcessMonitor driver through the Win32 backend, which exists only on Windows (this is ${process.platform}).\n` +
      'Without --real the demo runs the same monitor against the simulated driver; on Windows, install the driver from driver/ (driver/README.md) and run the demo elevated.\n',
  );
  process.exit(2);
}

if (args.layouts) {
  const result = spawnSync(process.execPath, [join(here, 'scripts', 'layouts.mjs')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(1);
  console.log('');
}

const built = join(here, 'dist', 'src', 'monitor.js');
if (!existsSync(built)) {
  process.stderr.write('demo: dist/ is missing: run `pnpm run build` in examples/process-monitor first (the root `npm run demo` builds everything).\n');
  process.exit(1);
}
const load = (name) => import(pathToFileURL(join(here, 'dist', 'src', name)).href);
const { runMonitor } = await load('monitor.js');
const { createWorkload, PHASES } = await load('workload.js');
const view = await load('view.js');
const { processMonitorDevice } = await import(pathToFileURL(join(here, 'dist', 'generated', 'process-monitor.js')).href);

const out = process.stdout;
const live = Boolean(out.isTTY);
const color = live && !process.env.NO_COLOR;
const channel = processMonitorDevice.channels.Process;
const print = (line = '') => out.write(`${line}\n`);

/** Redraws the live view in place: up to the first line of the last frame, then each line cleared. */
function createScreen() {
  let height = 0;
  return {
    draw(lines) {
      let text = height > 0 ? `${'\u001b[1A'.repeat(height)}\r` : '';
      for (const line of lines) text += `\u001b[2K${line}\n`;
      out.write(`${text}\u001b[J`);
      height = lines.length;
    },
  };
}

function hideCursor() {
  if (!live) return;
  out.write('\u001b[?25l');
  const restore = () => out.write('\u001b[?25h');
  process.once('exit', restore);
  process.once('SIGINT', () => {
    restore();
    process.exit(130);
  });
}

try {
  process.exitCode = args.real ? await runReal() : await runSimulated();
} catch (error) {
  if (live) out.write('\u001b[?25h');
  process.stderr.write(`\ndemo: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
}

async function runSimulated() {
  const fast = args.fast || !live;
  const workload = createWorkload({ seed: options.seed, pace: fast ? 'fast' : 'live', burstEvents: options.burst });
  const log = new view.EventLog(8);
  const controller = new AbortController();
  const started = performance.now();
  let phase;
  let shownInPhase = 0;
  let lastLoss;

  const monitor = runMonitor({
    backend: workload.backend,
    depth: options.depth,
    highWaterMark: options.highWaterMark,
    signal: controller.signal,
    onEvent(event) {
      const line = log.add(event);
      // Without a terminal, show the first few events of each phase: the stream, not all 11,000.
      if (!live && shownInPhase++ < 5) print(`    ${line}`);
      // During the burst the script stalls the consumer: this promise resolves when it resumes.
      return workload.consumerGate();
    },
    onLoss(loss) {
      lastLoss = view.describeLoss(loss);
      if (!live) print(`    ${lastLoss}`);
    },
  });
  const version = await monitor.ready;

  const model = () => {
    const state = workload.snapshot();
    return {
      source: 'simulator',
      version,
      depth: options.depth,
      highWaterMark: options.highWaterMark,
      ringCapacity: state.ringCapacity,
      overflow: channel.overflow,
      phase: phase === undefined ? undefined : { index: phase, total: PHASES.length, title: PHASES[phase].title, detail: PHASES[phase].detail },
      elapsedSeconds: (performance.now() - started) / 1000,
      stats: monitor.stats(),
      emitted: state.emitted,
      ring: { fill: state.ringFill, capacity: state.ringCapacity, droppedByDriver: state.droppedByDriver },
      consumerStalled: state.consumerStalled,
      recent: log.recent,
      lastLoss,
    };
  };

  let timer;
  const screen = createScreen();
  const draw = () => screen.draw(view.renderFrame(model(), { width: out.columns ?? 100, color }));
  if (live) {
    hideCursor();
    timer = setInterval(draw, 80);
    draw();
  } else {
    print(`ProcessMonitor demo against the simulated driver ${version.major}.${version.minor}.${version.patch}: ring ${view.n(channel.capacity)} (${channel.overflow}), ` +
      `depth ${options.depth}, high-water mark ${view.n(options.highWaterMark)}, burst ${view.n(options.burst)}, seed ${options.seed}`);
  }

  await workload.run({
    onPhaseEnd() {
      if (!live) print(`  ${view.renderProgressLine(model())}`);
    },
    onPhase(_name, index) {
      phase = index;
      shownInPhase = 0;
      if (!live) print(`\nphase ${index + 1}/${PHASES.length}: ${PHASES[index].title}\n  (${PHASES[index].detail})`);
    },
  });
  // Everything is emitted; wait until it has all reached the consumer, then stop the monitor.
  await workload.drain(() => monitor.stats().buffered === 0);
  const last = model();
  // The driver's own view, read before closing frees the subscription: its drop count, its ring.
  const state = workload.snapshot();
  controller.abort();
  const summary = await monitor.done;
  if (live) {
    clearInterval(timer);
    screen.draw(view.renderFrame(last, { width: out.columns ?? 100, color }));
  } else {
    print(`\nall delivered or counted; stopping the monitor\n  ${view.renderProgressLine(last)}`);
  }

  const emitted = state.emitted;
  const balanced = summary.delivered + summary.lost === emitted;
  const driverAgrees = summary.lost === state.droppedByDriver;
  print('');
  for (const line of view.renderSummary('Summary', [
    { label: 'emitted by the simulated kernel', value: emitted, note: `${view.n(options.burst)} of them in the burst` },
    { label: 'delivered to onEvent', value: summary.delivered, note: `in ${view.n(summary.batches)} batches` },
    { label: 'lost, in loss notices', value: summary.lostInNotices, note: `${summary.lossNotices} notice${summary.lossNotices === 1 ? '' : 's'}, each an exact count and sequence range` },
    { label: 'lost, dropped after the last event', value: summary.lostWithoutNotice, note: 'from the driver\'s drop count in the last batch' },
    { label: 'lost in total', value: summary.lost, note: `the driver's own count: ${view.n(state.droppedByDriver)}${driverAgrees ? ' (agrees)' : ' (DISAGREES)'}` },
    { label: 'discarded at shutdown', value: summary.discarded, note: 'received but not handed over because we stopped first' },
    { label: 'peak ring fill', value: `${view.n(state.peakRingFill)} / ${view.n(state.ringCapacity)}`, note: channel.overflow },
    { label: 'time', value: `${summary.seconds.toFixed(2)} s` },
  ], color)) print(line);
  print('');
  if (balanced && driverAgrees) {
    print(view.paint(color, 'green', `delivered + lost = emitted (${summary.delivered} + ${summary.lost} = ${emitted})`));
    return 0;
  }
  print(view.paint(color, 'red', `delivered + lost != emitted (${summary.delivered} + ${summary.lost} = ${summary.delivered + summary.lost}, emitted ${emitted}; the driver dropped ${state.droppedByDriver})`));
  return 1;
}

async function runReal() {
  const { createWin32Backend } = await import('@inverted-call/win32');
  const log = new view.EventLog(8);
  const controller = new AbortController();
  const started = performance.now();
  let lastLoss;

  const monitor = runMonitor({
    backend: createWin32Backend(),
    depth: options.depth,
    highWaterMark: options.highWaterMark,
    signal: controller.signal,
    onEvent(event) {
      const line = log.add(event);
      if (!live) print(`    ${line}`);
    },
    onLoss(loss) {
      lastLoss = view.describeLoss(loss);
      if (!live) print(`    ${lastLoss}`);
    },
  });
  let version;
  try {
    version = await monitor.ready;
  } catch (error) {
    process.stderr.write(`demo: cannot open \\\\.\\ProcessMonitor: ${error?.message ?? error}\n` +
      'Is the driver installed and started (sc query ProcessMonitor), and is this prompt elevated? See driver/README.md.\n');
    return 1;
  }

  const model = () => ({
    source: 'driver',
    version,
    depth: options.depth,
    highWaterMark: options.highWaterMark,
    ringCapacity: channel.capacity,
    overflow: channel.overflow,
    elapsedSeconds: (performance.now() - started) / 1000,
    stats: monitor.stats(),
    recent: log.recent,
    lastLoss,
  });
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  const seconds = options.duration || (live ? 0 : 10);
  if (seconds) setTimeout(stop, seconds * 1000).unref();

  // Something to watch on a quiet machine: a few short-lived processes of our own.
  const comspec = process.env.ComSpec ?? 'cmd.exe';
  for (let index = 0; index < options.spawn; index++) {
    setTimeout(() => spawn(comspec, ['/d', '/c', 'exit 0'], { stdio: 'ignore', windowsHide: true }).on('error', () => {}), 300 * (index + 1)).unref();
  }

  let timer;
  const screen = createScreen();
  if (live) {
    out.write('\u001b[?25l');
    process.once('exit', () => out.write('\u001b[?25h'));
    timer = setInterval(() => screen.draw(view.renderFrame(model(), { width: out.columns ?? 100, color })), 100);
  } else {
    print(`ProcessMonitor demo against the driver ${version.major}.${version.minor}.${version.patch} for ${seconds} s: depth ${options.depth}, high-water mark ${view.n(options.highWaterMark)}`);
  }
  const summary = await monitor.done;
  if (live) clearInterval(timer);
  if (live) screen.draw(view.renderFrame(model(), { width: out.columns ?? 100, color }));
  print('');
  for (const line of view.renderSummary('Summary', [
    { label: 'delivered to onEvent', value: summary.delivered, note: `in ${view.n(summary.batches)} batches` },
    { label: 'lost, in loss notices', value: summary.lostInNotices, note: `${summary.lossNotices} notice${summary.lossNotices === 1 ? '' : 's'}` },
    { label: 'lost, dropped after the last event', value: summary.lostWithoutNotice, note: 'from the driver\'s drop count in the last batch' },
    { label: 'discarded at shutdown', value: summary.discarded },
    { label: 'time', value: `${summary.seconds.toFixed(1)} s` },
  ], color)) print(line);
  print('');
  // The client checked every batch: sequence numbers only go up, and each gap is a loss notice.
  const total = summary.delivered + summary.lost + summary.discarded;
  print(`every event the driver offered us is accounted for: delivered + lost + discarded = ${summary.delivered} + ${summary.lost} + ${summary.discarded} = ${total}`);
  return 0;
}
