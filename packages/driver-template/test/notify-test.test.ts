// The test-build process IOCTL's input (templates/shared/NotifyTest.h): its check,
// NotifyTestInput.c, built natively under ASan and fed what the TypeScript encoder makes and what
// it never would (short, long, misaligned, unknown kinds); and the encoder checked against the
// layout the header declares, printed by the same native program.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FILE_ANY_ACCESS, METHOD_BUFFERED, ctlCode } from '@inverted-call/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NOTIFY_TEST_FIXED_BYTES,
  NOTIFY_TEST_FLAGS,
  NOTIFY_TEST_FUNCTION,
  NOTIFY_TEST_KINDS,
  NOTIFY_TEST_MAX_NAME_BYTES,
  NOTIFY_TEST_OFFSETS,
  encodeNotifyTestProcess,
  notifyTestIoctlCode,
  type NotifyTestCreated,
} from '../src/notify-test.js';
import { CORE_DIR, REPO, hex32 } from './support/native.js';
import { model, renderToTemp } from './support/schemas.js';

const SHARED_DIR = join(REPO, 'templates/shared');
const STATUS = { success: 0, invalidParameter: 0xc000000d, bufferTooSmall: 0xc0000023 } as const;
const CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', '-g', '-DINVERTED_CALL_TEST_BUILD'];

/** The check the negative control takes out: without it, a name length past the input is believed. */
const EXACT_LENGTH_CHECK = 'if (InputLength - fixedBytes != (size_t)fixed.ImageNameBytes) {';

let program: string;
/** notify_test built from a copy of NotifyTestInput.c without EXACT_LENGTH_CHECK. */
let brokenProgram: string;
let dispose: () => void;

