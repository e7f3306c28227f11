/**
 * Running the device-generic scenarios: each against a fresh target, with the same time limits
 * as the conformance device's suite; registered with a test runner, or run in turn for a plain
 * list of results (for a command-line tool with no test runner of its own).
 */
import type { DeviceDescriptorV1 } from '@inverted-call/codec';
import { within } from '../assert.js';
import type { DeviceTestTarget } from '../device-target.js';
import { SCENARIO_TIME_LIMIT_MS, checkKnownDifferences, registerScenarios, type ConformanceOptions, type TestRunner } from '../run.js';
import { DeviceScenarioContext } from './context.js';
import { deviceScenarios } from './index.js';
import type { DeviceScenario } from './scenario.js';

export type MakeDeviceTarget = () => Promise<DeviceTestTarget>;

export async function runDeviceScenario(scenario: DeviceScenario, descriptor: DeviceDescriptorV1, makeTarget: MakeDeviceTarget): Promise<void> {
  const target = await makeTarget();
  try {
    if (target.descriptor.schemaHash !== descriptor.schemaHash) {
      throw new Error(`conformance: target "${target.name}" is for ${target.descriptor.name} (schema ${target.descriptor.schemaHash.slice(0, 16)}…), but the scenarios were made for ${descriptor.name} (schema ${descriptor.schemaHash.slice(0, 16)}…); pass both the same descriptor`);
    }
    const context = new DeviceScenarioContext(target);
    try {
      await within(scenario.run(context), `scenario "${scenario.name}"`, SCENARIO_TIME_LIMIT_MS);
    } finally {
      // Closing waits for every completion, so a driver that loses one would hang here too.
      await within(context.cleanup(), `closing what "${scenario.name}" opened`, SCENARIO_TIME_LIMIT_MS);
    }
  } finally {
    await target.dispose();
  }
}

/** Registers one test per scenario of `descriptor` with `runner`. */
export function defineDeviceConformance(descriptor: DeviceDescriptorV1, makeTarget: MakeDeviceTarget, runner: TestRunner, options: ConformanceOptions & { name?: string } = {}): void {
  const name = options.name ?? descriptor.name;
  registerScenarios(`device conformance: ${name}`, name, deviceScenarios(descriptor), (entry) => runDeviceScenario(entry, descriptor, makeTarget), runner, options);
}

export interface DeviceScenarioResult {
  name: string;
  rule: string;
  ok: boolean;
  /** Why it failed: the first failed check's message. */
  error?: string;
  /** A known difference: the reason given for it (`ok` then says whether it failed as expected). */
  knownDifference?: string;
  milliseconds: number;
}

/**
 * Runs every scenario in turn and returns one result each, failures included, never throwing for
 * one. A scenario in `knownDifferences` is ok when it fails, and not ok (stale entry) when it passes.
 */
export async function runDeviceConformance(descriptor: DeviceDescriptorV1, makeTarget: MakeDeviceTarget, options: ConformanceOptions = {}): Promise<DeviceScenarioResult[]> {
  const scenarios = deviceScenarios(descriptor);
  const known = checkKnownDifferences(scenarios, options);
  const results: DeviceScenarioResult[] = [];
  for (const scenario of scenarios) {
    const started = performance.now();
    const error = await runDeviceScenario(scenario, descriptor, makeTarget).then(
      () => undefined,
      (failure: unknown) => (failure instanceof Error ? failure.message : String(failure)),
    );
    const milliseconds = Math.round(performance.now() - started);
    const reason = known[scenario.name];
    if (reason === undefined) {
      results.push({ name: scenario.name, rule: scenario.rule, ok: error === undefined, ...(error === undefined ? {} : { error }), milliseconds });
    } else {
      const stale = error === undefined ? { error: `now passes: remove it from knownDifferences` } : {};
      results.push({ name: scenario.name, rule: scenario.rule, ok: error !== undefined, knownDifference: reason, ...stale, milliseconds });
    }
  }
  return results;
}
