/**
 * `--real`, Windows only: the same monitor against the installed driver (\\.\ProcessMonitor)
 * through the Win32 backend, watching the machine's real process activity until Ctrl+C or
 * --duration. Returns the exit code: 1 when the device cannot be opened, else 0 (the client
 * checked every batch, so every event offered is delivered, counted as lost or discarded).
 */
import { spawn } from 'node:child_process';
import { n, type ViewModel } from '../view.js';
import { REAL_DEFAULT_SECONDS_WITHOUT_TERMINAL, type DemoOptions } from './options.js';
import type { Terminal } from './screen.js';
import { PROCESS_CHANNEL, policySummaryRows, printSummary, startLiveView, startMonitorSession, type LiveView } from './session.js';

/** Redraw period of the live view. */
const FRAME_MS = 100;
/** The short processes the demo starts come this far apart. */
const SPAWN_EVERY_MS = 300;

export async function runReal(options: DemoOptions, terminal: Terminal): Promise<number> {
  // Loaded only here: the Win32 backend loads koffi and kernel32, which exist only on Windows.
  const { createWin32Backend } = await import('@inverted-call/win32');
  const session = startMonitorSession(createWin32Backend(), options, terminal, { printEvent: () => true });
  const { monitor } = session;
  let version;
  try {
    version = await monitor.ready;
  } catch (error) {
    process.stderr.write(`demo: cannot open \\\\.\\ProcessMonitor: ${(error as Error)?.message ?? error}\n` +
      'Is the driver installed and started (sc query ProcessMonitor), and is this prompt elevated? See driver/README.md.\n');
    return 1;
  }

  // User mode cannot see the driver's ring, only its drops: the view shows the schema's capacity.
  const model = (): ViewModel => session.view('driver', version, PROCESS_CHANNEL.capacity);
  process.once('SIGINT', session.stop);
  const seconds = options.duration || (terminal.live ? 0 : REAL_DEFAULT_SECONDS_WITHOUT_TERMINAL);
  if (seconds) setTimeout(session.stop, seconds * 1000).unref();

  // Something to watch on a quiet machine: a few short-lived processes of our own.
  const comspec = process.env.ComSpec ?? 'cmd.exe';
  for (let index = 0; index < options.spawn; index++) {
    setTimeout(() => spawn(comspec, ['/d', '/c', 'exit 0'], { stdio: 'ignore', windowsHide: true }).on('error', () => {}), SPAWN_EVERY_MS * (index + 1)).unref();
  }

  let liveView: LiveView | undefined;
  if (terminal.live) liveView = startLiveView(terminal, model, FRAME_MS);
  else terminal.print(`ProcessMonitor demo against the driver ${version.major}.${version.minor}.${version.patch} for ${seconds} s: depth ${options.depth}, high-water mark ${n(options.highWaterMark)}` +
    (options.policy ? `, policy mode: deny ${options.policy.deny.rules.map((rule) => rule.pattern).join(', ') || 'nothing'}` : ''));
  const summary = await monitor.done;
  liveView?.finish(model());

  printSummary(terminal, [
    { label: 'delivered to onEvent', value: summary.delivered, note: `in ${n(summary.batches)} batches` },
    { label: 'lost, in loss notices', value: summary.lostInNotices, note: `${summary.lossNotices} notice${summary.lossNotices === 1 ? '' : 's'}` },
    { label: 'lost, dropped after the last event', value: summary.lostWithoutNotice, note: 'from the driver\'s drop count in the last batch' },
    { label: 'discarded at shutdown', value: summary.discarded },
    { label: 'time', value: `${summary.seconds.toFixed(1)} s` },
    ...(summary.policy ? policySummaryRows(summary.policy) : []),
  ]);
  // The client checked every batch: sequence numbers only go up, and each gap is a loss notice.
  const total = summary.delivered + summary.lost + summary.discarded;
  terminal.print(`every event the driver offered us is accounted for: delivered + lost + discarded = ${summary.delivered} + ${summary.lost} + ${summary.discarded} = ${total}`);
  return 0;
}
