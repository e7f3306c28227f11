// The test-build IOCTLs' TypeScript side (src/test-ioctls.ts) against the C that answers them.
// The emit IOCTL's input check (templates/shared/EmitTest.c) is built natively under ASan with the
// conformance device's rendered DeviceTable.h and fed what the encoder makes and what it never
// would (short, long, unknown channel or kind, wrong payload size); the encoder is checked against
// the layout the header declares, printed by the same program. A schema without channels builds
// too (DEVICE_EVENT_KINDS expands to nothing) and refuses every input. And the load-time check
// that a schema leaves the test IOCTLs' codes free (InvertedCallTestCodes.c), built natively with
// a stand-in ntddk.h (templates/shared/test/native-ntddk).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FILE_ANY_ACCESS, METHOD_BUFFERED, ctlCode, type DeviceDescriptorV1 } from '@inverted-call/codec';
import { conformanceDevice } from '@inverted-call/conformance-device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  STATE_ENTRY_BYTES,
  STATE_HEADER_BYTES,
  TEST_EMIT_FIXED_BYTES,
  TEST_EMIT_FUNCTION,
  TEST_EMIT_MAX_COUNT,
  TEST_EMIT_OFFSETS,
  decodeDriverState,
  encodeTestEmit,
  encodeTestEmitForEvent,
  stateIoctlCode,
  testEmitIoctlCode,
} from '../src/test-ioctls.js';
import { CORE_DIR, REPO, hex32 } from './support/native.js';
import { model, renderToTemp } from './support/schemas.js';

const SHARED_DIR = join(REPO, 'templates/shared');
const STATUS = { success: 0, invalidParameter: 0xc000000d, bufferTooSmall: 0xc0000023 } as const;
const CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', '-g', '-DINVERTED_CALL_TEST_BUILD'];

/** The check the negative control takes out: without it, a payload length past the input is believed. */
const EXACT_LENGTH_CHECK = 'if (InputLength - fixedBytes != (size_t)fixed.PayloadBytes) {';

let program: string;
/** emit_test built for a schema without channels. */
let noChannelsProgram: string;
/** emit_test built from a copy of EmitTest.c without EXACT_LENGTH_CHECK. */
let brokenProgram: string;
/** test_codes_test for the conformance device, for the process monitor (a process channel), and
 * for the conformance device from a copy of InvertedCallTestCodes.c without EMIT_CODE_CHECK. */
const codesPrograms = { conformance: '', processMonitor: '', broken: '' };
/** The refusal the negative control takes out. */
const EMIT_CODE_CHECK = 'status = TestRefuseTakenCode(Config, IOCTL_INVERTED_CALL_TEST_EMIT, "emit", INVERTED_CALL_TEST_EMIT_FUNCTION);';
let dispose: () => void;

function build(output: string, includes: string[], source: string): void {
  // Core.c too: EmitTestRun calls CoreEmit, so the program links only with the real core (and its
  // Verdict.c, whose counters the protocol information reads).
  const result = spawnSync('gcc', [...CFLAGS, ...includes, source, join(CORE_DIR, 'Core.c'), join(CORE_DIR, 'Verdict.c'), join(SHARED_DIR, 'test/emit_test.c'), '-o', output], { encoding: 'utf8' });
  if (result.error) throw new Error(`gcc is required (it builds EmitTest.c natively) but could not be run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`gcc failed (exit ${result.status}):\n${result.stderr}`);
}

const includesFor = (renderedDir: string): string[] => [join(CORE_DIR, 'test'), CORE_DIR, SHARED_DIR, renderedDir].map((dir) => `-I${dir}`);

function buildCodes(output: string, renderedDir: string, source = join(SHARED_DIR, 'InvertedCallTestCodes.c')): void {
  const includes = [`-I${join(SHARED_DIR, 'test/native-ntddk')}`, ...includesFor(renderedDir)];
  const result = spawnSync('gcc', [...CFLAGS, ...includes, source, join(SHARED_DIR, 'test/test_codes_test.c'), '-o', output], { encoding: 'utf8' });
  if (result.error) throw new Error(`gcc is required (it builds InvertedCallTestCodes.c natively) but could not be run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`gcc failed (exit ${result.status}):\n${result.stderr}`);
}

