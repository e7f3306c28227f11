// Policy mode in the view: the decision lines (allowed, denied with its rule, late, failed,
// refused), the latency percentiles over a window, and the rows of the live view and the plain
// progress line, with a frame that keeps its height whatever the numbers.
import { describe, expect, it } from 'vitest';
import type { DeciderStats } from '@inverted-call/client';
import type { ProcessCreated } from '../generated/process-monitor.js';
import { DecisionLog, policyProgress, renderPolicyRows, type PolicyViewModel } from '../src/decision-view.js';
import { DecisionTally, LatencyWindow } from '../src/decisions.js';
import type { ProcessDecisionEvent } from '../src/monitor.js';
import { compileRules } from '../src/policy.js';
import { EventLog, renderFrame, renderProgressLine, type ViewModel } from '../src/view.js';

function created(processId: number, imageName: string, imageNameState: ProcessCreated['imageNameState'] = 'Complete'): ProcessCreated {
  return {
    processId: BigInt(processId),
    parentProcessId: 8812n,
    creatingProcessId: 8812n,
    creatingThreadId: 8816n,
    createTime: 0n,
    imageNameLength: imageName.length,
    imageNameState,
    imageName,
  };
}

const CL = created(9012, '\\??\\C:\\VC\\bin\\cl.exe');
const GIT = created(9016, 'C:\\Program Files\\Git\\mingw64\\bin\\git.exe');
const MMC = created(9020, 'C:\\Windows\\System32\\mmc.exe');
const DENY = compileRules(['cl.exe'], '--deny');

const plain = (_style: string, text: string) => text;
const DECIDER: DeciderStats = { received: 6, answered: 3, late: 1, failed: 1, refusedByDriver: 1, defaulted: 2, parked: 4, deciding: 0 };

describe('LatencyWindow', () => {
  it('gives nearest-rank percentiles over the last samples only', () => {
    const window = new LatencyWindow(100);
    expect(window.percentile(50)).toBeUndefined();
    for (let ms = 1; ms <= 100; ms++) window.add(ms);
    expect([window.percentile(50), window.percentile(99), window.percentile(100), window.count]).toEqual([50, 99, 100, 100]);
    // 100 more samples of 1000 push every earlier one out of the window.
    for (let index = 0; index < 100; index++) window.add(1000);
    expect([window.percentile(50), window.percentile(99), window.count]).toEqual([1000, 1000, 100]);
    window.add(1);
    expect(window.percentile(1)).toBe(1);
  });

  it('refuses a size or a percentile out of range', () => {
    expect(() => new LatencyWindow(0)).toThrow(/size must be a whole number of at least 1, got 0/);
    expect(() => new LatencyWindow().percentile(0)).toThrow(/p must be in \(0, 100\], got 0/);
  });
});

describe('DecisionTally', () => {
  it('counts the answers by kind and gives no latency before the first', () => {
    const tally = new DecisionTally(10);
    expect(tally.stats(250, DECIDER)).toEqual({ deadlineMs: 250, allowed: 0, denied: 0, latency: undefined, decider: DECIDER });
    tally.answered(true, 0.5);
    tally.answered(false, 2);
    tally.answered(true, 40);
    expect(tally.stats(250, DECIDER)).toMatchObject({ allowed: 2, denied: 1, latency: { p50: 2, p99: 40, samples: 3 } });
  });
});

