/**
 * The runner-agnostic core on its own: the scenario list, how runConformance maps it onto a runner,
 * known differences as data, and the assertions. The scenarios themselves run against the
 * simulator in simulator.test.ts and failures.test.ts (and through node:test in test-node/).
 */
import { describe, expect, it } from 'vitest';
import { ConformanceFailure, deviceError, equal, within } from '../src/assert.js';
import { runConformance, scenarios, type TestRunner } from '../src/run.js';

function recordingRunner() {
  const suites: string[] = [];
  const tests: { name: string; body: () => Promise<void> }[] = [];
  const runner: TestRunner = {
    describe: (name, body) => {
      suites.push(name);
      body();
    },
    it: (name, body) => void tests.push({ name, body }),
  };
  return { runner, suites, tests };
}

const noTarget = async () => {
  throw new Error('no target in this test');
};

describe('the scenario list', () => {
  it('has at least 40 scenarios with unique names, covering every rule (channels R1-R7, verdicts V1-V9) and the client', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(40);
    expect(new Set(scenarios.map((entry) => entry.name)).size).toBe(scenarios.length);
    expect(new Set(scenarios.map((entry) => entry.rule))).toEqual(new Set(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'V7', 'V8', 'V9', 'limits', 'client']));
  });
});

describe('runConformance', () => {
  it('registers one test per scenario, titled with its rule, in one suite named after the target', () => {
    const { runner, suites, tests } = recordingRunner();
    runConformance('fake', noTarget, runner);
    expect(suites).toEqual(['conformance: fake']);
    expect(tests.map((test) => test.name)).toEqual(scenarios.map((entry) => `[${entry.rule}] ${entry.name}`));
  });

  it('refuses a known difference that names no scenario', () => {
    const { runner } = recordingRunner();
    expect(() => runConformance('fake', noTarget, runner, { knownDifferences: { 'no such scenario': 'why' } })).toThrow(/names no scenario: "no such scenario"/);
  });

  it('runs a known difference and accepts its failure, with the reason in the title', async () => {
    const { runner, tests } = recordingRunner();
    const name = scenarios[0]!.name;
    runConformance('fake', noTarget, runner, { knownDifferences: { [name]: 'not built yet' } });
    const test = tests.find((entry) => entry.name.startsWith(`[${scenarios[0]!.rule}] ${name} (known difference: not built yet)`))!;
    await expect(test.body()).resolves.toBeUndefined();
    await expect(tests[1]!.body()).rejects.toThrow('no target in this test');
  });
});

describe('assertions', () => {
  it('equal throws a ConformanceFailure naming what differed and both values', () => {
    expect(() => equal([1n, 2n], [1n, 3n], 'sequences')).toThrow(ConformanceFailure);
    expect(() => equal([1n, 2n], [1n, 3n], 'sequences')).toThrow('sequences: expected [ 1n, 3n ], got [ 1n, 2n ]');
    expect(() => equal({ a: 1 }, { a: 1 }, 'same')).not.toThrow();
  });

  it('deviceError checks the name, the Win32 code and the canceled flag', () => {
    const canceled = { name: 'DeviceError', code: 'ERROR_OPERATION_ABORTED', canceled: true };
    expect(() => deviceError(canceled, 'ERROR_OPERATION_ABORTED', 'cancel')).not.toThrow();
    expect(() => deviceError({ ...canceled, canceled: false }, 'ERROR_OPERATION_ABORTED', 'cancel')).toThrow('cancel: canceled flag');
    expect(() => deviceError(new Error('plain'), 'ERROR_ACCESS_DENIED', 'denied')).toThrow('denied: expected a DeviceError ERROR_ACCESS_DENIED');
  });

  it('within fails a promise that never settles, and passes one that does', async () => {
    await expect(within(new Promise(() => {}), 'a lost completion', 20)).rejects.toThrow('a lost completion: nothing after 20 ms');
    await expect(within(Promise.resolve(7), 'quick', 20)).resolves.toBe(7);
  });
});