beforeAll(() => {
  const conformance = renderToTemp('conformance', 'wdm');
  const minimal = renderToTemp('minimal', 'wdm');
  const processMonitor = renderToTemp('processMonitor', 'wdm');
  const out = mkdtempSync(join(tmpdir(), 'inverted-call-emit-test-'));
  program = join(out, 'emit_test');
  noChannelsProgram = join(out, 'emit_test_no_channels');
  brokenProgram = join(out, 'emit_test_broken');
  build(program, includesFor(conformance.dir), join(SHARED_DIR, 'EmitTest.c'));
  build(noChannelsProgram, includesFor(minimal.dir), join(SHARED_DIR, 'EmitTest.c'));
  const source = readFileSync(join(SHARED_DIR, 'EmitTest.c'), 'utf8');
  if (!source.includes(EXACT_LENGTH_CHECK)) throw new Error(`EmitTest.c no longer has "${EXACT_LENGTH_CHECK}": update the negative control`);
  writeFileSync(join(out, 'EmitTest.c'), source.replace(EXACT_LENGTH_CHECK, 'if (0) {'));
  build(brokenProgram, includesFor(conformance.dir), join(out, 'EmitTest.c'));
  codesPrograms.conformance = join(out, 'codes_conformance');
  codesPrograms.processMonitor = join(out, 'codes_process_monitor');
  codesPrograms.broken = join(out, 'codes_broken');
  buildCodes(codesPrograms.conformance, conformance.dir);
  buildCodes(codesPrograms.processMonitor, processMonitor.dir);
  const codes = readFileSync(join(SHARED_DIR, 'InvertedCallTestCodes.c'), 'utf8');
  if (!codes.includes(EMIT_CODE_CHECK)) throw new Error(`InvertedCallTestCodes.c no longer has "${EMIT_CODE_CHECK}": update the negative control`);
  writeFileSync(join(out, 'InvertedCallTestCodes.c'), codes.replace(EMIT_CODE_CHECK, ''));
  buildCodes(codesPrograms.broken, conformance.dir, join(out, 'InvertedCallTestCodes.c'));
  dispose = () => {
    conformance.dispose();
    minimal.dispose();
    processMonitor.dispose();
    rmSync(out, { recursive: true, force: true });
  };
}, 180_000);

afterAll(() => dispose?.());

interface Parsed {
  status: number;
  untouched?: boolean;
  channel?: number;
  kind?: number;
  count?: number;
  payloadBytes?: number;
  payloadOffset?: number;
  payload?: number[];
}

function spawnNative(executable: string, args: string[], input: Uint8Array) {
  return spawnSync(executable, args, {
    input,
    encoding: 'utf8',
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' },
  });
}

