/**
 * LOCAL STAND-IN, TO BE REPLACED AT MERGE: the verdict shapes and wire helpers that
 * @inverted-call/codec owns (verdicts design, "TypeScript shapes" and "Wire format"). They are
 * written here only so the simulator can be built before the codec has them; when the codec
 * exports them, this file goes and its importers import from '@inverted-call/codec' instead
 * (`verdictsOf` becomes `descriptor.verdicts`).
 */
import type { DeviceDescriptorV1, RequiredAccess, StructCodec } from '@inverted-call/codec';

export interface VerdictDescriptorV1<Question = unknown, Answer = unknown> {
  readonly name: string;
  /** Full IOCTL code of the ask request. */
  readonly askCode: number;
  /** Full IOCTL code of the reply. */
  readonly replyCode: number;
  readonly requiredAccess: RequiredAccess;
  readonly question: StructCodec<Question>;
  readonly answer: StructCodec<Answer>;
  readonly deadlineMs: number;
  readonly maxPending: number;
  /** Decoded, as the codec gives it. */
  readonly defaultAnswer: Answer;
  /** Output bytes an ask request needs: 16 + question.size. */
  readonly minimumOutputBytes: number;
}

export type VerdictOutcome = 'answered' | 'timedOut' | 'defaulted' | 'refused';

/** A descriptor that may carry verdicts (the codec's DeviceDescriptorV1 will have them, `{}` when none). */
export type DeviceDescriptorWithVerdicts = DeviceDescriptorV1 & { readonly verdicts?: Readonly<Record<string, VerdictDescriptorV1<any, any>>> };

/** The descriptor's verdicts, `{}` for a descriptor from before verdicts. */
export function verdictsOf(descriptor: DeviceDescriptorV1): Readonly<Record<string, VerdictDescriptorV1<any, any>>> {
  return (descriptor as DeviceDescriptorWithVerdicts).verdicts ?? {};
}

/** VERDICT_QUESTION_HEADER { UINT64 Id; UINT32 RemainingMs; UINT32 Size; }. */
export const VERDICT_QUESTION_HEADER_BYTES = 16;
/** VERDICT_REPLY_HEADER { UINT64 Id; }. */
export const VERDICT_REPLY_HEADER_BYTES = 8;

/** What an ask request receives: the header, then the question struct. */
export function encodeVerdictQuestion(id: bigint, remainingMs: number, question: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(VERDICT_QUESTION_HEADER_BYTES + question.byteLength);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, id, true);
  view.setUint32(8, remainingMs, true);
  view.setUint32(12, question.byteLength, true);
  bytes.set(question, VERDICT_QUESTION_HEADER_BYTES);
  return bytes;
}

export function decodeVerdictQuestion(bytes: Uint8Array): { id: bigint; remainingMs: number; question: Uint8Array } {
  if (bytes.byteLength < VERDICT_QUESTION_HEADER_BYTES) throw new RangeError(`a verdict question needs at least ${VERDICT_QUESTION_HEADER_BYTES} bytes, got ${bytes.byteLength}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = view.getUint32(12, true);
  if (VERDICT_QUESTION_HEADER_BYTES + size > bytes.byteLength) throw new RangeError(`the verdict question header says ${size} bytes follow, but only ${bytes.byteLength - VERDICT_QUESTION_HEADER_BYTES} do`);
  return { id: view.getBigUint64(0, true), remainingMs: view.getUint32(8, true), question: bytes.slice(VERDICT_QUESTION_HEADER_BYTES, VERDICT_QUESTION_HEADER_BYTES + size) };
}

/** A reply's input: the header, then the answer struct. */
export function encodeVerdictReply(id: bigint, answer: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(VERDICT_REPLY_HEADER_BYTES + answer.byteLength);
  new DataView(bytes.buffer).setBigUint64(0, id, true);
  bytes.set(answer, VERDICT_REPLY_HEADER_BYTES);
  return bytes;
}

export function decodeVerdictReply(bytes: Uint8Array): { id: bigint; answer: Uint8Array } {
  if (bytes.byteLength < VERDICT_REPLY_HEADER_BYTES) throw new RangeError(`a verdict reply needs at least ${VERDICT_REPLY_HEADER_BYTES} bytes, got ${bytes.byteLength}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { id: view.getBigUint64(0, true), answer: bytes.slice(VERDICT_REPLY_HEADER_BYTES) };
}
