export { CodecError, WireFormatError } from './errors.js';
export * from './scalars.js';
export { checkFields, defineStruct, toDataView, type StructCodec, type StructCodecParts, type CodecValue } from './struct.js';
export * from './descriptor.js';
export {
  PROTOCOL_VERSION,
  RECORD_ALIGNMENT,
  BATCH_HEADER_BYTES,
  RECORD_HEADER_BYTES,
  PROTOCOL_INFO_BYTES,
  CHANNEL_INFO_BYTES,
  VERDICT_INFO_BYTES,
  VERDICT_COUNTERS,
  SCHEMA_HASH_BYTES,
  BATCH_FLAG_RING_EMPTY,
  BatchHeaderCodec,
  RecordHeaderCodec,
  ProtocolInfoCodec,
  ChannelInfoCodec,
  VerdictInfoCodec,
  recordBytes,
  type BatchHeader,
  type RecordHeader,
  type ProtocolInfo,
  type ChannelInfo,
  type VerdictInfo,
} from './protocol.js';
export {
  OVERFLOW_POLICY_CODES,
  OVERFLOW_POLICIES,
  isOverflowPolicy,
  describeOverflowPolicies,
  encodeOverflowPolicy,
  decodeOverflowPolicy,
  type OverflowPolicy,
} from './overflow-policy.js';
export {
  CTL_CODE_PARTS,
  FILE_ANY_ACCESS,
  FILE_READ_ACCESS,
  FILE_WRITE_ACCESS,
  METHOD_BUFFERED,
  ctlCode,
  splitCtlCode,
  requiredAccessOfCode,
  type CtlCodeParts,
} from './ctl-code.js';
export { BatchReader, batchByteLength, writeBatch, type WireRecord } from './batch.js';
export {
  channelInfoOffset,
  decodeProtocolInfo,
  freshVerdictInfo,
  protocolInfoByteLength,
  schemaHashBytes,
  schemaHashHex,
  verdictInfoOffset,
  writeProtocolInfo,
  type DecodedProtocolInfo,
} from './protocol-info.js';
export {
  VERDICT_QUESTION_HEADER_BYTES,
  VERDICT_REPLY_HEADER_BYTES,
  decodeVerdictQuestion,
  decodeVerdictReply,
  encodeVerdictQuestion,
  encodeVerdictReply,
  type VerdictOutcome,
  type VerdictQuestion,
  type VerdictReply,
} from './verdict-wire.js';
