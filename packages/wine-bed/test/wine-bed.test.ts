/**
 * The Wine bed end to end, from a fresh prefix: Windows node.exe runs, loads koffi, and talks to a
 * real WDM driver loaded by Wine's kernel emulation. Never skipped: without Wine, ensureWine()
 * throws with the apt command and the file fails.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { protocolInfoByteLength } from '@inverted-call/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPrefix,
  defaultPrefixDir,
  driverState,
  ensureWine,
  findWindowsProcesses,
  installDriverService,
  killWindowsProcess,
  provisionWindowsSide,
  removePrefix,
  runWindowsNode,
  startDriver,
  startSession,
  startWindowsNode,
  stopDriver,
  stopSession,
  toWindowsPath,
  WINDOWS_SIDE_PINS,
  windowsSide,
  type WindowsNodeResult,
} from '../src/index.js';
import { buildConformanceDriver, CONFORMANCE_DEVICE_HEADER, FIXTURES } from './support/driver.js';

const SERVICE = 'ConformanceDevice';
const timings: Record<string, number> = {};
const suiteStarted = Date.now();
let work: string;
let prefixDir: string;

/** The last lines of the session log (the driver host's output), for failure messages. */
function sessionLogTail(): string {
  const path = join(prefixDir, 'wine-bed', 'session.log');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-15).join('\n') : '(no session log)';
}

function json(result: WindowsNodeResult): Record<string, unknown> {
  expect(result, `node.exe failed:\nstdout: ${result.stdout}\nstderr: ${result.stderr}\nsession log: ${sessionLogTail()}`).toMatchObject({ exitCode: 0, timedOut: false });
  const line = result.stdout.trim().split(/\r?\n/).pop() ?? '';
  return JSON.parse(line) as Record<string, unknown>;
}

beforeAll(async () => {
  const wine = ensureWine();
  timings.wineFound = 1;
  expect(wine.version).toMatch(/^wine-\d+/);
  // A fixed folder, emptied first: a run killed before afterAll (turbo stops the other tasks
  // when one fails) leaves ~700 MB of prefix behind, and the next run takes it back.
  work = defaultPrefixDir('test-wine-bed');
  await removePrefix(join(work, 'prefix'));
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  prefixDir = join(work, 'prefix');
  const prefix = await createPrefix(prefixDir);
  expect(prefix.created).toBe(true);
  timings.prefixCreateMs = prefix.durationMs;
});

afterAll(async () => {
  // WINE_BED_KEEP=1 keeps the prefix and the work folder for a look afterwards (server stopped).
  if (prefixDir && existsSync(prefixDir)) await stopSession(prefixDir).catch(() => undefined);
  if (work && !process.env.WINE_BED_KEEP) {
    await removePrefix(prefixDir);
    rmSync(work, { recursive: true, force: true });
  }
  timings.totalMs = Date.now() - suiteStarted;
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/wine-bed-timings.json', `${JSON.stringify(timings, null, 2)}\n`);
  console.log(`wine-bed timings (ms): ${JSON.stringify(timings)}`);
});

