// Regenerates the committed golden outputs of every fixture schema (and of the example device).
// Run after an intended change to the generators; review the diff like any code change.
import { goldenCases } from '../test/golden-cases.mjs';
import { generate, writeFiles } from '../dist/index.js';

for (const testCase of goldenCases) {
  writeFiles(generate(testCase.schema, { header: testCase.header, ts: testCase.ts }));
  console.log(`updated ${testCase.name}`);
}
