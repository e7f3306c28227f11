/**
 * Decoding one completed subscribe request: a batch header and whole records (protocol v1).
 * Every length and count is checked against the bytes actually returned, so a garbled buffer
 * becomes a ProtocolError, never an out-of-range read, a hang, or a wrong event.
 */
import {
  BATCH_HEADER_BYTES,
  BatchHeaderCodec,
  CodecError,
  PROTOCOL_VERSION,
  RECORD_HEADER_BYTES,
  RecordHeaderCodec,
  recordBytes,
  toDataView,
  type ChannelDescriptorV1,
  type EventKindDescriptorV1,
} from '@inverted-call/codec';
import { ProtocolError } from './errors.js';

/** One record, already shaped as the subscription item it becomes, so nothing is copied twice. */
export interface DecodedRecord {
  type: 'event';
  kind: string;
  data: unknown;
  sequence: bigint;
}

export interface DecodedBatch {
  droppedTotal: bigint;
  /** BatchHeader.Flags, e.g. BATCH_FLAG_RING_EMPTY. */
  flags: number;
  records: DecodedRecord[];
}

/** Event kinds of a channel by id, built once per subscription. */
export function kindsById(channel: ChannelDescriptorV1): Map<number, EventKindDescriptorV1> {
  return new Map(Object.values(channel.events).map((event) => [event.id, event]));
}

export function decodeBatch(bytes: Uint8Array, channel: ChannelDescriptorV1, kinds: ReadonlyMap<number, EventKindDescriptorV1>): DecodedBatch {
  const where = `subscribe ${channel.name}`;
  if (bytes.byteLength < BATCH_HEADER_BYTES) {
    throw new ProtocolError(`${where}: the driver returned ${bytes.byteLength} bytes, less than the ${BATCH_HEADER_BYTES}-byte batch header`);
  }
  const view = toDataView(bytes);
  const header = BatchHeaderCodec.decodeFrom(view, 0);
  if (header.version !== PROTOCOL_VERSION) {
    throw new ProtocolError(`${where}: batch version ${header.version}, expected ${PROTOCOL_VERSION}`);
  }
  if (header.bytesUsed < BATCH_HEADER_BYTES || header.bytesUsed > bytes.byteLength) {
    throw new ProtocolError(`${where}: batch claims ${header.bytesUsed} bytes used, but ${bytes.byteLength} were returned`);
  }
  const records: DecodedRecord[] = [];
  let offset = BATCH_HEADER_BYTES;
  for (let index = 0; index < header.count; index++) {
    if (offset + RECORD_HEADER_BYTES > header.bytesUsed) {
      throw new ProtocolError(`${where}: record ${index} of ${header.count} starts past the ${header.bytesUsed} bytes used`);
    }
    const record = RecordHeaderCodec.decodeFrom(view, offset);
    const kind = kinds.get(record.kind);
    if (!kind) throw new ProtocolError(`${where}: record ${index} has unknown event kind ${record.kind}`);
    if (record.size !== kind.codec.size) {
      throw new ProtocolError(`${where}: record ${index} (${kind.name}) is ${record.size} bytes, the schema says ${kind.codec.size}`);
    }
    const next = offset + recordBytes(record.size);
    if (next > header.bytesUsed) {
      throw new ProtocolError(`${where}: record ${index} (${kind.name}) runs past the ${header.bytesUsed} bytes used`);
    }
    let data: unknown;
    try {
      data = kind.codec.decodeFrom(view, offset + RECORD_HEADER_BYTES, kind.codec.name);
    } catch (error) {
      if (error instanceof CodecError) throw new ProtocolError(`${where}: record ${index} (${kind.name}) does not decode: ${error.message}`, { cause: error });
      throw error;
    }
    records.push({ type: 'event', kind: kind.name, data, sequence: record.sequence });
    offset = next;
  }
  if (offset !== header.bytesUsed) {
    throw new ProtocolError(`${where}: ${header.count} records end at byte ${offset}, but the batch claims ${header.bytesUsed} bytes used`);
  }
  return { droppedTotal: header.droppedTotal, flags: header.flags, records };
}
