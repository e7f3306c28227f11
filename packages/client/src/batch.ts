/**
 * Decoding one completed subscribe request: a batch header and whole records (protocol v1).
 * The codec's BatchReader checks every length and count against the bytes actually returned, and
 * each record is checked against the schema here, so a garbled buffer becomes a ProtocolError,
 * never an out-of-range read, a hang, or a wrong event.
 */
import { BatchReader, CodecError, WireFormatError, recordBytes, type ChannelDescriptorV1, type EventKindDescriptorV1 } from '@inverted-call/codec';
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
  try {
    return decodeRecords(new BatchReader(bytes), where, kinds);
  } catch (error) {
    if (error instanceof WireFormatError) throw new ProtocolError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** The records of a batch whose framing the reader checks; their kinds and sizes are checked against the schema here. */
function decodeRecords(reader: BatchReader, where: string, kinds: ReadonlyMap<number, EventKindDescriptorV1>): CheckedBatch {
  const { view, header, count } = reader;
  const records: DecodedRecord[] = [];
  // A batch mostly holds one kind of event: the kind, its codec and the bytes its records take are
  // looked up again only when the id changes.
  let kindId = -1;
  let kind!: EventKindDescriptorV1;
  let codec!: EventKindDescriptorV1['codec'];
  let stride = 0;
  let consecutive = true;
  let nextLow = 0;
  let nextHigh = 0;
  let offset = reader.firstRecordOffset;
  for (let index = 0; index < count; index++) {
    reader.checkRecordStart(index, offset);
    const id = reader.kindAt(offset);
    if (id !== kindId) {
      const found = kinds.get(id);
      if (!found) throw new ProtocolError(`${where}: record ${index} has unknown event kind ${id}`);
      kind = found;
      kindId = id;
      codec = found.codec;
      stride = recordBytes(codec.size);
    }
    const size = reader.sizeAt(offset);
    if (size !== codec.size) {
      throw new ProtocolError(`${where}: record ${index} (${kind.name}) is ${size} bytes, the schema says ${codec.size}`);
    }
    const next = reader.checkRecordEnd(index, offset, kind.name, stride);
    let data: unknown;
    try {
      data = codec.decodeFrom(view, reader.payloadAt(offset), codec.name);
    } catch (error) {
      if (error instanceof CodecError) throw new ProtocolError(`${where}: record ${index} (${kind.name}) does not decode: ${error.message}`, { cause: error });
      throw error;
    }
    records.push({ type: 'event', kind: kind.name, data, sequence: reader.sequenceAt(offset) });
    const low = reader.sequenceLowAt(offset);
    const high = reader.sequenceHighAt(offset);
    if (index > 0 && (low !== nextLow || high !== nextHigh)) consecutive = false;
    // After 2^64 - 1 nextHigh is 2^32, which no record matches: nothing follows the last sequence.
    nextLow = (low + 1) >>> 0;
    nextHigh = nextLow === 0 ? high + 1 : high;
    offset = next;
  }
  reader.checkRecordsEnd(offset);
  return { batch: { droppedTotal: header.droppedTotal, flags: header.flags, records }, consecutive };
}
