import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.js';

// vitest is a peer of the ./vitest adapter only; never bundle it.
export default defineConfig({ ...baseConfig, entry: ['src/index.ts', 'src/vitest.ts', 'src/node-test.ts'], external: ['vitest'] });
