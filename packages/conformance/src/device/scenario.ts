/** A named check of one rule against any device, runnable by any test runner. */
import type { Rule } from '../scenario.js';
import type { DeviceScenarioContext } from './context.js';

export interface DeviceScenario {
  /** Unique within one descriptor's list and stable: known differences are keyed by it. */
  name: string;
  rule: Rule;
  run(context: DeviceScenarioContext): Promise<void>;
}

export function deviceScenario(rule: Rule, name: string, run: DeviceScenario['run']): DeviceScenario {
  return { name, rule, run };
}
