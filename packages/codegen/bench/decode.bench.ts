// The generated ProcessCreated codec against the DataView code one would write by hand for the
// same struct, over 1,000 records. Compare the ratios within one run: absolute numbers move with
// the machine and its load, the ratio of two benchmarks run side by side much less.
import { bench, describe } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import {
  ImageNameState,
  ProcessCreatedCodec,
  type ProcessCreated,
} from '../../../examples/process-monitor/generated/process-monitor.js';

const RECORDS = 1000;
const SIZE = ProcessCreatedCodec.size;
const IMAGE_NAME_UNITS = 260;
const STATE_NAMES: readonly ProcessCreated['imageNameState'][] = ['Complete', 'Truncated', 'Unavailable'];

/** Hand-written decoder: the offsets of the C struct, the same object as the generated one. */
function decodeByHand(view: DataView, offset: number): ProcessCreated {
  const state = STATE_NAMES[view.getUint8(offset + 42)];
  if (state === undefined) throw new Error(`bad ImageNameState ${view.getUint8(offset + 42)}`);
  let end = 0;
  while (end < IMAGE_NAME_UNITS && view.getUint16(offset + 44 + end * 2, true) !== 0) end++;
  const units = new Array<number>(end);
  for (let index = 0; index < end; index++) units[index] = view.getUint16(offset + 44 + index * 2, true);
  return {
    processId: view.getBigUint64(offset, true),
    parentProcessId: view.getBigUint64(offset + 8, true),
    creatingProcessId: view.getBigUint64(offset + 16, true),
    creatingThreadId: view.getBigUint64(offset + 24, true),
    createTime: view.getBigInt64(offset + 32, true),
    imageNameLength: view.getUint16(offset + 40, true),
    imageNameState: state,
    imageName: String.fromCharCode(...units),
  };
}

/** Hand-written encoder without any checks: the floor the checked generated encoder is measured against. */
function encodeByHand(view: DataView, offset: number, value: ProcessCreated): void {
  view.setBigUint64(offset, value.processId, true);
  view.setBigUint64(offset + 8, value.parentProcessId, true);
  view.setBigUint64(offset + 16, value.creatingProcessId, true);
  view.setBigUint64(offset + 24, value.creatingThreadId, true);
  view.setBigInt64(offset + 32, value.createTime, true);
  view.setUint16(offset + 40, value.imageNameLength, true);
  view.setUint8(offset + 42, ImageNameState.values[value.imageNameState]);
  const name = value.imageName;
  for (let index = 0; index < IMAGE_NAME_UNITS; index++) {
    view.setUint16(offset + 44 + index * 2, index < name.length ? name.charCodeAt(index) : 0, true);
  }
}

// Image names of realistic and varied lengths, a few at the 259-unit limit.
const DIRECTORIES = ['C:\\Windows\\System32\\', 'C:\\Program Files\\Vendor Product\\bin\\', 'D:\\build\\agents\\work\\1\\s\\out\\'];
const records: ProcessCreated[] = Array.from({ length: RECORDS }, (_, index) => {
  const full = `${DIRECTORIES[index % 3]}${'tool'.repeat(index % 70)}${index}.exe`;
  const truncated = full.length > IMAGE_NAME_UNITS - 1;
  return {
    processId: BigInt(4 + index * 4),
    parentProcessId: BigInt(4 + (index >> 1) * 4),
    creatingProcessId: BigInt(4 + (index >> 2) * 4),
    creatingThreadId: BigInt(1000 + index),
    createTime: 133_500_000_000_000_000n + BigInt(index) * 10_000n,
    imageNameLength: full.length,
    imageNameState: truncated ? 'Truncated' : 'Complete',
    imageName: full.slice(0, IMAGE_NAME_UNITS - 1),
  };
});

const bytes = new Uint8Array(RECORDS * SIZE);
const view = new DataView(bytes.buffer);
records.forEach((record, index) => ProcessCreatedCodec.encodeInto(view, index * SIZE, record));

// Both decoders must produce the same objects, or the comparison means nothing.
for (let index = 0; index < RECORDS; index++) {
  const generated = ProcessCreatedCodec.decode(view, index * SIZE);
  if (!isDeepStrictEqual(generated, decodeByHand(view, index * SIZE)) || !isDeepStrictEqual(generated, records[index])) {
    throw new Error(`decoders disagree on record ${index}`);
  }
}

// Keeps results alive so the engine cannot drop the work as dead code.
let sink: unknown;

describe(`decode ${RECORDS} ProcessCreated records (${SIZE} bytes each)`, () => {
  bench('generated ProcessCreatedCodec.decode', () => {
    for (let index = 0; index < RECORDS; index++) sink = ProcessCreatedCodec.decode(view, index * SIZE);
  });
  bench('hand-written DataView decoder', () => {
    for (let index = 0; index < RECORDS; index++) sink = decodeByHand(view, index * SIZE);
  });
});

describe(`encode ${RECORDS} ProcessCreated records`, () => {
  const target = new DataView(new ArrayBuffer(RECORDS * SIZE));
  bench('generated ProcessCreatedCodec.encodeInto (checked)', () => {
    for (let index = 0; index < RECORDS; index++) ProcessCreatedCodec.encodeInto(target, index * SIZE, records[index]!);
    sink = target;
  });
  bench('generated ProcessCreatedCodec.encode (checked, new buffer each)', () => {
    for (let index = 0; index < RECORDS; index++) sink = ProcessCreatedCodec.encode(records[index]!);
  });
  bench('hand-written DataView encoder (unchecked)', () => {
    for (let index = 0; index < RECORDS; index++) encodeByHand(target, index * SIZE, records[index]!);
    sink = target;
  });
});

export { sink };
