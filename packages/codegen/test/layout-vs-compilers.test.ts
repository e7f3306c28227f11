// Property: for hundreds of random schemas, the TS layout engine's sizes and offsets are the ones
// real compilers give. Each schema's generated header carries static asserts of the engine's
// numbers; all headers are compiled together by clang with MSVC's layout rules (x64, x86) and by
// mingw-w64 gcc (x64, x86). A negative control runs a deliberately wrong engine and must fail.
import fc from 'fast-check';
import { ARCHES, layoutStruct, validateDeviceSchema, type Arch, type DeviceModel, type StructModel } from '@inverted-call/schema';
import { describe, expect, it } from 'vitest';
import { emitCHeader } from '../src/index.js';
import { CLANG_MSVC_X64, CLANG_MSVC_X86, MINGW_X64, MINGW_X86, USER_PRELUDE, type CompilerTarget } from '../src/toolchain.js';
import { FREESTANDING_PRELUDE, compile } from './support/compilers.js';
import { randomDeviceSchema } from './support/random-schema.js';

const SCHEMA_COUNT = 500;
// A fresh seed each run widens coverage over time; it is printed so any failure can be replayed.
const SEED = Number(process.env.LAYOUT_SEED ?? Math.floor(Math.random() * 2 ** 31));

function randomModels(count: number, seed: number): DeviceModel[] {
  return Array.from({ length: count }, (_, index) => {
    const [schema] = fc.sample(randomDeviceSchema(`Layout${index}`), { seed: seed + index, numRuns: 1 });
    return validateDeviceSchema(schema);
  });
}

function translationUnit(models: DeviceModel[], prelude: string): string {
  return prelude + models.map((model) => emitCHeader(model, { schemaPath: 'random', schemaHash: model.schemaHash })).join('\n');
}

function firstErrors(output: string): string {
  return output.split('\n').filter((line) => line.includes('error')).slice(0, 10).join('\n');
}

const TARGETS: { name: string; target: CompilerTarget; prelude: string }[] = [
  { name: CLANG_MSVC_X64.name, target: CLANG_MSVC_X64, prelude: FREESTANDING_PRELUDE },
  { name: CLANG_MSVC_X86.name, target: CLANG_MSVC_X86, prelude: FREESTANDING_PRELUDE },
  { name: MINGW_X64.name, target: MINGW_X64, prelude: USER_PRELUDE },
  { name: MINGW_X86.name, target: MINGW_X86, prelude: USER_PRELUDE },
];

describe(`layout engine equals the compilers on ${SCHEMA_COUNT} random schemas (LAYOUT_SEED=${SEED})`, () => {
  const models = randomModels(SCHEMA_COUNT, SEED);
  const fieldCount = models.reduce((sum, model) => sum + model.structs.reduce((inner, struct) => inner + struct.fields.length, 0), 0);

  it(`generated ${SCHEMA_COUNT} valid schemas with ${fieldCount} fields`, () => {
    expect(models).toHaveLength(SCHEMA_COUNT);
    expect(fieldCount).toBeGreaterThan(SCHEMA_COUNT);
  });

  it.each(TARGETS)('$name agrees with every size and offset', ({ target, prelude }) => {
    const result = compile(target, translationUnit(models, prelude));
    expect(result.ok, `replay with LAYOUT_SEED=${SEED}\n${firstErrors(result.output)}`).toBe(true);
  });
});

/** The same models laid out by an engine that ignores #pragma pack: a plausible real bug. */
function withPackIgnored(model: DeviceModel): DeviceModel {
  const relaid = new Map<string, StructModel>();
  const enumSizes = new Map(model.enums.map((entry) => [entry.name, Number(entry.underlying.slice(1)) / 8]));
  const structs = model.structs.map((struct) => {
    const layout = {} as Record<Arch, StructModel['layout'][Arch]>;
    for (const arch of ARCHES) {
      layout[arch] = layoutStruct(struct.fields.map((field) => field.type), 16, arch, {
        struct: (name, innerArch) => relaid.get(name)!.layout[innerArch],
        enumSize: (name) => enumSizes.get(name)!,
      });
    }
    const copy = { ...struct, layout };
    relaid.set(struct.name, copy);
    return copy;
  });
  return { ...model, structs };
}

describe('negative control', () => {
  it.each(TARGETS)('$name rejects the layouts of an engine that ignores pack', ({ target, prelude }) => {
    const packed = validateDeviceSchema({
      device: { name: 'PackedControl', deviceType: '0x9000' },
      pack: 1,
      structs: { Tight: { fields: [{ name: 'tag', type: 'u8' }, { name: 'value', type: 'u64' }] } },
    });
    const wrong = [withPackIgnored(packed), ...randomModels(20, SEED).map(withPackIgnored)];
    expect(wrong[0]!.structs[0]!.layout.x64.offsets).toEqual([0, 8]);
    const result = compile(target, translationUnit(wrong, prelude));
    expect(result.ok).toBe(false);
    expect(result.output).toContain('PACKED_CONTROL_TIGHT');
  });
});
