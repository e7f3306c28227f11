import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.js';

export default defineConfig([
  // notify-test and test-ioctls are subpaths of their own: Windows-side test bundles and the
  // Linux-side Wine bridge take them without the renderer. powershell-check is one too, so only
  // its users need its optional peers (the PowerShell grammar).
  { ...baseConfig, entry: ['src/index.ts', 'src/notify-test.ts', 'src/test-ioctls.ts', 'src/powershell-check.ts'] },
  // The CLI is ESM only; `clean: false` keeps the library build beside it.
  { ...baseConfig, entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false },
]);
