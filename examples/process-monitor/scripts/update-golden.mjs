// Regenerates the example's header and TS module from its schema (the rest of the driver folder:
// `pnpm run generate`). Run after an intended change to the schema or to codegen; review the diff.
import { writeFiles } from '@inverted-call/codegen';
import { renderGolden } from './golden.mjs';

const files = renderGolden();
writeFiles(files);
for (const file of files) console.log(`updated ${file.path}`);
