/**
 * Installing, starting, stopping and uninstalling a Windows service through the SCM (advapi32).
 * Each needs an elevated prompt on Windows (ERROR_ACCESS_DENIED otherwise); each failure is a
 * WindowsServiceError naming the call, the Win32 error and what to do.
 */
import { loadKoffiServiceManagerApi } from './koffi-service-api.js';
import {
  DELETE,
  SC_MANAGER_CONNECT,
  SC_MANAGER_CREATE_SERVICE,
  SERVICE_CHANGE_CONFIG,
  SERVICE_QUERY_STATUS,
  SERVICE_START,
  SERVICE_STOP,
  type ScHandle,
  type ServiceManagerApi,
} from './service-api.js';
import { ERROR_SERVICE_ALREADY_RUNNING, ERROR_SERVICE_CANNOT_ACCEPT_CTRL, ERROR_SERVICE_NOT_ACTIVE, WindowsServiceError } from './service-errors.js';
import { checkServiceCommand, checkServiceName, requireWindows } from './service-checks.js';
import { ERROR_SERVICE_SPECIFIC_ERROR, SERVICE_STATES, serviceCommandLine, serviceStateName, type ServiceStatus } from './service-status.js';

export interface ServiceControlOptions {
  /** How long start/stop wait for RUNNING/STOPPED; default 30,000 ms. */
  timeoutMs?: number;
  /** The advapi32 calls; default: the real ones (Windows only). */
  api?: ServiceManagerApi;
}

export interface InstallWindowsServiceOptions extends Pick<ServiceControlOptions, 'api'> {
  name: string;
  /** What services.msc shows; default: the name. */
  displayName?: string;
  description?: string;
  /** The program's absolute Windows path (node.exe: process.execPath). */
  command: string;
  args?: readonly string[];
}

/** A service's status as QueryServiceStatus gives it, with the state's name. */
export interface WindowsServiceState extends ServiceStatus {
  state: ReturnType<typeof serviceStateName>;
}

const POLL_MS = 100;
const DEFAULT_TIMEOUT_MS = 30_000;

async function managerApi(what: string, api: ServiceManagerApi | undefined): Promise<ServiceManagerApi> {
  if (api) return api;
  requireWindows(what);
  return loadKoffiServiceManagerApi();
}

/** Opens the SCM and the service, runs `use`, and closes both. */
async function withService<T>(api: ServiceManagerApi, name: string, access: number, use: (service: ScHandle) => Promise<T> | T): Promise<T> {
  const manager = api.openManager(SC_MANAGER_CONNECT);
  if (manager === 0n) throw new WindowsServiceError('OpenSCManagerW', api.lastError());
  try {
    const service = api.openService(manager, name, access);
    if (service === 0n) throw new WindowsServiceError(`OpenServiceW(${name})`, api.lastError());
    try {
      return await use(service);
    } finally {
      api.closeHandle(service);
    }
  } finally {
    api.closeHandle(manager);
  }
}

function query(api: ServiceManagerApi, name: string, service: ScHandle): WindowsServiceState {
  const status = api.queryStatus(service);
  if (status === null) throw new WindowsServiceError(`QueryServiceStatus(${name})`, api.lastError());
  return { ...status, state: serviceStateName(status.currentState) };
}

function exitCodeOf(status: ServiceStatus): string {
  return status.win32ExitCode === ERROR_SERVICE_SPECIFIC_ERROR ? `service-specific exit code ${status.serviceSpecificExitCode}` : `exit code ${status.win32ExitCode}`;
}

