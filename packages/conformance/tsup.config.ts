import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.js';

// vitest is a peer of the ./vitest adapter only; never bundle it. Keep the `node:` prefix: tsup
// strips it by default, and `node:test` exists only under that name (a bare `test` does not resolve).
export default defineConfig({ ...baseConfig, entry: ['src/index.ts', 'src/vitest.ts', 'src/node-test.ts', 'src/simulator.ts'], external: ['vitest'], removeNodeProtocol: false });
