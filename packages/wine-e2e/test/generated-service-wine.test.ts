// A generated project's own Windows service entry (src/windows-service.ts) under Wine 8, against
// that project's own WDM driver: create-inverted-call makes the project, its driver is built as a
// test build and loaded, its windows-service.ts is bundled for Windows node.exe (as `npm run build`
// would build it, with the kit inlined and koffi beside it as npm installs it on Windows), and
// Windows node.exe runs `install`, `start`, `stop` and `uninstall` as the service:* scripts do.
// The service itself is started by Wine's services.exe from the command line `install` registered.
// What this does not prove: Windows' SCM, its security (LocalSystem, the device SDDL), npm on Windows.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { FLAVOUR_BUILDS, createPrefix, defaultPrefixDir, installDriverService, koffiModulesDir, removePrefix, runWindowsNode, startSession, stopSession, toWindowsPath, type WindowsNodeResult } from '@inverted-call/wine-bed';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowsScriptConfig } from '../../../tsup.base.js';
import { PACKAGE_DIR } from './support/bed.js';

const NAME = 'gen-service';
const DEVICE = 'GenService';
const SERVICE = `${DEVICE}Service`;
const require = createRequire(import.meta.url);
const WORKSPACE_PACKAGES = join(PACKAGE_DIR, '..');

interface DriverState {
  openFiles: number;
  subscriptions: { channel: number; parked: number }[];
}

/** A Windows-side probe of the project's device: the driver's state IOCTL of a test build. */
function probeSource(deviceConst: string, stem: string): string {
  return [
    "import { createWin32Backend } from '@inverted-call/win32';",
    "import { STATE_OUTPUT_BYTES, decodeDriverState, stateIoctlCode } from '@inverted-call/driver-template/test-ioctls';",
    `import { ${deviceConst} as device } from './generated/${stem}.js';`,
    "const handle = await createWin32Backend().open(device.devicePath, { access: 'read' });",
    'const state = decodeDriverState((await handle.ioctl(stateIoctlCode(device.deviceType), null, STATE_OUTPUT_BYTES)).output);',
    "process.stdout.write(`${JSON.stringify(state, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))}\\n`);",
    'await handle.close();',
    '',
  ].join('\n');
}

