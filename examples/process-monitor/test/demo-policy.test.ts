// The simulated demo in policy mode, end to end on the simulator's manual clock (deadlines pass
// when the workload says, never by the machine's load): each process creation is asked as Notify.c
// asks it; the denied image is denied, reported as the attempt and never run (no exit), the others
// are allowed, and a policy too
// slow for the deadline shows as late while the driver lets the process start by default.
import { describe, expect, it } from 'vitest';
import type { VerdictResult } from '@inverted-call/simulator';
import type { ProcessCreated, ProcessDecision } from '../generated/process-monitor.js';
import { parseDemoArguments, type DemoOptions } from '../src/demo/options.js';
import { terminalOf } from '../src/demo/screen.js';
import { runSimulated } from '../src/demo/simulated.js';
import { runMonitor, type ProcessEvent } from '../src/monitor.js';
import { baseName, compileRules } from '../src/policy.js';
import { createWorkload } from '../src/workload.js';

function options(...argv: string[]): DemoOptions {
  const command = parseDemoArguments(argv);
  if (command.action !== 'run') throw new Error('expected a run');
  return command.options;
}

interface Asked {
  image: string;
  result: VerdictResult<ProcessDecision>;
}

const imageOf = (process: ProcessCreated) => baseName(process.imageName);

/** The number after a summary label, e.g. "denied by the policy   6,719". */
function summaryValue(output: string, label: string): number {
  const match = new RegExp(`^  ${label}\\s+([\\d,]+)`, 'm').exec(output);
  if (!match) throw new Error(`no "${label}" row in the summary:\n${output}`);
  return Number(match[1]!.replaceAll(',', ''));
}

describe('the simulated demo in policy mode', () => {
  it('denies cl.exe, allows the rest, and a slow decision about mmc.exe is late and allowed by default', async () => {
    const written: string[] = [];
    const terminal = terminalOf({ write: (text: string) => written.push(text) }, {});
    const asked: Asked[] = [];
    // Enough slots that the slow decisions never hold them all: every other question is answered.
    const code = await runSimulated(options('--fast', '--burst', '1500', '--deny', 'cl.exe', '--slow', 'mmc.exe', '--concurrency', '16'), terminal, {
      clock: 'manual',
      onAsked: (process, result) => void asked.push({ image: imageOf(process), result }),
    });
    const output = written.join('');
    expect(code, output).toBe(0);

    const denied = asked.filter((entry) => entry.image === 'cl.exe');
    const slow = asked.filter((entry) => entry.image === 'mmc.exe');
    const others = asked.filter((entry) => entry.image !== 'cl.exe' && entry.image !== 'mmc.exe');
    expect(denied.length).toBeGreaterThan(100);
    expect(slow.length).toBeGreaterThan(0);
    expect(slow.length).toBeLessThan(16);
    expect(others.length).toBeGreaterThan(100);
    expect(new Set(denied.map(({ result }) => `${result.outcome} ${result.answer.allow}`))).toEqual(new Set(['answered false']));
    expect(new Set(slow.map(({ result }) => `${result.outcome} ${result.answer.allow}`))).toEqual(new Set(['timedOut true']));
    expect(new Set(others.map(({ result }) => `${result.outcome} ${result.answer.allow}`))).toEqual(new Set(['answered true']));

    expect(summaryValue(output, 'process creations asked')).toBe(asked.length);
    expect(summaryValue(output, 'denied by the policy')).toBe(denied.length);
    expect(summaryValue(output, 'allowed by the policy')).toBe(others.length);
    expect(summaryValue(output, 'late')).toBe(slow.length);
    expect(summaryValue(output, 'left to the default')).toBe(slow.length);
    expect(summaryValue(output, 'timed out, at the driver')).toBe(slow.length);
    expect(output).toMatch(/^ {4}decision: DENIED {3}pid +\d+ {2}cl\.exe {2}rule cl\.exe {2}[\d.]+ ms$/m);
    expect(output).toMatch(/^ {4}#\d+ +Created pid +\d+ +parent +\d+ +C:\\.*\\cl\.exe {2}\(creation denied: never ran\)$/m);
    expect(output).toMatch(/^ {4}decision: LATE {5}pid +\d+ {2}mmc\.exe {2}no answer within 250 ms: the driver applies its default \(allow\)$/m);
    expect(output).toContain(`asked = answered + timed out + defaulted + refused (${asked.length} = ${asked.length - slow.length} + ${slow.length} + 0 + 0)`);
    expect(output).toMatch(/^allowed \+ denied = answered \(\d+ \+ \d+ = \d+\); \d+ creations denied$/m);
    expect(output).toMatch(/^delivered \+ lost = emitted \(\d+ \+ \d+ = \d+\)$/m);
  });

  it('a denied creation is reported as the attempt, as Notify.c does, and never runs: no exit follows it', async () => {
    const workload = createWorkload({ pace: 'fast', clock: 'manual', steadyEvents: 300, burstEvents: 600, recoveryEvents: 200 });
    const controller = new AbortController();
    const events: ProcessEvent[] = [];
    const monitor = runMonitor({
      backend: workload.backend,
      // Larger than everything emitted: the stalled consumer loses nothing, so every event is seen.
      highWaterMark: 4096,
      signal: controller.signal,
      onEvent: (event) => {
        events.push(event);
        return workload.consumerGate();
      },
      policy: { deny: compileRules(['cl.exe', 'git.exe'], '--deny') },
    });
    await monitor.ready;
    const decided = { allowed: 0, denied: 0 };
    // In the order asked, which is the order of the Created events (each is reported after its answer).
    const answers: boolean[] = [];
    await workload.run({
      onAsked: (_, result) => {
        decided[result.answer.allow ? 'allowed' : 'denied']++;
        answers.push(result.answer.allow);
      },
    });
    await workload.drain(() => monitor.stats().buffered === 0);
    const state = workload.snapshot();
    controller.abort();
    const summary = await monitor.done;

    expect(decided.denied).toBeGreaterThan(50);
    expect(summary.lost).toBe(0);
    const running = new Set<bigint>();
    let created = 0;
    for (const event of events) {
      if (event.kind === 'Created') {
        const allowed = answers[created++];
        expect(allowed, `creation of ${imageOf(event.data)}`).toBe(!['cl.exe', 'git.exe'].includes(imageOf(event.data)));
        if (allowed) running.add(event.data.processId);
      } else {
        // Every exit is of a process whose creation was allowed (ids are reused, so check the running set).
        expect(running.has(event.data.processId), `exit of ${event.data.processId}`).toBe(true);
        running.delete(event.data.processId);
      }
    }
    expect(created).toBe(decided.allowed + decided.denied);
    expect(state.creations).toEqual({ asked: decided.allowed + decided.denied, ...decided });
    expect(summary.policy).toMatchObject({ allowed: decided.allowed, denied: decided.denied });
    expect(state.verdict).toMatchObject({ asked: state.creations.asked, answered: state.creations.asked, timedOut: 0, defaulted: 0, refused: 0 });
    expect(summary.delivered).toBe(state.emitted);
  });
});
