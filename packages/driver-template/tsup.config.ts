import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.js';

export default defineConfig([
  // notify-test is a subpath of its own: Windows-side test bundles take it without the renderer.
  { ...baseConfig, entry: ['src/index.ts', 'src/notify-test.ts'] },
  // The CLI is ESM only; `clean: false` keeps the library build beside it.
  { ...baseConfig, entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false },
]);
