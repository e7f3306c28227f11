// Regenerates the committed golden outputs of every fixture schema. Run after an intended change to
// the generators; review the diff like any code change. `pnpm run golden:update` then regenerates
// the two other committed outputs of codegen, each owned (and tested) by its package: the
// conformance device's (packages/conformance-device) and the example's (examples/process-monitor).
import { goldenCases } from '../test/golden-cases.mjs';
import { generate, writeFiles } from '../dist/index.js';

for (const testCase of goldenCases) {
  writeFiles(generate(testCase.schema, { header: testCase.header, ts: testCase.ts }));
  console.log(`updated ${testCase.name}`);
}
