// Properties of every struct codec in every committed golden module, with values derived from
// the fixture's validated model: decode(encode(x)) is x, the bytes sit at the offsets the layout
// engine computed (the ones the C header asserts), and a bad field or an unknown key is refused by name.
// A new fixture listed by golden-cases.mjs is covered without touching this file.
import fc from 'fast-check';
import { CodecError, type StructCodec } from '@inverted-call/codec';
import { loadDeviceSchema, type EnumModel, type StructModel, type TypeRef } from '@inverted-call/schema';
import { describe, expect, it } from 'vitest';
import { thrown } from './support/thrown.js';
import { goldenCases } from './golden-cases.mjs';
import { INTEGER_RANGES, ModelValues, guidBytes } from './support/model-values.js';

const NUM_RUNS = 200;

type Codec = StructCodec<Record<string, unknown>>;

const cases = await Promise.all(
  goldenCases.map(async (testCase) => ({
    name: testCase.name,
    model: loadDeviceSchema(testCase.schema),
    module: (await import(testCase.ts)) as Record<string, unknown>,
  })),
);

/** Checks the bytes of `value` at `at` against the model alone, marking the bytes it covers. */
function expectBytesAt(values: ModelValues, view: DataView, at: number, type: TypeRef, value: unknown, covered: Uint8Array, where: string): void {
  covered.fill(1, at, at + values.sizeOf(type));
  switch (type.kind) {
    case 'primitive': {
      const read = {
        u8: () => view.getUint8(at), u16: () => view.getUint16(at, true), u32: () => view.getUint32(at, true), u64: () => view.getBigUint64(at, true),
        i8: () => view.getInt8(at), i16: () => view.getInt16(at, true), i32: () => view.getInt32(at, true), i64: () => view.getBigInt64(at, true),
        bool8: () => view.getUint8(at), bool32: () => view.getInt32(at, true),
      }[type.name];
      const expected = typeof value === 'boolean' ? Number(value) : value;
      expect(read(), `${where} (${type.name} at byte ${at})`).toBe(expected);
      return;
    }
    case 'enum': {
      const entry = values.enumModel(type.name);
      const raw = { u8: view.getUint8(at), u16: view.getUint16(at, true), u32: view.getUint32(at, true), i8: view.getInt8(at), i16: view.getInt16(at, true), i32: view.getInt32(at, true) }[entry.underlying];
      expect(raw, `${where} (enum at byte ${at})`).toBe(entry.members.find((member) => member.name === value)!.value);
      return;
    }
    case 'guid':
      expect([...new Uint8Array(view.buffer, view.byteOffset + at, 16)], `${where} (guid at byte ${at})`).toEqual(guidBytes(value as string));
      return;
    case 'string': {
      // NUL-terminated and NUL-padded to the full length, one or two bytes per code unit.
      const text = value as string;
      const units = Array.from({ length: type.length }, (_, index) => (type.encoding === 'utf16' ? view.getUint16(at + index * 2, true) : view.getUint8(at + index)));
      expect(units, `${where} (string at byte ${at})`).toEqual(Array.from({ length: type.length }, (_, index) => (index < text.length ? text.charCodeAt(index) : 0)));
      return;
    }
    case 'struct':
      expectStructBytes(values, view, at, values.struct(type.name), value as Record<string, unknown>, covered, where);
      return;
    case 'array': {
      const stride = values.sizeOf(type.element);
      (value as unknown[]).forEach((item, index) => expectBytesAt(values, view, at + index * stride, type.element, item, covered, `${where}[${index}]`));
      return;
    }
  }
}

function expectStructBytes(values: ModelValues, view: DataView, base: number, struct: StructModel, value: Record<string, unknown>, covered: Uint8Array, where: string): void {
  struct.fields.forEach((field, index) => {
    expectBytesAt(values, view, base + struct.layout.x64.offsets[index]!, field.type, value[field.tsName], covered, `${where}.${field.tsName}`);
  });
}

/** The smallest value of the enum's underlying type that is no member (a driver bug or a newer driver). */
function unusedRaw(entry: EnumModel): number {
  const members = new Set(entry.members.map((member) => member.value));
  let raw = INTEGER_RANGES[entry.underlying][0];
  while (members.has(raw)) raw++;
  return raw;
}

const codecErrorOf = (action: () => unknown): CodecError => thrown(CodecError, action);

