// The text readers: on Node they decode through Buffer, elsewhere through the portable readers.
// Both must return every stored code unit as it is, up to the first NUL, wherever the field lies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLatin1, readUtf16 } from '../src/index.js';
import { readLatin1Portable, readUtf16Portable } from '../src/text.js';

/** What a C reader sees: the units up to the first NUL, each one a UTF-16 code unit or a Latin-1 character. */
function expected(units: readonly number[], length: number): string {
  let text = '';
  for (let index = 0; index < length && units[index] !== 0; index++) text += String.fromCharCode(units[index]!);
  return text;
}

/** A view of `byteLength` bytes that starts `start` bytes into a larger buffer, so offsets are not all aligned. */
function viewAt(start: number, byteLength: number): DataView {
  return new DataView(new ArrayBuffer(start + byteLength + 7), start, byteLength);
}

// Units that are never NUL, often the ones that tell decoders apart (surrogates, a BOM, Latin-1);
// each test puts a NUL where `nulAt` says, or none, so fields without one come up too.
const unit16 = fc.oneof(fc.constantFrom(0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfeff, 0xfffe, 0xff, 0x41), fc.integer({ min: 1, max: 0xffff }));
const unit8 = fc.oneof(fc.constantFrom(0x80, 0x9f, 0xff, 0x41), fc.integer({ min: 1, max: 0xff }));

describe('wchar[N] readers', () => {
  it('match the C reading for any units, field length and offset, on both sides of the whole-field limit', () => {
    const field = fc.record({ units: fc.array(unit16, { minLength: 1, maxLength: 700 }), start: fc.nat(3), offset: fc.nat(5), nulAt: fc.option(fc.nat(700)) });
    fc.assert(fc.property(field, ({ units, start, offset, nulAt }) => {
      const length = units.length;
      if (nulAt !== null && nulAt < units.length) units[nulAt] = 0;
      const view = viewAt(start, offset + length * 2);
      units.forEach((unit, index) => view.setUint16(offset + index * 2, unit, true));
      const text = expected(units, length);
      expect(readUtf16(view, offset, length)).toBe(text);
      expect(readUtf16Portable(view, offset, length)).toBe(text);
    }));
  });

  it('keep a leading byte-order mark and lone surrogates, which a TextDecoder would change', () => {
    const view = viewAt(0, 16);
    [0xfeff, 0x41, 0xd800, 0x42, 0xdc00].forEach((unit, index) => view.setUint16(index * 2, unit, true));
    expect(readUtf16(view, 0, 8)).toBe('\uFEFFA\uD800B\uDC00');
  });

  it('read the bytes as they are at each call, however often the buffer was read before', () => {
    const view = viewAt(2, 8);
    view.setUint16(0, 0x41, true);
    expect(readUtf16(view, 0, 4)).toBe('A');
    view.setUint16(2, 0x42, true);
    expect(readUtf16(view, 0, 4)).toBe('AB');
    expect(readUtf16(new DataView(view.buffer, 4, 4), 0, 2)).toBe('B');
  });

  it('read a field that runs past the view up to its NUL, and throw a RangeError without one', () => {
    const view = viewAt(1, 6);
    [0x41, 0x42, 0].forEach((unit, index) => view.setUint16(index * 2, unit, true));
    expect(readUtf16(view, 0, 260)).toBe('AB');
    view.setUint16(4, 0x43, true);
    expect(() => readUtf16(view, 0, 260)).toThrow(RangeError);
  });
});

describe('char[N] readers', () => {
  it('match the C reading for any bytes, field length and offset, on both sides of the whole-field limit', () => {
    const field = fc.record({ bytes: fc.array(unit8, { minLength: 1, maxLength: 1400 }), start: fc.nat(3), offset: fc.nat(5), nulAt: fc.option(fc.nat(1400)) });
    fc.assert(fc.property(field, ({ bytes, start, offset, nulAt }) => {
      const length = bytes.length;
      if (nulAt !== null && nulAt < bytes.length) bytes[nulAt] = 0;
      const view = viewAt(start, offset + length);
      bytes.forEach((byte, index) => view.setUint8(offset + index, byte));
      const text = expected(bytes, length);
      expect(readLatin1(view, offset, length)).toBe(text);
      expect(readLatin1Portable(view, offset, length)).toBe(text);
    }));
  });

  it('map bytes 0x80 to 0x9F to U+0080 to U+009F, as Latin-1 does (Windows-1252 would not)', () => {
    const view = viewAt(0, 4);
    [0x80, 0x9f, 0xe9].forEach((byte, index) => view.setUint8(index, byte));
    expect(readLatin1(view, 0, 4)).toBe('\u0080\u009F\u00E9');
  });

  it('read a field that runs past the view up to its NUL, and throw a RangeError without one', () => {
    const view = viewAt(1, 3);
    [0x41, 0x42, 0].forEach((byte, index) => view.setUint8(index, byte));
    expect(readLatin1(view, 0, 260)).toBe('AB');
    view.setUint8(2, 0x43);
    expect(() => readLatin1(view, 0, 260)).toThrow(RangeError);
  });
});
