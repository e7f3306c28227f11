export { CodecError } from './errors.js';
export * from './scalars.js';
export { defineStruct, toDataView, type StructCodec, type StructCodecParts, type CodecValue } from './struct.js';
export * from './descriptor.js';
export {
  PROTOCOL_VERSION,
  RECORD_ALIGNMENT,
  BATCH_HEADER_BYTES,
  RECORD_HEADER_BYTES,
  PROTOCOL_INFO_BYTES,
  CHANNEL_INFO_BYTES,
  SCHEMA_HASH_BYTES,
  OVERFLOW_POLICY_CODES,
  BATCH_FLAG_RING_EMPTY,
  BatchHeaderCodec,
  RecordHeaderCodec,
  recordBytes,
  type BatchHeader,
  type RecordHeader,
} from './protocol.js';
export { batchByteLength, schemaHashBytes, writeBatch, writeProtocolInfo, type WireChannelInfo, type WireRecord } from './wire.js';
