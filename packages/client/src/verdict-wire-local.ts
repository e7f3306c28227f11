/**
 * LOCAL STAND-IN, TO BE REPLACED AT MERGE. The verdict descriptor and the verdict wire helpers
 * belong to @inverted-call/codec (issue 15, part H5). Until that lands, the client codes against
 * this copy of the names the design fixes (verdicts-design.md, "TypeScript shapes"); at merge the
 * lead deletes this file and imports the same names from '@inverted-call/codec'.
 */
import { CodecError, toDataView, type DeviceDescriptorV1, type RequiredAccess, type StructCodec } from '@inverted-call/codec';

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

/** A descriptor that may carry verdicts: every descriptor once codec's DeviceDescriptorV1 has them. */
export type DeviceDescriptorWithVerdicts = DeviceDescriptorV1 & {
  readonly verdicts?: Readonly<Record<string, VerdictDescriptorV1<any, any>>>;
};

export type VerdictOutcome = 'answered' | 'timedOut' | 'defaulted' | 'refused';

/** VERDICT_QUESTION_HEADER { UINT64 Id; UINT32 RemainingMs; UINT32 Size; } */
export const VERDICT_QUESTION_HEADER_BYTES = 16;
/** VERDICT_REPLY_HEADER { UINT64 Id; } */
export const VERDICT_REPLY_HEADER_BYTES = 8;

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
  if (bytes.byteLength < VERDICT_QUESTION_HEADER_BYTES) {
    throw new CodecError('VERDICT_QUESTION_HEADER', `needs ${VERDICT_QUESTION_HEADER_BYTES} bytes, the completion holds ${bytes.byteLength}`);
  }
  const view = toDataView(bytes);
  const size = view.getUint32(12, true);
  if (bytes.byteLength < VERDICT_QUESTION_HEADER_BYTES + size) {
    throw new CodecError('VERDICT_QUESTION_HEADER.Size', `says ${size} question bytes, the completion holds ${bytes.byteLength - VERDICT_QUESTION_HEADER_BYTES}`);
  }
  return {
    id: view.getBigUint64(0, true),
    remainingMs: view.getUint32(8, true),
    question: bytes.subarray(VERDICT_QUESTION_HEADER_BYTES, VERDICT_QUESTION_HEADER_BYTES + size),
  };
}

export function encodeVerdictReply(id: bigint, answer: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(VERDICT_REPLY_HEADER_BYTES + answer.byteLength);
  new DataView(bytes.buffer).setBigUint64(0, id, true);
  bytes.set(answer, VERDICT_REPLY_HEADER_BYTES);
  return bytes;
}

export function decodeVerdictReply(bytes: Uint8Array): { id: bigint; answer: Uint8Array } {
  if (bytes.byteLength < VERDICT_REPLY_HEADER_BYTES) {
    throw new CodecError('VERDICT_REPLY_HEADER', `needs ${VERDICT_REPLY_HEADER_BYTES} bytes, the input holds ${bytes.byteLength}`);
  }
  return { id: toDataView(bytes).getBigUint64(0, true), answer: bytes.subarray(VERDICT_REPLY_HEADER_BYTES) };
}
