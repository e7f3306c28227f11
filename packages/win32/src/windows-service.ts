/**
 * runAsWindowsService: this node process as a Windows service (SERVICE_WIN32_OWN_PROCESS). The
 * service control dispatcher runs on a koffi worker thread; ServiceMain and HandlerEx run on the
 * main thread (koffi queues them there), so `run` is ordinary async code that stops when its
 * signal aborts. The SCM sees START_PENDING, RUNNING, STOP_PENDING (a new checkpoint every
 * second while run() finishes) and STOPPED, with a service-specific exit code when run() threw.
 * A service has no console: report through `log` (a file), never standard output. The dispatcher
 * holds one of libuv's worker threads (4 by default) for the service's whole life.
 */
import { loadKoffiServiceDispatcherApi } from './koffi-service-api.js';
import type { ScHandle, ServiceDispatcherApi } from './service-api.js';
import { WindowsServiceError } from './service-errors.js';
import {
  ERROR_CALL_NOT_IMPLEMENTED,
  ERROR_SERVICE_SPECIFIC_ERROR,
  NO_ERROR,
  SERVICE_ACCEPT_SHUTDOWN,
  SERVICE_ACCEPT_STOP,
  SERVICE_CONTROL_INTERROGATE,
  SERVICE_CONTROL_SHUTDOWN,
  SERVICE_CONTROL_STOP,
  SERVICE_STATES,
  SERVICE_WIN32_OWN_PROCESS,
  type ServiceStatus,
} from './service-status.js';
import { checkServiceName, requireWindows } from './service-checks.js';

/** dwServiceSpecificExitCode when run() throws (dwWin32ExitCode is then ERROR_SERVICE_SPECIFIC_ERROR). */
export const SERVICE_RUN_FAILED_EXIT_CODE = 1;
/** The wait hint of each pending report: the SCM allows this long before the next checkpoint. */
export const SERVICE_PENDING_WAIT_HINT_MS = 10_000;

export interface WindowsServiceOptions {
  /** The installed service's name (as given to installWindowsService). */
  name: string;
  /** The service's work; it must settle soon after `signal` aborts (a stop or a system shutdown). */
  run(signal: AbortSignal): Promise<void>;
  /** Lifecycle lines (started, stop received, stopped, run's failure). Default: none. */
  log?: (line: string) => void;
  /** How often STOP_PENDING is reported again while run() finishes; default 1,000 ms. */
  stopCheckpointMs?: number;
  /** The advapi32 calls; default: the real ones (Windows only). */
  api?: ServiceDispatcherApi;
}

async function dispatcherApi(given: ServiceDispatcherApi | undefined): Promise<ServiceDispatcherApi> {
  if (given) return given;
  requireWindows('runAsWindowsService');
  return loadKoffiServiceDispatcherApi();
}

/**
 * Runs `run` as the service `name` and resolves once the service has reported STOPPED and the
 * dispatcher has returned. Rejects with ERROR_FAILED_SERVICE_CONTROLLER_CONNECT (1063) when this
 * process was not started by the SCM (run by hand from a prompt).
 */
export async function runAsWindowsService(options: WindowsServiceOptions): Promise<void> {
  const { name, run } = options;
  checkServiceName(name);
  const log = options.log ?? (() => undefined);
  const api = await dispatcherApi(options.api);
  const stopCheckpointMs = options.stopCheckpointMs ?? 1_000;

  return new Promise<void>((resolve, reject) => {
    const controller = new AbortController();
    let handle: ScHandle = 0n;
    let stopping = false;
    let checkPointTimer: ReturnType<typeof setInterval> | undefined;

    const report = (currentState: number, fields: Partial<ServiceStatus> = {}): void => {
      const status: ServiceStatus = { serviceType: SERVICE_WIN32_OWN_PROCESS, currentState, controlsAccepted: 0, win32ExitCode: NO_ERROR, serviceSpecificExitCode: 0, checkPoint: 0, waitHint: 0, ...fields };
      if (!api.setStatus(handle, status)) log(`SetServiceStatus(${name}, state ${currentState}) failed: Win32 error ${api.lastError()}`);
    };

    const finish = (error: unknown): void => {
      clearInterval(checkPointTimer);
      if (error === null) {
        log(stopping ? 'stopped' : 'run() ended without a stop request; stopped');
        report(SERVICE_STATES.STOPPED);
      } else {
        log(`run() failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        report(SERVICE_STATES.STOPPED, { win32ExitCode: ERROR_SERVICE_SPECIFIC_ERROR, serviceSpecificExitCode: SERVICE_RUN_FAILED_EXIT_CODE });
      }
    };

    const serviceMain = (): void => {
      // The SCM waits for the first status report; register and report before anything else.
      handle = api.registerHandler(name);
      if (handle === 0n) {
        reject(new WindowsServiceError(`RegisterServiceCtrlHandlerExW(${name})`, api.lastError()));
        return;
      }
      report(SERVICE_STATES.START_PENDING, { checkPoint: 1, waitHint: SERVICE_PENDING_WAIT_HINT_MS });
      let running: Promise<void>;
      try {
        running = Promise.resolve(run(controller.signal));
      } catch (error) {
        running = Promise.reject(error);
      }
      report(SERVICE_STATES.RUNNING, { controlsAccepted: SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN });
      log(`running as service ${name} (pid ${process.pid})`);
      running.then(() => finish(null), finish);
    };

    const handler = (control: number): number => {
      if (control === SERVICE_CONTROL_INTERROGATE) return NO_ERROR;
      if (control !== SERVICE_CONTROL_STOP && control !== SERVICE_CONTROL_SHUTDOWN) return ERROR_CALL_NOT_IMPLEMENTED;
      if (stopping) return NO_ERROR;
      stopping = true;
      log(`${control === SERVICE_CONTROL_STOP ? 'stop' : 'system shutdown'} received: stopping`);
      // HandlerEx must return at once: report STOP_PENDING, then keep the SCM informed while
      // run() winds down on the main thread's event loop.
      let checkPoint = 1;
      report(SERVICE_STATES.STOP_PENDING, { checkPoint, waitHint: SERVICE_PENDING_WAIT_HINT_MS });
      checkPointTimer = setInterval(() => report(SERVICE_STATES.STOP_PENDING, { checkPoint: ++checkPoint, waitHint: SERVICE_PENDING_WAIT_HINT_MS }), stopCheckpointMs);
      controller.abort();
      return NO_ERROR;
    };

    api.startDispatcher(name, serviceMain, handler, (errno) => {
      clearInterval(checkPointTimer);
      if (errno === 0) resolve();
      else reject(new WindowsServiceError(`StartServiceCtrlDispatcherW(${name})`, errno));
    });
  });
}
