// The process-notify callback itself, end to end under Wine: this example's driver, rendered as a
// test build, loaded by Wine's kernel, and the Windows client subscribed with the real client over
// the Win32 backend. Wine never calls a PsSetCreateProcessNotifyRoutineEx callback, so each case
// goes through the test-build process IOCTL (templates/shared/NotifyTest.h), which calls the
// routine the driver registered (Notify.c's, the code Windows would call) with a
// PS_CREATE_NOTIFY_INFO built from the case, or a NULL CreateInfo for an exit. What this proves:
// Notify.c's callback runs under Wine and its events reach the client as typed Created / Exited
// items; and, in the same session (verdict-client.ts), that the callback asks the ProcessCreate
// verdict and sets the CreationStatus from the real client's decider: allowed, denied, timed out
// (default), no decider (default), the decider's own process exempt (V7), with the driver's
// counters. Not proven: that Windows calls the callback for real process creations, nor what a
// denied CreationStatus does to a real process creation.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeRenderedDriver } from '@inverted-call/driver-template';
import { loadDeviceSchema } from '@inverted-call/schema';
import {
  createPrefix,
  defaultPrefixDir,
  DRIVER_FLAVOURS,
  ensureWine,
  FLAVOUR_BUILDS,
  installDriverService,
  runWindowsNode,
  sessionDebugChannels,
  startSession,
  stopSession,
  verifierStops,
  type DriverFlavourName,
  type WineSession,
} from '@inverted-call/wine-bed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_INPUTS, NOTIFY_CASES } from './support/notify-cases.js';
import { VERDICT_CASES } from './support/verdict-cases.js';

const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));
const SCHEMA = join(PACKAGE_DIR, 'schema/process-monitor.device.json');
/** The example's own Handlers.c (GetVersion), in place of the rendered stub. */
const HANDLERS = join(PACKAGE_DIR, 'driver/Handlers.c');
const CLIENT_SCRIPT = join(PACKAGE_DIR, 'dist-windows/notify-client.mjs');
const VERDICT_SCRIPT = join(PACKAGE_DIR, 'dist-windows/verdict-client.mjs');

/** Renders and builds the example's driver as a test build of `flavour` under workDir (KMDF on
 * the KMDF-subset runtime); the .sys path. */
function buildTestDriver(flavour: DriverFlavourName, workDir: string): string {
  const model = loadDeviceSchema(SCHEMA);
  const driverDir = join(workDir, 'driver');
  mkdirSync(driverDir, { recursive: true });
  const sysPath = join(workDir, `${model.name}.sys`);
  writeRenderedDriver(driverDir, FLAVOUR_BUILDS[flavour].render(model, { schemaPath: SCHEMA }));
  FLAVOUR_BUILDS[flavour].build(driverDir, sysPath, { testBuild: true, extraSources: [HANDLERS] });
  return sysPath;
}

/** Reports are JSON lines; bigints travel as "123n". */
function reportsOf(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line, (_key, value: unknown) => (typeof value === 'string' && /^\d+n$/.test(value) ? BigInt(value.slice(0, -1)) : value)) as Record<string, unknown>);
}

/** Now as KeQuerySystemTime counts: 100 ns units since 1601-01-01 UTC. */
const fileTimeNow = (): bigint => (BigInt(Date.now()) + 11_644_473_600_000n) * 10_000n;
const HOUR = 36_000_000_000n;