it('covers every golden case', () => {
  expect(cases.map((testCase) => testCase.name)).toEqual(goldenCases.map((testCase) => testCase.name));
  expect(cases.length).toBeGreaterThanOrEqual(5);
});

for (const { name, model, module } of cases) {
  const values = new ModelValues(model);

  describe(name, () => {
    it('exports a codec for every struct of the schema, and no other', () => {
      const exported = Object.keys(module).filter((key) => key.endsWith('Codec')).sort();
      expect(exported).toEqual(model.structs.map((struct) => `${struct.name}Codec`).sort());
    });

    for (const struct of model.structs) {
      const codec = module[`${struct.name}Codec`] as Codec;

      describe(struct.name, () => {
        it('has the name, size and alignment of the model, the same on x86 and x64', () => {
          expect(codec.name).toBe(struct.name);
          expect(codec.size).toBe(struct.layout.x64.size);
          expect(codec.alignment).toBe(struct.layout.x64.alignment);
          // The codec is written once for both targets; the schema admits only layouts that agree.
          expect(struct.layout.x86).toEqual(struct.layout.x64);
        });

        it('decode(encode(x)) equals x, with every field at its C offset and padding zero', () => {
          fc.assert(
            fc.property(values.validStruct(struct), fc.uint8Array({ maxLength: 24 }), (value, prefix) => {
              const bytes = codec.encode(value);
              expect(bytes.byteLength).toBe(struct.layout.x64.size);
              expect(codec.decode(bytes)).toStrictEqual(value);

              const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
              const covered = new Uint8Array(bytes.byteLength);
              expectStructBytes(values, view, 0, struct, value, covered, struct.name);
              bytes.forEach((byte, index) => {
                if (!covered[index]) expect(byte, `padding byte ${index}`).toBe(0);
              });

              // Decoding at an offset inside a larger buffer reads the same record.
              const shifted = new Uint8Array(prefix.length + bytes.length + 3).fill(0xcd);
              shifted.set(prefix);
              shifted.set(bytes, prefix.length);
              expect(codec.decode(shifted, prefix.length)).toStrictEqual(value);
            }),
            { numRuns: NUM_RUNS },
          );
        });

        it('encode refuses a wrong-typed or out-of-range field with a CodecError at that field', () => {
          fc.assert(
            fc.property(values.structWithBadField(struct), ({ value, path, field }) => {
              const error = codecErrorOf(() => codec.encode(value));
              expect(error.path).toBe(path);
              expect(error.path.startsWith(`${struct.name}.${field}`)).toBe(true);
              expect(error.message.startsWith(`${path}: `)).toBe(true);
            }),
            { numRuns: NUM_RUNS },
          );
        });

        it('lists its fields in declaration order, as TypeScript spells them', () => {
          expect([...(codec.fields ?? [])]).toEqual(struct.fields.map((field) => field.tsName));
        });

        it('encode refuses a key no struct on its path has a field for, naming the path of that key', () => {
          fc.assert(
            fc.property(values.structWithUnknownKey(struct), ({ value, path }) => {
              const error = codecErrorOf(() => codec.encode(value));
              expect(error.path).toBe(path);
              expect(error.message).toMatch(/ has no field "/);
            }),
            { numRuns: NUM_RUNS },
          );
        });

        it('decode refuses a buffer one byte short, naming the struct', () => {
          const error = codecErrorOf(() => codec.decode(new Uint8Array(struct.layout.x64.size - 1)));
          expect(error.path).toBe(struct.name);
        });

        const enumFields = struct.fields.flatMap((field, index) => (field.type.kind === 'enum' ? [{ field, type: field.type, offset: struct.layout.x64.offsets[index]! }] : []));
        if (enumFields.length) {
          it('decode refuses a raw enum value that is no member, naming the field', () => {
            fc.assert(
              fc.property(values.validStruct(struct), fc.constantFrom(...enumFields), (value, { field, type, offset }) => {
                const entry = values.enumModel(type.name);
                const bytes = codec.encode(value);
                const view = new DataView(bytes.buffer);
                const write = { u8: view.setUint8, u16: view.setUint16, u32: view.setUint32, i8: view.setInt8, i16: view.setInt16, i32: view.setInt32 }[entry.underlying];
                write.call(view, offset, unusedRaw(entry), true);
                expect(codecErrorOf(() => codec.decode(bytes)).path).toBe(`${struct.name}.${field.tsName}`);
              }),
              { numRuns: 20 },
            );
          });
        }
      });
    }
  });
}
