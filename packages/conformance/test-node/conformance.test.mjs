// The conformance suite against the simulator through the node:test adapter, on the built
// packages only: the way it runs under Windows node.exe, where there is no vitest. The target
// is test/support/simulator-target.ts compiled by `tsc -p test-node` into test-node/dist/.
import { runConformance } from '@inverted-call/conformance/node-test';
import { createSimulatorTarget } from './dist/simulator-target.js';

runConformance('simulator', async () => createSimulatorTarget());