function build(output: string, includes: string[], parser: string): void {
  const result = spawnSync('gcc', [...CFLAGS, ...includes, parser, join(SHARED_DIR, 'test/notify_test.c'), '-o', output], { encoding: 'utf8' });
  if (result.error) throw new Error(`gcc is required (it builds NotifyTestInput.c natively) but could not be run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`gcc failed (exit ${result.status}):\n${result.stderr}`);
}

beforeAll(() => {
  // The process monitor's generated DeviceTable.h (a schema with a process channel) and the
  // native CoreConfig.h: NotifyTest.h as the driver sees it, on the host compiler.
  const rendered = renderToTemp('processMonitor', 'wdm');
  const out = mkdtempSync(join(tmpdir(), 'inverted-call-notify-test-'));
  program = join(out, 'notify_test');
  brokenProgram = join(out, 'notify_test_broken');
  const includes = [join(CORE_DIR, 'test'), CORE_DIR, SHARED_DIR, rendered.dir].map((dir) => `-I${dir}`);
  build(program, includes, join(SHARED_DIR, 'NotifyTestInput.c'));
  const source = readFileSync(join(SHARED_DIR, 'NotifyTestInput.c'), 'utf8');
  if (!source.includes(EXACT_LENGTH_CHECK)) throw new Error(`NotifyTestInput.c no longer has "${EXACT_LENGTH_CHECK}": update the negative control`);
  writeFileSync(join(out, 'NotifyTestInput.c'), source.replace(EXACT_LENGTH_CHECK, 'if (0) {'));
  build(brokenProgram, includes, join(out, 'NotifyTestInput.c'));
  dispose = () => {
    rendered.dispose();
    rmSync(out, { recursive: true, force: true });
  };
}, 120_000);

afterAll(() => dispose?.());

interface Parsed {
  status: number;
  untouched?: boolean;
  kind?: number;
  flags?: number;
  processId?: string;
  parentProcessId?: string;
  creatingProcessId?: string;
  creatingThreadId?: string;
  imageNameBytes?: number;
  imageName?: number[] | null;
}

function spawnNative(executable: string, args: string[], input: Uint8Array) {
  return spawnSync(executable, args, {
    input,
    encoding: 'utf8',
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' },
  });
}

function run(args: string[], input: Uint8Array = new Uint8Array()): Parsed & Record<string, unknown> {
  const result = spawnNative(program, args, input);
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`notify_test exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as Parsed & Record<string, unknown>;
}

const parse = (input: Uint8Array, odd = false): Parsed => run(odd ? ['--odd'] : [], input);
const units = (text: string): number[] => Array.from({ length: text.length }, (_, index) => text.charCodeAt(index));

const created = (over: Partial<NotifyTestCreated> = {}): NotifyTestCreated => ({
  kind: 'created',
  processId: 0x1234n,
  parentProcessId: 0x20n,
  creatingProcessId: 0x30n,
  creatingThreadId: 0x40n,
  imageFileName: '\\??\\C:\\Windows\\notepad.exe',
  fileOpenNameAvailable: true,
  ...over,
});

/** An encoded input with one u32 field overwritten. */
function withU32(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(offset, value, true);
  return copy;
}

describe('the encoder matches the layout NotifyTest.h declares', () => {
  it('function, code, size, limits, kinds, flags and every offset', () => {
    const layout = run(['--layout']);
    const deviceType = model('processMonitor').deviceType.value;
    expect(layout).toEqual({
      function: NOTIFY_TEST_FUNCTION,
      code: notifyTestIoctlCode(deviceType),
      size: NOTIFY_TEST_FIXED_BYTES,
      maxNameBytes: NOTIFY_TEST_MAX_NAME_BYTES,
      kinds: NOTIFY_TEST_KINDS,
      flags: NOTIFY_TEST_FLAGS,
      offsets: NOTIFY_TEST_OFFSETS,
    });
    expect(notifyTestIoctlCode(deviceType)).toBe(ctlCode(deviceType, 0xffd, METHOD_BUFFERED, FILE_ANY_ACCESS));
  });

  it('a creation round-trips through the C parse: ids, flags and every code unit of the name', () => {
    const name = 'C:\\Programme\\Grüße\\\u{1F600}.exe';
    expect(parse(encodeNotifyTestProcess(created({ imageFileName: name, processId: 0xffff_ffff_ffff_fffen })))).toEqual({
      status: STATUS.success,
      kind: 1,
      flags: 3,
      processId: String(0xffff_ffff_ffff_fffen),
      parentProcessId: '32',
      creatingProcessId: '48',
      creatingThreadId: '64',
      imageNameBytes: name.length * 2,
      imageName: units(name),
    });
  });

  it('a NULL name, an empty one, FileOpenNameAvailable FALSE, and an exit', () => {
    expect(parse(encodeNotifyTestProcess(created({ imageFileName: null })))).toMatchObject({ status: 0, flags: NOTIFY_TEST_FLAGS.fileOpenName, imageName: null });
    expect(parse(encodeNotifyTestProcess(created({ imageFileName: '' })))).toMatchObject({ status: 0, flags: 3, imageNameBytes: 0, imageName: [] });
    expect(parse(encodeNotifyTestProcess(created({ fileOpenNameAvailable: false })))).toMatchObject({ status: 0, flags: NOTIFY_TEST_FLAGS.image });
    expect(parse(encodeNotifyTestProcess({ kind: 'exited', processId: 77n }))).toEqual({
      status: 0, kind: 2, flags: 0, processId: '77', parentProcessId: '0', creatingProcessId: '0', creatingThreadId: '0', imageNameBytes: 0, imageName: null,
    });
  });

  it('the longest name a UNICODE_STRING carries passes; one unit more is refused by the encoder, naming the field', () => {
    const longest = 'x'.repeat(NOTIFY_TEST_MAX_NAME_BYTES / 2);
    expect(parse(encodeNotifyTestProcess(created({ imageFileName: longest })))).toMatchObject({ status: 0, imageNameBytes: NOTIFY_TEST_MAX_NAME_BYTES });
    expect(() => encodeNotifyTestProcess(created({ imageFileName: `${longest}x` }))).toThrow(/imageFileName has 32768 UTF-16 code units; fix: at most 32767/);
    expect(() => encodeNotifyTestProcess(created({ parentProcessId: -1n }))).toThrow(/parentProcessId is -1; fix:/);
  });
});

describe('bad input is refused without reading past it', () => {
  const good = encodeNotifyTestProcess(created());
  const at = NOTIFY_TEST_OFFSETS;

  it.each([
    ['no input at all', new Uint8Array()],
    ['one byte', new Uint8Array(1)],
    ['the fixed part less one byte', good.slice(0, NOTIFY_TEST_FIXED_BYTES - 1)],
  ])('%s: STATUS_BUFFER_TOO_SMALL, the result untouched', (_name, input) => {
    expect(parse(input)).toEqual({ status: STATUS.bufferTooSmall, untouched: true });
  });

  const nameBytes = good.length - NOTIFY_TEST_FIXED_BYTES;
  it.each([
    ['a name length past the buffer', withU32(good, at.imageNameBytes, nameBytes + 2)],
    ['a name length of 0xFFFFFFFE, far past it', withU32(good, at.imageNameBytes, 0xfffffffe)],
    ['the name cut short by one unit', good.slice(0, good.length - 2)],
    ['bytes after the name', Uint8Array.from([...good, 0, 0])],
    ['an odd name length', withU32(good.slice(0, good.length - 1), at.imageNameBytes, nameBytes - 1)],
    ['a name length above 0xFFFE', withU32(Uint8Array.from([...good.slice(0, NOTIFY_TEST_FIXED_BYTES), ...new Uint8Array(0x10000)]), at.imageNameBytes, 0x10000)],
    ['kind 0', withU32(good, at.kind, 0)],
    ['kind 3', withU32(good, at.kind, 3)],
    ['an unknown flag', withU32(good, at.flags, 0x7)],
    ['a nonzero Reserved', withU32(good, at.reserved, 1)],
    ['a name without the IMAGE flag', withU32(good, at.flags, NOTIFY_TEST_FLAGS.fileOpenName)],
    ['an exit with flags', withU32(encodeNotifyTestProcess({ kind: 'exited', processId: 1n }), at.flags, NOTIFY_TEST_FLAGS.fileOpenName)],
    ['an exit with a parent id', withU32(encodeNotifyTestProcess({ kind: 'exited', processId: 1n }), at.parentProcessId, 5)],
    ['an exit with a creating thread id', withU32(encodeNotifyTestProcess({ kind: 'exited', processId: 1n }), at.creatingThreadId, 5)],
    ['an exit with a name', withU32(encodeNotifyTestProcess(created()), at.kind, NOTIFY_TEST_KINDS.exited)],
  ])('%s: STATUS_INVALID_PARAMETER, the result untouched', (_name, input) => {
    expect(parse(input)).toEqual({ status: STATUS.invalidParameter, untouched: true });
  });

  it('a name at an odd address is refused (it is handed on as WCHARs); without a name, alignment does not matter', () => {
    expect(parse(good, true)).toEqual({ status: STATUS.invalidParameter, untouched: true });
    expect(parse(encodeNotifyTestProcess(created({ imageFileName: null })), true)).toMatchObject({ status: 0 });
  });

  it('negative control: without the exact-length check, a name length past the input is read past its end, and ASan stops it', () => {
    const input = withU32(good, at.imageNameBytes, nameBytes + 2);
    const result = spawnNative(brokenProgram, [], input);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('heap-buffer-overflow');
  });

  it('the statuses are the ones the header documents', () => {
    expect(hex32(STATUS.invalidParameter)).toBe('C000000D');
    expect(hex32(STATUS.bufferTooSmall)).toBe('C0000023');
  });
});
