/**
 * The process creations and exits the notify test describes to the driver, each with the event
 * the driver's callback must turn it into. One list for both sides: the Windows-side script fires
 * them, and the vitest file checks what came back against `expected`.
 */
import { NOTIFY_TEST_FIXED_BYTES, NOTIFY_TEST_KINDS, NOTIFY_TEST_OFFSETS, encodeNotifyTestProcess, type NotifyTestCreated, type NotifyTestProcess } from '@inverted-call/driver-template/notify-test';

export interface NotifyCase {
  name: string;
  input: NotifyTestProcess;
  /** The item's kind and the fields of its data the driver sets from the input (times are checked apart). */
  expected: { kind: 'Created' | 'Exited'; data: Record<string, unknown> };
}

const creation = (over: Partial<NotifyTestCreated>): NotifyTestCreated => ({
  kind: 'created',
  processId: 4100n,
  parentProcessId: 4n,
  creatingProcessId: 812n,
  creatingThreadId: 816n,
  imageFileName: '\\??\\C:\\Windows\\System32\\notepad.exe',
  fileOpenNameAvailable: true,
  ...over,
});

const createdData = (input: NotifyTestCreated, imageName: string, imageNameLength: number, imageNameState: string): Record<string, unknown> => ({
  processId: input.processId,
  parentProcessId: input.parentProcessId,
  creatingProcessId: input.creatingProcessId,
  creatingThreadId: input.creatingThreadId,
  imageNameLength,
  imageNameState,
  imageName,
});

function createdCase(name: string, input: NotifyTestCreated, imageName: string, imageNameLength: number, imageNameState: string): NotifyCase {
  return { name, input, expected: { kind: 'Created', data: createdData(input, imageName, imageNameLength, imageNameState) } };
}

const NORMAL = creation({});
// The event's imageName is wchar[260]: 259 units and the NUL. Here 258 units come first, then a
// surrogate pair whose high half is unit 259, the last that fits: the driver must leave the whole
// pair out and stop at 258.
const PAIR = '\u{1F600}';
const CUT_PREFIX = `\\??\\C:\\${'p'.repeat(258 - 7)}`;
const AT_THE_CUT = creation({ processId: 4200n, imageFileName: `${CUT_PREFIX}${PAIR}tail.exe` });
const LONG = creation({ processId: 4300n, imageFileName: `\\??\\C:\\${'a'.repeat(400)}.exe` });
const PAIR_INSIDE = creation({ processId: 4400n, imageFileName: `\\??\\C:\\Users\\${PAIR}\\app.exe` });
const EMPTY = creation({ processId: 4500n, imageFileName: '' });
const NULL_NAME = creation({ processId: 4600n, imageFileName: null });
const PARTIAL = creation({ processId: 4700n, imageFileName: 'notepad.exe', fileOpenNameAvailable: false });
const WIDE_IDS = creation({ processId: 0xffff_fff0n, parentProcessId: 0xffff_fff4n, creatingProcessId: 0x1_0000_0004n, creatingThreadId: 0xffff_ffff_ffff_fffcn });

/** Every case, in the order they are fired. */
export const NOTIFY_CASES: readonly NotifyCase[] = [
  createdCase('a normal image name', NORMAL, NORMAL.imageFileName!, NORMAL.imageFileName!.length, 'Complete'),
  createdCase('a surrogate pair exactly at the cut', AT_THE_CUT, CUT_PREFIX, AT_THE_CUT.imageFileName!.length, 'Truncated'),
  createdCase('a name longer than the field', LONG, LONG.imageFileName!.slice(0, 259), LONG.imageFileName!.length, 'Truncated'),
  createdCase('a surrogate pair inside a name that fits', PAIR_INSIDE, PAIR_INSIDE.imageFileName!, PAIR_INSIDE.imageFileName!.length, 'Complete'),
  createdCase('an empty ImageFileName', EMPTY, '', 0, 'Unavailable'),
  createdCase('a NULL ImageFileName', NULL_NAME, '', 0, 'Unavailable'),
  createdCase('FileOpenNameAvailable FALSE (a partial name, passed on as it is)', PARTIAL, 'notepad.exe', 11, 'Complete'),
  createdCase('parent and creating ids above 32 bits', WIDE_IDS, WIDE_IDS.imageFileName!, WIDE_IDS.imageFileName!.length, 'Complete'),
  { name: 'an exit (NULL CreateInfo)', input: { kind: 'exited', processId: 4100n }, expected: { kind: 'Exited', data: { processId: 4100n } } },
];

/** Inputs the driver must refuse, with the Win32 error the client sees; none may reach the callback. */
export interface BadInput {
  name: string;
  bytes: Uint8Array;
  error: 'ERROR_INVALID_PARAMETER' | 'ERROR_INSUFFICIENT_BUFFER';
}

function withU32(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(offset, value, true);
  return copy;
}

const GOOD = encodeNotifyTestProcess(NORMAL);
export const BAD_INPUTS: readonly BadInput[] = [
  { name: 'a short buffer', bytes: GOOD.slice(0, NOTIFY_TEST_FIXED_BYTES - 8), error: 'ERROR_INSUFFICIENT_BUFFER' },
  { name: 'a name length past the buffer', bytes: withU32(GOOD, NOTIFY_TEST_OFFSETS.imageNameBytes, GOOD.length), error: 'ERROR_INVALID_PARAMETER' },
  { name: 'an unknown kind', bytes: withU32(GOOD, NOTIFY_TEST_OFFSETS.kind, NOTIFY_TEST_KINDS.exited + 1), error: 'ERROR_INVALID_PARAMETER' },
];
