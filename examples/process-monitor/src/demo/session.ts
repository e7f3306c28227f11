/**
 * The monitor wiring both demos share, the simulated one and --real: runMonitor with the event
 * log and the loss notices, the fields of the view that do not depend on the driver, the live
 * view's redraw loop, and the summary table.
 */
import type { DeviceBackendV1 } from '@inverted-call/client';
import { processMonitorDevice, type DriverVersion } from '../../generated/process-monitor.js';
import { runMonitor, type Monitor } from '../monitor.js';
import { EventLog, describeLoss, renderFrame, renderSummary, type SummaryRow, type ViewModel } from '../view.js';
import { createScreen, hideCursorUntilExit, type Terminal } from './screen.js';

export const PROCESS_CHANNEL = processMonitorDevice.channels.Process;
/** Process events the live view keeps on screen. */
const RECENT_EVENTS = 8;

export interface SessionSettings {
  depth: number;
  highWaterMark: number;
}

export interface SessionHooks {
  /** Without a terminal: whether this event's line is printed (called once per event). */
  printEvent(): boolean;
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
    }),
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

/** The summary table between two blank lines. */
export function printSummary(terminal: Terminal, rows: readonly SummaryRow[]): void {
  terminal.print('');
  for (const line of renderSummary('Summary', rows, terminal.color)) terminal.print(line);
  terminal.print('');
}
