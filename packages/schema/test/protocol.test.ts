// The protocol structs are laid out by the schema's engine for the C header, while the codec and
// the constants are written by hand; all three must describe DESIGN.md section 4 exactly.
import {
  BATCH_HEADER_BYTES,
  BatchHeaderCodec,
  CHANNEL_INFO_BYTES,
  ChannelInfoCodec,
  PROTOCOL_INFO_BYTES,
  PROTOCOL_VERSION,
  ProtocolInfoCodec,
  RECORD_ALIGNMENT,
  RECORD_HEADER_BYTES,
  RecordHeaderCodec,
  SCHEMA_HASH_BYTES,
  VERDICT_INFO_BYTES,
  VERDICT_QUESTION_HEADER_BYTES,
  VERDICT_REPLY_HEADER_BYTES,
  VerdictInfoCodec,
  encodeVerdictQuestion,
  encodeVerdictReply,
  recordBytes,
} from '@inverted-call/codec';
import { describe, expect, it } from 'vitest';
import type { StructModel } from '../src/model.js';
import { protocolModel } from '../src/protocol-model.js';
import { formatType } from '../src/types.js';

/** Field name, type and offset of each field, as DESIGN.md section 4 and the protocol call define them. */
const expected: Record<string, { size: number; alignment: number; fields: [string, string, number][] }> = {
  // BATCH_HEADER { UINT32 Version; UINT32 Count; UINT32 BytesUsed; UINT32 Flags; UINT64 DroppedTotal; }
  BatchHeader: {
    size: BATCH_HEADER_BYTES,
    alignment: 8,
    fields: [['Version', 'u32', 0], ['Count', 'u32', 4], ['BytesUsed', 'u32', 8], ['Flags', 'u32', 12], ['DroppedTotal', 'u64', 16]],
  },
  // RECORD_HEADER { UINT64 Sequence; UINT16 Kind; UINT16 Reserved; UINT32 Size; }
  RecordHeader: {
    size: RECORD_HEADER_BYTES,
    alignment: 8,
    fields: [['Sequence', 'u64', 0], ['Kind', 'u16', 8], ['Reserved', 'u16', 10], ['Size', 'u32', 12]],
  },
  // PROTOCOL_INFO v2 { UINT32 Version; UINT32 ChannelCount; UINT8 Hash[32]; UINT32 VerdictCount; UINT32 Reserved; }
  ProtocolInfo: {
    size: PROTOCOL_INFO_BYTES,
    alignment: 4,
    fields: [['ProtocolVersion', 'u32', 0], ['ChannelCount', 'u32', 4], ['SchemaHash', `u8[${SCHEMA_HASH_BYTES}]`, 8], ['VerdictCount', 'u32', 40], ['Reserved', 'u32', 44]],
  },
  ChannelInfo: {
    size: CHANNEL_INFO_BYTES,
    alignment: 4,
    fields: [['Capacity', 'u32', 0], ['OverflowPolicy', 'u32', 4], ['BatchBytes', 'u32', 8], ['MaxRecordBytes', 'u32', 12]],
  },
  VerdictInfo: {
    size: VERDICT_INFO_BYTES,
    alignment: 8,
    fields: [
      ['DeadlineMs', 'u32', 0], ['MaxPending', 'u32', 4], ['QuestionBytes', 'u32', 8], ['AnswerBytes', 'u32', 12],
      ['Asked', 'u64', 16], ['Answered', 'u64', 24], ['TimedOut', 'u64', 32], ['Defaulted', 'u64', 40], ['Refused', 'u64', 48],
    ],
  },
  // VERDICT_QUESTION_HEADER { UINT64 Id; UINT32 RemainingMs; UINT32 Size; }
  VerdictQuestionHeader: {
    size: VERDICT_QUESTION_HEADER_BYTES,
    alignment: 8,
    fields: [['Id', 'u64', 0], ['RemainingMs', 'u32', 8], ['Size', 'u32', 12]],
  },
  // VERDICT_REPLY_HEADER { UINT64 Id; }
  VerdictReplyHeader: {
    size: VERDICT_REPLY_HEADER_BYTES,
    alignment: 8,
    fields: [['Id', 'u64', 0]],
  },
};

function structNamed(name: string): StructModel {
  const struct = protocolModel().find((candidate) => candidate.name === name);
  if (!struct) throw new Error(`protocolModel() has no struct ${name}`);
  return struct;
}

