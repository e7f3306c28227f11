// The demo's command line, parsed without running anything: defaults, ranges, the flags that go
// only with --real, and where --real can run.
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECIDE_CONCURRENCY, DEFAULT_DEPTH, DEFAULT_HIGH_WATER_MARK } from '../src/monitor.js';
import { USAGE, UsageError, parseDemoArguments, realUnavailableReason, type DemoOptions } from '../src/demo/options.js';
import { DEFAULT_BURST_EVENTS, DEFAULT_SEED } from '../src/workload.js';

function run(...argv: string[]): DemoOptions {
  const command = parseDemoArguments(argv);
  if (command.action !== 'run') throw new Error(`expected a run, got ${command.action}`);
  return command.options;
}

function usageError(...argv: string[]): string {
  try {
    parseDemoArguments(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseDemoArguments', () => {
  it('gives the defaults of the monitor and the workload without flags', () => {
    expect(run()).toEqual({
      fast: false,
      real: false,
      layouts: false,
      depth: DEFAULT_DEPTH,
      highWaterMark: DEFAULT_HIGH_WATER_MARK,
      burst: DEFAULT_BURST_EVENTS,
      seed: DEFAULT_SEED,
      duration: 0,
      spawn: 10,
      policy: undefined,
      concurrency: DEFAULT_DECIDE_CONCURRENCY,
    });
    expect([DEFAULT_DEPTH, DEFAULT_HIGH_WATER_MARK, DEFAULT_BURST_EVENTS, DEFAULT_SEED]).toEqual([8, 1024, 10_000, 1125]);
  });

  it('reads every flag', () => {
    expect(run('--fast', '--layouts', '--depth', '3', '--high-water-mark', '64', '--burst', '0', '--seed', '7')).toMatchObject({
      fast: true,
      layouts: true,
      depth: 3,
      highWaterMark: 64,
      burst: 0,
      seed: 7,
    });
    expect(run('--real', '--duration', '5', '--spawn', '0')).toMatchObject({ real: true, duration: 5, spawn: 0 });
  });

  it('accepts the `--` that `pnpm run demo -- --fast` passes along', () => {
    expect(run('--', '--fast', '--depth', '2')).toMatchObject({ fast: true, depth: 2 });
  });

  it('asks for the usage with --help or -h', () => {
    expect(parseDemoArguments(['--help'])).toEqual({ action: 'help' });
    expect(parseDemoArguments(['-h', '--fast'])).toEqual({ action: 'help' });
  });

  it('refuses numbers out of range or not whole, naming the flag and its range', () => {
    expect(usageError('--depth', '0')).toBe('--depth takes a whole number from 1 to 256, got "0"');
    expect(usageError('--depth', '257')).toContain('from 1 to 256');
    expect(usageError('--high-water-mark', '1.5')).toBe('--high-water-mark takes a whole number from 1 to 1000000, got "1.5"');
    expect(usageError('--burst=-1')).toBe('--burst takes a whole number from 0 to 1000000, got "-1"');
    expect(usageError('--seed', 'x')).toBe('--seed takes a whole number from 0 to 4294967295, got "x"');
    expect(usageError('--real', '--duration', '0')).toContain('--duration takes a whole number from 1 to 86400');
    expect(usageError('--real', '--spawn', '1001')).toContain('--spawn takes a whole number from 0 to 1000');
  });

  it('refuses unknown flags, stray arguments and a flag without its value', () => {
    expect(usageError('--frobnicate')).toContain("'--frobnicate'");
    expect(usageError('extra')).toContain("'extra'");
    expect(usageError('--depth')).toContain('--depth');
  });

  it('turns policy mode on with --deny or --slow, each repeatable, with --real too', () => {
    const { policy, concurrency } = run('--deny', 'cl.exe', '--deny', '/\\\\Temp\\\\/', '--slow', 'mmc.exe', '--concurrency', '2');
    expect(policy?.deny.rules.map((rule) => [rule.pattern, rule.syntax, rule.scope])).toEqual([
      ['cl.exe', 'glob', 'base name'],
      ['/\\\\Temp\\\\/', 'regex', 'path'],
    ]);
    expect(policy?.slow.rules.map((rule) => rule.pattern)).toEqual(['mmc.exe']);
    expect(concurrency).toBe(2);
    expect(run('--slow', 'mmc.exe').policy?.deny.size).toBe(0);
    expect(run('--real', '--deny', 'notepad.exe').policy?.deny.size).toBe(1);
  });

  it('refuses a bad rule naming its flag, and --concurrency without policy mode or out of range', () => {
    expect(usageError('--deny', '/[a/')).toMatch(/^--deny "\/\[a\/": not a valid regular expression \(.+\)/);
    expect(usageError('--deny', 'ok.exe', '--slow', '')).toMatch(/^--slow "": the rule is empty/);
    expect(usageError('--concurrency', '2')).toBe('--concurrency goes with --deny or --slow (policy mode)');
    expect(usageError('--deny', 'cl.exe', '--concurrency', '65')).toBe('--concurrency takes a whole number from 1 to 64, got "65"');
  });

  it('keeps --duration and --spawn for --real', () => {
    expect(usageError('--duration', '5')).toBe('--duration and --spawn go with --real');
    expect(usageError('--spawn', '2')).toBe('--duration and --spawn go with --real');
  });
});

describe('the usage text', () => {
  it('names every flag and the defaults the parser uses', () => {
    for (const flag of ['--fast', '--depth', '--high-water-mark', '--burst', '--seed', '--layouts', '--real', '--duration', '--spawn', '--deny', '--slow', '--concurrency', '--help']) {
      expect(USAGE).toContain(flag);
    }
    expect(USAGE).toContain(`(default ${DEFAULT_DEPTH})`);
    expect(USAGE).toContain(`(default ${DEFAULT_BURST_EVENTS})`);
    expect(USAGE).toMatch(/^Usage: pnpm run demo \[options\] +\(or: node dist\/src\/demo\/main\.js \[options\]\)$/m);
  });
});

describe('realUnavailableReason', () => {
  it('lets --real run on Windows only, and says why elsewhere', () => {
    expect(realUnavailableReason('win32')).toBeUndefined();
    expect(realUnavailableReason('linux')).toContain('exists only on Windows (this is linux)');
    expect(realUnavailableReason('darwin')).toContain('(this is darwin)');
  });
});
