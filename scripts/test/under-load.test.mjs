// test-under-load.mjs with stand-in commands (never the real suite): its options, the busy
// processes it starts, and that none of them outlives it, whether the run passes, fails or is
// interrupted. The hogs run a few seconds in all: the suite runs these tests too.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, STOP_GRACE_MS, USAGE, UsageError, formatSeconds, parseUnderLoadArguments, startHogs, stopHogs } from '../under-load.mjs';

const SCRIPT = fileURLToPath(new URL('../test-under-load.mjs', import.meta.url));
const UNDER_LOAD = new URL('../under-load.mjs', import.meta.url).href;

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `pids` have all gone, or `ms` passed; returns those still alive. */
async function survivors(pids, ms = 5000) {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return pids.filter(alive);
}

/** The hog pids the script announced. */
function hogPids(output) {
  const match = /busy process(?:es)? started \(pids? ([\d, ]+)\)/.exec(output);
  if (!match) throw new Error(`no hogs announced:\n${output}`);
  return match[1].split(', ').map(Number);
}

function usageError(...argv) {
  try {
    parseUnderLoadArguments(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error.message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseUnderLoadArguments', () => {
  it('runs the suite once with two hogs by default', () => {
    expect(parseUnderLoadArguments([])).toEqual({ runs: 1, hogs: 2, command: undefined });
    expect(DEFAULTS).toEqual({ runs: 1, hogs: 2 });
  });

  it('reads --runs, --hogs and --command, also after the `--` npm passes along', () => {
    expect(parseUnderLoadArguments(['--runs', '3', '--hogs', '0', '--command', 'exit 0'])).toEqual({ runs: 3, hogs: 0, command: 'exit 0' });
    expect(parseUnderLoadArguments(['--', '--runs=2'])).toMatchObject({ runs: 2 });
  });

  it('asks for the usage with --help', () => {
    expect(parseUnderLoadArguments(['-h'])).toEqual({ help: true });
    for (const flag of ['--runs', '--hogs', '--command']) expect(USAGE).toContain(flag);
  });

  it('refuses bad numbers, an empty command and unknown flags', () => {
    expect(usageError('--runs', '0')).toBe('--runs takes a whole number from 1 to 1000, got "0"');
    expect(usageError('--hogs', '1.5')).toBe('--hogs takes a whole number from 0 to 64, got "1.5"');
    expect(usageError('--command', ' ')).toBe('--command needs a command');
    expect(usageError('--fast')).toContain("'--fast'");
  });
});

describe('formatSeconds', () => {
  it('gives seconds, then minutes and seconds', () => {
    expect(formatSeconds(0.04)).toBe('0.0 s');
    expect(formatSeconds(59.94)).toBe('59.9 s');
    expect(formatSeconds(123.45)).toBe('2 min 03.5 s');
  });
});

describe('the hogs', () => {
  it('run until stopped, and stopHogs waits until they have gone', async () => {
    const hogs = startHogs(2);
    const pids = hogs.map((hog) => hog.pid);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(pids.filter(alive)).toEqual(pids);
    } finally {
      await stopHogs(hogs);
    }
    expect(pids.filter(alive)).toEqual([]);
    await stopHogs(hogs); // stopping twice is harmless
  });

  it('end themselves when the process that started them is killed outright', async () => {
    const starter = spawn(process.execPath, ['--input-type=module', '-e', `import { startHogs } from ${JSON.stringify(UNDER_LOAD)}; console.log(startHogs(1)[0].pid); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise((resolve) => starter.stdout.once('data', (data) => resolve(Number(data))));
    expect(alive(pid)).toBe(true);
    starter.kill('SIGKILL');
    const left = await survivors([pid]);
    for (const survivor of left) process.kill(survivor, 'SIGKILL');
    expect(left).toEqual([]);
  });
});

describe('test-under-load.mjs', () => {
  const script = (...args) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000 });

  it('runs the command with the hogs, prints each run and its time, and stops them after', async () => {
    const run = script('--runs', '2', '--command', 'echo stand-in ran');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.match(/^stand-in ran$/gm)).toHaveLength(2);
    expect(run.stdout).toMatch(/^test-under-load: run 1\/2: passed in \d+\.\d s; no test reports written$/m);
    expect(run.stdout).toMatch(/^test-under-load: 2 of 2 runs: \d+\.\d s, \d+\.\d s$/m);
    const pids = hogPids(run.stdout);
    expect(pids).toHaveLength(2);
    expect(await survivors(pids)).toEqual([]);
  });

  it('stops at the first failing run and exits with its status', async () => {
    const run = script('--runs', '3', '--hogs', '1', '--command', 'exit 3');
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(/^test-under-load: run 1\/3: FAILED \(exit 3\) in /m);
    expect(run.stdout).not.toContain('run 2/3');
    expect(run.stdout).toContain('1 of 3 runs, stopped at the first failure');
    expect(await survivors(hogPids(run.stdout))).toEqual([]);
  });

  it('on Ctrl+C stops the hogs and the suite, and exits 130', async () => {
    const { status, started, output } = await interruptOnceRunning(['--hogs', '1', '--command', `"${process.execPath}" -e "setTimeout(() => {}, 60000)"`]);
    expect(status).toBe(130);
    expect(Date.now() - started).toBeLessThan(STOP_GRACE_MS + 10_000);
    expect(output).toContain('SIGINT: stopping');
    expect(await survivors(hogPids(output))).toEqual([]);
  });

  it('on Ctrl+C kills a command that ignores SIGINT once the grace period is over', async () => {
    // No hogs: they are not what this checks, and it lasts the whole grace period.
    // SIGINT is sent only once the command says its trap is set: sent earlier, it would end the
    // shell at once (seen once under load: exit after 9 ms).
    const { status, started, output } = await interruptOnceRunning(['--hogs', '0', '--command', "trap '' INT; echo trap set; sleep 60; echo not killed"], 'trap set');
    expect(status).toBe(130);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(STOP_GRACE_MS - 100);
    expect(elapsed).toBeLessThan(STOP_GRACE_MS + 10_000);
    expect(output).not.toMatch(/^not killed$/m);
    expect(output).toContain('test-under-load: no busy processes (--hogs 0)');
  });

  it('refuses bad usage with exit 2 and starts nothing', () => {
    const run = script('--runs', 'x');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--runs takes a whole number');
  });
});

/**
 * Starts the script with `args`, sends it SIGINT once its command runs (once its output holds
 * `ready`, when given), and waits for it to exit.
 */
async function interruptOnceRunning(args, ready = ': run: ') {
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (data) => (output += data));
  await new Promise((resolve) => child.stdout.on('data', () => output.includes(': run: ') && output.includes(ready) && resolve()));
  const started = Date.now();
  child.kill('SIGINT');
  const status = await new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return { status, started, output };
}
