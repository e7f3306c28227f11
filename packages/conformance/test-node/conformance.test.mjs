// The conformance suites against the simulator through the node:test adapter, on the built
// packages only: the way they run under Windows node.exe, where there is no vitest. The
// conformance device's target is test/support/simulator-target.ts compiled by `tsc -p test-node`
// into test-node/dist/; the device-generic scenarios use the published simulator target.
import { conformanceDevice } from '@inverted-call/conformance';
import { describeDeviceConformance, runConformance } from '@inverted-call/conformance/node-test';
import { createSimulatorDeviceTarget } from '@inverted-call/conformance/simulator';
import { createSimulatorTarget } from './dist/simulator-target.js';

runConformance('simulator', async () => createSimulatorTarget());
describeDeviceConformance(conformanceDevice, async () => createSimulatorDeviceTarget(conformanceDevice), { name: 'ConformanceDevice on the simulator' });
