// The conformance suite against the portable C core itself, through its native harness: every
// named scenario, with the same expectations as against the simulator. Each scenario's script is
// then replayed through the simulator's DriverModel and must give the same completion trace, so
// every named scenario is also a differential test (HarnessTarget.dispose).
// The harness is built once per run by the global setup (test/setup/native-builds.ts).
import { runConformance } from '@inverted-call/conformance/vitest';
import { inject, vi } from 'vitest';
import { HarnessTarget } from './support/harness-target.js';

// Time limit, from a measurement at load average 6-9 on the 2-core machine (the whole suite beside
// other builds): the slowest scenario, harness process start and DriverModel replay included,
// took 47 ms. 30 s per scenario is far above 3x.
vi.setConfig({ testTimeout: 30_000 });

const { harness } = inject('nativeBuild');

runConformance('portable core (native harness)', async () => new HarnessTarget(harness));
