/**
 * The advapi32 calls a Windows service makes, as interfaces: the real ones bind advapi32 with
 * koffi (koffi-service-api.ts); tests give scripted stand-ins, so the runner's status sequence and
 * the control functions' waiting and errors are tested on any platform.
 */
import type { ServiceStatus } from './service-status.js';

export type ScHandle = bigint;

/** What a service process itself calls (the service side). */
export interface ServiceDispatcherApi {
  /**
   * StartServiceCtrlDispatcherW with one SERVICE_TABLE_ENTRYW, run off the main thread: the call
   * returns only when the service has reported SERVICE_STOPPED. `serviceMain` and `handler` run on
   * the main thread. `done` gets 0 when the dispatcher returned TRUE, else GetLastError's number.
   */
  startDispatcher(name: string, serviceMain: () => void, handler: (control: number) => number, done: (errno: number) => void): void;
  /** RegisterServiceCtrlHandlerExW with the handler given to startDispatcher; 0n on failure. */
  registerHandler(name: string): ScHandle;
  /** SetServiceStatus; false on failure (see lastError). */
  setStatus(handle: ScHandle, status: ServiceStatus): boolean;
  lastError(): number;
}

export interface CreateServiceRequest {
  name: string;
  displayName: string;
  /** lpBinaryPathName, quoted already (serviceCommandLine). */
  commandLine: string;
}

/** What an installer calls (the control side). Every handle-returning call gives 0n on failure. */
export interface ServiceManagerApi {
  /** OpenSCManagerW on the local machine, the active database. */
  openManager(access: number): ScHandle;
  /** CreateServiceW: own process, demand start, normal error control, LocalSystem. */
  createService(manager: ScHandle, request: CreateServiceRequest, access: number): ScHandle;
  /** ChangeServiceConfig2W with SERVICE_CONFIG_DESCRIPTION. */
  setDescription(service: ScHandle, description: string): boolean;
  openService(manager: ScHandle, name: string, access: number): ScHandle;
  /** StartServiceW without arguments. */
  startService(service: ScHandle): boolean;
  /** ControlService(SERVICE_CONTROL_STOP). */
  stopService(service: ScHandle): boolean;
  /** QueryServiceStatus; null on failure. */
  queryStatus(service: ScHandle): ServiceStatus | null;
  deleteService(service: ScHandle): boolean;
  closeHandle(handle: ScHandle): boolean;
  lastError(): number;
}

/** Access rights (winsvc.h) the control functions ask for: no more than each call needs. */
export const SC_MANAGER_CONNECT = 0x0001;
export const SC_MANAGER_CREATE_SERVICE = 0x0002;
export const SERVICE_QUERY_STATUS = 0x0004;
export const SERVICE_CHANGE_CONFIG = 0x0002;
export const SERVICE_START = 0x0010;
export const SERVICE_STOP = 0x0020;
export const DELETE = 0x10000;
export const SERVICE_CONFIG_DESCRIPTION = 1;