/** Polls until the service reaches `wanted`; `giveUp` ends the wait early with an error. */
async function waitFor(api: ServiceManagerApi, name: string, service: ScHandle, wanted: number, timeoutMs: number, giveUp: (status: WindowsServiceState) => Error | null): Promise<WindowsServiceState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = query(api, name, service);
    if (status.currentState === wanted) return status;
    const failure = giveUp(status);
    if (failure) throw failure;
    if (Date.now() >= deadline) {
      throw new WindowsServiceError(`service ${name}`, 0, `still ${status.state} after ${timeoutMs} ms, not ${serviceStateName(wanted)} (checkpoint ${status.checkPoint}); see the service's log`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** CreateServiceW: own process, demand start, LocalSystem; returns the registered command line. */
export async function installWindowsService(options: InstallWindowsServiceOptions): Promise<{ name: string; commandLine: string }> {
  checkServiceName(options.name);
  checkServiceCommand(options.command);
  const api = await managerApi('installWindowsService', options.api);
  const commandLine = serviceCommandLine(options.command, options.args ?? []);
  const manager = api.openManager(SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE);
  if (manager === 0n) throw new WindowsServiceError('OpenSCManagerW', api.lastError());
  try {
    const service = api.createService(manager, { name: options.name, displayName: options.displayName ?? options.name, commandLine }, SERVICE_CHANGE_CONFIG | SERVICE_QUERY_STATUS);
    if (service === 0n) throw new WindowsServiceError(`CreateServiceW(${options.name})`, api.lastError());
    try {
      if (options.description !== undefined && !api.setDescription(service, options.description)) {
        throw new WindowsServiceError(`ChangeServiceConfig2W(${options.name}, description)`, api.lastError());
      }
    } finally {
      api.closeHandle(service);
    }
  } finally {
    api.closeHandle(manager);
  }
  return { name: options.name, commandLine };
}

/** StartServiceW, then waits for RUNNING; a service that stops instead fails with its exit code. */
export async function startWindowsService(name: string, options: ServiceControlOptions = {}): Promise<WindowsServiceState> {
  checkServiceName(name);
  const api = await managerApi('startWindowsService', options.api);
  return withService(api, name, SERVICE_START | SERVICE_QUERY_STATUS, (service) => {
    if (!api.startService(service)) {
      const errno = api.lastError();
      if (errno !== ERROR_SERVICE_ALREADY_RUNNING) throw new WindowsServiceError(`StartServiceW(${name})`, errno);
    }
    return waitFor(api, name, service, SERVICE_STATES.RUNNING, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, (status) =>
      status.currentState === SERVICE_STATES.STOPPED ? new WindowsServiceError(`service ${name}`, 0, `stopped while starting, ${exitCodeOf(status)}; see the service's log`) : null,
    );
  });
}

/**
 * ControlService(STOP), then waits for STOPPED; a service that is not running is left as it is,
 * and one already stopping is waited for.
 */
export async function stopWindowsService(name: string, options: ServiceControlOptions = {}): Promise<WindowsServiceState> {
  checkServiceName(name);
  const api = await managerApi('stopWindowsService', options.api);
  return withService(api, name, SERVICE_STOP | SERVICE_QUERY_STATUS, (service) => stopOpened(api, name, service, options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
}

async function stopOpened(api: ServiceManagerApi, name: string, service: ScHandle, timeoutMs: number): Promise<WindowsServiceState> {
  if (!api.stopService(service)) {
    const errno = api.lastError();
    const stopping = errno === ERROR_SERVICE_CANNOT_ACCEPT_CTRL && query(api, name, service).currentState === SERVICE_STATES.STOP_PENDING;
    if (errno !== ERROR_SERVICE_NOT_ACTIVE && !stopping) throw new WindowsServiceError(`ControlService(${name}, SERVICE_CONTROL_STOP)`, errno);
  }
  return waitFor(api, name, service, SERVICE_STATES.STOPPED, timeoutMs, () => null);
}

/** The service's current status (OpenServiceW fails with 1060 when it is not installed). */
export async function queryWindowsService(name: string, options: Pick<ServiceControlOptions, 'api'> = {}): Promise<WindowsServiceState> {
  checkServiceName(name);
  const api = await managerApi('queryWindowsService', options.api);
  return withService(api, name, SERVICE_QUERY_STATUS, (service) => query(api, name, service));
}

/** Stops the service if it runs, then DeleteService. Returns the state it was stopped from. */
export async function uninstallWindowsService(name: string, options: ServiceControlOptions = {}): Promise<{ stoppedFrom: WindowsServiceState['state'] }> {
  checkServiceName(name);
  const api = await managerApi('uninstallWindowsService', options.api);
  return withService(api, name, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE, async (service) => {
    const before = query(api, name, service);
    if (before.currentState !== SERVICE_STATES.STOPPED) await stopOpened(api, name, service, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (!api.deleteService(service)) throw new WindowsServiceError(`DeleteService(${name})`, api.lastError());
    return { stoppedFrom: before.state };
  });
}
