import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.js';

// ioctl is a subpath of its own: the test IOCTLs' encoders (bundled into Windows-side scripts)
// take its function codes without the schema loader and its YAML parser.
export default defineConfig({ ...baseConfig, entry: ['src/index.ts', 'src/ioctl.ts'] });
