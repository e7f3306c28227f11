/**
 * Policy mode in the live view: one line per decision (allowed or denied, with the image name;
 * late, failed and refused ones with what the driver did instead), and the rows of numbers: the
 * decisions, their latency against the deadline, and what was left to the driver's default.
 */
import type { VerdictCounters } from '@inverted-call/simulator';
import type { PolicyStats } from './decisions.js';
import { ms, n } from './format.js';
import type { ProcessDecisionEvent } from './monitor.js';
import { baseName, displayPath, type ImageRules } from './policy.js';

/** What the live view shows of policy mode. */
export interface PolicyViewModel {
  /** The deny rules as given; empty when policy mode is off. */
  rules: readonly string[];
  /** The monitor's numbers (undefined when policy mode is off). */
  stats?: PolicyStats;
  /** The simulator only: the driver's own counters of the verdict (rule V9). */
  driver?: Readonly<VerdictCounters>;
  recent: readonly string[];
  /** The last denial, and the last question left to the default (late, failed, refused): they scroll past fast. */
  lastDenied?: string | undefined;
  lastDefaulted?: string | undefined;
}

/** What the driver does with a question it got no accepted answer for: the verdict's default. */
export function defaultAction(defaultAllows: boolean): string {
  return defaultAllows ? 'allow' : 'deny';
}

/** Turns decision events into display lines, naming the rule behind each denial. */
export class DecisionLog {
  readonly recent: string[] = [];
  lastDenied: string | undefined;
  lastDefaulted: string | undefined;

  constructor(
    private readonly deny: ImageRules,
    private readonly deadlineMs: number,
    private readonly defaultAllows: boolean,
    private readonly keep = 4,
  ) {}

  add(event: ProcessDecisionEvent): string {
    const line = this.describe(event);
    if (event.type === 'answered' ? !event.answer.allow : event.type !== 'refused' || event.reason === 'late') {
      if (event.type === 'answered') this.lastDenied = line;
      else this.lastDefaulted = line;
    }
    this.recent.push(line);
    if (this.recent.length > this.keep) this.recent.shift();
    return line;
  }

  describe(event: ProcessDecisionEvent): string {
    const { question } = event;
    const image =
      question.imageNameState === 'Unavailable' ? '(no image name)'
      : question.imageNameState === 'Truncated' ? `${displayPath(question.imageName).slice(0, 40)}… (truncated)`
      : baseName(displayPath(question.imageName));
    const head = (word: string) => `${word.padEnd(8)} pid ${String(question.processId).padStart(5)}  ${image}`;
    const fallback = `the driver applies its default (${defaultAction(this.defaultAllows)})`;
    switch (event.type) {
      case 'answered': {
        if (event.answer.allow) return `${head('allowed')}  ${ms(event.elapsedMs)}`;
        const rule = this.deny.match(question);
        return `${head('DENIED')}  ${rule ? `rule ${rule.pattern}` : 'by the handler'}  ${ms(event.elapsedMs)}`;
      }
      case 'late':
        return `${head('LATE')}  no answer within ${this.deadlineMs} ms: ${fallback}`;
      case 'failed':
        return `${head('FAILED')}  ${(event.error as Error)?.message ?? String(event.error)}: ${fallback}`;
      case 'refused':
        return `${head('REFUSED')}  the driver refused the reply (${event.reason})${event.reason === 'late' ? `: ${fallback}` : ''}`;
    }
  }
}

type Paint = (style: 'dim' | 'red' | 'green' | 'yellow', text: string) => string;

/** The rows of the live view for policy mode (a fixed number for a given run). */
export function renderPolicyRows(model: PolicyViewModel, c: Paint, recentLines = 4): string[] {
  const row = (label: string, value: string) => `  ${label.padEnd(12)}${value}`;
  const { stats, driver } = model;
  const driverRow = driver
    ? [row('driver', c('dim', `asked ${n(driver.asked)} · answered ${n(driver.answered)} · timed out ${n(driver.timedOut)} · defaulted ${n(driver.defaulted)} · refused ${n(driver.refused)}`))]
    : [];
  if (!stats) {
    return [row('decisions', c('dim', 'policy mode off (no --deny): nothing decides, the driver allows every creation at once')), ...driverRow];
  }
  const { decider } = stats;
  const trouble = decider.late + decider.failed + decider.refusedByDriver;
  const lines = [
    row('decisions', `${c('green', `allowed ${n(stats.allowed)}`)} · ${stats.denied > 0 ? c('red', `denied ${n(stats.denied)}`) : `denied ${n(stats.denied)}`} · ` +
      `${trouble > 0 ? c('yellow', `late ${n(decider.late)} · failed ${n(decider.failed)} · refused ${n(decider.refusedByDriver)}`) : `late 0 · failed 0 · refused 0`}` +
      c('dim', `   deny ${model.rules.join(', ')}`)),
    row('latency', stats.latency
      ? `p50 ${ms(stats.latency.p50)} · p99 ${ms(stats.latency.p99)}${c('dim', ` of the ${stats.deadlineMs} ms deadline, last ${n(stats.latency.samples)} answers, handler start to reply`)}`
      : c('dim', `no answer yet; the deadline is ${stats.deadlineMs} ms`)),
    row('defaulted', `${decider.defaulted > 0 ? c('yellow', n(decider.defaulted)) : '0'}${c('dim', '   left to the driver\'s default: late + failed + replies refused as late')}`),
    ...driverRow,
    c('dim', '  recent decisions'),
  ];
  const recent = model.recent.slice(-recentLines);
  for (let index = 0; index < recentLines; index++) lines.push(`    ${recent[index] ?? ''}`);
  lines.push(model.lastDenied ? `  last denied    ${c('red', model.lastDenied)}` : c('dim', '  nothing denied yet'));
  lines.push(model.lastDefaulted ? `  last default   ${c('yellow', model.lastDefaulted)}` : c('dim', '  no question left to the default yet'));
  return lines;
}

/** Policy mode's part of a plain progress line. */
export function policyProgress(model: PolicyViewModel): string {
  const { stats } = model;
  if (!stats) return model.driver ? `asked ${n(model.driver.asked)} (no decider: allowed at once)` : '';
  const latency = stats.latency ? `  p50 ${ms(stats.latency.p50)} p99 ${ms(stats.latency.p99)}` : '';
  return `allowed ${n(stats.allowed)}  denied ${n(stats.denied)}  late ${n(stats.decider.late)}  defaulted ${n(stats.decider.defaulted)}${latency}`;
}
