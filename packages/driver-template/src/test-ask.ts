/**
 * The test-build ask IOCTL (function 0xFFB, templates/shared/AskTest.h) from the test's side: its
 * code, its input, and its output. The driver asks one question of a verdict as its own kernel code
 * would (a timed wait at PASSIVE_LEVEL on a worker thread) and completes the IOCTL once the question
 * settled, with how it settled and the answer. The layout is checked against AskTest.h by the
 * native test (test/test-ask.test.ts builds templates/shared/test/ask_test.c).
 */
import { FILE_ANY_ACCESS, METHOD_BUFFERED, ctlCode, type DeviceDescriptorV1, type VerdictOutcome } from '@inverted-call/codec';
import { TEST_BUILD_ASK_FUNCTION } from '@inverted-call/schema/ioctl';

export const TEST_ASK_FUNCTION = TEST_BUILD_ASK_FUNCTION;
/** Bytes before the question (INVERTED_CALL_TEST_ASK) and before the answer (INVERTED_CALL_TEST_ASK_RESULT). */
export const TEST_ASK_FIXED_BYTES = 24;
export const TEST_ASK_RESULT_BYTES = 16;
/** Byte offsets of the input's fixed part, for tests that build malformed inputs too. */
export const TEST_ASK_OFFSETS = { verdictIndex: 0, flags: 4, askerProcessId: 8, questionBytes: 16, reserved: 20 } as const;
/** INVERTED_CALL_TEST_ASK_CANNOT_WAIT: ask as code above PASSIVE_LEVEL would (rule V8). */
export const TEST_ASK_CANNOT_WAIT = 0x1;

/** The core's outcome numbers (CORE_VERDICT_OUTCOME_*, Verdict.h), by name. */
const OUTCOMES: Readonly<Record<number, VerdictOutcome>> = { 1: 'answered', 2: 'timedOut', 3: 'defaulted', 4: 'refused' };

/** The IOCTL code: the device's type, function 0xFFB, METHOD_BUFFERED, FILE_ANY_ACCESS. */
export function testAskIoctlCode(deviceType: number): number {
  return ctlCode(deviceType, TEST_ASK_FUNCTION, METHOD_BUFFERED, FILE_ANY_ACCESS);
}

/** One question in the driver's terms. */
export interface TestAsk {
  /** The verdict's index, in schema order. */
  verdictIndex: number;
  /** The question as the verdict's question codec encodes it. */
  question: Uint8Array;
  /** The process the question is raised for (V7); 0n for none. */
  askerProcessId?: bigint;
  /** Ask as code above PASSIVE_LEVEL would: the default at once (V8). */
  cannotWait?: boolean;
}

/** The ask IOCTL's input. Throws, naming the field, for a value the layout cannot carry. */
export function encodeTestAsk(ask: TestAsk): Uint8Array {
  if (!Number.isInteger(ask.verdictIndex) || ask.verdictIndex < 0 || ask.verdictIndex > 0xffff_ffff) throw new RangeError(`test ask input: verdictIndex is ${String(ask.verdictIndex)}; fix: give a verdict index (schema order)`);
  const pid = ask.askerProcessId ?? 0n;
  if (typeof pid !== 'bigint' || pid < 0n || pid > 0xffff_ffff_ffff_ffffn) throw new RangeError(`test ask input: askerProcessId is ${String(pid)}; fix: give a bigint from 0 to 2^64-1`);
  if (!(ask.question instanceof Uint8Array)) throw new TypeError("test ask input: question is not a Uint8Array; fix: pass the bytes the verdict's question codec encodes");
  const bytes = new Uint8Array(TEST_ASK_FIXED_BYTES + ask.question.byteLength);
  const view = new DataView(bytes.buffer);
  view.setUint32(TEST_ASK_OFFSETS.verdictIndex, ask.verdictIndex, true);
  view.setUint32(TEST_ASK_OFFSETS.flags, ask.cannotWait ? TEST_ASK_CANNOT_WAIT : 0, true);
  view.setBigUint64(TEST_ASK_OFFSETS.askerProcessId, pid, true);
  view.setUint32(TEST_ASK_OFFSETS.questionBytes, ask.question.byteLength, true);
  bytes.set(ask.question, TEST_ASK_FIXED_BYTES);
  return bytes;
}

/** What the driver reports for one question. */
export interface TestAskResult {
  outcome: VerdictOutcome;
  /** The question's id; 0n when it settled at once. */
  id: bigint;
  /** The answer's bytes (the decider's, or the default). */
  answer: Uint8Array;
}

/** The ask IOCTL's output. Throws for a short output or an outcome the core does not have. */
export function decodeTestAskResult(bytes: Uint8Array): TestAskResult {
  if (bytes.byteLength < TEST_ASK_RESULT_BYTES) throw new RangeError(`test ask result: ${bytes.byteLength} bytes, fewer than the ${TEST_ASK_RESULT_BYTES} of its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const number = view.getUint32(0, true);
  const outcome = OUTCOMES[number];
  if (!outcome) throw new RangeError(`test ask result: outcome ${number} is none of the core's (1-4)`);
  return { outcome, id: view.getBigUint64(8, true), answer: bytes.slice(TEST_ASK_RESULT_BYTES) };
}

/** The input for one question of a descriptor's verdict (by name), its question encoded by the verdict's codec. */
export function encodeTestAskForVerdict(descriptor: DeviceDescriptorV1, verdictName: string, question: unknown, options: Omit<TestAsk, 'verdictIndex' | 'question'> = {}): Uint8Array {
  const names = Object.keys(descriptor.verdicts);
  const verdictIndex = names.indexOf(verdictName);
  if (verdictIndex < 0) throw new RangeError(`test ask: ${descriptor.name} has no verdict ${JSON.stringify(verdictName)}; fix: use one of ${names.join(', ') || '(none)'}`);
  return encodeTestAsk({ verdictIndex, question: descriptor.verdicts[verdictName]!.question.encode(question), ...options });
}

/** Output bytes an ask IOCTL of this verdict needs: the result header and the answer. */
export function testAskOutputBytes(descriptor: DeviceDescriptorV1, verdictName: string): number {
  const verdict = descriptor.verdicts[verdictName];
  if (!verdict) throw new RangeError(`test ask: ${descriptor.name} has no verdict ${JSON.stringify(verdictName)}`);
  return TEST_ASK_RESULT_BYTES + verdict.answer.size;
}
