import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.js';

export default defineConfig([
  // shims: import.meta.url in the CJS build (node.ts finds ../windows from it).
  // target is a subpath of its own: a project's tests take it without the Wine setup code.
  { ...baseConfig, entry: ['src/index.ts', 'src/target.ts'], shims: true },
  // The CLI is ESM only; `clean: false` keeps the library build beside it.
  { ...baseConfig, entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false },
  // The device bridge's Windows end, run by Windows node.exe under Wine: one file with everything
  // of ours inside (Wine does not follow pnpm's symlinks the way Linux does); koffi stays outside
  // and is found through NODE_PATH (node.ts).
  {
    entry: { 'bridge-proxy': 'src/windows/bridge-proxy.ts' },
    outDir: 'dist-windows',
    // CommonJS: Windows node finds koffi through NODE_PATH, which only require() follows.
    // The Win32 backend loads koffi with import(); compiled to require() so NODE_PATH applies.
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    esbuildOptions(options) {
      options.supported = { ...options.supported, 'dynamic-import': false };
    },
    platform: 'node',
    target: 'node20',
    bundle: true,
    noExternal: [/^@inverted-call\//],
    external: ['koffi'],
    splitting: false,
    sourcemap: false,
    clean: true,
    dts: false,
  },
]);