describe('DecisionLog', () => {
  const log = () => new DecisionLog(DENY, 250, true, 3);

  it('describes each end: allowed, denied with its rule, late, failed and refused with what the driver does', () => {
    const events: ProcessDecisionEvent[] = [
      { type: 'answered', id: 1n, question: GIT, answer: { allow: true }, elapsedMs: 0.42 },
      { type: 'answered', id: 2n, question: CL, answer: { allow: false }, elapsedMs: 3.25 },
      { type: 'late', id: 3n, question: MMC, elapsedMs: 251 },
      { type: 'failed', id: 4n, question: GIT, error: new Error('lookup failed'), elapsedMs: 1 },
      { type: 'refused', id: 5n, question: GIT, answer: { allow: true }, reason: 'late', error: new Error('x'), elapsedMs: 260 },
      { type: 'refused', id: 6n, question: GIT, answer: { allow: true }, reason: 'unknown-id', error: new Error('x'), elapsedMs: 1 },
    ];
    const decisions = log();
    expect(events.map((event) => decisions.add(event))).toEqual([
      'allowed  pid  9016  git.exe  0.42 ms',
      'DENIED   pid  9012  cl.exe  rule cl.exe  3.3 ms',
      'LATE     pid  9020  mmc.exe  no answer within 250 ms: the driver applies its default (allow)',
      'FAILED   pid  9016  git.exe  lookup failed: the driver applies its default (allow)',
      'REFUSED  pid  9016  git.exe  the driver refused the reply (late): the driver applies its default (allow)',
      'REFUSED  pid  9016  git.exe  the driver refused the reply (unknown-id)',
    ]);
    // Only the last three are kept; the last denial and the last default stay visible.
    expect(decisions.recent).toHaveLength(3);
    expect(decisions.lastDenied).toContain('DENIED   pid  9012  cl.exe');
    expect(decisions.lastDefaulted).toContain('REFUSED  pid  9016  git.exe  the driver refused the reply (late)');
  });

  it('names truncated and missing images, and a denial no rule explains', () => {
    const decisions = log();
    expect(decisions.describe({ type: 'answered', id: 1n, question: created(4, 'C:\\deep\\path', 'Truncated'), answer: { allow: false }, elapsedMs: 12 }))
      .toBe('DENIED   pid     4  C:\\deep\\path… (truncated)  by the handler  12 ms');
    expect(decisions.describe({ type: 'answered', id: 2n, question: created(8, '', 'Unavailable'), answer: { allow: true }, elapsedMs: 1 }))
      .toBe('allowed  pid     8  (no image name)  1.0 ms');
  });
});

