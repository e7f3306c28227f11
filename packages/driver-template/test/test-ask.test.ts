// The test-build ask IOCTL's TypeScript side (src/test-ask.ts) against the C that checks its input.
// AskTestInput.c is built natively under ASan with ask_test.c (templates/shared/test), which
// prints AskTest.h's layout from its own declarations and parses inputs against a device table of
// two verdicts whose questions and answers differ in size (test/support/two-verdicts.ts owns the
// sizes and passes them on the command line). Every rule of AskTest.h's "Answers" list is fed what
// the encoder makes and what it never would; two copies of AskTestInput.c, each with one check
// taken out, show the tests catch its loss.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodecError, FILE_ANY_ACCESS, METHOD_BUFFERED, ctlCode, type DeviceDescriptorV1 } from '@inverted-call/codec';
import { STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_PARAMETER, STATUS_SUCCESS } from '@inverted-call/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_ASK_CANNOT_WAIT,
  TEST_ASK_FIXED_BYTES,
  TEST_ASK_FUNCTION,
  TEST_ASK_OFFSETS,
  TEST_ASK_RESULT_BYTES,
  decodeTestAskResult,
  encodeTestAsk,
  encodeTestAskForVerdict,
  testAskIoctlCode,
  testAskOutputBytes,
} from '../src/test-ioctls.js';
import { CORE_DIR, REPO } from './support/native.js';
import { model, renderToTemp } from './support/schemas.js';
import { twoVerdictDevice, verdictSizeArguments } from './support/two-verdicts.js';

const SHARED_DIR = join(REPO, 'templates/shared');
const CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', '-g', '-DINVERTED_CALL_TEST_BUILD'];

/** The checks the negative controls take out: the exact question length, and the output's room. */
const EXACT_LENGTH_CHECK = ' || InputLength - sizeof(INVERTED_CALL_TEST_ASK) != (size_t)fixed.QuestionBytes';
const OUTPUT_ROOM_CHECK = 'if (OutputLength < sizeof(INVERTED_CALL_TEST_ASK_RESULT) + (size_t)verdict->AnswerBytes) {';

const programs = { checked: '', noLengthCheck: '', noOutputCheck: '' };
let dispose: () => void;

