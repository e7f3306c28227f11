// The parts of test-under-load.mjs: its command line, the CPU hogs, and running the suite as a
// child that a signal to us stops too. Node built-ins only.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run test:under-load [-- options]   (or: node scripts/test-under-load.mjs [options])

Runs the whole test suite (what \`npm test\` runs, every task afresh: node scripts/bootstrap.mjs test --force) while busy
processes keep the CPUs loaded, to find tests whose timeouts or timing assumptions only hold on a
quiet machine. The busy processes are stopped however the run ends (failure, Ctrl+C included).
Prints each run's time and test totals; exits with the suite's status.

Options:
  --runs <n>          run the suite n times in a row, stopping at the first failure (default 1)
  --hogs <n>          busy processes to start, one per core you want taken (default 2)
  --command <shell>   run this shell command instead of the suite (to try the script itself)
  -h, --help          show this help`;

export const DEFAULTS = { runs: 1, hogs: 2 };

/** Bad usage: the script prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  name = 'UsageError';
}

/** `{ help: true }` or `{ runs, hogs, command }` (command undefined: the suite). Throws UsageError. */
export function parseUnderLoadArguments(argv) {
  let values;
  try {
    values = parseArgs({
      args: argv[0] === '--' ? argv.slice(1) : argv,
      options: {
        runs: { type: 'string' },
        hogs: { type: 'string' },
        command: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error.message);
  }
  if (values.help) return { help: true };
  if (values.command !== undefined && values.command.trim() === '') throw new UsageError('--command needs a command');
  return {
    runs: wholeNumber('runs', values.runs, DEFAULTS.runs, 1, 1000),
    hogs: wholeNumber('hogs', values.hogs, DEFAULTS.hogs, 0, 64),
    command: values.command,
  };
}

function wholeNumber(flag, text, fallback, min, max) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${flag} takes a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

/**
 * A busy loop for one core. Every few million turns (a few milliseconds) it checks that the
 * process that started it (its first argument) still exists: if that one was killed too hard to
 * stop its hogs (SIGKILL), the hog ends itself instead of spinning forever. The pid comes as an
 * argument because process.ppid, read as the hog starts, is already 1 if the starter died first.
 */
const HOG_SOURCE = `const starter = Number(process.argv[1]);
const starterGone = () => { try { process.kill(starter, 0); return false; } catch { return true; } };
for (let turn = 1; ; turn++) if (turn % 5e6 === 0 && starterGone()) process.exit(0);`;

/** Starts `count` busy processes; returns them (each a ChildProcess with its pid). */
export function startHogs(count) {
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', HOG_SOURCE, String(process.pid)], { stdio: 'ignore' }));
}

/** Kills the hogs (SIGKILL: a busy loop has nothing to clean up) and waits until each has gone. */
export async function stopHogs(hogs) {
  await Promise.all(hogs.map((hog) => {
    if (hog.exitCode !== null || hog.signalCode !== null) return undefined;
    const gone = new Promise((resolve) => hog.once('exit', resolve));
    hog.kill('SIGKILL');
    return gone;
  }));
}

/**
 * Runs `command` (`[file, ...args]`, or a shell command line) with our output, in a process group
 * of its own so that `stop` reaches all of it (a shell passes no SIGINT on to the command it
 * waits for). No input: in its own group it must not read the terminal, and the suite needs none.
 * `status` resolves with its exit status (128 + the signal number if a signal ended it).
 */
export function runChild(command, options = {}) {
  const spawnOptions = { stdio: ['ignore', 'inherit', 'inherit'], detached: true, ...options };
  const child = typeof command === 'string'
    ? spawn(command, { shell: true, ...spawnOptions })
    : spawn(command[0], command.slice(1), spawnOptions);
  const status = new Promise((resolve) => {
    child.once('error', (error) => {
      process.stderr.write(`test-under-load: ${error.message}\n`);
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)));
  });
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  /**
   * Sends `signal` to the command's whole process group, then SIGKILL if it is still there after
   * `graceMs`: a command may ignore the signal (a shell that receives SIGINT before it has started
   * its command waits for that command instead of exiting).
   */
  const stop = (signal, graceMs = STOP_GRACE_MS) => {
    signalGroup(signal);
    const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
    status.then(() => clearTimeout(timer));
  };
  return { child, status, stop };
}

/** How long a stopped command has to end on its own signal before it is killed. */
export const STOP_GRACE_MS = 5000;

/** "12.3 s", or "2 min 03.4 s" from a minute on. */
export function formatSeconds(seconds) {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${(seconds - minutes * 60).toFixed(1).padStart(4, '0')} s`;
}
