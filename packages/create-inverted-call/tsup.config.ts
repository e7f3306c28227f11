import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.js';

// ESM only: yeoman-generator and yeoman-environment are ESM-only packages.
export default defineConfig([
  { ...baseConfig, format: ['esm'], entry: ['src/index.ts'] },
  // `clean: false` keeps the library build beside the CLI.
  { ...baseConfig, format: ['esm'], entry: ['src/cli.ts'], dts: false, clean: false },
]);
