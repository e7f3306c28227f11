/**
 * The inverted-call protocol v1 (DESIGN.md section 4): the structures a completed subscribe
 * request and the built-in protocol-information call carry. They are declared here as schema
 * structs so that the same layout engine, the same C emitter and the same static asserts cover
 * them as cover a device's own structs.
 */
import { OVERFLOW_POLICIES, OVERFLOW_POLICY_CODES, SCHEMA_HASH_BYTES } from '@inverted-call/codec';
import type { StructInput } from './input.js';

/** `0 drop-newest, 1 drop-oldest.`: the codes as codec defines them, for the C header's comment. */
const OVERFLOW_CODES_TEXT = `${OVERFLOW_POLICIES.map((policy) => `${OVERFLOW_POLICY_CODES[policy]} ${policy}`).join(', ')}.`;

/** Prefix of the protocol's C identifiers; shared by every generated header, so guarded once. */
export const PROTOCOL_C_PREFIX = 'INVERTED_CALL';

export const PROTOCOL_STRUCTS: Record<string, StructInput> = {
  BatchHeader: {
    description: 'Starts the output buffer of every completed subscribe request.',
    fields: [
      { name: 'Version', type: 'u32', description: 'Protocol version, 1.' },
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
    description: 'Output of the built-in protocol-information call; ChannelCount CHANNEL_INFO entries follow.',
    fields: [
      { name: 'ProtocolVersion', type: 'u32' },
      { name: 'ChannelCount', type: 'u32' },
      { name: 'SchemaHash', type: `u8[${SCHEMA_HASH_BYTES}]`, description: 'SHA-256 of the wire-relevant schema.' },
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
};
