import { defineConfig } from 'tsup';

// The scripts Windows node.exe runs under Wine: each bundled into one ESM file with everything of
// ours inside (Wine does not follow pnpm's symlinks the way Linux does); koffi stays outside and
// is found through NODE_PATH (see @inverted-call/wine-bed).
export default defineConfig({
  entry: {
    conformance: 'src/windows/conformance.ts',
    'parked-client': 'src/windows/parked-client.ts',
    'close-parked': 'src/windows/close-parked.ts',
    probe: 'src/windows/probe.ts',
    injector: 'src/windows/injector.ts',
    streamer: 'src/windows/streamer.ts',
    interleavings: 'src/windows/interleavings.ts',
    bench: 'src/windows/bench.ts',
    emit: 'src/windows/emit.ts',
  },
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
  // node:test has no bare-name form: keep the node: prefix on every builtin.
  removeNodeProtocol: false,
});
