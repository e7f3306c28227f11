/**
 * The NTSTATUS values the driver model completes requests with. They are spelled out as numbers,
 * not derived from the backend's Win32 table, because the model stands for kernel code: its trace
 * must read like the C core's, and a test checks that each one maps to the Win32 error the
 * backend contract promises.
 */

export const STATUS_SUCCESS = 0x00000000;
export const STATUS_UNSUCCESSFUL = 0xc0000001;
export const STATUS_INVALID_PARAMETER = 0xc000000d;
export const STATUS_INVALID_DEVICE_REQUEST = 0xc0000010;
export const STATUS_ACCESS_DENIED = 0xc0000022;
export const STATUS_QUOTA_EXCEEDED = 0xc0000044;
export const STATUS_BUFFER_TOO_SMALL = 0xc0000023;
export const STATUS_NOT_SUPPORTED = 0xc00000bb;
export const STATUS_CANCELLED = 0xc0000120;
/** Verdict reply (V5): an id this handle was never given. */
export const STATUS_NOT_FOUND = 0xc0000225;
/** Verdict reply (V5): this handle's question already settled by its deadline. */
export const STATUS_IO_TIMEOUT = 0xc00000b5;
/** Verdict reply (V5): this handle already answered this question. */
export const STATUS_INVALID_DEVICE_STATE = 0xc0000184;

const NAMES: ReadonlyMap<number, string> = new Map([
  [STATUS_SUCCESS, 'STATUS_SUCCESS'],
  [STATUS_UNSUCCESSFUL, 'STATUS_UNSUCCESSFUL'],
  [STATUS_INVALID_PARAMETER, 'STATUS_INVALID_PARAMETER'],
  [STATUS_INVALID_DEVICE_REQUEST, 'STATUS_INVALID_DEVICE_REQUEST'],
  [STATUS_ACCESS_DENIED, 'STATUS_ACCESS_DENIED'],
  [STATUS_QUOTA_EXCEEDED, 'STATUS_QUOTA_EXCEEDED'],
  [STATUS_BUFFER_TOO_SMALL, 'STATUS_BUFFER_TOO_SMALL'],
  [STATUS_NOT_SUPPORTED, 'STATUS_NOT_SUPPORTED'],
  [STATUS_CANCELLED, 'STATUS_CANCELLED'],
  [STATUS_NOT_FOUND, 'STATUS_NOT_FOUND'],
  [STATUS_IO_TIMEOUT, 'STATUS_IO_TIMEOUT'],
  [STATUS_INVALID_DEVICE_STATE, 'STATUS_INVALID_DEVICE_STATE'],
]);

/** NT_SUCCESS(): success and informational codes; warnings and errors fail the Win32 call. */
export function isNtSuccess(status: number): boolean {
  return (status >>> 0) < 0x80000000;
}

/** `STATUS_CANCELLED`, or `0xC0001234` for a status this table does not name. */
export function ntStatusName(status: number): string {
  return NAMES.get(status >>> 0) ?? `0x${hex32(status)}`;
}

/** Eight upper-case hex digits, as IOCTL codes and NTSTATUS values are written on Windows. */
export function hex32(value: number): string {
  return (value >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
