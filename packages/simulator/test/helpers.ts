/**
 * Shared test fixtures: the conformance device, a decoder for batches written independently of
 * the simulator's encoder (so a bug in one is not mirrored in the other), and a small device
 * whose event struct is not a multiple of 8 bytes, to see record alignment padding.
 */
import { defineDevice, defineStruct, type StructCodec } from '@inverted-call/codec';
import { DriverModel } from '../src/driver-model.js';
import {
  IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS,
  SmallCodec,
  conformanceDevice,
  type Small,
} from '@inverted-call/conformance-device';

export { conformanceDevice as device };
export * from '@inverted-call/conformance-device';

export const READ = 1;
export const WRITE = 2;
export const READ_WRITE = 3;

export interface DecodedRecord {
  sequence: bigint;
  kind: number;
  reserved: number;
  size: number;
  offset: number;
  payload: Uint8Array;
}

export interface DecodedBatch {
  version: number;
  count: number;
  bytesUsed: number;
  flags: number;
  droppedTotal: bigint;
  records: DecodedRecord[];
}

/** Reads a batch with plain DataView calls, following DESIGN.md section 4 literally. */
export function decodeBatch(bytes: Uint8Array): DecodedBatch {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const batch: DecodedBatch = {
    version: view.getUint32(0, true),
    count: view.getUint32(4, true),
    bytesUsed: view.getUint32(8, true),
    flags: view.getUint32(12, true),
    droppedTotal: view.getBigUint64(16, true),
    records: [],
  };
  let offset = 24;
  for (let index = 0; index < batch.count; index++) {
    const size = view.getUint32(offset + 12, true);
    batch.records.push({
      sequence: view.getBigUint64(offset, true),
      kind: view.getUint16(offset + 8, true),
      reserved: view.getUint16(offset + 10, true),
      size,
      offset,
      payload: bytes.slice(offset + 16, offset + 16 + size),
    });
    offset += Math.ceil((16 + size) / 8) * 8;
  }
  return batch;
}

/** Sequence numbers and tags of a batch of Small events, the usual thing to assert. */
export function smallTags(bytes: Uint8Array): Array<[sequence: bigint, tag: bigint]> {
  return decodeBatch(bytes).records.map((record) => [record.sequence, SmallCodec.decode(record.payload).tag]);
}

export function small(tag: number, value = 0, flag = false): Small {
  return { tag: BigInt(tag), value, flag };
}

export function smallBytes(tag: number, value = 0, flag = false): Uint8Array {
  return SmallCodec.encode(small(tag, value, flag));
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  return Uint8Array.from({ length: clean.length / 2 }, (_, index) => parseInt(clean.slice(index * 2, index * 2 + 2), 16));
}

/** A model of the conformance device with an easy way to send subscribe requests. */
export function conformanceModel() {
  const model = new DriverModel(conformanceDevice);
  let nextRequestId = 1;
  const send = (handleId: number, code: number, outputLength: number, input: Uint8Array | null = null) => {
    const requestId = nextRequestId++;
    return { requestId, result: model.submit({ requestId, handleId, code, input, outputLength }) };
  };
  const subscribeEvents = (handleId: number, outputLength = 512) => send(handleId, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, outputLength);
  const emitSmall = (channel: 'Events' | 'Latest', tag: number) => model.emit(channel, 1, smallBytes(tag));
  return { model, send, subscribeEvents, emitSmall };
}

/** A 5-byte event struct: its records need 3 bytes of padding to the next 8-byte boundary. */
export interface Tiny {
  code: number;
  level: number;
}

export const TinyCodec: StructCodec<Tiny> = defineStruct<Tiny>({
  name: 'Tiny',
  size: 5,
  alignment: 1,
  encodeInto(view, offset, value) {
    view.setUint32(offset, value.code, true);
    view.setUint8(offset + 4, value.level);
  },
  decodeFrom(view, offset) {
    return { code: view.getUint32(offset, true), level: view.getUint8(offset + 4) };
  },
});

export const IOCTL_TINY_SUBSCRIBE = 0x80006400;

export const tinyDevice = defineDevice({
  specificationVersion: 'v1',
  protocolVersion: 2,
  name: 'TinyDevice',
  devicePath: '\\\\.\\TinyDevice',
  deviceType: 0x8000,
  schemaHash: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
  protocolInfoCode: 0x80003ffc,
  limits: { maxSubscriptions: 256, maxParkedPerHandle: 64, maxRingBytes: 64 * 1024 * 1024 },
  calls: {},
  channels: {
    Ticks: {
      name: 'Ticks',
      code: IOCTL_TINY_SUBSCRIBE,
      method: 'buffered',
      requiredAccess: 1,
      capacity: 4,
      overflow: 'drop-newest',
      batchBytes: 128,
      maxRecordBytes: 24,
      minimumOutputBytes: 48,
      events: { Tick: { name: 'Tick', id: 7, codec: TinyCodec, recordBytes: 24 } },
    },
  },
  verdicts: {},
});
