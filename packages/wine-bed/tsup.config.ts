import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.js';

// shims: import.meta.url in the CJS build (node.ts finds ../windows from it).
export default defineConfig([{ ...baseConfig, entry: ['src/index.ts'], shims: true }]);
