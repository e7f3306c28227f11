/**
 * Kernel driver services in a bed prefix. The service is written with a .reg file imported by
 * `regedit /S` (under Wine 8, `sc config ... start= auto` reports success and changes nothing).
 * Start 2 (auto): services.exe loads the driver when a session starts. Start 3 (demand): it loads
 * on `sc start`. Within a session, `sc stop` + `sc start` unloads and loads it again (each driver
 * runs in its own winedevice.exe).
 */
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { toWindowsPath } from './paths.js';
import { assertOk, runWineTool } from './wine.js';

export type DriverStart = 'auto' | 'demand' | 2 | 3;

export interface DriverServiceOptions {
  /** Service name: letters, digits and underscores. */
  name: string;
  /** The built driver image on Linux. */
  sysPath: string;
  /** 'auto' (2, the default): loaded when a session starts. 'demand' (3): loaded by `sc start`. */
  start?: DriverStart;
  /** File name under C:\windows\system32\drivers; `<name>.sys` by default. */
  fileName?: string;
  displayName?: string;
}

export interface InstalledDriver {
  name: string;
  start: 2 | 3;
  /** The ImagePath value, as Windows sees it. */
  imagePath: string;
  /** Where the image was copied, on Linux. */
  installedPath: string;
  /** The .reg file that was imported (kept beside the prefix for a reader). */
  regFile: string;
}

const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function startValue(start: DriverStart | undefined): 2 | 3 {
  if (start === undefined || start === 'auto' || start === 2) return 2;
  if (start === 'demand' || start === 3) return 3;
  throw new Error(`start must be 'auto' (2) or 'demand' (3), not ${String(start)}`);
}

/** A string value in a regedit 5 file: backslashes and quotes escaped. */
function regString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The .reg text that registers a kernel driver service (Type 1, ErrorControl 1). */
export function driverServiceReg(options: { name: string; start: 2 | 3; imagePath: string; displayName?: string }): string {
  const lines = [
    'Windows Registry Editor Version 5.00',
    '',
    `[HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\${options.name}]`,
    '"Type"=dword:00000001',
    `"Start"=dword:0000000${options.start}`,
    '"ErrorControl"=dword:00000001',
    `"ImagePath"=${regString(options.imagePath)}`,
    `"DisplayName"=${regString(options.displayName ?? options.name)}`,
    '',
  ];
  return lines.join('\r\n');
}

/**
 * Copies the driver image into the prefix and registers it as a kernel service. The copy replaces
 * the file by rename, so a driver host that still maps the old image keeps its own copy. Takes
 * effect at the next session (Start 2) or the next `sc start`; see reloadDriver for a running one.
 */
export async function installDriverService(prefixDir: string, options: DriverServiceOptions): Promise<InstalledDriver> {
  if (!SERVICE_NAME.test(options.name)) throw new Error(`driver service name ${JSON.stringify(options.name)}: use letters, digits and underscores`);
  const start = startValue(options.start);
  const fileName = options.fileName ?? `${options.name}.sys`;
  if (basename(fileName) !== fileName || !fileName.toLowerCase().endsWith('.sys')) throw new Error(`fileName ${JSON.stringify(fileName)}: a plain file name ending in .sys`);
  const driversDir = join(prefixDir, 'drive_c', 'windows', 'system32', 'drivers');
  mkdirSync(driversDir, { recursive: true });
  const installedPath = join(driversDir, fileName);
  const staging = `${installedPath}.wine-bed-new`;
  copyFileSync(options.sysPath, staging);
  renameSync(staging, installedPath);

  const imagePath = `\\SystemRoot\\System32\\drivers\\${fileName}`;
  const regDir = join(prefixDir, 'wine-bed');
  mkdirSync(regDir, { recursive: true });
  const regFile = join(regDir, `service-${options.name}.reg`);
  writeFileSync(regFile, driverServiceReg({ name: options.name, start, imagePath, displayName: options.displayName }));
  assertOk(`regedit /S ${regFile}`, await runWineTool(prefixDir, ['regedit', '/S', toWindowsPath(regFile)]));

  // regedit /S says nothing either way: read the service back.
  const query = assertOk(`reg query of service ${options.name}`, await runWineTool(prefixDir, ['reg', 'query', `HKLM\\System\\CurrentControlSet\\Services\\${options.name}`]));
  const values = parseRegQuery(query.stdout);
  if (values.Type !== '0x1' || values.Start !== `0x${start}` || values.ImagePath !== imagePath) {
    throw new Error(`service ${options.name} was not registered as asked; reg query printed:\n${query.stdout}`);
  }
  return { name: options.name, start, imagePath, installedPath, regFile };
}

