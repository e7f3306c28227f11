/**
 * Random but valid device schemas for layout property tests: every field type the schema
 * allows, nested structs and arrays of them, enums of every width, packs at schema and struct
 * level. Sizes are kept small so hundreds of schemas compile in one translation unit.
 */
import fc from 'fast-check';
import type { DeviceSchemaInput, FieldInput, PackValue, StructInput } from '@inverted-call/schema';

const PACKS: PackValue[] = [1, 2, 4, 8, 16];
const PRIMITIVES = ['u8', 'u16', 'u32', 'u64', 'i8', 'i16', 'i32', 'i64', 'bool8', 'bool32'];
const ENUM_TYPES = ['u8', 'u16', 'u32', 'i8', 'i16', 'i32'] as const;

/** A field type drawn from what exists so far: primitives, strings, GUID, earlier enums and structs. */
function fieldType(enumNames: string[], structNames: string[]): fc.Arbitrary<string> {
  const scalar = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...PRIMITIVES) },
    { weight: 1, arbitrary: fc.constant('guid') },
    ...(enumNames.length ? [{ weight: 1, arbitrary: fc.constantFrom(...enumNames) }] : []),
    ...(structNames.length ? [{ weight: 2, arbitrary: fc.constantFrom(...structNames) }] : []),
  );
  return fc.oneof(
    { weight: 6, arbitrary: scalar },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('wchar', 'char'), fc.integer({ min: 2, max: 9 })).map(([unit, length]) => `${unit}[${length}]`) },
    { weight: 2, arbitrary: fc.tuple(scalar, fc.integer({ min: 1, max: 3 })).map(([element, length]) => `${element}[${length}]`) },
  );
}

export function randomDeviceSchema(deviceName: string): fc.Arbitrary<DeviceSchemaInput> {
  return fc
    .record({
      pack: fc.option(fc.constantFrom(...PACKS), { nil: undefined }),
      enumTypes: fc.array(fc.constantFrom(...ENUM_TYPES), { maxLength: 2 }),
      structCount: fc.integer({ min: 1, max: 5 }),
    })
    .chain(({ pack, enumTypes, structCount }) => {
      const enumNames = enumTypes.map((_, index) => `Kind${index}`);
      // Structs are built in order, so struct N may embed structs 0..N-1 (never a cycle).
      let structs: fc.Arbitrary<[string, StructInput][]> = fc.constant([]);
      for (let index = 0; index < structCount; index++) {
        structs = structs.chain((previous) =>
          fc
            .record({
              pack: fc.option(fc.constantFrom(...PACKS), { nil: undefined }),
              types: fc.array(fieldType(enumNames, previous.map(([name]) => name)), { minLength: 1, maxLength: 7 }),
            })
            .map(({ pack: structPack, types }) => {
              const fields: FieldInput[] = types.map((type, fieldIndex) => ({ name: `field${fieldIndex}`, type }));
              const struct: StructInput = structPack === undefined ? { fields } : { pack: structPack, fields };
              return [...previous, [`Shape${index}`, struct] as [string, StructInput]];
            }),
        );
      }
      return structs.map((structEntries): DeviceSchemaInput => ({
        device: { name: deviceName, deviceType: '0x9000' },
        ...(pack === undefined ? {} : { pack }),
        enums: Object.fromEntries(enumTypes.map((type, index) => [enumNames[index]!, { type, values: { First: 0, Second: 1 } }])),
        structs: Object.fromEntries(structEntries),
        calls: { Read: { function: '0x800', access: 'FILE_READ_ACCESS', output: structEntries[structEntries.length - 1]![0] } },
      }));
    });
}
