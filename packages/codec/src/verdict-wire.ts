/**
 * The two verdict IOCTLs on the wire (protocol v2, issue 15). A completed ask request holds
 * VERDICT_QUESTION_HEADER { UINT64 Id; UINT32 RemainingMs; UINT32 Size; } and then the question
 * struct; a reply's input is VERDICT_REPLY_HEADER { UINT64 Id; } and then the answer struct. The
 * schema package declares the same headers for the C header; a test checks both agree.
 */
import { CodecError, WireFormatError, describe } from './errors.js';

export const VERDICT_QUESTION_HEADER_BYTES = 16;
export const VERDICT_REPLY_HEADER_BYTES = 8;

/** Byte offsets of VERDICT_QUESTION_HEADER's and VERDICT_REPLY_HEADER's fields. */
const QUESTION_HEADER = { id: 0, remainingMs: 8, size: 12 } as const;
const REPLY_HEADER = { id: 0 } as const;

const U64_MAX = (1n << 64n) - 1n;

/** Outcomes of a question (rule V9): how it settled. */
export type VerdictOutcome = 'answered' | 'timedOut' | 'defaulted' | 'refused';

export interface VerdictQuestion {
  /** The question's id: unique per device, never 0. */
  id: bigint;
  /** Milliseconds left before the deadline when the question was delivered. */
  remainingMs: number;
  /** The question struct's bytes. */
  question: Uint8Array;
}

export interface VerdictReply {
  id: bigint;
  /** The answer struct's bytes. */
  answer: Uint8Array;
}

function checkId(id: bigint, path: string): void {
  if (typeof id !== 'bigint' || id < 1n || id > U64_MAX) {
    throw new CodecError(path, `must be a bigint from 1n to ${U64_MAX}n (0 is never a question id), got ${describe(id)}`);
  }
}

function checkBytes(bytes: Uint8Array, path: string): void {
  if (!(bytes instanceof Uint8Array)) throw new CodecError(path, `must be a Uint8Array, got ${describe(bytes)}`);
}

/** What a driver writes into an ask request's output: the header, then the question struct. */
export function encodeVerdictQuestion(id: bigint, remainingMs: number, question: Uint8Array): Uint8Array {
  checkId(id, 'VerdictQuestion.id');
  if (!Number.isInteger(remainingMs) || remainingMs < 0 || remainingMs > 0xffff_ffff) {
    throw new CodecError('VerdictQuestion.remainingMs', `must be an integer from 0 to 4294967295, got ${describe(remainingMs)}`);
  }
  checkBytes(question, 'VerdictQuestion.question');
  const bytes = new Uint8Array(VERDICT_QUESTION_HEADER_BYTES + question.byteLength);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(QUESTION_HEADER.id, id, true);
  view.setUint32(QUESTION_HEADER.remainingMs, remainingMs, true);
  view.setUint32(QUESTION_HEADER.size, question.byteLength, true);
  bytes.set(question, VERDICT_QUESTION_HEADER_BYTES);
  return bytes;
}

/**
 * Reads a completed ask request's output, which is exactly the header plus Size bytes (the driver
 * completes it with Information = 16 + Size). Throws WireFormatError when the bytes contradict
 * the header. `question` is a copy the caller owns.
 */
export function decodeVerdictQuestion(bytes: Uint8Array): VerdictQuestion {
  if (bytes.byteLength < VERDICT_QUESTION_HEADER_BYTES) {
    throw new WireFormatError(`a verdict question holds ${bytes.byteLength} bytes, fewer than its ${VERDICT_QUESTION_HEADER_BYTES}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = view.getBigUint64(QUESTION_HEADER.id, true);
  const size = view.getUint32(QUESTION_HEADER.size, true);
  if (id === 0n) throw new WireFormatError('a verdict question has id 0, which is never a question id');
  if (VERDICT_QUESTION_HEADER_BYTES + size !== bytes.byteLength) {
    throw new WireFormatError(`a verdict question says Size ${size}, but ${bytes.byteLength - VERDICT_QUESTION_HEADER_BYTES} bytes follow its header`);
  }
  return {
    id,
    remainingMs: view.getUint32(QUESTION_HEADER.remainingMs, true),
    question: bytes.slice(VERDICT_QUESTION_HEADER_BYTES),
  };
}

/** A reply's input: the header, then the answer struct. */
export function encodeVerdictReply(id: bigint, answer: Uint8Array): Uint8Array {
  checkId(id, 'VerdictReply.id');
  checkBytes(answer, 'VerdictReply.answer');
  const bytes = new Uint8Array(VERDICT_REPLY_HEADER_BYTES + answer.byteLength);
  new DataView(bytes.buffer).setBigUint64(REPLY_HEADER.id, id, true);
  bytes.set(answer, VERDICT_REPLY_HEADER_BYTES);
  return bytes;
}

/**
 * Reads a reply's input. With `answerBytes` (the answer struct's size) the length must be exactly
 * header + answer, as the driver requires (else STATUS_INVALID_PARAMETER); without it, everything
 * after the header is the answer. `answer` is a copy. The id is returned as sent, 0 included: an
 * unknown id is the driver's to refuse (STATUS_NOT_FOUND), not a framing error.
 */
export function decodeVerdictReply(bytes: Uint8Array, answerBytes?: number): VerdictReply {
  if (bytes.byteLength < VERDICT_REPLY_HEADER_BYTES) {
    throw new WireFormatError(`a verdict reply holds ${bytes.byteLength} bytes, fewer than its ${VERDICT_REPLY_HEADER_BYTES}-byte header`);
  }
  if (answerBytes !== undefined && bytes.byteLength !== VERDICT_REPLY_HEADER_BYTES + answerBytes) {
    throw new WireFormatError(`a verdict reply holds ${bytes.byteLength} bytes, but the header and a ${answerBytes}-byte answer take ${VERDICT_REPLY_HEADER_BYTES + answerBytes}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { id: view.getBigUint64(REPLY_HEADER.id, true), answer: bytes.slice(VERDICT_REPLY_HEADER_BYTES) };
}
