// @inverted-call/win32's service functions under Wine 8, against the real WDM driver: Windows
// node.exe installs a conformance-device subscriber as a service with CreateServiceW (own process,
// demand start, LocalSystem), Wine's services.exe starts it (StartServiceCtrlDispatcherW on a koffi
// worker, ServiceMain and HandlerEx on node's main thread), it parks requests on the driver, a
// stop closes the subscription and the device, and the driver is left with nothing parked and no
// handle of the service's. A service whose run() throws ends STOPPED with its own exit code.
// What this does not prove: Windows' SCM itself, its security (LocalSystem, the device SDDL).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPrefixDir, koffiModulesDir, removePrefix, toWindowsPath, verifierStops } from '@inverted-call/wine-bed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBed, WINDOWS_SCRIPTS, type Bed } from './support/bed.js';
import { runScript } from './support/windows-scripts.js';

/** ERROR_SERVICE_SPECIFIC_ERROR, ERROR_SERVICE_EXISTS, ERROR_SERVICE_DOES_NOT_EXIST. */
const SPECIFIC = 1066;
const EXISTS = 1073;
const NOT_INSTALLED = 1060;

interface ServiceState {
  state: string;
  win32ExitCode: number;
  serviceSpecificExitCode: number;
}
interface ProbedState {
  openFiles: number;
  parkedNow: string;
  subscriptions: { channel: number; parked: number }[];
}

describe('a node service under Wine (runAsWindowsService and the control functions)', () => {
  let bed: Bed;
  /** The service's folder: its script and real copies of koffi (the SCM passes no NODE_PATH). */
  let serviceDir: string;

  const bedName = 'wine-e2e-service';

  beforeAll(async () => {
    // A fresh prefix: a service left installed by an interrupted run would make install fail.
    await removePrefix(defaultPrefixDir(bedName));
    bed = await startBed(bedName);
    serviceDir = join(bed.workDir, 'service');
    rmSync(serviceDir, { recursive: true, force: true });
    mkdirSync(join(serviceDir, 'node_modules'), { recursive: true });
    cpSync(join(WINDOWS_SCRIPTS, 'service-subscriber.mjs'), join(serviceDir, 'service-subscriber.mjs'));
    cpSync(koffiModulesDir(), join(serviceDir, 'node_modules'), { recursive: true, dereference: true });
  }, 300_000);

  afterAll(async () => {
    await bed?.stop();
    // ~700 MB a prefix; WINE_BED_KEEP=1 keeps it (and the service's folder and log) for a look.
    if (bed && !process.env.WINE_BED_KEEP) {
      await removePrefix(bed.prefix);
      rmSync(bed.workDir, { recursive: true, force: true });
    }
  });

  afterEach(() => {
    expect(verifierStops(bed.session.logPath), 'verifier stops').toEqual([]);
  });

  const control = async (...args: string[]): Promise<{ result?: unknown; error?: string; errno?: number | null }> =>
    (await runScript(bed.prefix, 'service-control', args)) as { result?: unknown; error?: string; errno?: number | null };
  const probe = async (): Promise<ProbedState> => (await runScript(bed.prefix, 'probe')) as unknown as ProbedState;
  const install = (name: string, logPath: string, mode: 'ok' | 'fail') =>
    control('install', name, toWindowsPath(join(serviceDir, 'service-subscriber.mjs')), name, toWindowsPath(logPath), mode);
  const readLog = (logPath: string): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');

  async function until<T>(what: string, read: () => Promise<T>, test: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (test(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('installs, starts, subscribes, stops cleanly (nothing parked, no handle left) and uninstalls', async () => {
    const name = 'WineE2eSubscriber';
    const logPath = join(serviceDir, `${name}.log`);
    const installed = await install(name, logPath, 'ok');
    expect(installed.error).toBeUndefined();
    expect((installed.result as { commandLine: string }).commandLine).toMatch(/^"[^"]+node\.exe" "Z:\\[^"]+\\service-subscriber\.mjs" WineE2eSubscriber "Z:\\[^"]+\.log" ok$/);
    const again = await install(name, logPath, 'ok');
    expect(again.errno).toBe(EXISTS);
    expect(again.error).toContain('ERROR_SERVICE_EXISTS (1073)');

    const started = await control('start', name);
    expect(started.error, readLog(logPath)).toBeUndefined();
    expect((started.result as ServiceState).state).toBe('RUNNING');
    const subscribed = await until('4 requests parked by the service', probe, (state) => state.subscriptions.some((entry) => entry.parked === 4));
    expect(subscribed.subscriptions).toEqual([expect.objectContaining({ channel: 0, parked: 4 })]);
    expect(subscribed.openFiles).toBe(2); // the service's handle and the probe's own
    expect(readLog(logPath)).toContain('subscribed to Events');

    const stopped = await control('stop', name);
    expect(stopped.error, readLog(logPath)).toBeUndefined();
    expect(stopped.result).toMatchObject({ state: 'STOPPED', win32ExitCode: 0, serviceSpecificExitCode: 0 });
    const after = await probe();
    expect(after.subscriptions).toEqual([]);
    expect(after.parkedNow).toBe('0');
    expect(after.openFiles).toBe(1); // the probe's own
    const log = await until('the dispatcher to return', async () => readLog(logPath), (text) => text.includes('dispatcher returned'), 10_000);
    const order = ['running as service WineE2eSubscriber', 'subscribed to Events', 'stop received: stopping', 'subscription closed', 'device closed', 'stopped', 'dispatcher returned'];
    const positions = order.map((line) => log.indexOf(line));
    expect(positions.every((position) => position >= 0), log).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    const uninstalled = await control('uninstall', name);
    expect(uninstalled).toMatchObject({ result: { stoppedFrom: 'STOPPED' } });
    const gone = await control('query', name);
    expect(gone.errno).toBe(NOT_INSTALLED);
    expect(gone.error).toContain('ERROR_SERVICE_DOES_NOT_EXIST (1060)');
  }, 180_000);

  it('negative control: a service whose run() throws ends STOPPED with its service-specific exit code', async () => {
    const name = 'WineE2eFailing';
    const logPath = join(serviceDir, `${name}.log`);
    expect((await install(name, logPath, 'fail')).error).toBeUndefined();
    // It may be seen RUNNING for a moment or already STOPPED: start reports the latter as an error.
    const started = await control('start', name);
    if (started.error !== undefined) expect(started.error).toContain('stopped while starting, service-specific exit code 1');
    const final = (await until('STOPPED', async () => (await control('query', name)).result as ServiceState, (state) => state.state === 'STOPPED')) as ServiceState;
    expect(final).toMatchObject({ win32ExitCode: SPECIFIC, serviceSpecificExitCode: 1 });
    expect(readLog(logPath)).toContain('run() failed: Error: deliberate failure');
    expect((await probe()).openFiles).toBe(1);
    expect((await control('uninstall', name)).result).toMatchObject({ stoppedFrom: 'STOPPED' });
  }, 180_000);
});
