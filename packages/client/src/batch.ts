/**
 * Decoding one completed subscribe request: a batch header and whole records (protocol v1).
 * Every length and count is checked against the bytes actually returned, so a garbled buffer
 * becomes a ProtocolError, never an out-of-range read, a hang, or a wrong event.
 */
import {
  BATCH_HEADER_BYTES,
  CodecError,
  PROTOCOL_VERSION,
  RECORD_HEADER_BYTES,
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
  return decodeCheckedBatch(bytes, channel, kinds).batch;
}

/** A decoded batch, and whether each record's sequence is one more than the one before it. */
export interface CheckedBatch {
  batch: DecodedBatch;
  /**
   * True when no record's sequence skips or repeats within the batch, so a stream has to compare
   * only the first with its cursor. Found on the bytes as two 32-bit halves per record: comparing
   * the bigints instead would make a bigint per record, which costs as much as a small event's fields.
   */
  consecutive: boolean;
}

export function decodeCheckedBatch(bytes: Uint8Array, channel: ChannelDescriptorV1, kinds: ReadonlyMap<number, EventKindDescriptorV1>): CheckedBatch {
  const where = `subscribe ${channel.name}`;
  if (bytes.byteLength < BATCH_HEADER_BYTES) {
    throw new ProtocolError(`${where}: the driver returned ${bytes.byteLength} bytes, less than the ${BATCH_HEADER_BYTES}-byte batch header`);
  }
  const view = toDataView(bytes);
  // Headers are read field by field, in place (the layouts of BatchHeaderCodec and RecordHeaderCodec):
  // this loop runs once per event, and an object per record header would cost as much as a small event.
  const version = view.getUint32(0, true);
  const count = view.getUint32(4, true);
  const bytesUsed = view.getUint32(8, true);
  if (version !== PROTOCOL_VERSION) {
    throw new ProtocolError(`${where}: batch version ${version}, expected ${PROTOCOL_VERSION}`);
  }
  if (bytesUsed < BATCH_HEADER_BYTES || bytesUsed > bytes.byteLength) {
    throw new ProtocolError(`${where}: batch claims ${bytesUsed} bytes used, but ${bytes.byteLength} were returned`);
  }
  const records: DecodedRecord[] = [];
  let offset = BATCH_HEADER_BYTES;
  // A batch mostly holds one kind of event: the kind, its codec and the bytes its records take are
  // looked up again only when the id changes.
  let kindId = -1;
  let kind!: EventKindDescriptorV1;
  let codec!: EventKindDescriptorV1['codec'];
  let stride = 0;
  let consecutive = true;
  let nextLow = 0;
  let nextHigh = 0;
  for (let index = 0; index < count; index++) {
    if (offset + RECORD_HEADER_BYTES > bytesUsed) {
      throw new ProtocolError(`${where}: record ${index} of ${count} starts past the ${bytesUsed} bytes used`);
    }
    const id = view.getUint16(offset + 8, true);
    if (id !== kindId) {
      const found = kinds.get(id);
      if (!found) throw new ProtocolError(`${where}: record ${index} has unknown event kind ${id}`);
      kind = found;
      kindId = id;
      codec = found.codec;
      stride = recordBytes(codec.size);
    }
    const size = view.getUint32(offset + 12, true);
    if (size !== codec.size) {
      throw new ProtocolError(`${where}: record ${index} (${kind.name}) is ${size} bytes, the schema says ${codec.size}`);
    }
    const next = offset + stride;
    if (next > bytesUsed) {
      throw new ProtocolError(`${where}: record ${index} (${kind.name}) runs past the ${bytesUsed} bytes used`);
    }
    let data: unknown;
    try {
      data = codec.decodeFrom(view, offset + RECORD_HEADER_BYTES, codec.name);
    } catch (error) {
      if (error instanceof CodecError) throw new ProtocolError(`${where}: record ${index} (${kind.name}) does not decode: ${error.message}`, { cause: error });
      throw error;
    }
    records.push({ type: 'event', kind: kind.name, data, sequence: view.getBigUint64(offset, true) });
    const low = view.getUint32(offset, true);
    const high = view.getUint32(offset + 4, true);
    if (index > 0 && (low !== nextLow || high !== nextHigh)) consecutive = false;
    // After 2^64 - 1 nextHigh is 2^32, which no record matches: nothing follows the last sequence.
    nextLow = (low + 1) >>> 0;
    nextHigh = nextLow === 0 ? high + 1 : high;
    offset = next;
  }
  if (offset !== bytesUsed) {
    throw new ProtocolError(`${where}: ${count} records end at byte ${offset}, but the batch claims ${bytesUsed} bytes used`);
  }
  return { batch: { droppedTotal: view.getBigUint64(16, true), flags: view.getUint32(12, true), records }, consecutive };
}
