// The fixture schemas whose generated outputs are committed and compared in CI. The conformance
// device and the example own their generated files and test them in their own packages.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures');
const golden = join(here, 'golden');

export const goldenCases = readdirSync(fixtures)
  .filter((file) => /\.device\.(json|ya?ml)$/.test(file))
  .sort()
  .map((file) => {
    const name = file.replace(/\.device\.(json|ya?ml)$/, '');
    return { name, schema: join(fixtures, file), header: join(golden, `${name}.h`), ts: join(golden, `${name}.ts`) };
  });
