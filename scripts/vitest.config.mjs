import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.js';

// The scripts are plain JavaScript (bootstrap runs before anything is installed), and so are their tests.
export default defineConfig({ test: { ...sharedTestConfig, include: ['test/**/*.test.mjs'] } });
