/**
 * The completion trace: every request the model completes, in the order it completes them. It is
 * the model's observable output, the thing a differential test diffs against the C core running
 * the same scenario, so it holds only what both can produce: ids, the code, the NTSTATUS and the
 * exact bytes returned.
 */
import { hex32, ntStatusName } from './ntstatus.js';

export interface TraceEntry {
  /** Position in the trace, from 0. */
  readonly index: number;
  readonly requestId: number;
  readonly handleId: number;
  readonly code: number;
  /** NTSTATUS the request completed with, as an unsigned 32-bit number. */
  readonly status: number;
  /** The output written (Information bytes); empty for a failure. */
  readonly bytes: Uint8Array;
  /**
   * `io-manager` for STATUS_ACCESS_DENIED, which Windows returns before the driver sees the
   * request (a C core on its own never produces it: filter these out when diffing against one);
   * `driver` for everything else.
   */
  readonly origin: 'io-manager' | 'driver';
}

/**
 * One line per completion, stable and diffable:
 * `3 request=7 handle=2 code=0x9C006400 status=0x00000000 STATUS_SUCCESS bytes=56 0100...`.
 */
export function formatTrace(entries: readonly TraceEntry[]): string {
  return entries
    .map((entry) => {
      const hex = Array.from(entry.bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
      const origin = entry.origin === 'io-manager' ? ' (io-manager)' : '';
      return `${entry.index} request=${entry.requestId} handle=${entry.handleId} code=0x${hex32(entry.code)} status=0x${hex32(entry.status)} ${ntStatusName(entry.status)}${origin} bytes=${entry.bytes.byteLength}${hex ? ` ${hex}` : ''}`;
    })
    .join('\n');
}