describe('Wine bed', () => {
  it('reuses a ready prefix at once', async () => {
    const again = await createPrefix(prefixDir);
    expect(again.created).toBe(false);
    expect(again.durationMs).toBeLessThan(1_000);
  });

  it('runs the Windows node.exe: win32 x64, console.log to a file', async () => {
    const result = await runWindowsNode(prefixDir, join(FIXTURES, 'platform.cjs'), ['a b', 'Z:\\x'], { cwd: work });
    timings.nodeStartColdMs = result.durationMs;
    const info = json(result);
    expect(info).toMatchObject({ platform: 'win32', arch: 'x64', version: 'v20.20.2', argv: ['a b', 'Z:\\x'], cwd: toWindowsPath(work) });
    // In this repository node.exe comes from the workspace project, not from a provisioned cache.
    expect(windowsSide().source).toBe('workspace');
    expect(info.execPath).toBe(toWindowsPath(windowsSide().nodeExe));
    const warm = await runWindowsNode(prefixDir, join(FIXTURES, 'platform.cjs'));
    timings.nodeStartMs = warm.durationMs;
    expect(json(warm)).toMatchObject({ platform: 'win32' });
  });

  it('loads koffi 3.3.4 and calls kernel32 GetCurrentProcessId', async () => {
    const result = await runWindowsNode(prefixDir, join(FIXTURES, 'koffi-pid.cjs'));
    timings.koffiRunMs = result.durationMs;
    const info = json(result);
    expect(info.koffi).toBe('3.3.4');
    expect(info.pid).toBe(info.nodePid);
    expect(info.pid).toBeGreaterThan(0);
  });

  it('runs node.exe and koffi that the provisioner fetched from the npm registry into a cache folder', async () => {
    const side = provisionWindowsSide({ cacheRoot: join(work, 'windows-side-cache'), log: () => undefined });
    timings.provisionMs = side.durationMs;
    expect(side).toMatchObject({ source: 'cache', fetched: true });
    const platform = json(await runWindowsNode(prefixDir, join(FIXTURES, 'platform.cjs'), [], { windowsSide: side }));
    expect(platform).toMatchObject({ platform: 'win32', arch: 'x64', version: `v${WINDOWS_SIDE_PINS.node.version}`, execPath: toWindowsPath(side.nodeExe) });
    const info = json(await runWindowsNode(prefixDir, join(FIXTURES, 'koffi-pid.cjs'), [], { windowsSide: side }));
    expect(info.koffi).toBe(WINDOWS_SIDE_PINS.koffi.version);
    expect(info.pid).toBe(info.nodePid);
    expect(String(info.resolvedFrom).startsWith(`${toWindowsPath(side.koffiModulesDir)}\\koffi\\`), String(info.resolvedFrom)).toBe(true);
  });

  it('reports a timeout and kills the process', async () => {
    const script = join(work, 'forever.cjs');
    writeFileSync(script, 'setInterval(() => {}, 1000);\n');
    const result = await runWindowsNode(prefixDir, script, [], { timeoutMs: 2_000 });
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
  });

  describe('with a kernel driver', () => {
    /** The conformance device's protocol information: the header, 3 CHANNEL_INFO, 1 VERDICT_INFO. */
    const PROTOCOL_INFO_BYTES = protocolInfoByteLength(3, 1);
    const expectedHash = /SCHEMA_HASH_STRING "([0-9a-f]{64})"/.exec(readFileSync(CONFORMANCE_DEVICE_HEADER, 'utf8'))?.[1];

    function expectProtocolInfo(info: Record<string, unknown>): void {
      expect(info).toMatchObject({ opened: true, ok: true, error: 0, bytes: PROTOCOL_INFO_BYTES, protocolVersion: 2, channelCount: 3, verdictCount: 1, schemaHash: expectedHash });
      expect(info.verdicts).toEqual([{ deadlineMs: 500, maxPending: 3, questionBytes: 16, answerBytes: 8 }]);
      expect(info.channels).toEqual([
        { capacity: 8, overflowPolicy: 0, batchBytes: 512, maxRecordBytes: 264 },
        { capacity: 4, overflowPolicy: 1, batchBytes: 256, maxRecordBytes: 32 },
        { capacity: 16, overflowPolicy: 0, batchBytes: 128, maxRecordBytes: 32 },
      ]);
    }

    it('renders, builds, installs (Start=2) and loads the conformance WDM driver in a held session', async () => {
      let started = Date.now();
      const sys = buildConformanceDriver(work).sysPath;
      timings.driverBuildMs = Date.now() - started;
      started = Date.now();
      const installed = await installDriverService(prefixDir, { name: SERVICE, sysPath: sys, start: 'auto' });
      timings.driverInstallMs = Date.now() - started;
      expect(installed.imagePath).toBe('\\SystemRoot\\System32\\drivers\\ConformanceDevice.sys');
      const session = await startSession(prefixDir, { drivers: [SERVICE] });
      timings.sessionStartMs = session.durationMs;
      expect(await driverState(prefixDir, SERVICE)).toBe('RUNNING');
    });

    it('answers the protocol-info IOCTL: 152 bytes (3 channels, the Gate verdict), protocol version 2, across several node.exe runs', async () => {
      const first = await runWindowsNode(prefixDir, join(FIXTURES, 'protocol-info.cjs'));
      timings.ioctlRunMs = first.durationMs;
      expectProtocolInfo(json(first));
      expectProtocolInfo(json(await runWindowsNode(prefixDir, join(FIXTURES, 'protocol-info.cjs'))));
    });

    it('kills a node.exe holding the device as a crash would; the driver stays loaded', async () => {
      const ready = join(work, 'hold.ready');
      const child = startWindowsNode(prefixDir, join(FIXTURES, 'protocol-info.cjs'), ['hold', toWindowsPath(ready)]);
      const deadline = Date.now() + 30_000;
      while (!existsSync(ready) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(existsSync(ready), 'the holding node.exe never got ready').toBe(true);
      expect(findWindowsProcesses(prefixDir, 'node.exe').map((found) => found.pid)).toContain(child.pid);

      const started = Date.now();
      await killWindowsProcess(child);
      timings.killMs = Date.now() - started;
      const result = await child.done;
      expect(result).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
      expectProtocolInfo(JSON.parse(result.stdout.trim()) as Record<string, unknown>);
      expect(findWindowsProcesses(prefixDir, 'node.exe')).toEqual([]);

      expect(await driverState(prefixDir, SERVICE)).toBe('RUNNING');
      expectProtocolInfo(json(await runWindowsNode(prefixDir, join(FIXTURES, 'protocol-info.cjs'))));
    });

    /**
     * Runs the protocol-info probe; once more if node.exe exited 1 without a byte of output, which
     * means it never reached our script (seen once in a loaded CI run, right after `sc start`, and
     * not reproduced in 12 tries under load). Any output at all is judged as it is.
     */
    async function probeAfterStart(): Promise<WindowsNodeResult> {
      const first = await runWindowsNode(prefixDir, join(FIXTURES, 'protocol-info.cjs'));
      if (first.exitCode !== 1 || first.stdout !== '' || first.stderr !== '') return first;
      console.warn(`protocol-info probe exited 1 with no output; running it once more. Session log: ${sessionLogTail()}`);
      return runWindowsNode(prefixDir, join(FIXTURES, 'protocol-info.cjs'));
    }

    it('unloads and reloads the driver within the session (sc stop / sc start)', async () => {
      const started = Date.now();
      await stopDriver(prefixDir, SERVICE);
      const closed = json(await runWindowsNode(prefixDir, join(FIXTURES, 'protocol-info.cjs')));
      expect(closed).toEqual({ opened: false, error: 2 }); // ERROR_FILE_NOT_FOUND: the symbolic link is gone
      await startDriver(prefixDir, SERVICE);
      timings.reloadMs = Date.now() - started;
      expectProtocolInfo(json(await probeAfterStart()));
    });

    it('loads the Start=2 driver again in a new session', async () => {
      await stopSession(prefixDir);
      expect(findWindowsProcesses(prefixDir, 'winedevice.exe')).toEqual([]);
      const session = await startSession(prefixDir, { drivers: [SERVICE] });
      timings.sessionRestartMs = session.durationMs;
      expectProtocolInfo(json(await runWindowsNode(prefixDir, join(FIXTURES, 'protocol-info.cjs'))));
    });
  });
});
