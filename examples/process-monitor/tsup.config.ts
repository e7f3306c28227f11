import { defineConfig } from 'tsup';

// The notify test's Windows-side script, run by Windows node.exe under Wine: bundled into one ESM
// file with everything of ours inside (Wine does not follow pnpm's symlinks the way Linux does);
// koffi stays outside and is found through NODE_PATH (see @inverted-call/wine-bed).
export default defineConfig({
  entry: { 'notify-client': 'test/windows/notify-client.ts' },
  outDir: 'dist-windows',
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  platform: 'node',
  target: 'node20',
  bundle: true,
  noExternal: [/^@inverted-call\//],
  external: ['koffi'],
  splitting: false,
  sourcemap: true,
  clean: true,
  dts: false,
  removeNodeProtocol: false,
});
