/**
 * Finding Wine, and running its tools with a prefix's environment.
 *
 * Debian 12's `wine64` package puts the 64-bit loader at /usr/lib/wine/wine64, not on PATH (only
 * the `wine` wrapper script is there, and it complains about a missing wine32 unless WINEDEBUG
 * hides it), so the loader is looked for in the known places, not only on PATH.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';

/** The Debian packages the Wine bed needs: 64-bit Wine only, no i386, no X server. */
export const WINE_APT_PACKAGES = ['wine64', 'wine'] as const;
export const WINE_INSTALL_COMMAND = `apt-get update && apt-get install -y --no-install-recommends ${WINE_APT_PACKAGES.join(' ')}`;

export interface WineTools {
  /** The 64-bit loader: runs a Windows program, `wine64 <program.exe> args...`. */
  wine64: string;
  /** The server: `-p` keeps it (and the driver hosts) alive, `-k` stops it, `-w` waits for it. */
  wineserver: string;
  /** What `wine64 --version` printed, for example `wine-8.0 (Debian 8.0~repack-4)`. */
  version: string;
}

const LOADER_PLACES = ['/usr/lib/wine/wine64', '/usr/lib/x86_64-linux-gnu/wine/wine64', '/opt/wine-stable/bin/wine64', '/usr/local/bin/wine64'];
const SERVER_PLACES = ['/usr/lib/wine/wineserver64', '/usr/lib/x86_64-linux-gnu/wine/wineserver64', '/opt/wine-stable/bin/wineserver', '/usr/local/bin/wineserver'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (directory && executable(join(directory, name))) return join(directory, name);
  }
  return undefined;
}

let cached: WineTools | undefined;

/** Where to install Wine, said the same way by every message of the bed. */
function installAdvice(): string {
  return (
    `Install it as root: ${WINE_INSTALL_COMMAND}\n` +
    "(The bed is tested with Debian 12's Wine 8.0, 64-bit only: no i386 packages, no X server.)\n" +
    'Nothing installs Wine for you: in CI, your workflow must run that command before the tests that use the bed ' +
    '(for example in a debian:12 container job, or with sudo on a hosted Ubuntu runner); ' +
    "in this kit's own repository, `npm test` run as root does it."
  );
}

/**
 * Finds wine64 and wineserver (WINE_BED_WINE64 / WINE_BED_WINESERVER override the search) and
 * checks that the loader runs. Throws with the apt command when Wine is missing: a test that needs
 * the bed fails, it never skips (with CI=true or not).
 */
export function ensureWine(): WineTools {
  if (cached) return cached;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`The Wine bed runs on x86_64 Linux only (this is ${process.platform}/${process.arch}): run the tests that use it on a Linux x64 machine or CI runner.`);
  }
  const wine64 = process.env.WINE_BED_WINE64 || onPath('wine64') || LOADER_PLACES.find(executable);
  const wineserver = process.env.WINE_BED_WINESERVER || onPath('wineserver') || SERVER_PLACES.find(executable);
  if (!wine64 || !wineserver) {
    throw new Error(
      `Wine is not installed (looked for wine64 on PATH and in ${LOADER_PLACES.join(', ')}; wineserver on PATH and in ${SERVER_PLACES.join(', ')}).\n${installAdvice()}`,
    );
  }
  const probe = spawnSync(wine64, ['--version'], { encoding: 'utf8', env: { ...process.env, WINEDEBUG: '-all' } });
  if (probe.status !== 0) {
    throw new Error(`${wine64} --version failed (status ${probe.status}${probe.error ? `, ${probe.error.message}` : ''}): ${(probe.stderr ?? '').trim()}\nReinstall Wine. ${installAdvice()}`);
  }
  cached = { wine64, wineserver, version: probe.stdout.trim() };
  return cached;
}

/** Variables of the caller's environment that must not reach Windows programs or Wine. */
function inheritable(name: string): boolean {
  if (name === 'DISPLAY' || name === 'WAYLAND_DISPLAY') return false; // no X server: Wine stays headless
  if (name.startsWith('WINE')) return false; // a caller's WINEPREFIX, WINEDEBUG... would win over ours
  if (name.startsWith('NODE_') || name.startsWith('npm_') || name.startsWith('VITEST') || name === 'NODE') return false; // Linux node's settings
  return true;
}

