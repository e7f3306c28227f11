/**
 * Device backend contract, version 1. The simulator, the Win32 backend and any test double
 * implement it; the conformance suite checks the rules written here. A client never needs more.
 */
import { FILE_READ_ACCESS, FILE_WRITE_ACCESS } from '@inverted-call/codec';

/** How the handle is opened: CreateFileW's GENERIC_READ, GENERIC_WRITE, or both. */
export type AccessMode = 'read' | 'write' | 'read-write';

/** The FILE_*_ACCESS bits an IOCTL code carries (bits 14-15) that a handle of this mode satisfies. */
export function accessBitsOf(mode: AccessMode): number {
  if (mode === 'read') return FILE_READ_ACCESS;
  if (mode === 'write') return FILE_WRITE_ACCESS;
  return FILE_READ_ACCESS | FILE_WRITE_ACCESS;
}

export interface OpenOptions {
  access: AccessMode;
}

export interface IoctlOptions {
  /**
   * Aborting cancels exactly this request (CancelIoEx with its OVERLAPPED). The promise then
   * rejects with a `DeviceError` whose `canceled` is true, unless the request had already
   * completed, in which case it settles with that completion: a cancel never loses a result.
   */
  signal?: AbortSignal;
}

export interface IoctlResult {
  /** The output the driver wrote: exactly `bytesReturned` bytes (a copy the caller owns). */
  output: Uint8Array;
  bytesReturned: number;
}

/**
 * An open device handle.
 *
 * Rules every implementation obeys:
 * - Nothing settles synchronously: every promise settles in a later turn of the event loop,
 *   as a real completion would.
 * - A failed request rejects with a `DeviceError` carrying the Win32 error a Windows client would
 *   see: `ERROR_INVALID_FUNCTION` for an unknown IOCTL code, `ERROR_ACCESS_DENIED` when the
 *   handle's access lacks the code's FILE_*_ACCESS bits (checked before the driver sees it),
 *   `ERROR_INVALID_PARAMETER` for a wrong input size, `ERROR_INSUFFICIENT_BUFFER` for an output
 *   buffer too small, `ERROR_NOT_ENOUGH_QUOTA` for a subscribe request past one of the device's
 *   limits (descriptor.limits), `ERROR_OPERATION_ABORTED` (with `canceled: true`) for a cancelled request,
 *   `ERROR_INVALID_HANDLE` for any use after `close()` has begun.
 * - A cancelled request carried no event: the driver never writes an event into a request it
 *   then cancels, so cancelling loses nothing.
 * - Requests may be in flight concurrently, any number of them.
 */
export interface DeviceHandleV1 {
  readonly path: string;
  readonly access: AccessMode;
  /**
   * Sends an IOCTL. `input` may be null (no input buffer); `outputLength` may be 0.
   * Resolves when the driver completes the request, however long it stays parked.
   *
   * The request reaches the driver before `ioctl` returns (DeviceIoControl dispatches in the
   * caller's thread): once it has returned, a subscribe request has created or joined the
   * handle's stream, so an event the driver receives afterwards reaches it. Clients build
   * `Subscription.ready` on this.
   */
  ioctl(code: number, input: Uint8Array | null, outputLength: number, options?: IoctlOptions): Promise<IoctlResult>;
  /**
   * Cancels every request of this handle, waits until each has completed (cancelled or not),
   * then closes the handle. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * A backend: a way to open devices. One backend instance stands for one client process: the
 * simulator can crash it, which the driver sees as that process dying (every handle closed,
 * every parked request cancelled).
 */
export interface DeviceBackendV1 {
  readonly specificationVersion: 'v1';
  /** Short name for messages and test titles, e.g. `simulator` or `win32`. */
  readonly name: string;
  /**
   * Opens a device by path (`\\.\Name`). Rejects with `ERROR_FILE_NOT_FOUND` when no such
   * device exists and `ERROR_ACCESS_DENIED` when the device's security refuses the caller.
   */
  open(path: string, options: OpenOptions): Promise<DeviceHandleV1>;
}