/** `reg query` output -> { ValueName: data }. */
export function parseRegQuery(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s+(\S+)\s+(REG_\w+)\s+(.*?)\s*$/.exec(line);
    if (match) values[match[1]!] = match[3]!;
  }
  return values;
}

export type ServiceState = 'STOPPED' | 'START_PENDING' | 'STOP_PENDING' | 'RUNNING' | 'CONTINUE_PENDING' | 'PAUSE_PENDING' | 'PAUSED' | 'UNKNOWN';

/** The service's state from `sc query` (starts a session when none runs). */
export async function driverState(prefixDir: string, name: string): Promise<ServiceState> {
  const result = await runWineTool(prefixDir, ['sc', 'query', name]);
  const match = /STATE\s*:\s*\d+\s+(\w+)/.exec(result.stdout);
  return (match?.[1] as ServiceState | undefined) ?? 'UNKNOWN';
}

/** Waits until `sc query` says RUNNING; throws after timeoutMs with the last state. */
export async function waitForDriver(prefixDir: string, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let state: ServiceState = 'UNKNOWN';
  while (Date.now() < deadline) {
    state = await driverState(prefixDir, name);
    if (state === 'RUNNING') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`driver service ${name} is ${state}, not RUNNING, after ${timeoutMs} ms (did DriverEntry fail? run with WINEDEBUG=+debugstr to see its DbgPrint)`);
}

/**
 * `sc start <name>`, then wait for RUNNING. If the service is not RUNNING 10 s after a start, the
 * start is issued again (once seen on a loaded machine, right after a new session: the service
 * stayed STOPPED with nothing logged, as if the request had been dropped). A driver whose
 * DriverEntry fails fails every attempt, and the error then carries what each `sc start` said.
 */
export async function startDriver(prefixDir: string, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const said: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const result = await runWineTool(prefixDir, ['sc', 'start', name]);
    said.push(`sc start, attempt ${attempt}: exit ${result.status}; ${`${result.stdout}${result.stderr}`.trim().replace(/\s+/g, ' ')}`);
    try {
      await waitForDriver(prefixDir, name, Math.max(1_000, Math.min(10_000, deadline - Date.now())));
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw new Error(`${(error as Error).message}\n${said.join('\n')}`, { cause: error });
    }
  }
}

/** `sc stop <name>` (the driver's DriverUnload runs), then wait for STOPPED. */
export async function stopDriver(prefixDir: string, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await runWineTool(prefixDir, ['sc', 'stop', name]);
  let state = await driverState(prefixDir, name);
  while (state !== 'STOPPED' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    state = await driverState(prefixDir, name);
  }
  if (state !== 'STOPPED') throw new Error(`driver service ${name} is ${state}, not STOPPED, ${timeoutMs} ms after sc stop`);
}

/** Unloads and loads a driver within the running session (for example after installing a new image). */
export async function reloadDriver(prefixDir: string, name: string, timeoutMs = 30_000): Promise<void> {
  if ((await driverState(prefixDir, name)) !== 'STOPPED') await stopDriver(prefixDir, name, timeoutMs);
  await startDriver(prefixDir, name, timeoutMs);
}