describe.each(DRIVER_FLAVOURS)('Notify.c under Wine (%s test build)', (flavour) => {
  const SERVICE = 'ProcessMonitor';
  let prefix: string;
  let session: WineSession | undefined;
  let reports: Record<string, unknown>[] = [];
  let output = '';
  let verdictReports: Record<string, unknown>[] = [];
  let verdictOutput = '';

  beforeAll(async () => {
    ensureWine();
    const name = `example-notify-${flavour}`;
    prefix = (await createPrefix(defaultPrefixDir(name))).dir;
    const workDir = join(defaultPrefixDir(name), '..', `${name}-work`);
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    const sysPath = buildTestDriver(flavour, workDir);
    await installDriverService(prefix, { name: SERVICE, sysPath, start: 'auto' });
    session = await startSession(prefix, { drivers: [SERVICE], wineDebug: sessionDebugChannels(flavour) });
    const result = await runWindowsNode(prefix, CLIENT_SCRIPT, [], { cwd: PACKAGE_DIR, timeoutMs: 240_000 });
    output = `exit ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}\n${result.stdout}\n${result.stderr}`;
    reports = reportsOf(result.stdout);
    // Then the ProcessCreate verdict, in the same session (verdict-client.ts).
    const verdicts = await runWindowsNode(prefix, VERDICT_SCRIPT, [], { cwd: PACKAGE_DIR, timeoutMs: 240_000 });
    verdictOutput = `exit ${verdicts.exitCode}${verdicts.timedOut ? ' (timed out)' : ''}\n${verdicts.stdout}\n${verdicts.stderr}`;
    verdictReports = reportsOf(verdicts.stdout);
  }, 900_000);

  afterAll(async () => {
    if (prefix) await stopSession(prefix);
  });

  it('the driver ran without a verifier stop (KMDF: the KMDF-subset runtime checks every call)', () => {
    expect(verifierStops(session!.logPath)).toEqual([]);
  });

  it('the client ran to its end against the test build (GetVersion flags bit 0)', () => {
    expect(reports.at(-1), output).toEqual({ done: true });
    expect(reports[0], output).toEqual({ version: { major: 1, minor: 0, patch: 0, flags: 1 } });
  });

  const caseReport = (index: number) => reports.find((entry) => entry['case'] === index);

  it.each(NOTIFY_CASES.map((entry, index) => [entry.name, index] as const))('%s: the typed item the callback made', (_name, index) => {
    const entry = NOTIFY_CASES[index]!;
    const got = caseReport(index);
    expect(got, output).toBeDefined();
    expect(got!['bytesReturned']).toBe(0);
    const item = got!['item'] as { type: string; kind: string; sequence: bigint; data: Record<string, unknown> };
    expect(item.type).toBe('event');
    expect(item.kind).toBe(entry.expected.kind);
    expect(item.data).toMatchObject(entry.expected.data);
    const time = (item.kind === 'Created' ? item.data['createTime'] : item.data['exitTime']) as bigint;
    expect(time > fileTimeNow() - HOUR && time < fileTimeNow() + HOUR, `time ${time}`).toBe(true);
  });

  it('one event per case, in order, with consecutive sequence numbers and no loss', () => {
    const sequences = NOTIFY_CASES.map((_, index) => (caseReport(index)?.['item'] as { sequence?: bigint } | undefined)?.sequence);
    expect(sequences.every((sequence) => typeof sequence === 'bigint'), output).toBe(true);
    const first = sequences[0] as bigint;
    expect(sequences).toEqual(NOTIFY_CASES.map((_, index) => first + BigInt(index)));
  });

  it.each(BAD_INPUTS.map((bad, index) => [bad.name, bad.error, index] as const))('%s is refused (%s) and reaches no callback', (_name, error, index) => {
    expect(reports.find((entry) => entry['bad'] === index), output).toEqual({ bad: index, error });
  });

  it('after the bad inputs, the next event is the next good case, with the next sequence number', () => {
    const after = reports.find((entry) => entry['after'] === 'bad inputs')?.['item'] as { kind: string; sequence: bigint; data: Record<string, unknown> } | undefined;
    expect(after, output).toBeDefined();
    expect(after!.kind).toBe('Created');
    expect(after!.data).toMatchObject(NOTIFY_CASES[0]!.expected.data);
    const last = (caseReport(NOTIFY_CASES.length - 1)!['item'] as { sequence: bigint }).sequence;
    expect(after!.sequence).toBe(last + 1n);
  });

  describe('the ProcessCreate verdict: Notify.c asks it and sets CreationStatus', () => {
    const verdictCase = (index: number) => verdictReports.find((entry) => entry['case'] === index);

    it('the verdict script ran to its end', () => {
      expect(verdictReports.at(-1), verdictOutput).toEqual({ done: true });
    });

    it.each(VERDICT_CASES.map((entry, index) => [entry.name, index] as const))('%s', (_name, index) => {
      const entry = VERDICT_CASES[index]!;
      const got = verdictCase(index);
      expect(got, verdictOutput).toBeDefined();
      expect(got!['creationStatus'], verdictOutput).toBe(entry.creationStatus);
      expect(got!['direct'], verdictOutput).toEqual({ outcome: entry.outcome, idIsSet: entry.outcome !== 'defaulted', allow: entry.allow });
      // Timed out: the callback waited for the deadline (250 ms; timers may fire a little early).
      if (entry.outcome === 'timedOut') expect(got!['ms']).toBeGreaterThanOrEqual(200);
    });

    it("the decider's own process is never asked (V7): allowed by default, no handler call", () => {
      const self = verdictReports.find((entry) => entry['self'] === true);
      expect(self, verdictOutput).toMatchObject({ creationStatus: 0, direct: { outcome: 'defaulted', idIsSet: false, allow: true }, handlerCalls: 0 });
    });

    it("the decider's stats and the driver's counters agree (V9)", () => {
      const stats = verdictReports.find((entry) => 'stats' in entry)?.['stats'] as Record<string, number> | undefined;
      const counters = verdictReports.find((entry) => 'counters' in entry)?.['counters'] as Record<string, bigint> | undefined;
      expect(stats, verdictOutput).toBeDefined();
      expect(counters, verdictOutput).toBeDefined();
      // Asked: 2 per case (the callback and the ask IOCTL) and 2 for the self case.
      const asked = BigInt(VERDICT_CASES.length * 2 + 2);
      expect(counters!['asked']).toBe(asked);
      expect(counters!['answered']).toBe(4n);
      expect(counters!['timedOut']).toBe(2n);
      expect(counters!['defaulted']).toBe(4n);
      expect(counters!['refused']).toBe(0n);
      expect(stats!['answered']).toBe(4);
      expect(stats!['late']).toBe(2);
    });
  });
});