/** Each field read where the schema's layout places it, so a codec writing elsewhere shows up. */
function readFields(struct: StructModel, bytes: Uint8Array): unknown[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return struct.fields.map((field, index) => {
    const offset = struct.layout.x64.offsets[index]!;
    switch (formatType(field.type)) {
      case 'u16': return view.getUint16(offset, true);
      case 'u32': return view.getUint32(offset, true);
      case 'u64': return view.getBigUint64(offset, true);
      case `u8[${SCHEMA_HASH_BYTES}]`: return [...bytes.subarray(offset, offset + SCHEMA_HASH_BYTES)];
      default: throw new Error(`no reader for ${struct.name}.${field.name}`);
    }
  });
}

describe('protocol structs', () => {
  it('are exactly the seven of protocol v2', () => {
    expect(protocolModel().map((struct) => struct.name).sort()).toEqual(Object.keys(expected).sort());
  });

  it('pins the constants to the values of DESIGN.md section 4', () => {
    expect([BATCH_HEADER_BYTES, RECORD_HEADER_BYTES, PROTOCOL_INFO_BYTES, CHANNEL_INFO_BYTES]).toEqual([24, 16, 48, 16]);
    expect([VERDICT_INFO_BYTES, VERDICT_QUESTION_HEADER_BYTES, VERDICT_REPLY_HEADER_BYTES]).toEqual([56, 16, 8]);
    expect(PROTOCOL_VERSION).toBe(2);
    expect(RECORD_ALIGNMENT).toBe(8);
  });

  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: size, alignment and every field offset, on x64 and x86`, () => {
      const struct = structNamed(name);
      expect(struct.fields.map((field) => [field.name, formatType(field.type)])).toEqual(want.fields.map(([field, type]) => [field, type]));
      for (const arch of ['x64', 'x86'] as const) {
        expect(struct.layout[arch]).toEqual({ size: want.size, alignment: want.alignment, offsets: want.fields.map(([, , offset]) => offset) });
      }
    });
  }

  it('agree with the hand-written codecs byte for byte', () => {
    const batch = BatchHeaderCodec.encode({ version: 2, count: 2, bytesUsed: 3, flags: 4, droppedTotal: 5n });
    expect(batch.length).toBe(structNamed('BatchHeader').layout.x64.size);
    expect(readFields(structNamed('BatchHeader'), batch)).toEqual([2, 2, 3, 4, 5n]);
    const record = RecordHeaderCodec.encode({ sequence: 6n, kind: 7, reserved: 8, size: 9 });
    expect(record.length).toBe(structNamed('RecordHeader').layout.x64.size);
    expect(readFields(structNamed('RecordHeader'), record)).toEqual([6n, 7, 8, 9]);
    const hash = Uint8Array.from({ length: SCHEMA_HASH_BYTES }, (_, index) => index + 1);
    const info = ProtocolInfoCodec.encode({ version: 2, channelCount: 2, schemaHash: hash, verdictCount: 3 });
    expect(info.length).toBe(structNamed('ProtocolInfo').layout.x64.size);
    expect(readFields(structNamed('ProtocolInfo'), info)).toEqual([2, 2, [...hash], 3, 0]);
    const verdict = VerdictInfoCodec.encode({ deadlineMs: 1, maxPending: 2, questionBytes: 3, answerBytes: 4, asked: 5n, answered: 6n, timedOut: 7n, defaulted: 8n, refused: 9n });
    expect(verdict.length).toBe(structNamed('VerdictInfo').layout.x64.size);
    expect(readFields(structNamed('VerdictInfo'), verdict)).toEqual([1, 2, 3, 4, 5n, 6n, 7n, 8n, 9n]);
    const question = encodeVerdictQuestion(10n, 11, new Uint8Array(12));
    expect(readFields(structNamed('VerdictQuestionHeader'), question.subarray(0, VERDICT_QUESTION_HEADER_BYTES))).toEqual([10n, 11, 12]);
    const reply = encodeVerdictReply(13n, new Uint8Array(4));
    expect(readFields(structNamed('VerdictReplyHeader'), reply.subarray(0, VERDICT_REPLY_HEADER_BYTES))).toEqual([13n]);
    const channel = ChannelInfoCodec.encode({ capacity: 3, overflow: 'drop-oldest', batchBytes: 4, maxRecordBytes: 5 });
    expect(channel.length).toBe(structNamed('ChannelInfo').layout.x64.size);
    expect(readFields(structNamed('ChannelInfo'), channel)).toEqual([3, 1, 4, 5]);
  });

  it('describe the overflow policy codes as codec defines them', () => {
    const policy = structNamed('ChannelInfo').fields.find((field) => field.name === 'OverflowPolicy');
    expect(policy?.description).toBe('0 drop-newest, 1 drop-oldest.');
  });

  it('record sizes round the header plus payload up to 8 bytes', () => {
    expect(recordBytes(0)).toBe(16);
    expect(recordBytes(1)).toBe(24);
    expect(recordBytes(8)).toBe(24);
    expect(recordBytes(568)).toBe(584);
  });
});