function run(args: string[], input: Uint8Array = new Uint8Array(), executable = program): Parsed & Record<string, unknown> {
  const result = spawnNative(executable, args, input);
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`emit_test exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as Parsed & Record<string, unknown>;
}

const parse = (input: Uint8Array, executable = program): Parsed => run([], input, executable);

// The conformance device: Events (0) carries Small (1) and Large (2); Latest (1) Small (1); Audit (2) Small (9).
const device = conformanceDevice as DeviceDescriptorV1;
const EVENTS = conformanceDevice.channels.Events;
const small = { tag: 0x1122334455667788n, value: 7, flag: true };

/** An encoded input with one field overwritten. */
function withField(bytes: Uint8Array, offset: number, value: number, size: 2 | 4 = 4): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  if (size === 2) view.setUint16(offset, value, true);
  else view.setUint32(offset, value, true);
  return copy;
}

describe('the emit encoder matches the layout EmitTest.h declares', () => {
  it('function, code, size, the count limit and every offset', () => {
    expect(run(['--layout'])).toEqual({
      function: TEST_EMIT_FUNCTION,
      code: testEmitIoctlCode(conformanceDevice.deviceType),
      size: TEST_EMIT_FIXED_BYTES,
      maxCount: TEST_EMIT_MAX_COUNT,
      offsets: TEST_EMIT_OFFSETS,
    });
    expect(testEmitIoctlCode(0x9c00)).toBe(ctlCode(0x9c00, 0xffc, METHOD_BUFFERED, FILE_ANY_ACCESS));
    expect(stateIoctlCode(0x9c00)).toBe(ctlCode(0x9c00, 0xffe, METHOD_BUFFERED, FILE_ANY_ACCESS));
  });

  it('every kind of every channel round-trips through the C parse: channel, kind, count and each payload byte', () => {
    const large = { tag: 5n, text: 'Grüße \u{1F600}' };
    const cases = [
      { channel: 'Events', kind: 'Small', data: small, index: 0, id: 1, count: 3 },
      { channel: 'Events', kind: 'Large', data: large, index: 0, id: 2, count: 1 },
      { channel: 'Latest', kind: 'Small', data: small, index: 1, id: 1, count: TEST_EMIT_MAX_COUNT },
      { channel: 'Audit', kind: 'Small', data: small, index: 2, id: 9, count: 2 },
    ];
    for (const entry of cases) {
      const codec = (device.channels[entry.channel]!.events[entry.kind]!).codec;
      const payload = codec.encode(entry.data);
      expect(parse(encodeTestEmitForEvent(device, entry.channel, entry.kind, entry.data, entry.count)), `${entry.channel}.${entry.kind}`).toEqual({
        status: STATUS.success,
        channel: entry.index,
        kind: entry.id,
        count: entry.count,
        payloadBytes: codec.size,
        payloadOffset: TEST_EMIT_FIXED_BYTES,
        payload: [...payload],
      });
    }
  });

  it('encodeTestEmit writes what it is given; the count defaults to 1 by event', () => {
    const payload = EVENTS.events.Small.codec.encode(small);
    const bytes = encodeTestEmit({ channel: 0, kind: 1, count: 4, payload });
    expect(bytes.byteLength).toBe(TEST_EMIT_FIXED_BYTES + payload.byteLength);
    expect(parse(bytes)).toMatchObject({ status: 0, channel: 0, kind: 1, count: 4 });
    expect(parse(encodeTestEmitForEvent(device, 'Events', 'Small', small))).toMatchObject({ status: 0, count: 1 });
  });

  it('the encoders refuse what the layout cannot carry and names it cannot find, naming the field and the fix', () => {
    const payload = new Uint8Array(16);
    expect(() => encodeTestEmit({ channel: 0, kind: 1, count: 0, payload })).toThrow(/count is 0; fix: give a count from 1 to 2097152/);
    expect(() => encodeTestEmit({ channel: 0, kind: 1, count: TEST_EMIT_MAX_COUNT + 1, payload })).toThrow(/count is 2097153/);
    expect(() => encodeTestEmit({ channel: 0, kind: 0x10000, count: 1, payload })).toThrow(/kind is 65536; fix: give an event kind id from 0 to 65535/);
    expect(() => encodeTestEmit({ channel: -1, kind: 1, count: 1, payload })).toThrow(/channel is -1; fix:/);
    expect(() => encodeTestEmit({ channel: 0, kind: 1, count: 1, payload: [1, 2] as unknown as Uint8Array })).toThrow(/payload is not a Uint8Array/);
    expect(() => encodeTestEmitForEvent(device, 'Nope', 'Small', small)).toThrow(/has no channel "Nope"; fix: use one of Events, Latest, Audit/);
    expect(() => encodeTestEmitForEvent(device, 'Latest', 'Large', small)).toThrow(/channel Latest has no event kind "Large"; fix: use one of Small/);
    expect(() => encodeTestEmitForEvent(device, 'Events', 'Small', { tag: 1n, value: -1, flag: true })).toThrow(/value/);
  });
});

describe('bad emit input is refused without reading past it', () => {
  const good = encodeTestEmitForEvent(device, 'Events', 'Small', small, 2);
  const at = TEST_EMIT_OFFSETS;
  const smallBytes = EVENTS.events.Small.codec.size;

  it.each([
    ['no input at all', new Uint8Array()],
    ['one byte', new Uint8Array(1)],
    ['the fixed part less one byte', good.slice(0, TEST_EMIT_FIXED_BYTES - 1)],
  ])('%s: STATUS_BUFFER_TOO_SMALL, the result untouched', (_name, input) => {
    expect(parse(input)).toEqual({ status: STATUS.bufferTooSmall, untouched: true });
  });

  it.each([
    ['a channel the schema does not have', withField(good, at.channel, 3)],
    ['a channel index of 0xFFFFFFFF', withField(good, at.channel, 0xffffffff)],
    ['a kind the channel does not carry (Latest has no Large)', encodeTestEmit({ channel: 1, kind: 2, count: 1, payload: EVENTS.events.Large.codec.encode({ tag: 1n, text: '' }) })],
    ['a kind id no channel has', withField(good, at.kind, 7, 2)],
    ['kind 9 on Events (it is Audit\'s)', withField(good, at.kind, 9, 2)],
    ['a Small payload sent as Large', withField(good, at.kind, 2, 2)],
    ['a payload length one short of the kind, with the bytes to match', encodeTestEmit({ channel: 0, kind: 1, count: 1, payload: new Uint8Array(smallBytes - 1) })],
    ['a payload length one past the kind, with the bytes to match', encodeTestEmit({ channel: 0, kind: 1, count: 1, payload: new Uint8Array(smallBytes + 1) })],
    ['no payload at all', encodeTestEmit({ channel: 0, kind: 1, count: 1, payload: new Uint8Array() })],
    ['the payload cut short by one byte', good.slice(0, good.length - 1)],
    ['a byte after the payload', Uint8Array.from([...good, 0])],
    ['a payload length of 0xFFFFFFFF, far past the input', withField(good, at.payloadBytes, 0xffffffff)],
    ['count 0', withField(good, at.count, 0)],
    ['a count one past the limit', withField(good, at.count, TEST_EMIT_MAX_COUNT + 1)],
    ['a nonzero Reserved', withField(good, at.reserved, 1, 2)],
  ])('%s: STATUS_INVALID_PARAMETER, the result untouched', (_name, input) => {
    expect(parse(input)).toEqual({ status: STATUS.invalidParameter, untouched: true });
  });

  it('a schema without channels builds (no kinds) and refuses every input', () => {
    expect(parse(encodeTestEmit({ channel: 0, kind: 1, count: 1, payload: new Uint8Array(16) }), noChannelsProgram)).toEqual({ status: STATUS.invalidParameter, untouched: true });
    expect(model('minimal').channels).toEqual([]);
  });

  it('negative control: without the exact-length check, a payload cut short is read past its end, and ASan stops it', () => {
    const result = spawnNative(brokenProgram, [], good.slice(0, good.length - 1));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('heap-buffer-overflow');
  });

  it('the statuses are the ones the header documents', () => {
    expect(hex32(STATUS.invalidParameter)).toBe('C000000D');
    expect(hex32(STATUS.bufferTooSmall)).toBe('C0000023');
  });
});

describe('the state decoder', () => {
  /** A state output as InvertedCallTest.h lays it out. */
  function stateBytes(entries: number, version = 1): Uint8Array {
    const bytes = new Uint8Array(STATE_HEADER_BYTES + entries * STATE_ENTRY_BYTES);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, version, true);
    view.setUint32(4, 3, true);
    view.setUint32(8, entries, true);
    view.setUint32(12, 42, true);
    view.setBigUint64(16, 100n, true);
    view.setBigUint64(24, 5n, true);
    view.setBigUint64(32, 2n, true);
    for (let index = 0; index < entries; index++) {
      const entry = STATE_HEADER_BYTES + index * STATE_ENTRY_BYTES;
      view.setBigUint64(entry, 0x1234n + BigInt(index), true);
      view.setUint32(entry + 8, 10 + index, true);
      view.setUint32(entry + 12, index, true);
      view.setUint32(entry + 16, 4, true);
      view.setUint32(entry + 20, 1, true);
      view.setBigUint64(entry + 24, 9n, true);
      view.setBigUint64(entry + 32, 77n, true);
    }
    return bytes;
  }

  it('reads the header and every entry at the offsets the header declares', () => {
    expect(decodeDriverState(stateBytes(2))).toEqual({
      openFiles: 3,
      callerFileId: 42,
      completions: 100n,
      cancels: 5n,
      parkedNow: 2n,
      subscriptions: [0, 1].map((index) => ({ processId: 0x1234n + BigInt(index), fileId: 10 + index, channel: index, ringFill: 4, parked: 1, dropped: 9n, nextSequence: 77n })),
    });
  });

  it('refuses a short header, another version and entries past the buffer', () => {
    expect(() => decodeDriverState(new Uint8Array(STATE_HEADER_BYTES - 1))).toThrow(/less than a header/);
    expect(() => decodeDriverState(stateBytes(0, 2))).toThrow(/version 2, expected 1/);
    expect(() => decodeDriverState(stateBytes(2).slice(0, STATE_HEADER_BYTES + STATE_ENTRY_BYTES))).toThrow(/2 entries do not fit/);
  });

  it('the sizes are the ones InvertedCallTest.h asserts', () => {
    const header = readFileSync(join(SHARED_DIR, 'InvertedCallTest.h'), 'utf8');
    expect(header).toContain(`sizeof(INVERTED_CALL_TEST_STATE) == ${STATE_HEADER_BYTES}`);
    expect(header).toContain(`sizeof(INVERTED_CALL_TEST_SUBSCRIPTION) == ${STATE_ENTRY_BYTES}`);
    expect(header).toContain('#define INVERTED_CALL_TEST_STATE_FUNCTION 0xFFE');
  });
});

describe('a test build refuses a schema that takes a code the test IOCTLs keep (TestStateCheckSchema)', () => {
  const STATUS_DEVICE_CONFIGURATION_ERROR = 0xc0000182;
  const check = (executable: string, code: number) => {
    const result = spawnNative(executable, [String(code)], new Uint8Array());
    if (result.status !== 0) throw new Error(`test_codes_test exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
    return { status: (JSON.parse(result.stdout) as { status: number }).status, message: result.stderr };
  };
  const conformanceType = model('conformance').deviceType.value;
  const monitorType = model('processMonitor').deviceType.value;

  it.each([
    ['state', 'FFE'],
    ['emit', 'FFC'],
    ['ask', 'FFB'],
  ])('the %s IOCTL\'s code (function 0x%s): STATUS_DEVICE_CONFIGURATION_ERROR and a message naming it', (use, fn) => {
    const code = ctlCode(conformanceType, Number.parseInt(fn, 16), METHOD_BUFFERED, FILE_ANY_ACCESS);
    expect(check(codesPrograms.conformance, code)).toEqual({
      status: STATUS_DEVICE_CONFIGURATION_ERROR,
      message: expect.stringContaining(`keep for their ${use} IOCTL (function 0x${fn})`),
    });
  });

  it('the process IOCTL\'s code only with a process channel; a free code passes', () => {
    const process = (type: number) => ctlCode(type, 0xffd, METHOD_BUFFERED, FILE_ANY_ACCESS);
    expect(check(codesPrograms.processMonitor, process(monitorType)).status).toBe(STATUS_DEVICE_CONFIGURATION_ERROR);
    expect(check(codesPrograms.processMonitor, testEmitIoctlCode(monitorType)).status).toBe(STATUS_DEVICE_CONFIGURATION_ERROR);
    expect(check(codesPrograms.conformance, process(conformanceType))).toEqual({ status: 0, message: '' });
    expect(check(codesPrograms.conformance, ctlCode(conformanceType, 0xffa, METHOD_BUFFERED, FILE_ANY_ACCESS))).toEqual({ status: 0, message: '' });
  });

  it('negative control: without the emit refusal, a schema taking 0xFFC loads', () => {
    expect(check(codesPrograms.broken, testEmitIoctlCode(conformanceType))).toEqual({ status: 0, message: '' });
    expect(check(codesPrograms.broken, stateIoctlCode(conformanceType)).status).toBe(STATUS_DEVICE_CONFIGURATION_ERROR);
  });
});
