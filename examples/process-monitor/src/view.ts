/**
 * What the demo prints: the live view (redrawn in place on a terminal), the plain progress lines
 * (without a terminal, e.g. in CI), one line per process event, and the summary table.
 * Plain ANSI escape codes, no dependency.
 */
import type { LossNotice } from '@inverted-call/client';
import type { DriverVersion } from '../generated/process-monitor.js';
import { policyProgress, renderPolicyRows, type PolicyViewModel } from './decision-view.js';
import { n } from './format.js';
import type { MonitorStats, ProcessEvent } from './monitor.js';

export interface ViewModel {
  source: 'simulator' | 'driver';
  version?: DriverVersion;
  depth: number;
  highWaterMark: number;
  ringCapacity: number;
  overflow: string;
  phase?: { index: number; total: number; title: string; detail?: string };
  elapsedSeconds: number;
  stats: MonitorStats;
  /** Simulator only: what the kernel emitted and what the driver's ring holds. */
  emitted?: number;
  ring?: { fill: number; capacity: number; droppedByDriver: number };
  consumerStalled?: boolean;
  recent: readonly string[];
  lastLoss?: string;
  /** Policy mode's decisions; absent where the device has nothing to say about them. */
  policy?: PolicyViewModel;
}

const ESC = '\u001b[';
type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';
const STYLES: Record<Style, string> = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' };

export function paint(enabled: boolean, style: Style, text: string): string {
  return enabled ? `${ESC}${STYLES[style]}m${text}${ESC}0m` : text;
}

export { n };

/** Cuts a line to `width` visible characters, leaving escape sequences whole. */
export function clip(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let index = 0; index < line.length; index++) {
    if (line[index] === '\u001b') {
      const end = line.indexOf('m', index);
      out += line.slice(index, end + 1);
      index = end;
      continue;
    }
    if (visible >= width) continue;
    out += line[index];
    visible++;
  }
  return out;
}

/** The live view: a fixed number of lines, so each frame overwrites the last. */
export function renderFrame(model: ViewModel, options: { width: number; color: boolean; recentLines?: number }): string[] {
  const c = (style: Style, text: string) => paint(options.color, style, text);
  const { stats } = model;
  const lines: string[] = [];
  const version = model.version ? `driver ${model.version.major}.${model.version.minor}.${model.version.patch}` : 'driver ?';
  lines.push(c('bold', `ProcessMonitor · ${model.source} · ${version}`) +
    c('dim', ` · ring ${n(model.ringCapacity)} (${model.overflow}) · depth ${model.depth} · high-water mark ${n(model.highWaterMark)}`));
  const phase = model.phase ? `phase ${model.phase.index + 1}/${model.phase.total}  ${model.phase.title}`
    : model.source === 'driver' ? 'watching every process on this machine (Ctrl+C to stop)' : 'starting';
  lines.push(`${c('cyan', phase)}  ${c('dim', `${model.elapsedSeconds.toFixed(1)} s`)}`);
  lines.push(c('dim', model.phase?.detail ?? ''));
  lines.push('');

  const row = (label: string, value: string, note = '') => `  ${label.padEnd(12)}${value.padStart(9)}   ${note}`;
  const stalled = model.consumerStalled ? c('yellow', 'consumer stalled: onEvent not returning') : '';
  lines.push(row('events/s', n(stats.eventsPerSecond), stalled));
  const notPosting = stats.inFlight === 0 && stats.buffered >= model.highWaterMark;
  lines.push(row('in flight', `${stats.inFlight} / ${model.depth}`, notPosting ? c('yellow', 'buffer at the high-water mark: not asking for more') : c('dim', 'subscribe requests parked in the driver')));
  lines.push(row('buffered', n(stats.buffered), c('dim', 'received, waiting for the consumer')));
  lines.push(row('delivered', c('green', n(stats.delivered).padStart(9)), c('dim', 'handed to onEvent')));
  const unseen = model.ring ? model.ring.droppedByDriver - stats.lost : 0;
  const lostNote =
    unseen > 0 ? c('yellow', `driver dropped ${n(unseen)} more; its next batch tells us`)
    : stats.lossNotices > 0 ? c('dim', `in ${stats.lossNotices} loss notice${stats.lossNotices === 1 ? '' : 's'}, each an exact count`)
    : c('dim', 'from sequence gaps and the driver\'s drop count');
  lines.push(row('lost', stats.lost > 0 ? c('red', n(stats.lost).padStart(9)) : n(stats.lost), lostNote));
  if (model.emitted !== undefined) lines.push(row('emitted', n(model.emitted), c('dim', 'by the simulated kernel')));
  if (model.ring) {
    const barWidth = 40;
    const filled = Math.round((model.ring.fill / model.ring.capacity) * barWidth);
    const full = model.ring.fill >= model.ring.capacity;
    const bar = c(full ? 'red' : filled > barWidth / 2 ? 'yellow' : 'green', '█'.repeat(filled)) + c('dim', '·'.repeat(barWidth - filled));
    const dropped = model.ring.droppedByDriver > 0 ? c('red', `driver dropped ${n(model.ring.droppedByDriver)}`) : c('dim', 'nothing dropped');
    lines.push(`  ring fill   [${bar}] ${n(model.ring.fill)} / ${n(model.ring.capacity)}   ${dropped}`);
  }
  if (model.policy) {
    lines.push('');
    lines.push(...renderPolicyRows(model.policy, c));
  }
  lines.push('');
  lines.push(c('bold', '  recent events'));
  const recentLines = options.recentLines ?? 8;
  const recent = model.recent.slice(-recentLines);
  for (let index = 0; index < recentLines; index++) lines.push(`    ${recent[index] ?? ''}`);
  lines.push(model.lastLoss ? `  ${c('red', model.lastLoss)}` : c('dim', '  no loss notice yet'));
  return lines.map((line) => clip(line, Math.max(20, options.width - 1)));
}

