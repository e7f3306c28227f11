/**
 * The Win32 errors the service control manager gives the install/start/stop/uninstall calls, each
 * with what to do about it: the one place these numbers are named. ERROR_ACCESS_DENIED's name and
 * number come from @inverted-call/backend, which owns the errors the device path shares.
 */
import { WIN32_ERRORS } from '@inverted-call/backend';

export const ERROR_SERVICE_REQUEST_TIMEOUT = 1053;
export const ERROR_SERVICE_ALREADY_RUNNING = 1056;
export const ERROR_SERVICE_DOES_NOT_EXIST = 1060;
export const ERROR_SERVICE_CANNOT_ACCEPT_CTRL = 1061;
export const ERROR_SERVICE_NOT_ACTIVE = 1062;
export const ERROR_FAILED_SERVICE_CONTROLLER_CONNECT = 1063;
export const ERROR_SERVICE_MARKED_FOR_DELETE = 1072;
export const ERROR_SERVICE_EXISTS = 1073;

interface ServiceErrorInfo {
  readonly name: string;
  readonly hint: string;
}

const SERVICE_ERRORS = new Map<number, ServiceErrorInfo>([
  [WIN32_ERRORS.ERROR_ACCESS_DENIED.number, { name: WIN32_ERRORS.ERROR_ACCESS_DENIED.name, hint: 'run it from an elevated prompt (Run as administrator): only administrators may install and control services' }],
  [ERROR_SERVICE_REQUEST_TIMEOUT, { name: 'ERROR_SERVICE_REQUEST_TIMEOUT', hint: 'the service did not answer the service control manager in time; see its log' }],
  [ERROR_SERVICE_ALREADY_RUNNING, { name: 'ERROR_SERVICE_ALREADY_RUNNING', hint: 'it is already running' }],
  [ERROR_SERVICE_DOES_NOT_EXIST, { name: 'ERROR_SERVICE_DOES_NOT_EXIST', hint: 'the service is not installed; install it first' }],
  [ERROR_SERVICE_CANNOT_ACCEPT_CTRL, { name: 'ERROR_SERVICE_CANNOT_ACCEPT_CTRL', hint: 'the service cannot take this control in its current state (starting or stopping already)' }],
  [ERROR_SERVICE_NOT_ACTIVE, { name: 'ERROR_SERVICE_NOT_ACTIVE', hint: 'the service is not running' }],
  [ERROR_FAILED_SERVICE_CONTROLLER_CONNECT, { name: 'ERROR_FAILED_SERVICE_CONTROLLER_CONNECT', hint: 'this process was not started by the service control manager: start the installed service instead of running this command by hand' }],
  [ERROR_SERVICE_MARKED_FOR_DELETE, { name: 'ERROR_SERVICE_MARKED_FOR_DELETE', hint: 'the service is being deleted: close every program that has it open (services.msc, Event Viewer) and try again' }],
  [ERROR_SERVICE_EXISTS, { name: 'ERROR_SERVICE_EXISTS', hint: 'a service of this name is installed already; uninstall it first' }],
]);

export class WindowsServiceError extends Error {
  override readonly name = 'WindowsServiceError';
  /** The Win32 error name, e.g. ERROR_SERVICE_DOES_NOT_EXIST, or WIN32_ERROR_<n>. */
  readonly code: string;
  /** GetLastError's number, or 0 when no Win32 call failed (a timeout, a stop during start). */
  readonly errno: number;

  constructor(operation: string, errno: number, detail?: string) {
    const info = SERVICE_ERRORS.get(errno);
    const code = errno === 0 ? 'NO_WIN32_ERROR' : info?.name ?? `WIN32_ERROR_${errno}`;
    const said = errno === 0 ? (detail ?? '') : `${code} (${errno})${info ? `: ${info.hint}` : ''}${detail ? ` (${detail})` : ''}`;
    super(`${operation}: ${said}`);
    this.code = code;
    this.errno = errno;
  }
}

export function isServiceError(error: unknown, errno?: number): error is WindowsServiceError {
  return error instanceof WindowsServiceError && (errno === undefined || error.errno === errno);
}
