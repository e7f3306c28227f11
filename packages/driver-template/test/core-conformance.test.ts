// The conformance suite against the portable C core itself, through its native harness: every
// named scenario, with the same expectations as against the simulator. Each scenario's script is
// then replayed through the simulator's DriverModel and must give the same completion trace, so
// every named scenario is also a differential test (HarnessTarget.dispose).
import { runConformance } from '@inverted-call/conformance/vitest';
import { afterAll } from 'vitest';
import { buildHarness } from './support/native.js';
import { HarnessTarget } from './support/harness-target.js';

const native = buildHarness();
afterAll(() => native.dispose());

runConformance('portable core (native harness)', async () => new HarnessTarget(native.harness));