/**
 * The environment every Wine process of a prefix runs with: WINEPREFIX, 64-bit only, no debug
 * channels, no Mono/Gecko installer (mscoree, mshtml), no winemenubuilder (it writes .desktop
 * files under $HOME), and no DISPLAY.
 */
export function wineEnvironment(prefixDir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (inheritable(name) && value !== undefined) env[name] = value;
  Object.assign(env, {
    WINEPREFIX: prefixDir,
    WINEARCH: 'win64',
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=;winemenubuilder.exe=d',
  });
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface ToolResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

/** Runs a Wine command-line tool (wineboot, regedit, reg, sc) to completion. */
export function runWineTool(prefixDir: string, args: readonly string[], options: { timeoutMs?: number; env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<ToolResult> {
  const { wine64 } = ensureWine();
  return spawnToFiles(wine64, args, { env: wineEnvironment(prefixDir, options.env), timeoutMs: options.timeoutMs ?? 60_000, cwd: options.cwd ?? prefixDir }).done;
}

/** Runs wineserver with the prefix's environment (`-k`, `-w`, `-p`). */
export function runWineserver(prefixDir: string, args: readonly string[], timeoutMs = 30_000): Promise<ToolResult> {
  const { wineserver } = ensureWine();
  return spawnToFiles(wineserver, args, { env: wineEnvironment(prefixDir), timeoutMs, cwd: prefixDir }).done;
}

export interface SpawnedToFiles {
  /** The Linux process id; for a Windows program it is the process that runs it (wine64 execs in place). */
  pid: number;
  stdoutPath: string;
  stderrPath: string;
  done: Promise<ToolResult>;
}

/**
 * Spawns a command with stdin from /dev/null and stdout/stderr written to files, and reads the
 * files back when it exits. Files, not pipes, for two reasons: Windows node.exe crashes (EBADF) on
 * console.log when its stdout is a Linux pipe, and the first Wine process of a session hands its
 * stdio down to wineserver, services.exe and the driver hosts, which would hold a pipe open forever.
 */
export function spawnToFiles(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs: number; outputDir?: string; keepOutput?: boolean },
): SpawnedToFiles {
  const directory = options.outputDir ?? mkdtempSync(join(tmpdir(), 'wine-bed-run-'));
  mkdirSync(directory, { recursive: true });
  const stem = `${basename(command).replace(/[^\w.-]/g, '_')}-${process.pid}-${++spawnCount}`;
  const stdoutPath = join(directory, `${stem}.stdout.txt`);
  const stderrPath = join(directory, `${stem}.stderr.txt`);
  const stdoutFd = openSync(stdoutPath, 'w');
  const stderrFd = openSync(stderrPath, 'w');
  const started = Date.now();
  let child;
  try {
    child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', stdoutFd, stderrFd] });
  } finally {
    closeSync(stdoutFd);
    closeSync(stderrFd);
  }
  const done = new Promise<ToolResult>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      const result: ToolResult = {
        status,
        signal,
        stdout: readFileSync(stdoutPath, 'utf8'),
        stderr: readFileSync(stderrPath, 'utf8'),
        durationMs: Date.now() - started,
        timedOut,
      };
      if (!options.keepOutput) {
        rmSync(stdoutPath, { force: true });
        rmSync(stderrPath, { force: true });
        if (!options.outputDir) rmSync(directory, { recursive: true, force: true });
      }
      resolve(result);
    });
  });
  if (child.pid === undefined) {
    // spawn failed (ENOENT...): 'error' rejects done; keep the shape.
    return { pid: -1, stdoutPath, stderrPath, done };
  }
  return { pid: child.pid, stdoutPath, stderrPath, done };
}

let spawnCount = 0;

/** Throws with the tool's output unless it exited 0. */
export function assertOk(what: string, result: ToolResult): ToolResult {
  if (result.status !== 0) {
    const how = result.timedOut ? 'timed out' : `exit ${result.status ?? result.signal}`;
    throw new Error(`${what} failed (${how}):\n${`${result.stdout}\n${result.stderr}`.trim()}`);
  }
  return result;
}
