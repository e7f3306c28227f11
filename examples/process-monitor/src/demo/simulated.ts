/**
 * The demo against the simulated driver: the scripted workload (steady stream, burst with the
 * consumer stalled, recovery), then the summary and the check delivered + lost = emitted. In
 * policy mode, also the decisions, and the check that the driver's verdict counters agree with
 * the decider's (every question answered, timed out, defaulted or refused; every answer counted).
 * Returns the exit code: 0 when every check holds and the loss count is the driver's own, else 1.
 */
import type { SimulatorClock, VerdictResult } from '@inverted-call/simulator';
import type { ProcessCreated, ProcessDecision } from '../../generated/process-monitor.js';
import { n, paint, renderProgressLine, type SummaryRow, type ViewModel } from '../view.js';
import { PHASES, createWorkload, type WorkloadSnapshot } from '../workload.js';
import type { MonitorSummary } from '../monitor.js';
import type { DemoOptions } from './options.js';
import type { Terminal } from './screen.js';
import { PROCESS_CHANNEL, policySummaryRows, printSummary, startLiveView, startMonitorSession, type LiveView } from './session.js';

/** Without a terminal, the events printed per phase: enough to see the stream, not all 11,000. */
const EVENTS_SHOWN_PER_PHASE = 5;
/** Redraw period of the live view. */
const FRAME_MS = 80;

export interface SimulatedSetup {
  /** The simulator's clock of verdict deadlines (workload.ts): `real` for the demo, `manual` in tests. */
  clock?: SimulatorClock;
  /** Each process creation the driver asked about, with how it settled (for tests). */
  onAsked?: (process: ProcessCreated, result: VerdictResult<ProcessDecision>) => void;
}

export async function runSimulated(options: DemoOptions, terminal: Terminal, setup: SimulatedSetup = {}): Promise<number> {
  const { live, print } = terminal;
  const workload = createWorkload({ seed: options.seed, pace: options.fast || !live ? 'fast' : 'live', burstEvents: options.burst, clock: setup.clock ?? 'real' });
  let phase: number | undefined;
  let shownInPhase = 0;
  let decisionsShownInPhase = 0;

  const session = startMonitorSession(workload.backend, options, terminal, {
    printEvent: () => shownInPhase++ < EVENTS_SHOWN_PER_PHASE,
    printDecision: () => decisionsShownInPhase++ < EVENTS_SHOWN_PER_PHASE,
    // During the burst the script stalls the consumer: this promise resolves when it resumes.
    afterEvent: () => workload.consumerGate(),
  });
  const { monitor } = session;
  const version = await monitor.ready;

  const model = (): ViewModel => {
    const state = workload.snapshot();
    const view = session.view('simulator', version, state.ringCapacity);
    return {
      ...view,
      policy: { ...view.policy!, driver: state.verdict },
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
      `depth ${options.depth}, high-water mark ${n(options.highWaterMark)}, burst ${n(options.burst)}, seed ${options.seed}` +
      (options.policy ? `, policy mode: deny ${options.policy.deny.rules.map((rule) => rule.pattern).join(', ') || 'nothing'}` : ''));
  }

  await workload.run({
    ...(setup.onAsked ? { onAsked: setup.onAsked } : {}),
    onPhaseEnd() {
      if (!live) print(`  ${renderProgressLine(model())}`);
    },
    onPhase(_name, index) {
      phase = index;
      shownInPhase = 0;
      decisionsShownInPhase = 0;
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
    {
      label: 'emitted by the simulated kernel',
      value: emitted,
      note: state.creations.denied > 0 ? `${n(options.burst)} in the burst; ${n(state.creations.denied)} of all are denied creations (reported, never run)` : `${n(options.burst)} of them in the burst`,
    },
    { label: 'delivered to onEvent', value: summary.delivered, note: `in ${n(summary.batches)} batches` },
    { label: 'lost, in loss notices', value: summary.lostInNotices, note: `${summary.lossNotices} notice${summary.lossNotices === 1 ? '' : 's'}, each an exact count and sequence range` },
    { label: 'lost, dropped after the last event', value: summary.lostWithoutNotice, note: 'from the driver\'s drop count in the last batch' },
    { label: 'lost in total', value: summary.lost, note: `the driver's own count: ${n(state.droppedByDriver)}${driverAgrees ? ' (agrees)' : ' (DISAGREES)'}` },
    { label: 'discarded at shutdown', value: summary.discarded, note: 'received but not handed over because we stopped first' },
    { label: 'peak ring fill', value: `${n(state.peakRingFill)} / ${n(state.ringCapacity)}`, note: PROCESS_CHANNEL.overflow },
    { label: 'time', value: `${summary.seconds.toFixed(2)} s` },
    ...decisionRows(summary, state),
  ]);
  const decisions = checkDecisions(summary, state);
  if (balanced) print(paint(terminal.color, 'green', `delivered + lost = emitted (${summary.delivered} + ${summary.lost} = ${emitted})`));
  else print(paint(terminal.color, 'red', `delivered + lost != emitted (${summary.delivered} + ${summary.lost} = ${summary.delivered + summary.lost}, emitted ${emitted}; the driver dropped ${state.droppedByDriver})`));
  for (const check of decisions) print(paint(terminal.color, check.holds ? 'green' : 'red', check.text));
  return balanced && driverAgrees && decisions.every((check) => check.holds) ? 0 : 1;
}

/** The summary's rows about process creations: what the driver asked, and in policy mode how it was decided. */
function decisionRows(summary: MonitorSummary, state: WorkloadSnapshot): SummaryRow[] {
  const { verdict, creations } = state;
  const asked: SummaryRow = { label: 'process creations asked', value: verdict.asked, note: `ProcessCreate: ${n(creations.denied)} denied, ${n(creations.allowed)} started` };
  if (!summary.policy) return [asked, { label: 'allowed at once by default', value: verdict.defaulted, note: 'no decider (policy mode off): fail-open' }];
  return [
    asked,
    ...policySummaryRows(summary.policy),
    { label: 'timed out, at the driver', value: verdict.timedOut, note: `defaulted ${n(verdict.defaulted)}, refused ${n(verdict.refused)} (pending limit)` },
  ];
}

/**
 * What must hold of the verdict once everything has settled: the driver accounts for every
 * question (rule V9), and the decider's answers are the driver's answered ones, each denial one
 * creation that did not happen.
 */
function checkDecisions(summary: MonitorSummary, state: WorkloadSnapshot): { holds: boolean; text: string }[] {
  const { verdict, creations } = state;
  const settled = verdict.answered + verdict.timedOut + verdict.defaulted + verdict.refused;
  const checks = [
    {
      holds: verdict.asked === settled && verdict.asked === creations.asked,
      text: `asked = answered + timed out + defaulted + refused (${verdict.asked} = ${verdict.answered} + ${verdict.timedOut} + ${verdict.defaulted} + ${verdict.refused})`,
    },
  ];
  const policy = summary.policy;
  if (policy) {
    checks.push({
      holds: policy.allowed + policy.denied === verdict.answered && policy.denied === creations.denied,
      text: `allowed + denied = answered (${policy.allowed} + ${policy.denied} = ${verdict.answered}); ${creations.denied} creations denied`,
    });
  }
  return checks;
}
