/**
 * The WDM compile check a rendered folder must pass, shared by the files that check different
 * devices (wdm-build.test.ts: the conformance device; wdm-check.test.ts: the others): every tool
 * clean, both configurations run (the WDK one, then the Wine test build), and the test build links.
 */
import { expect } from 'vitest';
import { checkDriver } from '../../src/index.js';

export function expectCleanWdmCheck(driverDir: string): void {
  const results = checkDriver(driverDir);
  for (const result of results) expect(result.output, `${result.tool}: ${result.command}`).toBe('');
  expect(results.map((result) => [result.tool, result.ok])).toEqual([
    ['gcc', true],
    ['clang-analyze', true],
    ['cppcheck', true],
    ['link', true],
  ]);
  const gcc = results[0]!.command.split('\n');
  expect(gcc).toHaveLength(2);
  expect(gcc[0]).not.toContain('INVERTED_CALL_TEST_BUILD');
  expect(gcc[1]).toContain('-DINVERTED_CALL_NO_WDMSEC -DINVERTED_CALL_TEST_BUILD');
}
