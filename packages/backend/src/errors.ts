/**
 * DeviceError: the one error type of every backend, carrying the Win32 error a real Windows
 * client would see (name and number) and, where the driver produced it, the NTSTATUS.
 */

export interface Win32ErrorInfo {
  readonly name: string;
  readonly number: number;
  /** The NTSTATUS a driver completes with to produce this error, where there is one. */
  readonly ntstatus?: number;
  readonly ntstatusName?: string;
  readonly text: string;
}

/** The Win32 errors this protocol uses, with the NTSTATUS RtlNtStatusToDosError maps to each. */
export const WIN32_ERRORS = {
  ERROR_INVALID_FUNCTION: { name: 'ERROR_INVALID_FUNCTION', number: 1, ntstatus: 0xc0000010, ntstatusName: 'STATUS_INVALID_DEVICE_REQUEST', text: 'the device does not know this IOCTL' },
  ERROR_FILE_NOT_FOUND: { name: 'ERROR_FILE_NOT_FOUND', number: 2, ntstatus: 0xc0000034, ntstatusName: 'STATUS_OBJECT_NAME_NOT_FOUND', text: 'no device at this path (is the driver installed and started?)' },
  ERROR_ACCESS_DENIED: { name: 'ERROR_ACCESS_DENIED', number: 5, ntstatus: 0xc0000022, ntstatusName: 'STATUS_ACCESS_DENIED', text: 'access denied (the handle lacks the access this IOCTL requires, or the device SDDL refuses this account)' },
  ERROR_INVALID_HANDLE: { name: 'ERROR_INVALID_HANDLE', number: 6, ntstatus: 0xc0000008, ntstatusName: 'STATUS_INVALID_HANDLE', text: 'the handle is closed' },
  ERROR_BAD_COMMAND: { name: 'ERROR_BAD_COMMAND', number: 22, ntstatus: 0xc0000184, ntstatusName: 'STATUS_INVALID_DEVICE_STATE', text: 'the device is not in a state to do this (for a verdict reply: this handle already answered that question)' },
  ERROR_GEN_FAILURE: { name: 'ERROR_GEN_FAILURE', number: 31, ntstatus: 0xc0000001, ntstatusName: 'STATUS_UNSUCCESSFUL', text: 'the device failed the request' },
  ERROR_NOT_SUPPORTED: { name: 'ERROR_NOT_SUPPORTED', number: 50, ntstatus: 0xc00000bb, ntstatusName: 'STATUS_NOT_SUPPORTED', text: 'the device does not support this request' },
  ERROR_INVALID_PARAMETER: { name: 'ERROR_INVALID_PARAMETER', number: 87, ntstatus: 0xc000000d, ntstatusName: 'STATUS_INVALID_PARAMETER', text: 'the input buffer has the wrong size or content' },
  ERROR_SEM_TIMEOUT: { name: 'ERROR_SEM_TIMEOUT', number: 121, ntstatus: 0xc00000b5, ntstatusName: 'STATUS_IO_TIMEOUT', text: 'too late: the deadline had passed (for a verdict reply: the question already settled with its default)' },
  ERROR_INSUFFICIENT_BUFFER: { name: 'ERROR_INSUFFICIENT_BUFFER', number: 122, ntstatus: 0xc0000023, ntstatusName: 'STATUS_BUFFER_TOO_SMALL', text: 'the output buffer is too small' },
  ERROR_MORE_DATA: { name: 'ERROR_MORE_DATA', number: 234, ntstatus: 0x80000005, ntstatusName: 'STATUS_BUFFER_OVERFLOW', text: 'the output was truncated' },
  ERROR_OPERATION_ABORTED: { name: 'ERROR_OPERATION_ABORTED', number: 995, ntstatus: 0xc0000120, ntstatusName: 'STATUS_CANCELLED', text: 'the request was cancelled' },
  ERROR_NOT_FOUND: { name: 'ERROR_NOT_FOUND', number: 1168, ntstatus: 0xc0000225, ntstatusName: 'STATUS_NOT_FOUND', text: 'not found (nothing to cancel: the request had already completed; or a verdict reply with an id this handle was never given)' },
  ERROR_NO_SYSTEM_RESOURCES: { name: 'ERROR_NO_SYSTEM_RESOURCES', number: 1450, ntstatus: 0xc000009a, ntstatusName: 'STATUS_INSUFFICIENT_RESOURCES', text: 'the driver is out of memory' },
  ERROR_NOT_ENOUGH_QUOTA: { name: 'ERROR_NOT_ENOUGH_QUOTA', number: 1816, ntstatus: 0xc0000044, ntstatusName: 'STATUS_QUOTA_EXCEEDED', text: 'a limit of the device is reached (device.limits: open subscriptions, parked requests per handle, ring memory)' },
} as const satisfies Record<string, Win32ErrorInfo>;

export type Win32ErrorName = keyof typeof WIN32_ERRORS;

const BY_NUMBER = new Map<number, Win32ErrorInfo>(Object.values(WIN32_ERRORS).map((info) => [info.number, info]));
const BY_NTSTATUS = new Map<number, Win32ErrorInfo>(Object.values(WIN32_ERRORS).map((info) => [info.ntstatus, info]));

export interface DeviceErrorOptions {
  /** What was being done, e.g. `IOCTL 0x83376000 (GetVersion)`. */
  operation?: string;
  /** Extra explanation appended to the message. */
  detail?: string;
  /** The NTSTATUS the driver completed with, when it is not the one this Win32 error usually comes from. */
  ntstatus?: number;
  cause?: unknown;
}

export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  /** Win32 error name, e.g. `ERROR_INSUFFICIENT_BUFFER`. */
  readonly code: string;
  /** Win32 error number, as GetLastError() returns it. */
  readonly errno: number;
  /** NTSTATUS the driver completed with, where known. */
  readonly ntstatus: number | undefined;
  /** True exactly when the request was cancelled (ERROR_OPERATION_ABORTED). */
  readonly canceled: boolean;
  readonly operation: string | undefined;

  constructor(code: Win32ErrorName | number, options: DeviceErrorOptions = {}) {
    const info = typeof code === 'number'
      ? BY_NUMBER.get(code) ?? { name: `WIN32_ERROR_${code}`, number: code, text: 'Win32 error' }
      : WIN32_ERRORS[code];
    const where = options.operation ? `${options.operation}: ` : '';
    const detail = options.detail ? ` (${options.detail})` : '';
    super(`${where}${info.name} (${info.number}): ${info.text}${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = info.name;
    this.errno = info.number;
    this.ntstatus = options.ntstatus ?? info.ntstatus;
    this.canceled = info.number === WIN32_ERRORS.ERROR_OPERATION_ABORTED.number;
    this.operation = options.operation;
  }

  /** The error user mode sees when a driver completes a request with `ntstatus`. */
  static fromNtStatus(ntstatus: number, options: DeviceErrorOptions = {}): DeviceError {
    const info = BY_NTSTATUS.get(ntstatus >>> 0);
    if (info) return new DeviceError(info.name as Win32ErrorName, options);
    return new DeviceError('ERROR_GEN_FAILURE', { ...options, ntstatus: ntstatus >>> 0, detail: `NTSTATUS 0x${(ntstatus >>> 0).toString(16).toUpperCase()}` });
  }
}

export function isDeviceError(error: unknown, code?: Win32ErrorName): error is DeviceError {
  return error instanceof DeviceError && (code === undefined || error.code === code);
}

export function isCanceled(error: unknown): boolean {
  return error instanceof DeviceError && error.canceled;
}
