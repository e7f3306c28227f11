// The runtime subpath every generated module imports (@inverted-call/codec/codegen-v1) exports
// exactly the names the emitter can use: none missing (a generated module would not compile
// against the published codec) and none extra (the subpath is a narrow, versioned contract, not
// a second package root). "What the emitter can use" is the union over the golden schemas and a
// fixed set of random schemas that between them use every field type.
import fc from 'fast-check';
import { loadDeviceSchema, validateDeviceSchema, type DeviceModel } from '@inverted-call/schema';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CODEC_RUNTIME_MODULE } from '../src/imports.js';
import { emitTsModule } from '../src/index.js';
import { goldenCases } from './golden-cases.mjs';
import { randomDeviceSchema } from './support/random-schema.js';

const RANDOM_SCHEMAS = 60;
/**
 * Types no generated module imports but whose declarations name: an enum table's type is inferred
 * from defineEnum, and without it exported here `tsc -p test/golden` fails with TS2883.
 */
const INFERRED_TYPES = ['EnumTable'];

interface UsedNames {
  values: Set<string>;
  types: Set<string>;
}

/** The names one generated module imports, split into values and `type` imports. */
function importsOf(source: string): UsedNames {
  const match = /^import \{([^}]*)\} from '([^']+)';$/m.exec(source);
  if (!match) throw new Error('a generated module without its runtime import');
  expect(match[2]).toBe(CODEC_RUNTIME_MODULE);
  const names = match[1]!.split(',').map((name) => name.trim()).filter(Boolean);
  return {
    values: new Set(names.filter((name) => !name.startsWith('type '))),
    types: new Set(names.filter((name) => name.startsWith('type ')).map((name) => name.slice('type '.length))),
  };
}

function usedByModels(models: readonly DeviceModel[]): UsedNames {
  const used: UsedNames = { values: new Set(), types: new Set() };
  for (const model of models) {
    const imports = importsOf(emitTsModule(model, { schemaPath: 'model', schemaHash: model.schemaHash }));
    for (const name of imports.values) used.values.add(name);
    for (const name of imports.types) used.types.add(name);
  }
  return used;
}

/** Every export of the subpath's published declarations, types included, as TypeScript resolves it. */
function declaredExports(): string[] {
  const options: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext };
  const resolved = ts.resolveModuleName(CODEC_RUNTIME_MODULE, `${import.meta.dirname}/runtime-exports.test.ts`, options, ts.sys).resolvedModule;
  if (!resolved) throw new Error(`${CODEC_RUNTIME_MODULE} does not resolve: is the codec package built, with the subpath in its exports?`);
  const program = ts.createProgram([resolved.resolvedFileName], options);
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(resolved.resolvedFileName)!)!;
  return checker.getExportsOfModule(module).map((symbol) => symbol.name);
}

/** What a runtime list lacks and what it has to spare, against the names generated modules use. */
function mismatch(used: Iterable<string>, exported: Iterable<string>): { missing: string[]; unused: string[] } {
  const usedSet = new Set(used);
  const exportedSet = new Set(exported);
  return {
    missing: [...usedSet].filter((name) => !exportedSet.has(name)).sort(),
    unused: [...exportedSet].filter((name) => !usedSet.has(name)).sort(),
  };
}

describe(`${CODEC_RUNTIME_MODULE} exports exactly what generated modules import`, () => {
  const randomModels = Array.from({ length: RANDOM_SCHEMAS }, (_, index) => {
    const [schema] = fc.sample(randomDeviceSchema(`Runtime${index}`), { seed: index, numRuns: 1 });
    return validateDeviceSchema(schema);
  });
  const used = usedByModels([...goldenCases.map((testCase) => loadDeviceSchema(testCase.schema)), ...randomModels]);

  it('the schemas use every field type, so the union is all the emitter can import', () => {
    // One writer per primitive, string encoding, GUID and enum: a lost type shows up here first.
    for (const writer of ['writeU8', 'writeU16', 'writeU32', 'writeU64', 'writeI8', 'writeI16', 'writeI32', 'writeI64', 'writeBool8', 'writeBool32', 'writeUtf16', 'writeLatin1', 'writeGuid', 'writeEnum']) {
      expect(used.values, writer).toContain(writer);
    }
  });

  it('its run-time exports are the values generated modules import', async () => {
    const runtime = (await import(CODEC_RUNTIME_MODULE)) as Record<string, unknown>;
    expect(mismatch(used.values, Object.keys(runtime))).toEqual({ missing: [], unused: [] });
  });

  it('its declarations export those values and the types generated modules import or infer', () => {
    expect(mismatch([...used.values, ...used.types, ...INFERRED_TYPES], declaredExports())).toEqual({ missing: [], unused: [] });
  });

  it('negative control: a runtime list with a name short and a name to spare is reported', () => {
    const shortByOne = [...used.values].filter((name) => name !== 'writeGuid');
    expect(mismatch(used.values, [...shortByOne, 'writeBatch'])).toEqual({ missing: ['writeGuid'], unused: ['writeBatch'] });
  });
});
