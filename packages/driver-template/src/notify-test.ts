/**
 * The test-build process IOCTL (templates/shared/NotifyTest.h) from the test's side: its code and
 * the encoder of its input, one description of a process creation or exit. The C header declares
 * the layout; test/notify-test.test.ts checks this encoder against it (the native test prints
 * the layout from the header's own declarations and parses what this encodes). Layout
 * (little-endian, 48 bytes, then the name):
 *   u32 Kind, u32 Flags, u64 ProcessId, u64 ParentProcessId, u64 CreatingProcessId,
 *   u64 CreatingThreadId, u32 ImageNameBytes, u32 Reserved, then ImageNameBytes of UTF-16LE.
 * A subpath of its own (@inverted-call/driver-template/notify-test), so a Windows-side bundle
 * takes this file and the codec, not the renderer.
 */
import { FILE_ANY_ACCESS, METHOD_BUFFERED, ctlCode } from '@inverted-call/codec';
import { TEST_BUILD_PROCESS_FUNCTION } from '@inverted-call/schema/ioctl';

/** The schema owns the test build's function codes (it refuses them to calls and channels). */
export const NOTIFY_TEST_FUNCTION = TEST_BUILD_PROCESS_FUNCTION;
/** Bytes before the image name. */
export const NOTIFY_TEST_FIXED_BYTES = 48;
/** A UNICODE_STRING's Length is a USHORT of bytes: the longest name the IOCTL carries. */
export const NOTIFY_TEST_MAX_NAME_BYTES = 0xfffe;

/** Byte offsets of the fixed part's fields, for tests that build malformed inputs too. */
export const NOTIFY_TEST_OFFSETS = {
  kind: 0,
  flags: 4,
  processId: 8,
  parentProcessId: 16,
  creatingProcessId: 24,
  creatingThreadId: 32,
  imageNameBytes: 40,
  reserved: 44,
} as const;

/** Kind values (INVERTED_CALL_TEST_PROCESS_CREATED, _EXITED). */
export const NOTIFY_TEST_KINDS = { created: 1, exited: 2 } as const;
/** Flag bits (INVERTED_CALL_TEST_PROCESS_IMAGE, _FILE_OPEN_NAME). */
export const NOTIFY_TEST_FLAGS = { image: 0x1, fileOpenName: 0x2 } as const;

/** A process creation: what the kernel would put in PS_CREATE_NOTIFY_INFO. */
export interface NotifyTestCreated {
  kind: 'created';
  processId: bigint;
  parentProcessId: bigint;
  creatingProcessId: bigint;
  creatingThreadId: bigint;
  /** ImageFileName: a string (its UTF-16 code units, lone surrogates included; may be empty), or null for a NULL pointer. */
  imageFileName: string | null;
  fileOpenNameAvailable: boolean;
}

/** A process exit: the routine is called with a NULL CreateInfo. */
export interface NotifyTestExited {
  kind: 'exited';
  processId: bigint;
}

export type NotifyTestProcess = NotifyTestCreated | NotifyTestExited;

/** The IOCTL code: the device's type, function 0xFFD, METHOD_BUFFERED, FILE_ANY_ACCESS. */
export function notifyTestIoctlCode(deviceType: number): number {
  return ctlCode(deviceType, NOTIFY_TEST_FUNCTION, METHOD_BUFFERED, FILE_ANY_ACCESS);
}

function checkId(name: string, value: bigint): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > 0xffff_ffff_ffff_ffffn) {
    throw new RangeError(`notify test input: ${name} is ${String(value)}; fix: give a bigint from 0 to 2^64-1`);
  }
  return value;
}

/** The IOCTL's input for one process creation or exit. Throws, naming the field, for values it cannot carry. */
export function encodeNotifyTestProcess(process: NotifyTestProcess): Uint8Array {
  const name = process.kind === 'created' ? process.imageFileName : null;
  const nameBytes = name === null ? 0 : name.length * 2;
  if (nameBytes > NOTIFY_TEST_MAX_NAME_BYTES) {
    throw new RangeError(`notify test input: imageFileName has ${name!.length} UTF-16 code units; fix: at most ${NOTIFY_TEST_MAX_NAME_BYTES / 2} (a UNICODE_STRING's limit)`);
  }
  const bytes = new Uint8Array(NOTIFY_TEST_FIXED_BYTES + nameBytes);
  const view = new DataView(bytes.buffer);
  const at = NOTIFY_TEST_OFFSETS;
  view.setBigUint64(at.processId, checkId('processId', process.processId), true);
  if (process.kind === 'exited') {
    view.setUint32(at.kind, NOTIFY_TEST_KINDS.exited, true);
    return bytes;
  }
  view.setUint32(at.kind, NOTIFY_TEST_KINDS.created, true);
  view.setUint32(at.flags, (name === null ? 0 : NOTIFY_TEST_FLAGS.image) | (process.fileOpenNameAvailable ? NOTIFY_TEST_FLAGS.fileOpenName : 0), true);
  view.setBigUint64(at.parentProcessId, checkId('parentProcessId', process.parentProcessId), true);
  view.setBigUint64(at.creatingProcessId, checkId('creatingProcessId', process.creatingProcessId), true);
  view.setBigUint64(at.creatingThreadId, checkId('creatingThreadId', process.creatingThreadId), true);
  view.setUint32(at.imageNameBytes, nameBytes, true);
  for (let index = 0; index < (name?.length ?? 0); index++) view.setUint16(NOTIFY_TEST_FIXED_BYTES + index * 2, name!.charCodeAt(index), true);
  return bytes;
}
