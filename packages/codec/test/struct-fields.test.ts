// A key the struct has no field for must fail encoding, at every depth, with the path of the key:
// silently dropping it would send the driver zeros where the caller meant a value. The codecs here
// are written the way the generator writes them (checkObject, checkFields, then one writer per field).
import { describe, expect, it } from 'vitest';
import { CodecError, checkArray, checkFields, checkObject, defineStruct, writeU16, writeU32 } from '../src/index.js';
import { thrown } from './support/thrown.js';

interface Point {
  x: number;
  y: number;
}
interface Job {
  processId: number;
  origin: Point;
  corners: Point[];
}

const PointCodec = defineStruct<Point>({
  name: 'Point',
  size: 4,
  alignment: 2,
  fields: new Set(['x', 'y']),
  encodeInto(view, offset, value, path = 'Point') {
    checkObject(value, path, '');
    checkFields(value, path, PointCodec);
    writeU16(view, offset, value.x, path, 'x');
    writeU16(view, offset + 2, value.y, path, 'y');
  },
  decodeFrom(view, offset) {
    return { x: view.getUint16(offset, true), y: view.getUint16(offset + 2, true) };
  },
});

const JobCodec = defineStruct<Job>({
  name: 'Job',
  size: 16,
  alignment: 4,
  fields: new Set(['processId', 'origin', 'corners']),
  encodeInto(view, offset, value, path = 'Job') {
    checkObject(value, path, '');
    checkFields(value, path, JobCodec);
    writeU32(view, offset, value.processId, path, 'processId');
    PointCodec.encodeInto(view, offset + 4, value.origin, path + '.' + 'origin');
    const items = checkArray(value.corners, 2, path, 'corners');
    for (let index = 0; index < 2; index++) PointCodec.encodeInto(view, offset + 8 + index * 4, items[index]!, path + '.' + 'corners[' + index + ']');
  },
  decodeFrom(view, offset) {
    return {
      processId: view.getUint32(offset, true),
      origin: PointCodec.decodeFrom(view, offset + 4),
      corners: [PointCodec.decodeFrom(view, offset + 8), PointCodec.decodeFrom(view, offset + 12)],
    };
  },
});

const job: Job = { processId: 4, origin: { x: 1, y: 2 }, corners: [{ x: 3, y: 4 }, { x: 5, y: 6 }] };

const codecErrorOf = (action: () => unknown): CodecError => thrown(CodecError, action);

describe('unknown keys', () => {
  it('encodes a value with exactly the struct fields', () => {
    expect(JobCodec.decode(JobCodec.encode(job))).toEqual(job);
  });

  it('refuses an unknown top-level key, naming its path and the fields the struct has', () => {
    const error = codecErrorOf(() => JobCodec.encode({ ...job, priority: 1 } as Job));
    expect(error.path).toBe('Job.priority');
    expect(error.message).toBe('Job.priority: Job has no field "priority"; remove it or use one of processId, origin, corners');
  });

  it('points a misspelt key to the field it misspells, before complaining about the missing field', () => {
    // Without `processId` the writer would report it missing; the typo is the more useful news.
    const { processId, ...rest } = job;
    const error = codecErrorOf(() => JobCodec.encode({ ...rest, procesId: processId } as unknown as Job));
    expect(error.path).toBe('Job.procesId');
    expect(error.message).toBe('Job.procesId: Job has no field "procesId"; did you mean "processId"?');
  });

  it.each([
    ['ProcessId', 'processId'], // the C spelling
    ['processID', 'processId'],
    ['porcessId', 'processId'], // two letters swapped
    ['orgin', 'origin'],
    ['corner', 'corners'],
  ])('takes %s for a typo of %s', (key, field) => {
    expect(codecErrorOf(() => JobCodec.encode({ ...job, [key]: 1 })).message).toContain(`did you mean "${field}"?`);
  });

  it.each(['parent', 'processIdentifier', 'z', 'p'.repeat(100)])('suggests nothing for %s, which is no obvious typo, and lists the fields instead', (key) => {
    expect(codecErrorOf(() => JobCodec.encode({ ...job, [key]: 1 })).message).toContain('use one of processId, origin, corners');
  });

  it('refuses an unknown key in a nested struct, naming the nested path and the nested struct', () => {
    const error = codecErrorOf(() => JobCodec.encode({ ...job, origin: { x: 1, y: 2, z: 3 } as Point }));
    expect(error.path).toBe('Job.origin.z');
    expect(error.message).toBe('Job.origin.z: Point has no field "z"; remove it or use one of x, y');
  });

  it('refuses an unknown key in an array element, naming the element', () => {
    const corners = [{ x: 3, y: 4 }, { x: 5, y: 6, X: 7 }] as Point[];
    const error = codecErrorOf(() => JobCodec.encode({ ...job, corners }));
    expect(error.path).toBe('Job.corners[1].X');
    expect(error.message).toContain('Point has no field "X"; did you mean "x"?');
  });

  it('refuses a key whose value is undefined: the field list is the contract, not the values', () => {
    expect(codecErrorOf(() => PointCodec.encode({ x: 1, y: 2, label: undefined } as Point)).path).toBe('Point.label');
  });

  it('ignores inherited and symbol keys, which a caller does not write as fields', () => {
    const withInherited = Object.assign(Object.create({ inherited: 1 }) as object, { x: 1, y: 2 }) as Point;
    expect([...PointCodec.encode(withInherited)]).toEqual([1, 0, 2, 0]);
    expect([...PointCodec.encode({ x: 1, y: 2, [Symbol('tag')]: 3 } as Point)]).toEqual([1, 0, 2, 0]);
  });

  it('leaves a codec without a field list, written before the check existed, as lenient as it was', () => {
    const LegacyCodec = defineStruct<Point>({
      name: 'Legacy',
      size: 4,
      alignment: 2,
      encodeInto(view, offset, value, path = 'Legacy') {
        checkFields(value, path, LegacyCodec);
        writeU16(view, offset, value.x, path, 'x');
        writeU16(view, offset + 2, value.y, path, 'y');
      },
      decodeFrom: PointCodec.decodeFrom,
    });
    expect([...LegacyCodec.encode({ x: 1, y: 2, z: 3 } as Point)]).toEqual([1, 0, 2, 0]);
  });
});
