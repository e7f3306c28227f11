// The built demo (dist/src/demo/main.js) as CI runs it: no terminal (stdio pipes), --fast. It
// must exit 0 with a summary in which delivered + lost = emitted, and the burst must really have
// cost events (lost > 0).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function demo(...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'dist', 'src', 'demo', 'main.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true' },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The number after a summary label, e.g. "delivered to onEvent   6,521". */
function summaryValue(stdout: string, label: string): number {
  const match = new RegExp(`^  ${label}\\s+([\\d,]+)`, 'm').exec(stdout);
  if (!match) throw new Error(`no "${label}" row in the summary:\n${stdout}`);
  return Number(match[1]!.replaceAll(',', ''));
}

describe('demo without a terminal (as in CI)', () => {
  const run = demo('--fast');

  it('exits 0', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('ends with delivered + lost = emitted, with events both delivered and lost', () => {
    const invariant = /^delivered \+ lost = emitted \((\d+) \+ (\d+) = (\d+)\)$/m.exec(run.stdout);
    expect(invariant, run.stdout).not.toBeNull();
    const [delivered, lost, emitted] = invariant!.slice(1).map(Number) as [number, number, number];
    expect(delivered + lost).toBe(emitted);
    expect(delivered).toBeGreaterThan(0);
    expect(lost).toBeGreaterThan(0);
    // 600 steady + 10,000 burst + 400 recovery, from the seed.
    expect(emitted).toBe(11_000);
    // The burst exceeds the ring: at least the part that fits neither the ring nor our buffer is lost.
    expect(lost).toBeGreaterThan(10_000 - 4096 - 1024 - 8 * 512);

    expect(summaryValue(run.stdout, 'emitted by the simulated kernel')).toBe(emitted);
    expect(summaryValue(run.stdout, 'delivered to onEvent')).toBe(delivered);
    expect(summaryValue(run.stdout, 'lost in total')).toBe(lost);
    expect(summaryValue(run.stdout, 'lost, in loss notices') + summaryValue(run.stdout, 'lost, dropped after the last event')).toBe(lost);
    expect(summaryValue(run.stdout, 'discarded at shutdown')).toBe(0);
    expect(run.stdout).toMatch(/the driver's own count: [\d,]+ \(agrees\)/);
  });

  it('prints plain lines: the phases, process events, the loss notice; no escape codes', () => {
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout).toMatch(/^phase 1\/3: steady stream/m);
    expect(run.stdout).toMatch(/^phase 2\/3: build burst while the consumer is stalled/m);
    expect(run.stdout).toMatch(/^phase 3\/3: consumer resumed/m);
    expect(run.stdout).toMatch(/Created pid +\d+ +parent +\d+ +C:\\/);
    expect(run.stdout).toMatch(/loss notice: [\d,]+ events dropped by the driver \(sequences [\d,]+-[\d,]+\)/);
    expect(run.stdout).toMatch(/ring 4,096\/4,096/);
  });

  it('without --deny nothing decides: the driver asked about every creation and allowed each at once', () => {
    const asked = summaryValue(run.stdout, 'process creations asked');
    expect(asked).toBeGreaterThan(1000);
    expect(summaryValue(run.stdout, 'allowed at once by default')).toBe(asked);
    expect(run.stdout).toContain(`asked = answered + timed out + defaulted + refused (${asked} = 0 + 0 + ${asked} + 0)`);
    expect(run.stdout).not.toContain('decision:');
  });
});

describe('demo in policy mode without a terminal, on the real clock', () => {
  const run = demo('--fast', '--deny', 'cl.exe');

  it('exits 0 with every question accounted for and every answer counted', () => {
    expect(run.stderr).toBe('');
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/policy mode: deny cl\.exe$/m);
    expect(run.stdout).toMatch(/^asked = answered \+ timed out \+ defaulted \+ refused \((\d+) = \d+ \+ \d+ \+ 0 \+ 0\)$/m);
    expect(run.stdout).toMatch(/^allowed \+ denied = answered \(\d+ \+ \d+ = \d+\); \d+ creations denied$/m);
    expect(run.stdout).toMatch(/^delivered \+ lost = emitted \(\d+ \+ \d+ = \d+\)$/m);
  });

  it('denies cl.exe and allows the other images; the decisions and their latency are in the summary', () => {
    // Under load a question can time out and be allowed by default: counted, never a wrong answer.
    const denials = [...run.stdout.matchAll(/^ {4}decision: DENIED +pid +\d+ {2}(\S+)/gm)].map((match) => match[1]);
    expect(denials.length).toBeGreaterThan(0);
    expect(new Set(denials)).toEqual(new Set(['cl.exe']));
    const allowed = [...run.stdout.matchAll(/^ {4}decision: allowed +pid +\d+ {2}(\S+)/gm)].map((match) => match[1]);
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed).not.toContain('cl.exe');
    expect(summaryValue(run.stdout, 'denied by the policy')).toBeGreaterThan(1000);
    expect(summaryValue(run.stdout, 'allowed by the policy')).toBeGreaterThan(100);
    expect(run.stdout).toMatch(/^ {2}decision latency +p50 [\d.]+ ms, p99 [\d.,]+ ms +handler start to reply accepted$/m);
  });
});

describe('demo options', () => {
  it.skipIf(process.platform === 'win32')('--real outside Windows exits 2 and says why', () => {
    const run = demo('--real');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--real runs the monitor against the installed ProcessMonitor driver through the Win32 backend');
    expect(run.stderr).toContain(`only on Windows (this is ${process.platform})`);
  });

  it('--help prints the usage and exits 0', () => {
    const run = demo('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: /);
    for (const flag of ['--fast', '--real', '--depth', '--burst', '--layouts']) expect(run.stdout).toContain(flag);
  });

  it('a bad option exits 2 with the usage', () => {
    expect(demo('--depth', '0').status).toBe(2);
    expect(demo('--frobnicate').status).toBe(2);
    expect(demo('--duration', '5').stderr).toContain('--duration and --spawn go with --real');
    const badRule = demo('--deny', '/(unclosed/');
    expect(badRule.status).toBe(2);
    expect(badRule.stderr).toMatch(/^demo: --deny "\/\(unclosed\/": not a valid regular expression/);
  });

  it('a smaller burst that the ring absorbs loses nothing', () => {
    const run = demo('--fast', '--burst', '3000');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^delivered \+ lost = emitted \(4000 \+ 0 = 4000\)$/m);
  });
});
