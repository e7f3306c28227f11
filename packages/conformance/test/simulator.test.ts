/** The conformance suite against the simulator, through the vitest adapter. */
import { runConformance } from '@inverted-call/conformance/vitest';
import { createSimulatorTarget } from './support/simulator-target.js';

runConformance('simulator', async () => createSimulatorTarget());
