/**
 * The demo against the simulated driver: the scripted workload (steady stream, burst with the
 * consumer stalled, recovery), then the summary and the check delivered + lost = emitted.
 * Returns the exit code: 0 when it holds and the loss count is the driver's own, else 1.
 */
import { n, paint, renderProgressLine, type ViewModel } from '../view.js';
import { PHASES, createWorkload } from '../workload.js';
import type { DemoOptions } from './options.js';
import type { Terminal } from './screen.js';
import { PROCESS_CHANNEL, printSummary, startLiveView, startMonitorSession, type LiveView } from './session.js';

/** Without a terminal, the events printed per phase: enough to see the stream, not all 11,000. */
const EVENTS_SHOWN_PER_PHASE = 5;
/** Redraw period of the live view. */
const FRAME_MS = 80;

export async function runSimulated(options: DemoOptions, terminal: Terminal): Promise<number> {
  const { live, print } = terminal;
  const workload = createWorkload({ seed: options.seed, pace: options.fast || !live ? 'fast' : 'live', burstEvents: options.burst });
  let phase: number | undefined;
  let shownInPhase = 0;

  const session = startMonitorSession(workload.backend, options, terminal, {
    printEvent: () => shownInPhase++ < EVENTS_SHOWN_PER_PHASE,
    // During the burst the script stalls the consumer: this promise resolves when it resumes.
    afterEvent: () => workload.consumerGate(),
  });
  const { monitor } = session;
  const version = await monitor.ready;

  const model = (): ViewModel => {
    const state = workload.snapshot();
    return {
      ...session.view('simulator', version, state.ringCapacity),
      phase: phase === undefined ? undefined : { index: phase, total: PHASES.length, title: PHASES[phase]!.title, detail: PHASES[phase]!.detail },
      emitted: state.emitted,
      ring: { fill: state.ringFill, capacity: state.ringCapacity, droppedByDriver: state.droppedByDriver },
      consumerStalled: state.consumerStalled,
    };
  };

  let liveView: LiveView | undefined;
  if (live) {
    liveView = startLiveView(terminal, model, FRAME_MS);
    // Ctrl+C ends the demo at once; the cursor comes back on exit.
    process.once('SIGINT', () => process.exit(130));
  } else {
    print(`ProcessMonitor demo against the simulated driver ${version.major}.${version.minor}.${version.patch}: ring ${n(PROCESS_CHANNEL.capacity)} (${PROCESS_CHANNEL.overflow}), ` +
      `depth ${options.depth}, high-water mark ${n(options.highWaterMark)}, burst ${n(options.burst)}, seed ${options.seed}`);
  }

  await workload.run({
    onPhaseEnd() {
      if (!live) print(`  ${renderProgressLine(model())}`);
    },
    onPhase(_name, index) {
      phase = index;
      shownInPhase = 0;
      if (!live) print(`\nphase ${index + 1}/${PHASES.length}: ${PHASES[index]!.title}\n  (${PHASES[index]!.detail})`);
    },
  });
  // Everything is emitted; wait until it has all reached the consumer, then stop the monitor.
  await workload.drain(() => monitor.stats().buffered === 0);
  const last = model();
  // The driver's own view, read before closing frees the subscription: its drop count, its ring.
  const state = workload.snapshot();
  session.stop();
  const summary = await monitor.done;
  if (liveView) liveView.finish(last);
  else print(`\nall delivered or counted; stopping the monitor\n  ${renderProgressLine(last)}`);

  const { emitted } = state;
  const balanced = summary.delivered + summary.lost === emitted;
  const driverAgrees = summary.lost === state.droppedByDriver;
  printSummary(terminal, [
    { label: 'emitted by the simulated kernel', value: emitted, note: `${n(options.burst)} of them in the burst` },
    { label: 'delivered to onEvent', value: summary.delivered, note: `in ${n(summary.batches)} batches` },
    { label: 'lost, in loss notices', value: summary.lostInNotices, note: `${summary.lossNotices} notice${summary.lossNotices === 1 ? '' : 's'}, each an exact count and sequence range` },
    { label: 'lost, dropped after the last event', value: summary.lostWithoutNotice, note: 'from the driver\'s drop count in the last batch' },
    { label: 'lost in total', value: summary.lost, note: `the driver's own count: ${n(state.droppedByDriver)}${driverAgrees ? ' (agrees)' : ' (DISAGREES)'}` },
    { label: 'discarded at shutdown', value: summary.discarded, note: 'received but not handed over because we stopped first' },
    { label: 'peak ring fill', value: `${n(state.peakRingFill)} / ${n(state.ringCapacity)}`, note: PROCESS_CHANNEL.overflow },
    { label: 'time', value: `${summary.seconds.toFixed(2)} s` },
  ]);
  if (balanced && driverAgrees) {
    print(paint(terminal.color, 'green', `delivered + lost = emitted (${summary.delivered} + ${summary.lost} = ${emitted})`));
    return 0;
  }
  print(paint(terminal.color, 'red', `delivered + lost != emitted (${summary.delivered} + ${summary.lost} = ${summary.delivered + summary.lost}, emitted ${emitted}; the driver dropped ${state.droppedByDriver})`));
  return 1;
}
