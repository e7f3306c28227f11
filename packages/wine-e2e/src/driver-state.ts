/**
 * The test-build state IOCTL of the WDM flavour (templates/wdm/InvertedCallTest.h): what
 * the driver holds, as the driver itself counts it. Layout (little-endian, packed to 8):
 *   header (40 bytes): u32 Version, u32 OpenFiles, u32 SubscriptionCount, u32 CallerFileId,
 *                      u64 Completions, u64 Cancels, u64 ParkedNow
 *   entry  (40 bytes): u64 ProcessId, u32 FileId, u32 Channel, u32 RingFill, u32 Parked,
 *                      u64 DroppedTotal, u64 NextSequence
 */
import { FILE_ANY_ACCESS, METHOD_BUFFERED, ctlCode } from '@inverted-call/codec';

export const STATE_FUNCTION = 0xffe;
export const STATE_HEADER_BYTES = 40;
export const STATE_ENTRY_BYTES = 40;
/** Room for this many subscriptions in one state request (the driver refuses a buffer too small). */
export const STATE_MAX_ENTRIES = 256;

/** The IOCTL code: the device's type, function 0xFFE, METHOD_BUFFERED, FILE_ANY_ACCESS. */
export function stateIoctlCode(deviceType: number): number {
  return ctlCode(deviceType, STATE_FUNCTION, METHOD_BUFFERED, FILE_ANY_ACCESS);
}

export interface DriverSubscription {
  processId: bigint;
  fileId: number;
  channel: number;
  ringFill: number;
  parked: number;
  dropped: bigint;
  nextSequence: bigint;
}

export interface DriverState {
  openFiles: number;
  /** The file id of the handle the state was asked through. */
  callerFileId: number;
  completions: bigint;
  cancels: bigint;
  parkedNow: bigint;
  subscriptions: DriverSubscription[];
}

export function decodeDriverState(bytes: Uint8Array): DriverState {
  if (bytes.byteLength < STATE_HEADER_BYTES) throw new Error(`driver state: ${bytes.byteLength} bytes, less than a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(0, true);
  if (version !== 1) throw new Error(`driver state: version ${version}, expected 1`);
  const count = view.getUint32(8, true);
  if (bytes.byteLength < STATE_HEADER_BYTES + count * STATE_ENTRY_BYTES) throw new Error(`driver state: ${count} entries do not fit ${bytes.byteLength} bytes`);
  const subscriptions: DriverSubscription[] = [];
  for (let index = 0; index < count; index++) {
    const at = STATE_HEADER_BYTES + index * STATE_ENTRY_BYTES;
    subscriptions.push({
      processId: view.getBigUint64(at, true),
      fileId: view.getUint32(at + 8, true),
      channel: view.getUint32(at + 12, true),
      ringFill: view.getUint32(at + 16, true),
      parked: view.getUint32(at + 20, true),
      dropped: view.getBigUint64(at + 24, true),
      nextSequence: view.getBigUint64(at + 32, true),
    });
  }
  return {
    openFiles: view.getUint32(4, true),
    callerFileId: view.getUint32(12, true),
    completions: view.getBigUint64(16, true),
    cancels: view.getBigUint64(24, true),
    parkedNow: view.getBigUint64(32, true),
    subscriptions,
  };
}