describe('a generated project as a Windows service under Wine (its own windows-service.ts and driver)', () => {
  let work: string;
  let project: string;
  let prefix: string;
  const logFile = (): string => join(project, 'logs', 'service.log');
  const readLog = (): string => (existsSync(logFile()) ? readFileSync(logFile(), 'utf8') : '');
  const cli = (...args: string[]): Promise<WindowsNodeResult> => runWindowsNode(prefix, join(project, 'dist', 'windows-service.js'), args, { cwd: project, timeoutMs: 60_000 });
  const probe = async (): Promise<DriverState> => {
    const result = await runWindowsNode(prefix, join(project, 'dist', 'state-probe.js'), [], { cwd: project, timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new Error(`state probe exited ${result.exitCode}:\n${result.stdout}\n${result.stderr}`);
    return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as DriverState;
  };

  beforeAll(async () => {
    const prefixDir = defaultPrefixDir('wine-e2e-generated-service');
    work = join(prefixDir, '..', 'wine-e2e-generated-service-work');
    // A fresh prefix: a service left installed by an interrupted run would make install fail.
    await removePrefix(prefixDir);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });

    // The project, as `npm create inverted-call` makes it.
    const bin = join(require.resolve('create-inverted-call/package.json'), '..', 'bin', 'create-inverted-call.mjs');
    const created = spawnSync(process.execPath, [bin, NAME, '--yes', '--device', DEVICE, '--driver', 'wdm'], { cwd: work, encoding: 'utf8' });
    expect(created.status, `${created.stdout}${created.stderr}`).toBe(0);
    project = join(work, NAME);

    // Its build for Windows node: the kit's packages inlined from this workspace, koffi outside,
    // in the project's node_modules as real folders (as npm installs them on Windows).
    mkdirSync(join(project, 'node_modules', '@inverted-call'), { recursive: true });
    for (const name of ['client', 'codec', 'win32', 'driver-template']) symlinkSync(join(WORKSPACE_PACKAGES, name), join(project, 'node_modules', '@inverted-call', name));
    const tsModule = readFileSync(join(project, 'src', 'generated', 'gen-service.ts'), 'utf8');
    const deviceConst = /^export const (\w+) = defineDevice\(/m.exec(tsModule)![1]!;
    writeFileSync(join(project, 'src', 'state-probe.ts'), probeSource(deviceConst, 'gen-service'));
    await build({
      ...windowsScriptConfig({ 'windows-service': join(project, 'src', 'windows-service.ts'), 'state-probe': join(project, 'src', 'state-probe.ts') }),
      outDir: join(project, 'dist'),
      outExtension: () => ({ js: '.js' }),
      sourcemap: false,
      silent: true,
      tsconfig: join(project, 'tsconfig.json'),
    });
    cpSync(koffiModulesDir(), join(project, 'node_modules'), { recursive: true, dereference: true });

    // Its driver, as a test build, loaded in a prefix of its own.
    const sysPath = join(work, `${DEVICE}.sys`);
    FLAVOUR_BUILDS.wdm.build(join(project, 'driver'), sysPath, { testBuild: true });
    prefix = (await createPrefix(prefixDir)).dir;
    await installDriverService(prefix, { name: DEVICE, sysPath, start: 'auto' });
    await startSession(prefix, { drivers: [DEVICE] });
  }, 300_000);

  afterAll(async () => {
    if (prefix) await stopSession(prefix);
    // ~700 MB a prefix; WINE_BED_KEEP=1 keeps it (and the project with its log) for a look.
    if (prefix && !process.env.WINE_BED_KEEP) {
      await removePrefix(prefix);
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('install, start (it subscribes to every channel), stop (nothing parked, no handle left), uninstall', async () => {
    const installed = await cli('install');
    expect(installed.exitCode, installed.stderr).toBe(0);
    const script = toWindowsPath(join(project, 'dist', 'windows-service.js')).replace(/\\/g, '\\\\');
    expect(installed.stdout).toMatch(new RegExp(`^installed ${SERVICE} \\(LocalSystem, demand start\\): "[^"]+node\\.exe" "${script}" run\\r?\\nit will write to .*logs\\\\service\\.log`));
    const again = await cli('install');
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(`CreateServiceW(${SERVICE}): ERROR_SERVICE_EXISTS (1073)`);

    const started = await cli('start');
    expect(started.exitCode, `${started.stderr}\n${readLog()}`).toBe(0);
    expect(started.stdout).toContain(`${SERVICE} is running`);
    // The default project: the Process channel, subscribed with depth 8.
    const deadline = Date.now() + 30_000;
    let state = await probe();
    while (!state.subscriptions.some((entry) => entry.parked === 8) && Date.now() < deadline) state = await probe();
    expect(state.subscriptions, readLog()).toEqual([expect.objectContaining({ channel: 0, parked: 8 })]);
    expect(state.openFiles).toBe(2); // the service's and the probe's
    expect(readLog()).toContain(`opened \\\\.\\${DEVICE}`);

    const stopped = await cli('stop');
    expect(stopped.exitCode, `${stopped.stderr}\n${readLog()}`).toBe(0);
    expect(stopped.stdout).toContain(`${SERVICE} is stopped`);
    const after = await probe();
    expect(after.subscriptions).toEqual([]);
    expect(after.openFiles).toBe(1); // the probe's own
    const log = readLog();
    const order = [`running as service ${SERVICE}`, `opened \\\\.\\${DEVICE}`, 'stop received: stopping', 'stopped'];
    const positions = order.map((line) => log.indexOf(line));
    expect(positions.every((position) => position >= 0), log).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    const removed = await cli('uninstall');
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`${SERVICE} is removed`);
    const gone = await cli('stop');
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain(`OpenServiceW(${SERVICE}): ERROR_SERVICE_DOES_NOT_EXIST (1060)`);
  }, 180_000);

  it('run by hand, not by the service control manager, says to start the service instead; no command gives the usage', async () => {
    const byHand = await cli('run');
    expect(byHand.exitCode).toBe(1);
    expect(byHand.stderr).toContain('ERROR_FAILED_SERVICE_CONTROLLER_CONNECT (1063)');
    expect(byHand.stderr).toContain('npm run service:start');
    const usage = await cli();
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain('Usage: node dist/windows-service.js install|start|stop|uninstall|run');
  }, 60_000);
});