function build(output: string, includes: string[], source: string): void {
  const result = spawnSync('gcc', [...CFLAGS, ...includes, source, join(SHARED_DIR, 'test/ask_test.c'), '-o', output], { encoding: 'utf8' });
  if (result.error) throw new Error(`gcc is required (it builds AskTestInput.c natively) but could not be run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`gcc failed (exit ${result.status}):\n${result.stderr}`);
}

/** A copy of AskTestInput.c in `dir` with `check` replaced, or an error if the check is gone. */
function withoutCheck(dir: string, name: string, check: string, replacement: string): string {
  const source = readFileSync(join(SHARED_DIR, 'AskTestInput.c'), 'utf8');
  if (!source.includes(check)) throw new Error(`AskTestInput.c no longer has "${check}": update the negative control`);
  const path = join(dir, `${name}.c`);
  writeFileSync(path, source.replace(check, replacement));
  return path;
}

// The minimal schema supplies DeviceTable.h (DEVICE_TYPE_VALUE and the generated header); the
// verdicts are ask_test's own table, from the command line.
const RENDERED = 'minimal';

beforeAll(() => {
  const rendered = renderToTemp(RENDERED, 'wdm');
  const out = mkdtempSync(join(tmpdir(), 'inverted-call-ask-test-'));
  const includes = [join(CORE_DIR, 'test'), CORE_DIR, SHARED_DIR, rendered.dir].map((dir) => `-I${dir}`);
  programs.checked = join(out, 'ask_test');
  programs.noLengthCheck = join(out, 'ask_test_no_length_check');
  programs.noOutputCheck = join(out, 'ask_test_no_output_check');
  build(programs.checked, includes, join(SHARED_DIR, 'AskTestInput.c'));
  build(programs.noLengthCheck, includes, withoutCheck(out, 'NoLengthCheck', EXACT_LENGTH_CHECK, ''));
  build(programs.noOutputCheck, includes, withoutCheck(out, 'NoOutputCheck', OUTPUT_ROOM_CHECK, 'if ((void)OutputLength, 0) {'));
  dispose = () => {
    rendered.dispose();
    rmSync(out, { recursive: true, force: true });
  };
}, 180_000);

afterAll(() => dispose?.());

interface Parsed {
  status: number;
  untouched?: boolean;
  verdictIndex?: number;
  flags?: number;
  askerProcessId?: string;
  questionBytes?: number;
  reserved?: number;
  answerBytes?: number;
  questionOffset?: number;
  question?: number[];
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function spawnNative(executable: string, args: string[], input: Uint8Array) {
  return spawnSync(executable, args, {
    input: hex(input),
    encoding: 'utf8',
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' },
  });
}

function run(args: string[], input: Uint8Array = new Uint8Array(), executable = programs.checked): Parsed & Record<string, unknown> {
  const result = spawnNative(executable, args, input);
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`ask_test exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as Parsed & Record<string, unknown>;
}

const device = twoVerdictDevice as DeviceDescriptorV1;
const { Open, Connect } = twoVerdictDevice.verdicts;
/** Room for the result and the larger of the two answers. */
const ROOMY_OUTPUT = TEST_ASK_RESULT_BYTES + Math.max(Open.answer.size, Connect.answer.size);

/** AskTestParse of `input` for an output of `outputLength` bytes, against the two-verdict table (or `verdicts`). */
function parse(input: Uint8Array, outputLength = ROOMY_OUTPUT, executable = programs.checked, verdicts = verdictSizeArguments()): Parsed {
  return run([String(outputLength), ...verdicts], input, executable);
}

const openQuestion = { processId: 0x1122_3344_5566_7788n, access: 0x12019f, nameLength: 40, nameHash: 0xfedc_ba98_7654_3210n };
const connectQuestion = { remote: 0xc0a8_0001_0000_01bbn };

/** An encoded input with one u32 field overwritten. */
function withField(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(offset, value, true);
  return copy;
}

describe('the ask encoder and decoder match the layout AskTest.h declares', () => {
  it('the two verdicts differ in question and answer size (what the size rules need)', () => {
    expect(Open.question.size).not.toBe(Connect.question.size);
    expect(Open.answer.size).not.toBe(Connect.answer.size);
    expect(verdictSizeArguments()).toEqual(['24:4', '8:16']);
  });

  it('function, code, both sizes, the flag and every offset of the input', () => {
    const deviceType = model(RENDERED).deviceType.value;
    expect(run(['--layout'])).toMatchObject({
      function: TEST_ASK_FUNCTION,
      code: testAskIoctlCode(deviceType),
      size: TEST_ASK_FIXED_BYTES,
      resultSize: TEST_ASK_RESULT_BYTES,
      cannotWait: TEST_ASK_CANNOT_WAIT,
      flags: TEST_ASK_CANNOT_WAIT,
      offsets: TEST_ASK_OFFSETS,
    });
    expect(testAskIoctlCode(0x9c00)).toBe(ctlCode(0x9c00, 0xffb, METHOD_BUFFERED, FILE_ANY_ACCESS));
  });

  it('the decoder reads a result laid out at the header\'s offsets, with the core\'s outcome numbers', () => {
    const layout = run(['--layout']) as unknown as { resultOffsets: { outcome: number; reserved: number; id: number }; outcomes: Record<string, number> };
    expect(Object.keys(layout.outcomes)).toEqual(['answered', 'timedOut', 'defaulted', 'refused']);
    const answer = Connect.answer.encode({ allow: 0, ruleIndex: -3, quietUntil: 0xffff_ffff_ffff_ffffn });
    for (const [name, number] of Object.entries(layout.outcomes)) {
      const bytes = new Uint8Array(TEST_ASK_RESULT_BYTES + answer.byteLength);
      const view = new DataView(bytes.buffer);
      view.setUint32(layout.resultOffsets.outcome, number, true);
      view.setBigUint64(layout.resultOffsets.id, 0x8000_0000_0000_0001n, true);
      bytes.set(answer, TEST_ASK_RESULT_BYTES);
      expect(decodeTestAskResult(bytes), name).toEqual({ outcome: name, id: 0x8000_0000_0000_0001n, answer });
    }
  });
});

describe('a good input: STATUS_SUCCESS and the fields as encoded', () => {
  it.each([
    ['Open', 0, openQuestion],
    ['Connect', 1, connectQuestion],
  ] as const)('%s (verdict %i): every field, each question byte, the answer size', (name, index, question) => {
    const verdict = twoVerdictDevice.verdicts[name];
    const input = encodeTestAskForVerdict(device, name, question, { askerProcessId: 0xffff_ffff_ffff_fffen, cannotWait: true });
    expect(parse(input, testAskOutputBytes(device, name))).toEqual({
      status: STATUS_SUCCESS,
      verdictIndex: index,
      flags: TEST_ASK_CANNOT_WAIT,
      askerProcessId: '18446744073709551614',
      questionBytes: verdict.question.size,
      reserved: 0,
      answerBytes: verdict.answer.size,
      questionOffset: TEST_ASK_FIXED_BYTES,
      question: [...(verdict.question as { encode(value: unknown): Uint8Array }).encode(question)],
    });
  });

  it('by default no flags and process 0; an output larger than needed is fine', () => {
    const input = encodeTestAsk({ verdictIndex: 1, question: Connect.question.encode(connectQuestion) });
    expect(input.byteLength).toBe(TEST_ASK_FIXED_BYTES + Connect.question.size);
    expect(parse(input, 4096)).toMatchObject({ status: STATUS_SUCCESS, verdictIndex: 1, flags: 0, askerProcessId: '0', reserved: 0 });
  });

  it('the output size helper gives exactly the room the driver asks for', () => {
    expect(testAskOutputBytes(device, 'Open')).toBe(TEST_ASK_RESULT_BYTES + 4);
    expect(testAskOutputBytes(device, 'Connect')).toBe(TEST_ASK_RESULT_BYTES + 16);
    const input = encodeTestAskForVerdict(device, 'Connect', connectQuestion);
    expect(parse(input, testAskOutputBytes(device, 'Connect')).status).toBe(STATUS_SUCCESS);
    expect(parse(input, testAskOutputBytes(device, 'Connect') - 1)).toEqual({ status: STATUS_BUFFER_TOO_SMALL, untouched: true });
  });
});

describe('bad ask input is refused, the request untouched, without reading past the input', () => {
  const good = encodeTestAskForVerdict(device, 'Open', openQuestion);
  const at = TEST_ASK_OFFSETS;

  it.each([
    ['no input at all', new Uint8Array()],
    ['one byte', new Uint8Array(1)],
    ['the fixed part less one byte', good.slice(0, TEST_ASK_FIXED_BYTES - 1)],
  ])('%s: STATUS_BUFFER_TOO_SMALL', (_name, input) => {
    expect(parse(input)).toEqual({ status: STATUS_BUFFER_TOO_SMALL, untouched: true });
  });

  it.each([
    ['a verdict index one past the table', withField(good, at.verdictIndex, 2)],
    ['a verdict index of 0xFFFFFFFF', withField(good, at.verdictIndex, 0xffffffff)],
    ['an unknown flag (0x2)', withField(good, at.flags, 0x2)],
    ['CANNOT_WAIT with an unknown flag (0x3)', withField(good, at.flags, TEST_ASK_CANNOT_WAIT | 0x2)],
    ['the top flag bit', withField(good, at.flags, 0x8000_0000)],
    ['Reserved 1', withField(good, at.reserved, 1)],
    ['Reserved 0x80000000', withField(good, at.reserved, 0x8000_0000)],
    ["Connect's question sent as Open (QuestionBytes and bytes agree, the size is Connect's)", encodeTestAsk({ verdictIndex: 0, question: Connect.question.encode(connectQuestion) })],
    ["Open's question sent as Connect", encodeTestAsk({ verdictIndex: 1, question: Open.question.encode(openQuestion) })],
    ['QuestionBytes one short of the verdict, the bytes to match', encodeTestAsk({ verdictIndex: 0, question: new Uint8Array(Open.question.size - 1) })],
    ['QuestionBytes one past the verdict, the bytes to match', encodeTestAsk({ verdictIndex: 0, question: new Uint8Array(Open.question.size + 1) })],
    ['no question at all, QuestionBytes 0', encodeTestAsk({ verdictIndex: 0, question: new Uint8Array() })],
    ['QuestionBytes of 0xFFFFFFFF, far past the input', withField(good, at.questionBytes, 0xffffffff)],
    ['the question cut short by one byte', good.slice(0, good.length - 1)],
    ['the fixed part only (the question missing)', good.slice(0, TEST_ASK_FIXED_BYTES)],
    ['a byte after the question', Uint8Array.from([...good, 0])],
  ])('%s: STATUS_INVALID_PARAMETER', (_name, input) => {
    expect(parse(input)).toEqual({ status: STATUS_INVALID_PARAMETER, untouched: true });
  });

  it.each([
    ['no output', 'Open', 0],
    ['the result header only', 'Open', TEST_ASK_RESULT_BYTES],
    ["Open's answer less one byte", 'Open', TEST_ASK_RESULT_BYTES + Open.answer.size - 1],
    ["room for Open's answer, not Connect's", 'Connect', TEST_ASK_RESULT_BYTES + Open.answer.size],
  ] as const)('output too small for the result and the answer (%s): STATUS_BUFFER_TOO_SMALL', (_name, verdictName, outputLength) => {
    const input = encodeTestAskForVerdict(device, verdictName, verdictName === 'Open' ? openQuestion : connectQuestion);
    expect(parse(input, outputLength)).toEqual({ status: STATUS_BUFFER_TOO_SMALL, untouched: true });
  });

  it('a device without verdicts refuses every ask', () => {
    expect(parse(good, ROOMY_OUTPUT, programs.checked, [])).toEqual({ status: STATUS_INVALID_PARAMETER, untouched: true });
    expect(parse(encodeTestAsk({ verdictIndex: 0, question: new Uint8Array(8) }), ROOMY_OUTPUT, programs.checked, [])).toEqual({ status: STATUS_INVALID_PARAMETER, untouched: true });
  });

  it('negative control: without the exact-length check, a question cut short is read past its end (ASan stops it) and a trailing byte passes', () => {
    const result = spawnNative(programs.noLengthCheck, [String(ROOMY_OUTPUT), ...verdictSizeArguments()], good.slice(0, good.length - 1));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('heap-buffer-overflow');
    expect(parse(Uint8Array.from([...good, 0]), ROOMY_OUTPUT, programs.noLengthCheck).status).toBe(STATUS_SUCCESS);
    expect(parse(good, ROOMY_OUTPUT, programs.noLengthCheck).status).toBe(STATUS_SUCCESS);
  });

  it('negative control: without the output check, an output with no room for the answer passes', () => {
    expect(parse(good, TEST_ASK_RESULT_BYTES, programs.noOutputCheck).status).toBe(STATUS_SUCCESS);
    expect(parse(withField(good, at.reserved, 1), TEST_ASK_RESULT_BYTES, programs.noOutputCheck).status).toBe(STATUS_INVALID_PARAMETER);
  });
});

describe('the encoders and the decoder refuse what they cannot carry, naming the field and the fix', () => {
  const question = new Uint8Array(8);

  it.each([
    ['a negative verdict index', { verdictIndex: -1, question }, /verdictIndex is -1; fix: give a verdict index/],
    ['a fractional verdict index', { verdictIndex: 1.5, question }, /verdictIndex is 1\.5/],
    ['a verdict index past 32 bits', { verdictIndex: 2 ** 32, question }, /verdictIndex is 4294967296/],
    ['a negative process id', { verdictIndex: 0, question, askerProcessId: -1n }, /askerProcessId is -1; fix: give a bigint from 0 to 2\^64-1/],
    ['a process id past 64 bits', { verdictIndex: 0, question, askerProcessId: 2n ** 64n }, /askerProcessId is 18446744073709551616/],
    ['a process id as a number', { verdictIndex: 0, question, askerProcessId: 5 as unknown as bigint }, /askerProcessId is 5; fix: give a bigint/],
    ['a question that is not bytes', { verdictIndex: 0, question: [1, 2] as unknown as Uint8Array }, /question is not a Uint8Array; fix: pass the bytes/],
  ])('encodeTestAsk: %s', (_name, ask, message) => {
    expect(() => encodeTestAsk(ask)).toThrow(message);
  });

  it('encodeTestAskForVerdict: a verdict name the device lacks lists the ones it has; a device with none says so', () => {
    expect(() => encodeTestAskForVerdict(device, 'Close', connectQuestion)).toThrow(/TwoVerdicts has no verdict "Close"; fix: use one of Open, Connect/);
    expect(() => encodeTestAskForVerdict({ ...device, verdicts: {} }, 'Open', openQuestion)).toThrow(/has no verdict "Open"; fix: use one of \(none\)/);
  });

  it("encodeTestAskForVerdict: bad question data is the codec's error, naming the field", () => {
    expect(() => encodeTestAskForVerdict(device, 'Connect', { remote: -1n })).toThrow(CodecError);
    expect(() => encodeTestAskForVerdict(device, 'Connect', { remote: -1n })).toThrow(/remote/);
    expect(() => encodeTestAskForVerdict(device, 'Connect', { remot: 1n })).toThrow(/did you mean "remote"/);
    expect(() => encodeTestAskForVerdict(device, 'Open', connectQuestion)).toThrow(/OpenQuestion has no field "remote"/);
  });

  it('encodeTestAskForVerdict passes the options through', () => {
    expect(parse(encodeTestAskForVerdict(device, 'Open', openQuestion, { askerProcessId: 4n }), ROOMY_OUTPUT)).toMatchObject({ status: STATUS_SUCCESS, flags: 0, askerProcessId: '4' });
  });

  it('testAskOutputBytes: a verdict name the device lacks', () => {
    expect(() => testAskOutputBytes(device, 'Close')).toThrow(/TwoVerdicts has no verdict "Close"/);
  });

  it('decodeTestAskResult: a result shorter than its header, and outcomes the core does not have', () => {
    expect(() => decodeTestAskResult(new Uint8Array(TEST_ASK_RESULT_BYTES - 1))).toThrow(/15 bytes, fewer than the 16 of its header/);
    for (const outcome of [0, 5, 0xffffffff]) {
      const bytes = new Uint8Array(TEST_ASK_RESULT_BYTES);
      new DataView(bytes.buffer).setUint32(0, outcome, true);
      expect(() => decodeTestAskResult(bytes), String(outcome)).toThrow(new RegExp(`outcome ${outcome} is none of the core's \\(1-4\\)`));
    }
  });

  it('decodeTestAskResult: a result inside a larger buffer is read from its own start; the answer is a copy', () => {
    const buffer = new Uint8Array(8 + TEST_ASK_RESULT_BYTES + 4).fill(0xee);
    const result = buffer.subarray(8);
    const view = new DataView(result.buffer, result.byteOffset);
    view.setUint32(0, 3, true);
    view.setBigUint64(8, 0n, true);
    result.set([1, 0, 0, 0], TEST_ASK_RESULT_BYTES);
    const decoded = decodeTestAskResult(result);
    expect(decoded).toEqual({ outcome: 'defaulted', id: 0n, answer: Uint8Array.from([1, 0, 0, 0]) });
    result[TEST_ASK_RESULT_BYTES] = 9;
    expect(decoded.answer[0]).toBe(1);
    expect(Open.answer.decode(decoded.answer)).toEqual({ allow: 1 });
  });
});
