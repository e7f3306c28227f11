/**
 * The inverted-call protocol v2 (DESIGN.md section 4): the structures a completed subscribe
 * request, the verdict IOCTLs and the built-in protocol-information call carry. They are declared here as schema
 * structs so that the same layout engine, the same C emitter and the same static asserts cover
 * them as cover a device's own structs.
 */
import { OVERFLOW_POLICIES, OVERFLOW_POLICY_CODES, PROTOCOL_VERSION, SCHEMA_HASH_BYTES } from '@inverted-call/codec';
import type { StructInput } from './input.js';

/** `0 drop-newest, 1 drop-oldest.`: the codes as codec defines them, for the C header's comment. */
const OVERFLOW_CODES_TEXT = `${OVERFLOW_POLICIES.map((policy) => `${OVERFLOW_POLICY_CODES[policy]} ${policy}`).join(', ')}.`;

/** Prefix of the protocol's C identifiers; shared by every generated header, so guarded once. */
export const PROTOCOL_C_PREFIX = 'INVERTED_CALL';

export const PROTOCOL_STRUCTS: Record<string, StructInput> = {
  BatchHeader: {
    description: 'Starts the output buffer of every completed subscribe request.',
    fields: [
      { name: 'Version', type: 'u32', description: `Protocol version, ${PROTOCOL_VERSION}.` },
      { name: 'Count', type: 'u32', description: 'Records that follow.' },
      { name: 'BytesUsed', type: 'u32', description: 'Bytes of the buffer used, this header included.' },
      { name: 'Flags', type: 'u32', description: 'Bit 0 RING_EMPTY: no event left in the ring once this batch was filled; other bits zero.' },
      { name: 'DroppedTotal', type: 'u64', description: 'Events dropped for this subscription so far.' },
    ],
  },
  RecordHeader: {
    description: 'Starts each record; the event struct of Kind follows, and the next record starts 8-byte aligned.',
    fields: [
      { name: 'Sequence', type: 'u64', description: 'Sequence number the subscription gave this event; a gap is a loss.' },
      { name: 'Kind', type: 'u16', description: 'Event kind id from the schema.' },
      { name: 'Reserved', type: 'u16' },
      { name: 'Size', type: 'u32', description: 'Bytes of the event struct that follows.' },
    ],
  },
  ProtocolInfo: {
    description: 'Output of the built-in protocol-information call; ChannelCount CHANNEL_INFO entries follow, then VerdictCount VERDICT_INFO entries.',
    fields: [
      { name: 'ProtocolVersion', type: 'u32' },
      { name: 'ChannelCount', type: 'u32' },
      { name: 'SchemaHash', type: `u8[${SCHEMA_HASH_BYTES}]`, description: 'SHA-256 of the wire-relevant schema.' },
      { name: 'VerdictCount', type: 'u32' },
      { name: 'Reserved', type: 'u32', description: 'Zero.' },
    ],
  },
  ChannelInfo: {
    description: 'Capacities of one channel, in schema order.',
    fields: [
      { name: 'Capacity', type: 'u32' },
      { name: 'OverflowPolicy', type: 'u32', description: OVERFLOW_CODES_TEXT },
      { name: 'BatchBytes', type: 'u32' },
      { name: 'MaxRecordBytes', type: 'u32' },
    ],
  },
  VerdictInfo: {
    description: 'One verdict, in schema order, after the CHANNEL_INFO entries. Asked = Answered + TimedOut + Defaulted + Refused + unsettled now.',
    fields: [
      { name: 'DeadlineMs', type: 'u32' },
      { name: 'MaxPending', type: 'u32' },
      { name: 'QuestionBytes', type: 'u32', description: 'sizeof the question struct.' },
      { name: 'AnswerBytes', type: 'u32', description: 'sizeof the answer struct.' },
      { name: 'Asked', type: 'u64' },
      { name: 'Answered', type: 'u64' },
      { name: 'TimedOut', type: 'u64' },
      { name: 'Defaulted', type: 'u64' },
      { name: 'Refused', type: 'u64' },
    ],
  },
  VerdictQuestionHeader: {
    description: 'Starts the output of a completed ask request; Size bytes of the question struct follow.',
    fields: [
      { name: 'Id', type: 'u64', description: 'Unique per device, never 0; a reply carries it.' },
      { name: 'RemainingMs', type: 'u32', description: 'Milliseconds left before the deadline at delivery.' },
      { name: 'Size', type: 'u32', description: 'Bytes of the question struct that follows.' },
    ],
  },
  VerdictReplyHeader: {
    description: 'Starts the input of a reply; the answer struct follows.',
    fields: [
      { name: 'Id', type: 'u64', description: 'The id of the question answered.' },
    ],
  },
};
