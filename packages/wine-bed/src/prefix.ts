/**
 * A Wine prefix made for the bed: 64-bit, headless, Windows version win10 (Node 20 refuses to
 * start on what Wine reports by default), created from nothing with `wineboot -i`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { assertOk, ensureWine, runWineserver, runWineTool, type WineTools } from './wine.js';

export interface WinePrefix {
  /** The prefix directory (WINEPREFIX). */
  dir: string;
  wine: WineTools;
  /** True when this call ran wineboot; false when a ready prefix was reused. */
  created: boolean;
  /** Time this call took. */
  durationMs: number;
}

/** Written last by createPrefix: a prefix without it is incomplete and is made again. */
export const READY_MARKER = '.wine-bed-ready.json';
const WINDOWS_VERSION = 'win10';

interface ReadyMarker {
  wine: string;
  windowsVersion: string;
  createdAt: string;
}

/**
 * Where a caller without an opinion keeps its prefix: outside the repository, in the system
 * temporary directory, one per user.
 */
export function defaultPrefixDir(name = 'prefix'): string {
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : 'user';
  return join(tmpdir(), `inverted-call-wine-bed-${user}`, name);
}

/**
 * Makes a fresh prefix in `dir` (created; its parent too), or returns at once when `dir` already
 * holds a ready prefix made by the same Wine. An incomplete or foreign directory is removed
 * first, so `dir` must be a directory the bed owns. Leaves no Wine process running.
 */
export async function createPrefix(dir: string, options: { timeoutMs?: number } = {}): Promise<WinePrefix> {
  const started = Date.now();
  const wine = ensureWine();
  const prefixDir = resolve(dir);
  const marker = readMarker(prefixDir);
  if (marker && marker.wine === wine.version && marker.windowsVersion === WINDOWS_VERSION) {
    return { dir: prefixDir, wine, created: false, durationMs: Date.now() - started };
  }
  await removePrefix(prefixDir);
  mkdirSync(dirname(prefixDir), { recursive: true });
  const timeoutMs = options.timeoutMs ?? 120_000;
  assertOk('wineboot -i', await runWineTool(prefixDir, ['wineboot', '-i'], { timeoutMs, cwd: dirname(prefixDir) }));
  assertOk(
    'setting the Windows version to win10',
    await runWineTool(prefixDir, ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/t', 'REG_SZ', '/d', WINDOWS_VERSION, '/f'], { timeoutMs }),
  );
  // Stop the server so the registry is on disk and nothing of the setup lingers.
  await stopWineserver(prefixDir);
  const userReg = readFileSync(join(prefixDir, 'user.reg'), 'utf8');
  if (!/^\[Software\\\\Wine\][^[]*"Version"="win10"/m.test(userReg)) {
    throw new Error(`${prefixDir}: HKCU\\Software\\Wine Version=win10 is not in user.reg after setup`);
  }
  const ready: ReadyMarker = { wine: wine.version, windowsVersion: WINDOWS_VERSION, createdAt: new Date().toISOString() };
  writeFileSync(join(prefixDir, READY_MARKER), `${JSON.stringify(ready, null, 2)}\n`);
  return { dir: prefixDir, wine, created: true, durationMs: Date.now() - started };
}

/** Stops the prefix's wineserver and every Wine process of it, and waits until it is gone. */
export async function stopWineserver(prefixDir: string): Promise<void> {
  // -k fails when no server runs: nothing to stop then.
  await runWineserver(prefixDir, ['-k']);
  assertOk('wineserver -w', await runWineserver(prefixDir, ['-w'], 60_000));
}

/**
 * Stops the prefix's server and deletes the prefix, and the server's socket folder that Wine 8
 * keeps under the temp directory (named in <prefix>/wineserver).
 */
export async function removePrefix(dir: string): Promise<void> {
  const prefixDir = resolve(dir);
  if (!existsSync(prefixDir)) return;
  await stopWineserver(prefixDir).catch(() => undefined);
  try {
    const serverDir = readFileSync(join(prefixDir, 'wineserver'), 'utf8').trim();
    if (/^wine-[A-Za-z0-9]+$/.test(serverDir)) rmSync(join(tmpdir(), serverDir), { recursive: true, force: true });
  } catch {
    // no server was ever started, or an older Wine that keeps it elsewhere
  }
  rmSync(prefixDir, { recursive: true, force: true });
}

function readMarker(prefixDir: string): ReadyMarker | undefined {
  try {
    return JSON.parse(readFileSync(join(prefixDir, READY_MARKER), 'utf8')) as ReadyMarker;
  } catch {
    return undefined;
  }
}
