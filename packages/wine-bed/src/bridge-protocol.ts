/**
 * The device bridge's wire format, shared by its two ends: the Linux side (bridge-client.ts, a
 * DeviceBackendV1 for tests running in Linux node) and the Windows side (windows/bridge-proxy.ts,
 * Windows node.exe under Wine, which does the real I/O with the Win32 backend).
 *
 * One TCP connection per Linux process, newline-delimited JSON, bytes in base64. Each Linux
 * backend is a "process" of the proxy: its own Win32 backend (its own completion port), its
 * handles closed together when the Linux side says it crashed or the connection drops.
 *
 * Ordering, the rule the backend contract needs: the proxy handles messages in the order they
 * arrive and dispatches an IOCTL (DeviceIoControl) before it reads the next message. So a request
 * reaches the driver before anything the same Linux process sends afterwards, an injected event
 * included: that is what `Subscription.ready` promises, seen from this process.
 */

/** Linux → Windows. Every request but `cancel` gets exactly one reply with its id. */
export type BridgeRequest =
  | { id: number; op: 'open'; process: number; path: string; access: 'read' | 'write' | 'read-write' }
  | { id: number; op: 'ioctl'; handle: number; code: number; input: string | null; outputLength: number }
  /** Aborts the IOCTL whose request id is `target` (CancelIoEx); the IOCTL's own reply follows. */
  | { id: number; op: 'cancel'; target: number }
  | { id: number; op: 'close'; handle: number }
  /** The process dies: every handle it opened is closed, cancelling what it had parked. */
  | { id: number; op: 'crash'; process: number };

/** A DeviceError as it crosses the bridge: enough to rebuild it on the other side. */
export interface BridgeError {
  /** Win32 error number (DeviceError.errno), or 0 for an error that is not a DeviceError. */
  errno: number;
  ntstatus?: number;
  message: string;
}

/** Windows → Linux. */
export type BridgeReply =
  | { id: number; ok: true; handle?: number; output?: string; bytesReturned?: number }
  | { id: number; ok: false; error: BridgeError };

export function encodeBytes(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function decodeBytes(text: string | null | undefined): Uint8Array {
  return text ? new Uint8Array(Buffer.from(text, 'base64')) : new Uint8Array(0);
}

/** Splits a stream into lines and hands each parsed message to `onMessage`. */
export function lineReader<T>(onMessage: (message: T) => void): (chunk: Buffer | string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString();
    let end = pending.indexOf('\n');
    while (end >= 0) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      if (line.length > 0) onMessage(JSON.parse(line) as T);
      end = pending.indexOf('\n');
    }
  };
}

/** The environment variable that tells a test process where the bridge listens (`host:port`). */
export const BRIDGE_ADDRESS_ENV = 'INVERTED_CALL_DEVICE_BRIDGE';
