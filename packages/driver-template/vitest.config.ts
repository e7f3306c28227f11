import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

export default defineConfig({
  test: {
    ...sharedTestConfig,
    // The native ASan builds of the portable core, once per run and with no time limit. Every test
    // file that runs a compiler or the native harness sets its own limits, sized from measurements
    // on a loaded machine (see each file); the render tests keep the shared 120 s default, which is
    // hundreds of times the 0.2 s the slowest of them took.
    globalSetup: ['test/setup/native-builds.ts'],
    // Two files at a time. Vitest's default on a 2-core machine is one (cores - 1), and these files
    // are long and partly single-threaded (gcc and clang run one source at a time): one at a time
    // made this package the suite's last task by minutes (818 s, the files' times adding up).
    maxWorkers: 2,
  },
});
