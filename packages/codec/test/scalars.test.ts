// The checked writers and plain readers that every generated codec is made of. Each writer is
// called the way generated code calls it: (view, offset, value, path, field), and every failure
// must be a CodecError whose path names the field, since that path is all a caller sees.
import { describe, expect, it } from 'vitest';
import {
  CodecError,
  checkArray,
  checkObject,
  defineEnum,
  defineStruct,
  readArray,
  readEnum,
  readGuid,
  readLatin1,
  readUtf16,
  writeBool32,
  writeBool8,
  writeEnum,
  writeGuid,
  writeI16,
  writeI32,
  writeI64,
  writeI8,
  writeLatin1,
  writeU16,
  writeU32,
  writeU64,
  writeU8,
  writeUtf16,
} from '../src/index.js';

const PATH = 'Sample';
const FIELD = 'field';
const FIELD_PATH = 'Sample.field';

/** A scratch view pre-filled with 0xAA so that bytes a writer leaves alone are visible. */
function scratch(bytes = 64): DataView {
  return new DataView(new Uint8Array(bytes).fill(0xaa).buffer);
}

function bytesOf(view: DataView, offset: number, length: number): number[] {
  return [...new Uint8Array(view.buffer, view.byteOffset + offset, length)];
}

/** Runs `action`, and checks it throws a CodecError at `path` whose message contains each of `parts`. */
function expectCodecError(action: () => unknown, path: string, ...parts: (string | RegExp)[]): CodecError {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CodecError);
  const error = thrown as CodecError;
  expect(error.name).toBe('CodecError');
  expect(error.path).toBe(path);
  expect(error.message.startsWith(`${path}: `)).toBe(true);
  for (const part of parts) expect(error.message).toMatch(part);
  return error;
}

type NumberWriter = typeof writeU8;

const INTEGERS: { type: string; write: NumberWriter; read: (view: DataView) => number; min: number; max: number }[] = [
  { type: 'u8', write: writeU8, read: (view) => view.getUint8(0), min: 0, max: 255 },
  { type: 'u16', write: writeU16, read: (view) => view.getUint16(0, true), min: 0, max: 65535 },
  { type: 'u32', write: writeU32, read: (view) => view.getUint32(0, true), min: 0, max: 4294967295 },
  { type: 'i8', write: writeI8, read: (view) => view.getInt8(0), min: -128, max: 127 },
  { type: 'i16', write: writeI16, read: (view) => view.getInt16(0, true), min: -32768, max: 32767 },
  { type: 'i32', write: writeI32, read: (view) => view.getInt32(0, true), min: -2147483648, max: 2147483647 },
];

// Values no 8..32-bit integer writer may accept, each with what the message should call it.
const NOT_AN_INTEGER: [unknown, string][] = [
  [1n, 'bigint 1n'],
  ['1', 'string "1"'],
  [Number.NaN, 'number NaN'],
  [1.5, 'number 1.5'],
  [Number.POSITIVE_INFINITY, 'number Infinity'],
  [null, 'null'],
  [undefined, 'undefined'],
  [true, 'boolean true'],
];

describe('8- to 32-bit integer writers', () => {
  for (const { type, write, read, min, max } of INTEGERS) {
    describe(type, () => {
      it(`accepts both ends of the range (${min} and ${max}) and writes them little-endian`, () => {
        for (const value of [min, max, 0, 1]) {
          const view = scratch();
          write(view, 0, value, PATH, FIELD);
          expect(read(view)).toBe(value);
        }
        const view = scratch();
        write(view, 0, 1, PATH, FIELD);
        const width = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4 }[type]!;
        // Little-endian: the low byte first, the rest of the width zero, and nothing after it touched.
        expect(bytesOf(view, 0, width + 1)).toEqual([1, ...new Array(width - 1).fill(0), 0xaa]);
      });

      it(`rejects ${min - 1} and ${max + 1}, naming the type and its range`, () => {
        expectCodecError(() => write(scratch(), 0, min - 1, PATH, FIELD), FIELD_PATH, `${min - 1} is out of range for ${type} (${min} to ${max})`);
        expectCodecError(() => write(scratch(), 0, max + 1, PATH, FIELD), FIELD_PATH, `${max + 1} is out of range for ${type}`);
      });

      it('rejects values that are not integers, saying what it got', () => {
        for (const [value, described] of NOT_AN_INTEGER) {
          expectCodecError(() => write(scratch(), 0, value, PATH, FIELD), FIELD_PATH, `expected an integer (${type}), got ${described}`);
        }
      });
    });
  }
});

