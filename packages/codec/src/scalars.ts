/**
 * Checked writers and plain readers of the schema's scalar types, all little-endian. Writers get
 * the path of the value separately from the field name so that the happy path builds no strings.
 */
import { CodecError, describe, fieldPath } from './errors.js';

export { readLatin1, readUtf16 } from './text.js';

type IntegerName = 'u8' | 'u16' | 'u32' | 'i8' | 'i16' | 'i32';

const INTEGER_RANGES: Record<IntegerName, readonly [number, number]> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  i8: [-0x80, 0x7f],
  i16: [-0x8000, 0x7fff],
  i32: [-0x80000000, 0x7fffffff],
};

function checkInteger(value: unknown, type: IntegerName, path: string, field: string): number {
  const [min, max] = INTEGER_RANGES[type];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new CodecError(fieldPath(path, field), `expected an integer (${type}), got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new CodecError(fieldPath(path, field), `${value} is out of range for ${type} (${min} to ${max})`);
  }
  return value;
}

export function writeU8(view: DataView, offset: number, value: unknown, path: string, field: string): void {
  view.setUint8(offset, checkInteger(value, 'u8', path, field));
}
export function writeU16(view: DataView, offset: number, value: unknown, path: string, field: string): void {
  view.setUint16(offset, checkInteger(value, 'u16', path, field), true);
}
export function writeU32(view: DataView, offset: number, value: unknown, path: string, field: string): void {
  view.setUint32(offset, checkInteger(value, 'u32', path, field), true);
}
export function writeI8(view: DataView, offset: number, value: unknown, path: string, field: string): void {
  view.setInt8(offset, checkInteger(value, 'i8', path, field));
}
export function writeI16(view: DataView, offset: number, value: unknown, path: string, field: string): void {
  view.setInt16(offset, checkInteger(value, 'i16', path, field), true);
}
export function writeI32(view: DataView, offset: number, value: unknown, path: string, field: string): void {
  view.setInt32(offset, checkInteger(value, 'i32', path, field), true);
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

export function writeU64(view: DataView, offset: number, value: unknown, path: string, field: string): void {
  if (typeof value !== 'bigint') throw new CodecError(fieldPath(path, field), `expected a bigint (u64), got ${describe(value)}; write e.g. 42n or BigInt(x)`);
  if (value < 0n || value > U64_MAX) throw new CodecError(fieldPath(path, field), `${value}n is out of range for u64 (0 to ${U64_MAX}n)`);
  view.setBigUint64(offset, value, true);
}
export function writeI64(view: DataView, offset: number, value: unknown, path: string, field: string): void {
  if (typeof value !== 'bigint') throw new CodecError(fieldPath(path, field), `expected a bigint (i64), got ${describe(value)}; write e.g. 42n or BigInt(x)`);
  if (value < I64_MIN || value > I64_MAX) throw new CodecError(fieldPath(path, field), `${value}n is out of range for i64 (${I64_MIN}n to ${I64_MAX}n)`);
  view.setBigInt64(offset, value, true);
}

/** BOOLEAN: one byte, 0 or 1. */
export function writeBool8(view: DataView, offset: number, value: unknown, path: string, field: string): void {
  if (typeof value !== 'boolean') throw new CodecError(fieldPath(path, field), `expected a boolean, got ${describe(value)}`);
  view.setUint8(offset, value ? 1 : 0);
}
/** BOOL: a 32-bit int, 0 or 1. */
export function writeBool32(view: DataView, offset: number, value: unknown, path: string, field: string): void {
  if (typeof value !== 'boolean') throw new CodecError(fieldPath(path, field), `expected a boolean, got ${describe(value)}`);
  view.setInt32(offset, value ? 1 : 0, true);
}

/** wchar[length]: UTF-16LE, NUL-terminated, so at most length - 1 code units of text. */
export function writeUtf16(view: DataView, offset: number, length: number, value: unknown, path: string, field: string): void {
  if (typeof value !== 'string') throw new CodecError(fieldPath(path, field), `expected a string, got ${describe(value)}`);
  if (value.length > length - 1) {
    throw new CodecError(fieldPath(path, field), `string of ${value.length} UTF-16 code units is too long for wchar[${length}] (at most ${length - 1}; one is kept for the terminating NUL)`);
  }
  for (let index = 0; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    if (unit === 0) throw new CodecError(fieldPath(path, field), `string contains NUL at index ${index}; C would end the string there`);
    view.setUint16(offset + index * 2, unit, true);
  }
  for (let index = value.length; index < length; index++) view.setUint16(offset + index * 2, 0, true);
}

/** char[length]: one byte per character (Latin-1), NUL-terminated. */
export function writeLatin1(view: DataView, offset: number, length: number, value: unknown, path: string, field: string): void {
  if (typeof value !== 'string') throw new CodecError(fieldPath(path, field), `expected a string, got ${describe(value)}`);
  if (value.length > length - 1) {
    throw new CodecError(fieldPath(path, field), `string of ${value.length} characters is too long for char[${length}] (at most ${length - 1}; one is kept for the terminating NUL)`);
  }
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code === 0) throw new CodecError(fieldPath(path, field), `string contains NUL at index ${index}; C would end the string there`);
    if (code > 0xff) throw new CodecError(fieldPath(path, field), `character U+${code.toString(16).toUpperCase().padStart(4, '0')} at index ${index} does not fit char[] (Latin-1 only); use wchar[N] for other text`);
    view.setUint8(offset + index, code);
  }
  for (let index = value.length; index < length; index++) view.setUint8(offset + index, 0);
}

const GUID_PATTERN = /^\{?([0-9a-fA-F]{8})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{12})\}?$/;

/** GUID as text `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (braces and upper case accepted). */
export function writeGuid(view: DataView, offset: number, value: unknown, path: string, field: string): void {
  const match = typeof value === 'string' ? GUID_PATTERN.exec(value) : null;
  if (!match || (value as string).startsWith('{') !== (value as string).endsWith('}')) {
    throw new CodecError(fieldPath(path, field), `expected a GUID string like "6ba7b810-9dad-11d1-80b4-00c04fd430c8", got ${describe(value)}`);
  }
  view.setUint32(offset, parseInt(match[1]!, 16), true);
  view.setUint16(offset + 4, parseInt(match[2]!, 16), true);
  view.setUint16(offset + 6, parseInt(match[3]!, 16), true);
  const tail = match[4]! + match[5]!;
  for (let index = 0; index < 8; index++) view.setUint8(offset + 8 + index, parseInt(tail.slice(index * 2, index * 2 + 2), 16));
}

export function readGuid(view: DataView, offset: number): string {
  const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');
  let tail = '';
  for (let index = 0; index < 8; index++) tail += hex(view.getUint8(offset + 8 + index), 2);
  return `${hex(view.getUint32(offset, true), 8)}-${hex(view.getUint16(offset + 4, true), 4)}-${hex(view.getUint16(offset + 6, true), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

/** An enum's names and values, as the generated module declares them. */
export interface EnumTable<Name extends string = string> {
  readonly name: string;
  readonly type: IntegerName;
  readonly values: Readonly<Record<Name, number>>;
  readonly names: ReadonlyMap<number, Name>;
}

export function defineEnum<const Values extends Record<string, number>>(name: string, type: IntegerName, values: Values): EnumTable<Extract<keyof Values, string>> {
  const names = new Map<number, Extract<keyof Values, string>>();
  for (const [member, value] of Object.entries(values)) names.set(value, member as Extract<keyof Values, string>);
  return { name, type, values, names };
}

const INTEGER_WRITERS = { u8: writeU8, u16: writeU16, u32: writeU32, i8: writeI8, i16: writeI16, i32: writeI32 } as const;

export function writeEnum(view: DataView, offset: number, table: EnumTable, value: unknown, path: string, field: string): void {
  const number = typeof value === 'string' && Object.prototype.hasOwnProperty.call(table.values, value)
    ? (table.values as Record<string, number>)[value]
    : undefined;
  if (number === undefined) {
    throw new CodecError(fieldPath(path, field), `expected one of ${Object.keys(table.values).map((name) => JSON.stringify(name)).join(', ')} (enum ${table.name}), got ${describe(value)}`);
  }
  INTEGER_WRITERS[table.type](view, offset, number, path, field);
}

export function readEnum<Name extends string>(table: EnumTable<Name>, raw: number, path: string, field: string): Name {
  const name = table.names.get(raw);
  if (name === undefined) throw new CodecError(fieldPath(path, field), `value ${raw} is not a member of enum ${table.name}`);
  return name;
}

export function checkArray<T>(value: readonly T[], length: number, path: string, field: string): readonly T[] {
  if (!Array.isArray(value)) throw new CodecError(fieldPath(path, field), `expected an array of ${length}, got ${describe(value)}`);
  if (value.length !== length) throw new CodecError(fieldPath(path, field), `expected exactly ${length} elements, got ${value.length}`);
  return value;
}

export function checkObject(value: unknown, path: string, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CodecError(fieldPath(path, field), `expected an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Decodes `length` elements `stride` bytes apart. */
export function readArray<T>(view: DataView, offset: number, length: number, stride: number, readElement: (view: DataView, offset: number, index: number) => T): T[] {
  const items = new Array<T>(length);
  for (let index = 0; index < length; index++) items[index] = readElement(view, offset + index * stride, index);
  return items;
}
