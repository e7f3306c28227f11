/**
 * The monitor wiring both demos share, the simulated one and --real: runMonitor with the event
 * log and the loss notices, policy mode's decider and its decision log, the fields of the view
 * that do not depend on the driver, the live view's redraw loop, and the summary table.
 */
import type { DecisionContext, DeviceBackendV1 } from '@inverted-call/client';
import { processMonitorDevice, type DriverVersion, type ProcessCreated } from '../../generated/process-monitor.js';
import { DecisionLog, defaultAction } from '../decision-view.js';
import type { PolicyStats } from '../decisions.js';
import { ms } from '../format.js';
import { PROCESS_CREATE, runMonitor, type Monitor, type MonitorPolicy } from '../monitor.js';
import { EventLog, describeLoss, renderFrame, renderSummary, type SummaryRow, type ViewModel } from '../view.js';
import type { DemoPolicy } from './options.js';
import { createScreen, hideCursorUntilExit, type Terminal } from './screen.js';

export const PROCESS_CHANNEL = processMonitorDevice.channels.Process;
/** Process events the live view keeps on screen. */
const RECENT_EVENTS = 8;

export interface SessionSettings {
  depth: number;
  highWaterMark: number;
  /** Policy mode, or undefined. */
  policy: DemoPolicy | undefined;
  concurrency: number;
}

export interface SessionHooks {
  /** Without a terminal: whether this event's line is printed (called once per event). */
  printEvent(): boolean;
  /**
   * Without a terminal: whether this answered decision's line is printed (called once per answer;
   * late, failed and refused ones are always printed).
   */
  printDecision?(): boolean;
  /** After the event is logged. A promise makes the monitor wait: the workload's stalled consumer. */
  afterEvent?(): void | Promise<void>;
}

export interface MonitorSession {
  readonly monitor: Monitor;
  /** Stops the monitor: its requests are cancelled, then `monitor.done` resolves. */
  stop(): void;
  /** The view's fields that come from the monitor itself; each demo adds what its driver shows. */
  view(source: ViewModel['source'], version: DriverVersion, ringCapacity: number): ViewModel;
}

/** Starts the monitor on `backend`, logging its events and loss notices for the view (or the log). */
export function startMonitorSession(backend: DeviceBackendV1, settings: SessionSettings, terminal: Terminal, hooks: SessionHooks): MonitorSession {
  const log = new EventLog(RECENT_EVENTS);
  const controller = new AbortController();
  const started = performance.now();
  let lastLoss: string | undefined;
  const decisions = settings.policy && new DecisionLog(settings.policy.deny, PROCESS_CREATE.deadlineMs, PROCESS_CREATE.defaultAnswer.allow);
  const policy: MonitorPolicy | undefined = settings.policy && decisions && {
    deny: settings.policy.deny,
    concurrency: settings.concurrency,
    beforeAnswer: slowFor(settings.policy),
    onDecision(event) {
      if (event.type === 'answered') log.decided(event.question.processId, event.answer.allow);
      const line = decisions.add(event);
      if (!terminal.live && (event.type !== 'answered' || (hooks.printDecision?.() ?? true))) terminal.print(`    decision: ${line}`);
    },
  };

  const monitor = runMonitor({
    backend,
    depth: settings.depth,
    highWaterMark: settings.highWaterMark,
    signal: controller.signal,
    onEvent(event) {
      const line = log.add(event);
      if (!terminal.live && hooks.printEvent()) terminal.print(`    ${line}`);
      return hooks.afterEvent?.();
    },
    onLoss(loss) {
      lastLoss = describeLoss(loss);
      if (!terminal.live) terminal.print(`    ${lastLoss}`);
    },
    ...(policy ? { policy } : {}),
  });

  return {
    monitor,
    stop: () => controller.abort(),
    view: (source, version, ringCapacity) => ({
      source,
      version,
      depth: settings.depth,
      highWaterMark: settings.highWaterMark,
      ringCapacity,
      overflow: PROCESS_CHANNEL.overflow,
      elapsedSeconds: (performance.now() - started) / 1000,
      stats: monitor.stats(),
      recent: log.recent,
      lastLoss,
      policy: {
        rules: settings.policy?.deny.rules.map((rule) => rule.pattern) ?? [],
        stats: monitor.stats().policy,
        recent: decisions?.recent ?? [],
        lastDenied: decisions?.lastDenied,
        lastDefaulted: decisions?.lastDefaulted,
      },
    }),
  };
}

/**
 * --slow: for the images it names, the policy waits until the deadline has passed before it
 * answers, as a lookup that hangs would. The decider counts it late and sends nothing; the driver
 * applies its default.
 */
function slowFor(policy: DemoPolicy): MonitorPolicy['beforeAnswer'] {
  if (policy.slow.size === 0) return undefined;
  return (question: ProcessCreated, { signal }: DecisionContext) => {
    if (!policy.slow.match(question) || signal.aborted) return undefined;
    return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  };
}

/** On a terminal: the live view of `model()`, redrawn every `everyMs` until finished. */
export interface LiveView {
  /** Stops redrawing and draws `last` (the view as the run ended) one final time. */
  finish(last: ViewModel): void;
}

export function startLiveView(terminal: Terminal, model: () => ViewModel, everyMs: number): LiveView {
  const screen = createScreen(terminal);
  const draw = (view: ViewModel) => screen.draw(renderFrame(view, { width: terminal.width(), color: terminal.color }));
  hideCursorUntilExit(terminal);
  const timer = setInterval(() => draw(model()), everyMs);
  draw(model());
  return {
    finish(last) {
      clearInterval(timer);
      draw(last);
    },
  };
}

/** The summary's rows of policy mode, as the decider counted. */
export function policySummaryRows(policy: PolicyStats): SummaryRow[] {
  const { decider, latency } = policy;
  const fallback = defaultAction(PROCESS_CREATE.defaultAnswer.allow);
  return [
    { label: 'allowed by the policy', value: policy.allowed },
    { label: 'denied by the policy', value: policy.denied, note: 'the creation failed with STATUS_ACCESS_DENIED' },
    { label: 'late', value: decider.late, note: `no answer within ${policy.deadlineMs} ms: the driver applied its default (${fallback})` },
    { label: 'failed or refused', value: decider.failed + decider.refusedByDriver, note: `the handler threw, or the driver refused the reply` },
    { label: 'left to the default', value: decider.defaulted, note: 'late + failed + replies refused as late' },
    { label: 'decision latency', value: latency ? `p50 ${ms(latency.p50)}, p99 ${ms(latency.p99)}` : 'none', note: 'handler start to reply accepted' },
  ];
}

/** The summary table between two blank lines. */
export function printSummary(terminal: Terminal, rows: readonly SummaryRow[]): void {
  terminal.print('');
  for (const line of renderSummary('Summary', rows, terminal.color)) terminal.print(line);
  terminal.print('');
}
