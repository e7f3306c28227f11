/**
 * fast-check arbitraries derived from a validated device model: values a struct codec must
 * accept, and values it must refuse together with the path its CodecError must name. Deriving
 * them from the model (not from the generated code) keeps the tests independent of the generator.
 */
import fc from 'fast-check';
import { PRIMITIVES, type DeviceModel, type EnumModel, type PrimitiveName, type StructModel, type TypeRef } from '@inverted-call/schema';

type IntegerName = Exclude<PrimitiveName, 'u64' | 'i64' | 'bool8' | 'bool32'>;

export const INTEGER_RANGES: Record<IntegerName, readonly [number, number]> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  i8: [-0x80, 0x7f],
  i16: [-0x8000, 0x7fff],
  i32: [-0x80000000, 0x7fffffff],
};
const BIGINT_RANGES = {
  u64: [0n, 2n ** 64n - 1n],
  i64: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;

/** A value the codec must refuse, and the path below the replaced field its error must name. */
export interface BadValue {
  value: unknown;
  /** '' for the field itself, `[2]` for an array element, `.x` or `[2].x` deeper down. */
  below: string;
}

export class ModelValues {
  private readonly structs: ReadonlyMap<string, StructModel>;
  private readonly enums: ReadonlyMap<string, EnumModel>;

  constructor(model: DeviceModel) {
    this.structs = new Map(model.structs.map((struct) => [struct.name, struct]));
    this.enums = new Map(model.enums.map((entry) => [entry.name, entry]));
  }

  struct(name: string): StructModel {
    return this.structs.get(name)!;
  }

  enumModel(name: string): EnumModel {
    return this.enums.get(name)!;
  }

  /** Bytes one value of `type` occupies, i.e. the stride of an array of it. */
  sizeOf(type: TypeRef): number {
    switch (type.kind) {
      case 'primitive': return PRIMITIVES[type.name].size;
      case 'string': return type.encoding === 'utf16' ? type.length * 2 : type.length;
      case 'guid': return 16;
      case 'enum': return PRIMITIVES[this.enumModel(type.name).underlying].size;
      case 'struct': return this.struct(type.name).layout.x64.size;
      case 'array': return this.sizeOf(type.element) * type.length;
    }
  }

  /** Any value the codec must encode and decode back unchanged. */
  valid(type: TypeRef): fc.Arbitrary<unknown> {
    switch (type.kind) {
      case 'primitive': {
        const { name } = type;
        if (name === 'bool8' || name === 'bool32') return fc.boolean();
        if (name === 'u64' || name === 'i64') return fc.bigInt({ min: BIGINT_RANGES[name][0], max: BIGINT_RANGES[name][1] });
        const [min, max] = INTEGER_RANGES[name];
        return fc.integer({ min, max });
      }
      case 'string': {
        // Any code unit but NUL: lone surrogates for wchar, U+0001..U+00FF for char.
        const unit = fc.integer({ min: 1, max: type.encoding === 'utf16' ? 0xffff : 0xff }).map((code) => String.fromCharCode(code));
        const longest = type.length - 1;
        // Small strings come by themselves; the exact maximum needs asking for.
        return fc.oneof(fc.string({ unit, maxLength: longest }), fc.string({ unit, minLength: longest, maxLength: longest }));
      }
      case 'guid':
        return fc.uint8Array({ minLength: 16, maxLength: 16 }).map(guidText);
      case 'enum':
        return fc.constantFrom(...this.enumModel(type.name).members.map((member) => member.name));
      case 'struct':
        return this.validStruct(this.struct(type.name));
      case 'array':
        return fc.array(this.valid(type.element), { minLength: type.length, maxLength: type.length });
    }
  }

  validStruct(struct: StructModel): fc.Arbitrary<Record<string, unknown>> {
    const model = Object.fromEntries(struct.fields.map((field) => [field.tsName, this.valid(field.type)]));
    // Decoded objects are plain objects, so generate plain ones to compare them strictly.
    return fc.record(model, { noNullPrototype: true });
  }

  /** A valid struct value with one field replaced by a bad value; `path` is where encode must complain. */
  structWithBadField(struct: StructModel, path = struct.name): fc.Arbitrary<{ value: Record<string, unknown>; path: string; field: string }> {
    return fc
      .tuple(this.validStruct(struct), fc.nat({ max: struct.fields.length - 1 }))
      .chain(([value, index]) => {
        const field = struct.fields[index]!;
        return this.invalid(field.type).map((bad) => ({
          value: { ...value, [field.tsName]: bad.value },
          path: `${path}.${field.tsName}${bad.below}`,
          field: field.tsName,
        }));
      });
  }

  /**
   * A valid struct value with one key added that its struct has no field for: at the top, or in a
   * struct inside it (a field or an array element), at any depth. `path` is where encode must complain.
   */
  structWithUnknownKey(struct: StructModel, path = struct.name): fc.Arbitrary<{ value: Record<string, unknown>; path: string }> {
    const names = struct.fields.map((field) => field.tsName);
    // Near misses of real names (a letter more, the C spelling) as well as arbitrary text.
    const key = fc
      .oneof(fc.constantFrom(...names).map((name) => `${name}s`), fc.constantFrom(...names).map((name) => name.charAt(0).toUpperCase() + name.slice(1)), fc.string({ minLength: 1, maxLength: 8 }))
      .filter((candidate) => !names.includes(candidate) && candidate !== '__proto__');
    const here = fc.tuple(this.validStruct(struct), key, fc.constantFrom<unknown>(0, 'text', undefined, {})).map(([value, extra, extraValue]) => ({
      value: { ...value, [extra]: extraValue },
      path: `${path}.${extra}`,
    }));
    const deeper = struct.fields.flatMap((field) => {
      const { type } = field;
      if (type.kind === 'struct') {
        return [fc.tuple(this.validStruct(struct), this.structWithUnknownKey(this.struct(type.name), `${path}.${field.tsName}`)).map(([value, inner]) => ({
          value: { ...value, [field.tsName]: inner.value },
          path: inner.path,
        }))];
      }
      if (type.kind === 'array' && type.element.kind === 'struct') {
        const element = this.struct(type.element.name);
        return [fc.tuple(this.validStruct(struct), fc.nat({ max: type.length - 1 })).chain(([value, index]) =>
          this.structWithUnknownKey(element, `${path}.${field.tsName}[${index}]`).map((inner) => {
            const items = [...(value[field.tsName] as unknown[])];
            items[index] = inner.value;
            return { value: { ...value, [field.tsName]: items }, path: inner.path };
          }),
        )];
      }
      return [];
    });
    return deeper.length ? fc.oneof(here, ...deeper) : here;
  }

  /** A wrong-typed or out-of-range value of `type`. */
  invalid(type: TypeRef): fc.Arbitrary<BadValue> {
    const here = (values: fc.Arbitrary<unknown>) => values.map((value): BadValue => ({ value, below: '' }));
    switch (type.kind) {
      case 'primitive': return here(invalidPrimitive(type.name));
      case 'string': {
        const tooLong = fc.integer({ min: type.length, max: type.length + 3 }).map((length) => 'a'.repeat(length));
        const withNul = fc.nat({ max: type.length - 2 }).map((at) => `${'b'.repeat(at)}\0`);
        const notText = fc.constantFrom(42, null, undefined, ['a']);
        const wide = fc.integer({ min: 0x100, max: 0xffff }).map((code) => String.fromCharCode(code));
        return here(type.encoding === 'latin1' ? fc.oneof(tooLong, withNul, notText, wide) : fc.oneof(tooLong, withNul, notText));
      }
      case 'guid': {
        const mangled = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(guidText).chain((text) =>
          fc.constantFrom(text.slice(1), `${text}0`, `{${text}`, text.replace(/-/g, ''), `${text.slice(0, 35)}g`),
        );
        return here(fc.oneof(mangled, fc.constantFrom('', 42, null, undefined)));
      }
      case 'enum': {
        const members = this.enumModel(type.name).members;
        const names = new Set(members.map((member) => member.name));
        const unknownName = fc.string().filter((text) => !names.has(text));
        // The raw number is what C code would pass; the TS API takes the name only.
        const rawNumber = fc.constantFrom(...members.map((member) => member.value));
        return here(fc.oneof(unknownName, rawNumber, fc.constantFrom(null, undefined, 'toString')));
      }
      case 'struct': {
        const struct = this.struct(type.name);
        const notObject = here(fc.constantFrom(null, undefined, 42, 'text', []));
        const deeper = this.structWithBadField(struct, '').map(({ value, path }): BadValue => ({ value, below: path }));
        return fc.oneof(notObject, deeper);
      }
      case 'array': {
        const { element, length } = type;
        const notArray = fc.constantFrom(null, undefined, 'text', {}, { length });
        const wrongLength = fc.constantFrom(length - 1, length + 1).chain((count) => fc.array(this.valid(element), { minLength: count, maxLength: count }));
        const badElement = fc
          .tuple(fc.array(this.valid(element), { minLength: length, maxLength: length }), fc.nat({ max: length - 1 }), this.invalid(element))
          .map(([items, index, bad]): BadValue => {
            const copy = [...items];
            copy[index] = bad.value;
            return { value: copy, below: `[${index}]${bad.below}` };
          });
        return fc.oneof(here(fc.oneof(notArray, wrongLength)), badElement);
      }
    }
  }
}

function invalidPrimitive(name: PrimitiveName): fc.Arbitrary<unknown> {
  if (name === 'bool8' || name === 'bool32') return fc.constantFrom(0, 1, 'true', null, undefined);
  if (name === 'u64' || name === 'i64') {
    const [min, max] = BIGINT_RANGES[name];
    return fc.oneof(
      fc.bigInt({ min: max + 1n, max: max * 4n }),
      fc.bigInt({ min: min - 2n ** 66n, max: min - 1n }),
      // A number is refused even when it is a safe integer: u64 and i64 are bigint in TS.
      fc.integer(),
      fc.constantFrom('1', null, undefined, 1.5),
    );
  }
  const [min, max] = INTEGER_RANGES[name];
  return fc.oneof(
    fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: min - 1 }),
    fc.double({ noInteger: true }),
    fc.constantFrom(BigInt(max), String(min), null, undefined, true),
  );
}

/** Canonical lower-case GUID text of 16 random bytes, as readGuid returns it. */
function guidText(bytes: Uint8Array): string {
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 bytes of a Windows GUID: Data1, Data2, Data3 little-endian, then Data4 in order. */
export function guidBytes(text: string): number[] {
  const hex = text.replace(/[-{}]/g, '');
  const byte = (index: number) => parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15].map(byte);
}