describe('64-bit integer writers', () => {
  const U64_MAX = 2n ** 64n - 1n;
  const I64_MIN = -(2n ** 63n);
  const I64_MAX = 2n ** 63n - 1n;

  it('u64 accepts 0n and 2n**64n-1n', () => {
    const view = scratch();
    writeU64(view, 0, U64_MAX, PATH, FIELD);
    expect(view.getBigUint64(0, true)).toBe(U64_MAX);
    writeU64(view, 8, 0n, PATH, FIELD);
    expect(view.getBigUint64(8, true)).toBe(0n);
    writeU64(view, 16, 0x0102030405060708n, PATH, FIELD);
    expect(bytesOf(view, 16, 8)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('u64 rejects 2n**64n and -1n', () => {
    expectCodecError(() => writeU64(scratch(), 0, 2n ** 64n, PATH, FIELD), FIELD_PATH, /out of range for u64/);
    expectCodecError(() => writeU64(scratch(), 0, -1n, PATH, FIELD), FIELD_PATH, '-1n is out of range for u64');
  });

  it('i64 accepts -(2n**63n) and 2n**63n-1n and rejects one past either end', () => {
    const view = scratch();
    writeI64(view, 0, I64_MIN, PATH, FIELD);
    writeI64(view, 8, I64_MAX, PATH, FIELD);
    expect(view.getBigInt64(0, true)).toBe(I64_MIN);
    expect(view.getBigInt64(8, true)).toBe(I64_MAX);
    expectCodecError(() => writeI64(scratch(), 0, I64_MIN - 1n, PATH, FIELD), FIELD_PATH, /out of range for i64/);
    expectCodecError(() => writeI64(scratch(), 0, I64_MAX + 1n, PATH, FIELD), FIELD_PATH, /out of range for i64/);
  });

  it('u64 and i64 reject a number, even a safe integer, and tell how to write a bigint', () => {
    for (const write of [writeU64, writeI64]) {
      expectCodecError(() => write(scratch(), 0, 42, PATH, FIELD), FIELD_PATH, /expected a bigint \([ui]64\), got number 42; write e\.g\. 42n/);
      for (const value of ['42', Number.NaN, 1.5, null, undefined]) {
        expectCodecError(() => write(scratch(), 0, value, PATH, FIELD), FIELD_PATH, 'expected a bigint');
      }
    }
  });
});

describe('boolean writers', () => {
  it('bool8 writes one byte 0 or 1; bool32 writes a 32-bit 0 or 1', () => {
    const view = scratch();
    writeBool8(view, 0, true, PATH, FIELD);
    writeBool8(view, 1, false, PATH, FIELD);
    writeBool32(view, 4, true, PATH, FIELD);
    writeBool32(view, 8, false, PATH, FIELD);
    expect(bytesOf(view, 0, 13)).toEqual([1, 0, 0xaa, 0xaa, 1, 0, 0, 0, 0, 0, 0, 0, 0xaa]);
  });

  it('rejects 0, 1 and strings: a boolean field takes only true or false', () => {
    for (const write of [writeBool8, writeBool32]) {
      for (const value of [0, 1, 'true', null]) {
        expectCodecError(() => write(scratch(), 0, value, PATH, FIELD), FIELD_PATH, 'expected a boolean');
      }
    }
  });
});

describe('wchar[N] (UTF-16)', () => {
  it('accepts exactly N-1 code units, NUL-terminated, and reads them back', () => {
    const view = scratch();
    writeUtf16(view, 0, 8, 'abcdefg', PATH, FIELD);
    expect(view.getUint16(14, true)).toBe(0);
    expect(readUtf16(view, 0, 8)).toBe('abcdefg');
  });

  it('rejects N code units with a message naming wchar[N] and the limit', () => {
    expectCodecError(() => writeUtf16(scratch(), 0, 8, 'abcdefgh', PATH, FIELD), FIELD_PATH, 'string of 8 UTF-16 code units is too long for wchar[8] (at most 7');
  });

  it('counts UTF-16 code units, not characters: an emoji takes two', () => {
    const view = scratch();
    writeUtf16(view, 0, 3, '😀', PATH, FIELD);
    expect(readUtf16(view, 0, 3)).toBe('😀');
    expectCodecError(() => writeUtf16(scratch(), 0, 3, 'a😀', PATH, FIELD), FIELD_PATH, 'string of 3 UTF-16 code units');
  });

  it('zero-fills the rest of the field so a shorter string leaves no stale text', () => {
    const view = scratch();
    writeUtf16(view, 0, 4, 'ab', PATH, FIELD);
    expect(bytesOf(view, 0, 9)).toEqual([0x61, 0, 0x62, 0, 0, 0, 0, 0, 0xaa]);
  });

  it('rejects an embedded NUL, which C would take for the end of the string', () => {
    expectCodecError(() => writeUtf16(scratch(), 0, 8, 'ab\0cd', PATH, FIELD), FIELD_PATH, 'NUL at index 2');
  });

  it('round-trips lone surrogates, which Windows file names may contain', () => {
    const text = '\uD800x\uDFFF\uDC00\uD83D';
    const view = scratch();
    writeUtf16(view, 0, 8, text, PATH, FIELD);
    expect(view.getUint16(0, true)).toBe(0xd800);
    expect(readUtf16(view, 0, 8)).toBe(text);
  });

  it('reads up to the first NUL, or all N units when there is none', () => {
    const view = scratch();
    [0x41, 0, 0x42].forEach((unit, index) => view.setUint16(index * 2, unit, true));
    expect(readUtf16(view, 0, 3)).toBe('A');
    [0x41, 0x42, 0x43].forEach((unit, index) => view.setUint16(index * 2, unit, true));
    expect(readUtf16(view, 0, 3)).toBe('ABC');
  });

  it('rejects a value that is not a string', () => {
    expectCodecError(() => writeUtf16(scratch(), 0, 8, 42, PATH, FIELD), FIELD_PATH, 'expected a string, got number 42');
  });
});

describe('char[N] (Latin-1)', () => {
  it('accepts exactly N-1 characters from U+0001 to U+00FF and reads them back', () => {
    const text = '\u0001é\u00ff';
    const view = scratch();
    writeLatin1(view, 0, 4, text, PATH, FIELD);
    expect(bytesOf(view, 0, 5)).toEqual([0x01, 0xe9, 0xff, 0, 0xaa]);
    expect(readLatin1(view, 0, 4)).toBe(text);
  });

  it('rejects N characters with a message naming char[N] and the limit', () => {
    expectCodecError(() => writeLatin1(scratch(), 0, 4, 'abcd', PATH, FIELD), FIELD_PATH, 'too long for char[4] (at most 3');
  });

  it('rejects a character above U+00FF, naming it', () => {
    expectCodecError(() => writeLatin1(scratch(), 0, 8, 'aĀ', PATH, FIELD), FIELD_PATH, 'U+0100 at index 1');
    expectCodecError(() => writeLatin1(scratch(), 0, 8, '€', PATH, FIELD), FIELD_PATH, 'U+20AC');
  });

  it('rejects an embedded NUL and a value that is not a string', () => {
    expectCodecError(() => writeLatin1(scratch(), 0, 8, 'a\0', PATH, FIELD), FIELD_PATH, 'NUL at index 1');
    expectCodecError(() => writeLatin1(scratch(), 0, 8, null, PATH, FIELD), FIELD_PATH, 'expected a string, got null');
  });
});

describe('GUID', () => {
  const canonical = '00112233-4455-6677-8899-aabbccddeeff';
  // Windows GUID layout: Data1 (u32), Data2 and Data3 (u16) little-endian, Data4 as 8 bytes in order.
  const windowsBytes = [0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff];

  it('encodes in the byte order of a Windows GUID', () => {
    const view = scratch();
    writeGuid(view, 0, canonical, PATH, FIELD);
    expect(bytesOf(view, 0, 17)).toEqual([...windowsBytes, 0xaa]);
  });

  it('accepts braces and upper case, and decodes to lower case without braces', () => {
    for (const text of [canonical, `{${canonical}}`, canonical.toUpperCase(), `{${canonical.toUpperCase()}}`]) {
      const view = scratch();
      writeGuid(view, 0, text, PATH, FIELD);
      expect(bytesOf(view, 0, 16)).toEqual(windowsBytes);
      expect(readGuid(view, 0)).toBe(canonical);
    }
  });

  it('decodes leading zeros of every group', () => {
    const view = scratch();
    writeGuid(view, 3, '00000001-0002-0003-0004-000000000005', PATH, FIELD);
    expect(readGuid(view, 3)).toBe('00000001-0002-0003-0004-000000000005');
  });

  it('rejects anything else, showing an example of the expected form', () => {
    const garbage: unknown[] = [
      '',
      'not a guid',
      `{${canonical}`, // unbalanced braces
      `${canonical}}`,
      canonical.replace(/-/g, ''),
      canonical.replace('a', 'g'),
      canonical.slice(1),
      ` ${canonical}`,
      `${canonical}\n`,
      42,
      null,
    ];
    for (const value of garbage) {
      expectCodecError(() => writeGuid(scratch(), 0, value, PATH, FIELD), FIELD_PATH, 'expected a GUID string like');
    }
  });
});

describe('enums', () => {
  const Color = defineEnum('Color', 'u16', { Red: 1, Green: 2, Blue: 0xffff });
  const Health = defineEnum('Health', 'i8', { Failed: -1, Ok: 1 });

  it('writes the member value in the underlying type and reads the name back', () => {
    const view = scratch();
    writeEnum(view, 0, Color, 'Blue', PATH, FIELD);
    writeEnum(view, 2, Health, 'Failed', PATH, FIELD);
    expect(bytesOf(view, 0, 4)).toEqual([0xff, 0xff, 0xff, 0xaa]);
    expect(readEnum(Color, view.getUint16(0, true), PATH, FIELD)).toBe('Blue');
    expect(readEnum(Health, view.getInt8(2), PATH, FIELD)).toBe('Failed');
  });

  it('rejects an unknown name, listing the valid names', () => {
    expectCodecError(() => writeEnum(scratch(), 0, Color, 'Purple', PATH, FIELD), FIELD_PATH, '"Red", "Green", "Blue" (enum Color)', 'got string "Purple"');
  });

  it('rejects the raw number and names inherited from Object.prototype', () => {
    for (const value of [1, 'toString', '__proto__', 'constructor', null]) {
      expectCodecError(() => writeEnum(scratch(), 0, Color, value, PATH, FIELD), FIELD_PATH, 'expected one of');
    }
  });

  it('throws CodecError on decode of a raw value that is no member', () => {
    expectCodecError(() => readEnum(Color, 3, PATH, FIELD), FIELD_PATH, 'value 3 is not a member of enum Color');
    expectCodecError(() => readEnum(Health, 0, PATH, FIELD), FIELD_PATH, 'value 0 is not a member of enum Health');
  });
});

describe('arrays and objects', () => {
  it('checkArray passes an array of the exact length through', () => {
    const items = [1, 2, 3];
    expect(checkArray(items, 3, PATH, FIELD)).toBe(items);
  });

  it('checkArray rejects a wrong length and a non-array', () => {
    expectCodecError(() => checkArray([1, 2], 3, PATH, FIELD), FIELD_PATH, 'expected exactly 3 elements, got 2');
    expectCodecError(() => checkArray([1, 2, 3, 4], 3, PATH, FIELD), FIELD_PATH, 'got 4');
    for (const value of [new Uint8Array(3), 'abc', { length: 3 }, null]) {
      expectCodecError(() => checkArray(value as unknown as number[], 3, PATH, FIELD), FIELD_PATH, 'expected an array of 3');
    }
  });

  it('checkObject rejects null, arrays and primitives; the empty field names the struct itself', () => {
    for (const value of [null, undefined, [], 42, 'x']) {
      expectCodecError(() => checkObject(value, PATH, FIELD), FIELD_PATH, 'expected an object');
      expectCodecError(() => checkObject(value, PATH, ''), PATH, 'expected an object');
    }
    const value = { a: 1 };
    expect(checkObject(value, PATH, '')).toBe(value);
  });

  it('readArray reads each element at its stride and passes the index', () => {
    const view = scratch();
    [10, 20, 30].forEach((value, index) => view.setUint16(4 + index * 4, value, true));
    expect(readArray(view, 4, 3, 4, (elementView, offset, index) => elementView.getUint16(offset, true) + index)).toEqual([10, 21, 32]);
  });
});

describe('defineStruct', () => {
  interface Pair {
    id: number;
    name: string;
  }
  // A hand-written struct like the ones the generator emits: u32 id at 0, char[4] name at 4.
  const PairCodec = defineStruct<Pair>({
    name: 'Pair',
    size: 8,
    alignment: 4,
    encodeInto(view, offset, value, path = 'Pair') {
      checkObject(value, path, '');
      writeU32(view, offset, value.id, path, 'id');
      writeLatin1(view, offset + 4, 4, value.name, path, 'name');
    },
    decodeFrom(view, offset) {
      return { id: view.getUint32(offset, true), name: readLatin1(view, offset + 4, 4) };
    },
  });

  it('encodes into a new buffer of exactly size bytes and decodes it back', () => {
    const bytes = PairCodec.encode({ id: 7, name: 'abc' });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([7, 0, 0, 0, 0x61, 0x62, 0x63, 0]);
    expect(PairCodec.decode(bytes)).toEqual({ id: 7, name: 'abc' });
  });

  it('decodes from an ArrayBuffer, a DataView and a Uint8Array that starts inside its buffer', () => {
    const backing = new Uint8Array(20).fill(0xee);
    backing.set(PairCodec.encode({ id: 9, name: 'xy' }), 4);
    expect(PairCodec.decode(backing.buffer, 4)).toEqual({ id: 9, name: 'xy' });
    expect(PairCodec.decode(new DataView(backing.buffer), 4)).toEqual({ id: 9, name: 'xy' });
    // byteOffset 2 + offset 2 = byte 4 of the backing buffer.
    expect(PairCodec.decode(backing.subarray(2), 2)).toEqual({ id: 9, name: 'xy' });
  });

  it('throws CodecError naming the struct for a buffer that is too short or an offset past its end', () => {
    expectCodecError(() => PairCodec.decode(new Uint8Array(7)), 'Pair', 'needs 8 bytes at offset 0, but the buffer holds 7');
    expectCodecError(() => PairCodec.decode(new Uint8Array(8), 1), 'Pair', 'needs 8 bytes at offset 1');
    // A view over the first 7 bytes must not read the 8th, even though the buffer has it.
    expectCodecError(() => PairCodec.decode(new Uint8Array(16).subarray(0, 7)), 'Pair', 'holds 7');
    expectCodecError(() => PairCodec.decode(new Uint8Array(16), -1), 'Pair', 'offset -1');
    expectCodecError(() => PairCodec.decode(new Uint8Array(16), 0.5), 'Pair', 'offset 0.5');
  });

  it('reports a bad field of encode with the struct name in the path', () => {
    expectCodecError(() => PairCodec.encode({ id: -1, name: 'a' }), 'Pair.id', 'out of range for u32');
    expectCodecError(() => PairCodec.encode({ id: 1, name: 'abcd' }), 'Pair.name', 'char[4]');
    expectCodecError(() => PairCodec.encode(null as unknown as Pair), 'Pair', 'expected an object, got null');
  });
});