/** One plain line for logs without a terminal. */
export function renderProgressLine(model: ViewModel): string {
  const { stats } = model;
  const parts = [
    `${model.elapsedSeconds.toFixed(2).padStart(6)} s`,
    model.phase ? `[${model.phase.index + 1}/${model.phase.total}]` : '',
    model.emitted !== undefined ? `emitted ${n(model.emitted)}` : '',
    `delivered ${n(stats.delivered)}`,
    `lost ${n(stats.lost)}`,
    `in flight ${stats.inFlight}/${model.depth}`,
    `buffered ${n(stats.buffered)}`,
    model.ring ? `ring ${n(model.ring.fill)}/${n(model.ring.capacity)}` : '',
    model.ring ? `driver dropped ${n(model.ring.droppedByDriver)}` : '',
    model.consumerStalled ? 'consumer STALLED' : '',
    model.policy ? policyProgress(model.policy) : '',
  ];
  return parts.filter(Boolean).join('  ');
}

export function describeLoss(loss: LossNotice): string {
  return `loss notice: ${n(loss.count)} event${loss.count === 1 ? '' : 's'} dropped by the driver (sequences ${n(loss.firstSequence)}-${n(loss.lastSequence)})`;
}

/** Denied creations an EventLog remembers until their Created event arrives: more than a stall holds. */
const DENIED_KEPT = 65_536;

/** Turns events into display lines, remembering each running process's image to name its exit. */
export class EventLog {
  private readonly running = new Map<bigint, { name: string; createTime: bigint }>();
  /** Policy mode: processes whose creation was denied, until their Created event arrives. */
  private readonly denied = new Set<bigint>();
  readonly recent: string[] = [];

  constructor(private readonly keep = 8) {}

  /**
   * Policy mode: the decision about this process's creation. A denied one's Created event, when it
   * comes (after a stall, thousands of decisions later), says so; an allowed one clears what an
   * earlier process of the same id left (its Created event was lost).
   */
  decided(processId: bigint, allowed: boolean): void {
    if (allowed) {
      this.denied.delete(processId);
      return;
    }
    this.denied.add(processId);
    if (this.denied.size > DENIED_KEPT) this.denied.delete(this.denied.values().next().value!);
  }

  add(event: ProcessEvent): string {
    const line = this.describe(event);
    this.recent.push(line);
    if (this.recent.length > this.keep) this.recent.shift();
    return line;
  }

  describe(event: ProcessEvent): string {
    const head = `#${String(event.sequence).padEnd(6)} ${event.kind.padEnd(7)} pid ${String(event.data.processId).padStart(5)}`;
    if (event.kind === 'Created') {
      const { data } = event;
      const name =
        data.imageNameState === 'Complete' ? baseName(data.imageName)
        : data.imageNameState === 'Truncated' ? `${data.imageName.slice(0, 24)}… (name truncated)`
        : '(no image name)';
      this.running.set(data.processId, { name, createTime: data.createTime });
      const image =
        data.imageNameState === 'Complete' ? data.imageName
        : data.imageNameState === 'Truncated' ? `${data.imageName.slice(0, 48)}… (truncated: ${data.imageNameLength} UTF-16 units, 259 kept)`
        : 'image name unavailable (a minimal process)';
      if (this.denied.delete(data.processId)) {
        // The driver reports the attempt; the process never ran, so no exit will name it.
        this.running.delete(data.processId);
        return `${head}  parent ${String(data.parentProcessId).padStart(5)}  ${image}  (creation denied: never ran)`;
      }
      return `${head}  parent ${String(data.parentProcessId).padStart(5)}  ${image}`;
    }
    const started = this.running.get(event.data.processId);
    this.running.delete(event.data.processId);
    if (!started) return `${head}  (its creation was before we started, or lost)`;
    const ranMs = Number(event.data.exitTime - started.createTime) / 10_000;
    return `${head}  ${started.name}, ran ${ranMs < 1000 ? `${ranMs.toFixed(0)} ms` : `${(ranMs / 1000).toFixed(1)} s`}`;
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('\\') + 1);
}

export interface SummaryRow {
  label: string;
  value: number | string;
  note?: string;
}

/** A two-column table with notes. */
export function renderSummary(title: string, rows: readonly SummaryRow[], color: boolean): string[] {
  const labelWidth = Math.max(...rows.map((row) => row.label.length));
  const valueWidth = Math.max(...rows.map((row) => (typeof row.value === 'number' ? n(row.value) : row.value).length));
  const lines = [paint(color, 'bold', title)];
  for (const row of rows) {
    const value = typeof row.value === 'number' ? n(row.value) : row.value;
    lines.push(`  ${row.label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}${row.note ? `   ${paint(color, 'dim', row.note)}` : ''}`);
  }
  return lines;
}
