// Regenerates the conformance device's header and TS module from its schema. Run after an
// intended change to the schema or to codegen; review the diff like any code change.
import { writeFiles } from '@inverted-call/codegen';
import { renderGolden } from './golden.mjs';

const files = renderGolden();
writeFiles(files);
for (const file of files) console.log(`updated ${file.path}`);
