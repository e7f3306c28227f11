/**
 * The demo's command line: its usage text and the parsing of its flags into checked numbers.
 * Pure (no exit, no output) so that the tests can hold every rule; main.ts turns the results
 * into exit codes.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DECIDE_CONCURRENCY, DEFAULT_DEPTH, DEFAULT_HIGH_WATER_MARK, PROCESS_CREATE } from '../monitor.js';
import { PolicyError, compileRules, type ImageRules } from '../policy.js';
import { DEFAULT_BURST_EVENTS, DEFAULT_SEED } from '../workload.js';

/** Seconds a run with --real lasts without a terminal, when --duration does not say. */
export const REAL_DEFAULT_SECONDS_WITHOUT_TERMINAL = 10;
/** Short cmd.exe processes a run with --real starts, when --spawn does not say. */
export const REAL_DEFAULT_SPAWN = 10;

/** The policy-mode part of the usage; raw, so that its paths read as typed. */
const POLICY_USAGE = String.raw`Policy mode (with --real too): the driver asks before every process starts (the ProcessCreate
verdict) and the monitor answers within ${PROCESS_CREATE.deadlineMs} ms. Without --deny nothing decides and the driver
allows every creation at once; a question not answered in time is allowed too (fail-open).
  --deny <rule>           deny the creation of processes whose image the rule names; repeat it
                          for more rules. A rule is a glob, or a regular expression between slashes:
                            cl.exe                    a glob without "\": the base name, in any folder
                            C:\Users\*\Downloads\**   a glob with "\" (or "/"): the whole path
                            /\\Temp\\[^\\]+\.exe$/    a regular expression (Unicode mode), searched
                                                      in the whole path
                          In a glob "*" is any run inside one folder name, "**" any run across
                          folders, "?" one character. Both kinds match case-insensitively, as
                          Windows compares file names, and see the path without the kernel's "\??\"
                          in front: \??\C:\Windows\notepad.exe is matched as C:\Windows\notepad.exe.
                          A truncated name (over 259 UTF-16 units) has lost its end: base-name
                          globs never match it. A process without an image name matches nothing.
  --slow <rule>           the policy takes longer than the deadline for these images, as a hung
                          lookup would: the view shows them late and the driver allows them
  --concurrency <n>       questions decided at once, 1 to ${PROCESS_CREATE.maxPending} (default ${DEFAULT_DECIDE_CONCURRENCY})`;

export const USAGE = `Usage: pnpm run demo [options]      (or: node dist/src/demo/main.js [options])

Runs the process monitor service (src/monitor.ts) against the simulated ProcessMonitor driver:
a steady stream of process creations and exits, then a build burst of 10,000 events while the
consumer is stalled (more than the driver's ring of 4,096 holds), then recovery. Ends with a
summary and the check that every emitted event was delivered or counted as lost.

Options:
  --fast                  run the workload as fast as possible (the default without a terminal)
  --depth <n>             subscribe requests kept parked in the driver (default ${DEFAULT_DEPTH})
  --high-water-mark <n>   events buffered in the client before it stops asking (default ${DEFAULT_HIGH_WATER_MARK})
  --burst <n>             events in the burst (default ${DEFAULT_BURST_EVENTS})
  --seed <n>              seed of the simulated activity (default ${DEFAULT_SEED})
  --layouts               first print the IOCTLs and struct layouts and compile the generated
                          header with mingw-w64 (x64, x86; kernel and user mode)
  --real                  Windows only: run the same monitor against the installed driver
                          (\\\\.\\ProcessMonitor) through the Win32 backend, elevated
  --duration <seconds>    with --real: stop after this long (default: Ctrl+C on a terminal, else ${REAL_DEFAULT_SECONDS_WITHOUT_TERMINAL})
  --spawn <n>             with --real: start n short cmd.exe processes to have something to see
                          (default ${REAL_DEFAULT_SPAWN})
  -h, --help              show this help

${POLICY_USAGE}

Exit codes: 0 every event delivered or counted, 1 an event or a question unaccounted for or
an error, 2 bad usage, or --real on a system other than Windows.`;

