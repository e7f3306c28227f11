import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.js';

// koffi stays external: it is loaded only when a backend opens its first device, on Windows.
export default defineConfig({ ...baseConfig, entry: ['src/index.ts'], external: ['koffi'] });
