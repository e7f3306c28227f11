// Shared vitest settings: every package writes a JSON report that the root test command adds up.
/** @type {import('vitest/config').ViteUserConfig['test']} */
export const sharedTestConfig = {
  include: ['test/**/*.test.ts'],
  reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  // Compiler-backed tests run gcc and clang; give them room on a loaded 2-core machine.
  testTimeout: 120_000,
  // Setup hooks build and scaffold things too (a yeoman run, a Wine prefix); vitest's 10 s default
  // was seen to expire on a loaded 2-core machine. Files that measure longer set their own.
  hookTimeout: 120_000,
};
