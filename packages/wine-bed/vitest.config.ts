import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// One Wine prefix is made per test file in beforeAll (wineboot -i takes seconds).
export default defineConfig({ test: { ...sharedTestConfig, hookTimeout: 300_000 } });
