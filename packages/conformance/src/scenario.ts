/** A named check of one rule, runnable by any test runner. */
import type { ScenarioContext } from './context.js';

export type Rule = 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6' | 'R7' | 'V1' | 'V2' | 'V3' | 'V4' | 'V5' | 'V6' | 'V7' | 'V8' | 'V9' | 'limits' | 'client';

export interface Scenario {
  /** Unique and stable: known differences of a backend are keyed by it. */
  name: string;
  rule: Rule;
  run(context: ScenarioContext): Promise<void>;
}

export function scenario(rule: Rule, name: string, run: Scenario['run']): Scenario {
  return { name, rule, run };
}
