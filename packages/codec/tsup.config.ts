import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.js';

export default defineConfig({
  ...baseConfig,
  entry: ['src/index.ts', 'src/codegen-v1.ts'],
  // Both entry points must share one copy of the runtime: a generated module (codegen-v1) throws
  // the CodecError that a client (root) tests with instanceof, so the class may exist only once.
  splitting: true,
});
