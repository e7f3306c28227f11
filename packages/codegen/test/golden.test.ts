// The committed outputs of every fixture schema must be exactly what the generators produce now.
// The conformance device and the example check their own generated files, in their own packages.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/index.js';
import { goldenCases } from './golden-cases.mjs';

describe('golden outputs', () => {
  it('covers at least five fixture schemas', () => {
    expect(goldenCases.length).toBeGreaterThanOrEqual(5);
  });

  for (const testCase of goldenCases) {
    it(`${testCase.name}: committed header and TS module are current`, () => {
      const files = generate(testCase.schema, { header: testCase.header, ts: testCase.ts });
      expect(files).toHaveLength(2);
      for (const file of files) {
        const committed = readFileSync(file.path, 'utf8');
        expect(committed, `${file.path} is stale: run \`pnpm --filter @inverted-call/codegen golden:update\` and review the diff`).toBe(file.content);
      }
    });
  }
});
