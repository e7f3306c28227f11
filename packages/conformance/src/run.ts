/**
 * The runner-agnostic core: every scenario, and how to run one against a fresh target. Adapters
 * for vitest and node:test only map these onto `describe`/`it`.
 */
import { within } from './assert.js';
import { ScenarioContext } from './context.js';
import type { Scenario } from './scenario.js';
import { allScenarios } from './scenarios/index.js';
import type { ConformanceTarget } from './target.js';

export interface ConformanceOptions {
  /**
   * Scenarios this backend is known to fail, each with the reason: data in one place, not ifs in
   * scenarios. Such a scenario is still run and must fail; if it passes, the entry is stale.
   */
  knownDifferences?: Record<string, string>;
}

/** The minimal surface of a test runner. */
export interface TestRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
}

export const scenarios: readonly Scenario[] = allScenarios;

/** Longer than any scenario takes on a real driver; past it the scenario has hung, and fails on its own. */
export const SCENARIO_TIME_LIMIT_MS = 30_000;

export async function runScenario(scenario: Scenario, makeTarget: () => Promise<ConformanceTarget>): Promise<void> {
  const target = await makeTarget();
  const context = new ScenarioContext(target);
  try {
    await within(scenario.run(context), `scenario "${scenario.name}"`, SCENARIO_TIME_LIMIT_MS);
  } finally {
    try {
      // Closing waits for every completion, so a driver that loses one would hang here too.
      await within(context.cleanup(), `closing what "${scenario.name}" opened`, SCENARIO_TIME_LIMIT_MS);
    } finally {
      await target.dispose();
    }
  }
}

export function runConformance(name: string, makeTarget: () => Promise<ConformanceTarget>, runner: TestRunner, options: ConformanceOptions = {}): void {
  registerScenarios(`conformance: ${name}`, name, scenarios, (entry) => runScenario(entry, makeTarget), runner, options);
}

/** The known differences of `options`, once each is checked to name one of `entries`. */
export function checkKnownDifferences(entries: readonly { name: string }[], options: ConformanceOptions): Record<string, string> {
  const known = options.knownDifferences ?? {};
  for (const key of Object.keys(known)) {
    if (!entries.some((candidate) => candidate.name === key)) throw new Error(`conformance: knownDifferences names no scenario: "${key}"`);
  }
  return known;
}

/**
 * Registers one test per scenario with `runner`, under `title`. A scenario listed in
 * `knownDifferences` must fail; an entry naming no scenario is refused at once.
 */
export function registerScenarios<Entry extends { name: string; rule: string }>(
  title: string,
  targetName: string,
  entries: readonly Entry[],
  runOne: (entry: Entry) => Promise<void>,
  runner: TestRunner,
  options: ConformanceOptions,
): void {
  const known = checkKnownDifferences(entries, options);
  runner.describe(title, () => {
    for (const entry of entries) {
      const reason = known[entry.name];
      if (reason === undefined) {
        runner.it(`[${entry.rule}] ${entry.name}`, () => runOne(entry));
      } else {
        runner.it(`[${entry.rule}] ${entry.name} (known difference: ${reason})`, async () => {
          const failed = await runOne(entry).then(() => false, () => true);
          if (!failed) throw new Error(`"${entry.name}" now passes on ${targetName}: remove it from knownDifferences`);
        });
      }
    }
  });
}