describe('EventLog in policy mode', () => {
  it('says a denied creation never ran when its Created event comes, and forgets an id an allowed creation reuses', () => {
    const log = new EventLog();
    log.decided(9012n, false);
    log.decided(9016n, false);
    log.decided(9016n, true);
    const line = (data: ProcessCreated, sequence: bigint) => log.describe({ type: 'event', kind: 'Created', sequence, data });
    expect(line(CL, 1n)).toMatch(/^#1 +Created pid  9012 .*cl\.exe {2}\(creation denied: never ran\)$/);
    // The same id later, allowed: no stale mark.
    expect(line(CL, 2n)).not.toContain('denied');
    expect(line({ ...GIT, processId: 9016n }, 3n)).not.toContain('denied');
  });
});

describe('policy rows', () => {
  const model = (fields: Partial<PolicyViewModel> = {}): PolicyViewModel => {
    const tally = new DecisionTally();
    tally.answered(true, 0.2);
    tally.answered(false, 1.5);
    return { rules: ['cl.exe', '/\\\\Temp\\\\/'], stats: tally.stats(250, DECIDER), recent: ['r1', 'r2'], ...fields };
  };

  it('show the decisions, the latency against the deadline, what was defaulted, and the driver counters', () => {
    const lines = renderPolicyRows(model({ driver: { asked: 9, answered: 3, timedOut: 1, defaulted: 4, refused: 1 }, lastDefaulted: 'LATE mmc.exe' }), plain);
    expect(lines).toEqual([
      '  decisions   allowed 1 · denied 1 · late 1 · failed 1 · refused 1   deny cl.exe, /\\\\Temp\\\\/',
      '  latency     p50 0.20 ms · p99 1.5 ms of the 250 ms deadline, last 2 answers, handler start to reply',
      '  defaulted   2   left to the driver\'s default: late + failed + replies refused as late',
      '  driver      asked 9 · answered 3 · timed out 1 · defaulted 4 · refused 1',
      '  recent decisions',
      '    r1',
      '    r2',
      '    ',
      '    ',
      '  nothing denied yet',
      '  last default   LATE mmc.exe',
    ]);
  });

  it('say when policy mode is off, and before the first answer', () => {
    expect(renderPolicyRows({ rules: [], recent: [] }, plain)).toEqual([
      '  decisions   policy mode off (no --deny): nothing decides, the driver allows every creation at once',
    ]);
    const first = new DecisionTally().stats(250, { ...DECIDER, late: 0, failed: 0, refusedByDriver: 0, defaulted: 0 });
    const lines = renderPolicyRows({ rules: ['cl.exe'], stats: first, recent: [] }, plain);
    expect(lines[0]).toBe('  decisions   allowed 0 · denied 0 · late 0 · failed 0 · refused 0   deny cl.exe');
    expect(lines[1]).toBe('  latency     no answer yet; the deadline is 250 ms');
  });

  it('the progress line carries the decisions', () => {
    expect(policyProgress(model())).toBe('allowed 1  denied 1  late 1  defaulted 2  p50 0.20 ms p99 1.5 ms');
    expect(policyProgress({ rules: [], recent: [], driver: { asked: 5, answered: 0, timedOut: 0, defaulted: 5, refused: 0 } })).toBe('asked 5 (no decider: allowed at once)');
  });
});

describe('the live view in policy mode', () => {
  const base: ViewModel = {
    source: 'simulator',
    version: { major: 1, minor: 0, patch: 0, flags: 0 },
    depth: 8,
    highWaterMark: 1024,
    ringCapacity: 4096,
    overflow: 'drop-newest',
    elapsedSeconds: 1,
    stats: { eventsPerSecond: 0, inFlight: 8, buffered: 0, delivered: 0, lost: 0, lossNotices: 0 },
    recent: [],
  };

  it('adds the policy rows between the counters and the recent events, at a height that does not change', () => {
    const tally = new DecisionTally();
    const early: ViewModel = { ...base, policy: { rules: ['cl.exe'], stats: tally.stats(250, DECIDER), recent: [] } };
    for (let index = 0; index < 50; index++) tally.answered(index % 2 === 0, index);
    const later: ViewModel = { ...base, policy: { rules: ['cl.exe'], stats: tally.stats(250, DECIDER), recent: ['a', 'b', 'c', 'd', 'e'], lastDenied: 'DENIED cl.exe' } };
    const earlyLines = renderFrame(early, { width: 200, color: false });
    const laterLines = renderFrame(later, { width: 200, color: false });
    expect(laterLines).toHaveLength(earlyLines.length);
    expect(renderFrame(base, { width: 200, color: false }).length).toBeLessThan(earlyLines.length);
    const text = laterLines.join('\n');
    expect(text).toMatch(/decisions {3}allowed 25 · denied 25 · late 1/);
    expect(text).toMatch(/latency {5}p50 24 ms · p99 49 ms of the 250 ms deadline/);
    expect(text).toContain('last denied    DENIED cl.exe');
    expect(text.indexOf('recent decisions')).toBeLessThan(text.indexOf('recent events'));
    expect(renderProgressLine(later)).toContain('allowed 25  denied 25  late 1  defaulted 2  p50 24 ms p99 49 ms');
  });

  it('colours denials red and trouble yellow on a terminal', () => {
    const model: ViewModel = { ...base, policy: { rules: ['cl.exe'], stats: { ...new DecisionTally().stats(250, DECIDER), denied: 3 }, recent: [] } };
    const text = renderFrame(model, { width: 200, color: true }).join('\n');
    expect(text).toContain('\u001b[31mdenied 3\u001b[0m');
    expect(text).toContain('\u001b[33mlate 1 · failed 1 · refused 1\u001b[0m');
  });
});
