// Adding up the test reports of a run: vitest JSON and node:test TAP, from every package folder,
// optionally only those written since a run began.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countTestTotals, findTestReports, formatTestTotals } from '../test-totals.mjs';

const root = mkdtempSync(join(tmpdir(), 'test-totals-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function report(folder, name, text) {
  mkdirSync(join(root, folder, 'test-results'), { recursive: true });
  const path = join(root, folder, 'test-results', name);
  writeFileSync(path, text);
  return path;
}

const vitest = (passed, failed, pending = 0) => JSON.stringify({ numPassedTests: passed, numFailedTests: failed, numPendingTests: pending, numTodoTests: 0 });

const a = report('packages/a', 'vitest.json', vitest(10, 1, 2));
const tap = report('packages/a', 'node-test.tap', 'TAP version 13\n# tests 7\n# pass 6\n# fail 0\n# skipped 1\n# todo 0\n');
const tapKmdf = report('packages/a', 'node-test-kmdf.tap', 'TAP version 13\n# tests 2\n# pass 2\n# fail 0\n');
const b = report('examples/b', 'vitest.json', vitest(4, 0));
const scripts = report('scripts', 'vitest.json', vitest(3, 0));
report('packages/a', 'other.json', vitest(100, 100)); // not a report name
report('packages/a', 'notes.tap', '# pass 100\n'); // a TAP file, but not node:test's report
mkdirSync(join(root, 'packages', 'no-tests'));

describe('findTestReports', () => {
  it('finds the reports of packages/*, examples/* and scripts', () => {
    expect(findTestReports(root).sort()).toEqual([a, tap, tapKmdf, b, scripts].sort());
  });

  it('leaves out, with `since`, the reports an earlier run wrote', () => {
    const old = new Date(Date.now() - 60_000);
    utimesSync(b, old, old);
    expect(findTestReports(root, Date.now() - 30_000).sort()).toEqual([a, tap, tapKmdf, scripts].sort());
  });
});

describe('countTestTotals and formatTestTotals', () => {
  it('adds up vitest and TAP reports', () => {
    const totals = countTestTotals([a, tap, tapKmdf, b, scripts]);
    expect(totals).toEqual({ passed: 25, failed: 1, skipped: 3 });
    expect(formatTestTotals(totals)).toBe('25 passed, 1 failed, 3 skipped');
  });

  it('says nothing of skipped tests when there are none', () => {
    expect(formatTestTotals(countTestTotals([b]))).toBe('4 passed, 0 failed');
    expect(formatTestTotals(countTestTotals([]))).toBe('0 passed, 0 failed');
  });
});