export interface DemoOptions {
  /** Run the workload unpaced, also on a terminal. */
  fast: boolean;
  /** Against the installed driver through the Win32 backend instead of the simulator. */
  real: boolean;
  /** Print the layouts and compile the generated header first. */
  layouts: boolean;
  depth: number;
  highWaterMark: number;
  burst: number;
  seed: number;
  /** With --real: seconds to run; 0 means until Ctrl+C on a terminal, 10 s without one. */
  duration: number;
  /** With --real: short processes to start. */
  spawn: number;
  /** Policy mode (--deny or --slow); undefined when it is off. */
  policy: DemoPolicy | undefined;
  /** Policy mode: questions decided at once. */
  concurrency: number;
}

export interface DemoPolicy {
  /** --deny: the images whose creation is denied. */
  deny: ImageRules;
  /** --slow: the images the policy is too slow to decide in time. */
  slow: ImageRules;
}

/** What the command line asks for: the usage, or a run. */
export type DemoCommand = { action: 'help' } | { action: 'run'; options: DemoOptions };

/** A command line the demo cannot run: main.ts prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses the demo's arguments (without node and the script). Throws UsageError. */
export function parseDemoArguments(argv: readonly string[]): DemoCommand {
  let values;
  try {
    values = parseArgs({
      // `pnpm run demo -- --fast` passes the `--` along; accept it.
      args: argv[0] === '--' ? argv.slice(1) : [...argv],
      options: {
        fast: { type: 'boolean', default: false },
        real: { type: 'boolean', default: false },
        depth: { type: 'string' },
        'high-water-mark': { type: 'string' },
        burst: { type: 'string' },
        seed: { type: 'string' },
        layouts: { type: 'boolean', default: false },
        duration: { type: 'string' },
        spawn: { type: 'string' },
        deny: { type: 'string', multiple: true },
        slow: { type: 'string', multiple: true },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { action: 'help' };

  const options: DemoOptions = {
    fast: values.fast,
    real: values.real,
    layouts: values.layouts,
    depth: wholeNumber('depth', values.depth, DEFAULT_DEPTH, 1, 256),
    highWaterMark: wholeNumber('high-water-mark', values['high-water-mark'], DEFAULT_HIGH_WATER_MARK, 1, 1_000_000),
    burst: wholeNumber('burst', values.burst, DEFAULT_BURST_EVENTS, 0, 1_000_000),
    seed: wholeNumber('seed', values.seed, DEFAULT_SEED, 0, 2 ** 32 - 1),
    duration: wholeNumber('duration', values.duration, 0, 1, 24 * 3600),
    spawn: wholeNumber('spawn', values.spawn, REAL_DEFAULT_SPAWN, 0, 1000),
    policy: policyOf(values.deny ?? [], values.slow ?? []),
    concurrency: wholeNumber('concurrency', values.concurrency, DEFAULT_DECIDE_CONCURRENCY, 1, PROCESS_CREATE.maxPending),
  };
  if (!options.real && (values.duration !== undefined || values.spawn !== undefined)) throw new UsageError('--duration and --spawn go with --real');
  if (!options.policy && values.concurrency !== undefined) throw new UsageError('--concurrency goes with --deny or --slow (policy mode)');
  return { action: 'run', options };
}

/** The policy of --deny and --slow; undefined without either. A bad rule is a UsageError naming its flag. */
function policyOf(deny: readonly string[], slow: readonly string[]): DemoPolicy | undefined {
  if (deny.length === 0 && slow.length === 0) return undefined;
  try {
    return { deny: compileRules(deny, '--deny'), slow: compileRules(slow, '--slow') };
  } catch (error) {
    if (error instanceof PolicyError) throw new UsageError(error.message);
    throw error;
  }
}

function wholeNumber(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${flag} takes a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

/**
 * Why --real cannot run on this platform (the Win32 backend exists only on Windows), or undefined
 * where it can.
 */
export function realUnavailableReason(platform: NodeJS.Platform): string | undefined {
  if (platform === 'win32') return undefined;
  return `--real runs the monitor against the installed ProcessMonitor driver through the Win32 backend, which exists only on Windows (this is ${platform}).\n` +
    'Without --real the demo runs the same monitor against the simulated driver; on Windows, install the driver from driver/ (driver/README.md) and run the demo elevated.';
}
