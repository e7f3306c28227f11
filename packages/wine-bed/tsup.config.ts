import { defineConfig } from 'tsup';
import { baseConfig, windowsScriptConfig } from '../../tsup.base.js';

export default defineConfig([
  // shims: import.meta.url in the CJS build (node.ts finds ../windows from it).
  // target is a subpath of its own: a project's tests take it without the Wine setup code.
  { ...baseConfig, entry: ['src/index.ts', 'src/target.ts'], shims: true },
  // The CLI is ESM only; `clean: false` keeps the library build beside it.
  { ...baseConfig, entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false },
  // The device bridge's Windows end, run by Windows node.exe under Wine. CommonJS: Windows node
  // finds koffi through NODE_PATH, which only require() follows; the Win32 backend loads koffi
  // with import(), compiled to require() here.
  windowsScriptConfig(
    { 'bridge-proxy': 'src/windows/bridge-proxy.ts' },
    {
      format: ['cjs'],
      outExtension: () => ({ js: '.cjs' }),
      sourcemap: false,
      esbuildOptions(options) {
        options.supported = { ...options.supported, 'dynamic-import': false };
      },
    },
  ),
]);
