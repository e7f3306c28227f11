/** Every scenario, grouped by theme; the order here is the order runners list them in. */
import type { Scenario } from '../scenario.js';
import { callScenarios } from './calls.js';
import { cancelScenarios } from './cancel.js';
import { clientScenarios } from './client.js';
import { closeAndCrashScenarios } from './close-and-crash.js';
import { fanOutScenarios } from './fan-out.js';
import { limitScenarios } from './limits.js';
import { overflowScenarios } from './overflow.js';
import { protocolScenarios } from './protocol.js';
import { streamScenarios } from './streams.js';
import { subscribeScenarios } from './subscribe.js';
import { verdictScenarios } from './verdicts.js';

export const allScenarios: Scenario[] = [
  ...subscribeScenarios,
  ...fanOutScenarios,
  ...overflowScenarios,
  ...cancelScenarios,
  ...closeAndCrashScenarios,
  ...callScenarios,
  ...protocolScenarios,
  ...limitScenarios,
  ...clientScenarios,
  ...streamScenarios,
  ...verdictScenarios,
];

const names = new Set<string>();
for (const entry of allScenarios) {
  // knownDifferences are keyed by name, so a duplicate would silently share an entry.
  if (names.has(entry.name)) throw new Error(`conformance: two scenarios are named "${entry.name}"`);
  names.add(entry.name);
}
