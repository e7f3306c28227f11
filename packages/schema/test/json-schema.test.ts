// The published JSON Schema drives editors (completion and squiggles) while the validator is the
// authority; these tests keep the two in agreement and the committed device.schema.json current.
import { readFileSync } from 'node:fs';
// Named import: under NodeNext the default import of this CommonJS package types as the module, not the class.
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { deviceJsonSchema } from '../src/json-schema.js';
import { validateDeviceSchema } from '../src/validate.js';
import { invalidCases } from './support/invalid-cases.js';
import { baseSchema, validSchemaFiles } from './support/schemas.js';

// strict: an unknown keyword or a type mistake in the published schema fails here, not in an editor.
const validate = new Ajv({ allErrors: true, strict: true }).compile(deviceJsonSchema);

/** The dotted path (as the validator writes it) that an Ajv error points at. */
function errorPath(error: ErrorObject): string {
  const segments = error.instancePath.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as { additionalProperty?: string; missingProperty?: string; propertyName?: string };
  const key = params.additionalProperty ?? params.missingProperty ?? params.propertyName;
  if (key !== undefined) segments.push(key);
  return segments.reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '');
}

describe('deviceJsonSchema accepts every valid schema', () => {
  const files = validSchemaFiles();

  it('covers the example and every codegen fixture, YAML included', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(files.some(({ file }) => file.endsWith('.yaml'))).toBe(true);
  });

  for (const { file, doc } of files) {
    it(file.slice(file.lastIndexOf('/') + 1), () => {
      // Valid for the validator first, so the JSON Schema is judged on a schema that really is valid.
      expect(() => validateDeviceSchema(doc)).not.toThrow();
      expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
    });
  }
});

describe('deviceJsonSchema refuses schemas of the wrong shape, at the place the validator names', () => {
  const structural = invalidCases.filter((testCase) => testCase.structural);

  it('has at least 10 such cases', () => {
    expect(structural.length).toBeGreaterThanOrEqual(10);
  });

  for (const testCase of structural) {
    it(`${testCase.name} -> ${testCase.path}`, () => {
      const doc = baseSchema();
      testCase.mutate!(doc);
      expect(validate(doc)).toBe(false);
      // Ajv may add errors for the branches of an anyOf; one of them must point where the validator does.
      expect((validate.errors ?? []).map(errorPath)).toContain(testCase.path);
    });
  }
});

describe('device.schema.json', () => {
  it('is the current deviceJsonSchema', () => {
    const committed = readFileSync(new URL('../device.schema.json', import.meta.url), 'utf8');
    const expected = `${JSON.stringify(deviceJsonSchema, null, 2)}\n`;
    expect(
      committed === expected,
      'packages/schema/device.schema.json is stale: run `pnpm --filter @inverted-call/schema build && pnpm --filter @inverted-call/schema json-schema:update`',
    ).toBe(true);
  });
});
