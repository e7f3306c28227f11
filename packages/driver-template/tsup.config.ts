import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.js';

export default defineConfig([
  { ...baseConfig, entry: ['src/index.ts'] },
  // The CLI is ESM only; `clean: false` keeps the library build beside it.
  { ...baseConfig, entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false },
]);
