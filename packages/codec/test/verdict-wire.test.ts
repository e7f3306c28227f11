import { describe, expect, it } from 'vitest';
import {
  CodecError,
  VERDICT_QUESTION_HEADER_BYTES,
  VERDICT_REPLY_HEADER_BYTES,
  WireFormatError,
  decodeVerdictQuestion,
  decodeVerdictReply,
  encodeVerdictQuestion,
  encodeVerdictReply,
} from '../src/index.js';

const question = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
const answer = Uint8Array.from([1, 0, 0, 0]);

describe('verdict question', () => {
  it('is Id (UINT64), RemainingMs (UINT32), Size (UINT32), then the question struct', () => {
    const bytes = encodeVerdictQuestion(0x0102030405060708n, 150, question);
    expect(VERDICT_QUESTION_HEADER_BYTES).toBe(16);
    expect(bytes.byteLength).toBe(16 + question.byteLength);
    const view = new DataView(bytes.buffer);
    expect([view.getBigUint64(0, true), view.getUint32(8, true), view.getUint32(12, true)]).toEqual([0x0102030405060708n, 150, 12]);
    expect([...bytes.subarray(16)]).toEqual([...question]);
    expect(decodeVerdictQuestion(bytes)).toEqual({ id: 0x0102030405060708n, remainingMs: 150, question });
  });

  it('decodes into a copy the caller owns', () => {
    const bytes = encodeVerdictQuestion(1n, 0, question);
    const decoded = decodeVerdictQuestion(bytes);
    bytes[16] = 99;
    expect(decoded.question[0]).toBe(1);
  });

  it('keeps the largest id', () => {
    const id = (1n << 64n) - 1n;
    expect(decodeVerdictQuestion(encodeVerdictQuestion(id, 0, new Uint8Array(0))).id).toBe(id);
  });

  it('refuses bytes shorter than the header', () => {
    expect(() => decodeVerdictQuestion(new Uint8Array(15))).toThrow(new WireFormatError('a verdict question holds 15 bytes, fewer than its 16-byte header'));
  });

  it('refuses a Size that disagrees with the bytes after the header, either way', () => {
    const bytes = encodeVerdictQuestion(7n, 10, question);
    expect(() => decodeVerdictQuestion(bytes.slice(0, bytes.byteLength - 1))).toThrow(new WireFormatError('a verdict question says Size 12, but 11 bytes follow its header'));
    const longer = new Uint8Array(bytes.byteLength + 8);
    longer.set(bytes);
    expect(() => decodeVerdictQuestion(longer)).toThrow(/says Size 12, but 20 bytes follow/);
  });

  it('refuses id 0, which no driver gives', () => {
    const bytes = encodeVerdictQuestion(1n, 10, question);
    new DataView(bytes.buffer).setBigUint64(0, 0n, true);
    expect(() => decodeVerdictQuestion(bytes)).toThrow(/id 0/);
  });

  it('will not encode a bad id or remaining time', () => {
    expect(() => encodeVerdictQuestion(0n, 1, question)).toThrow(CodecError);
    expect(() => encodeVerdictQuestion(1n << 64n, 1, question)).toThrow(/1n to 18446744073709551615n/);
    expect(() => encodeVerdictQuestion(1 as unknown as bigint, 1, question)).toThrow(CodecError);
    expect(() => encodeVerdictQuestion(1n, -1, question)).toThrow(new CodecError('VerdictQuestion.remainingMs', 'must be an integer from 0 to 4294967295, got number -1'));
    expect(() => encodeVerdictQuestion(1n, 1.5, question)).toThrow(CodecError);
  });
});

describe('verdict reply', () => {
  it('is Id (UINT64), then the answer struct', () => {
    const bytes = encodeVerdictReply(42n, answer);
    expect(VERDICT_REPLY_HEADER_BYTES).toBe(8);
    expect(bytes.byteLength).toBe(12);
    expect(new DataView(bytes.buffer).getBigUint64(0, true)).toBe(42n);
    expect(decodeVerdictReply(bytes)).toEqual({ id: 42n, answer });
    expect(decodeVerdictReply(bytes, 4)).toEqual({ id: 42n, answer });
  });

  it('refuses bytes shorter than the header', () => {
    expect(() => decodeVerdictReply(new Uint8Array(7))).toThrow(new WireFormatError('a verdict reply holds 7 bytes, fewer than its 8-byte header'));
  });

  it('refuses a length other than header + answer when the answer size is given', () => {
    const bytes = encodeVerdictReply(42n, answer);
    expect(() => decodeVerdictReply(bytes, 8)).toThrow(new WireFormatError('a verdict reply holds 12 bytes, but the header and a 8-byte answer take 16'));
    expect(() => decodeVerdictReply(bytes.slice(0, 11), 4)).toThrow(WireFormatError);
  });

  it('hands an unknown id (0 included) back as sent: refusing it is the driver\'s job', () => {
    const bytes = new Uint8Array(12);
    expect(decodeVerdictReply(bytes, 4).id).toBe(0n);
  });

  it('will not encode id 0 or an answer that is not bytes', () => {
    expect(() => encodeVerdictReply(0n, answer)).toThrow(CodecError);
    expect(() => encodeVerdictReply(1n, [1, 0, 0, 0] as unknown as Uint8Array)).toThrow(/must be a Uint8Array/);
  });
});
