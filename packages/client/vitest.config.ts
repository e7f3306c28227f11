import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

export default defineConfig(({ mode }) => ({
  test: {
    ...sharedTestConfig,
    // Benchmarks load the workspace packages this one uses (codec, backend) as Node loads them for a
    // user: natively, from their built dist. pnpm links them from outside node_modules, so vitest
    // would run them through its module transform, which turns each imported name into a getter call:
    // in the per-event loop of a decoder that costs as much as the decoding it measures.
    ...(mode === 'benchmark' ? { server: { deps: { external: [/\/node_modules\//, /\/packages\/[^/]+\/dist\//] } } } : {}),
  },
}));
