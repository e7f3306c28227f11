// The test totals of a whole-suite run: every workspace package writes a vitest JSON report
// (vitest.shared.js) and the simulator also a node:test TAP summary; these add them up into one
// plain "N passed, N failed" line. Used by bootstrap.mjs (`npm test`) and test-under-load.mjs.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Folders holding workspace packages (pnpm-workspace.yaml), and packages that are folders themselves. */
const PACKAGE_PARENTS = ['packages', 'examples'];
const PACKAGE_FOLDERS = ['scripts'];
const RESULTS = 'test-results';
/** A package's reports: vitest's JSON, and node:test TAP files (node-test*.tap: one per run). */
const isReport = (name) => name === 'vitest.json' || (name.startsWith('node-test') && name.endsWith('.tap'));

/**
 * The test reports under `root` that exist. With `since` (ms since the epoch), only those written
 * at or after it: a run's own reports, not those an earlier run left.
 */
export function findTestReports(root, since) {
  const packages = PACKAGE_FOLDERS.map((folder) => join(root, folder));
  for (const parent of PACKAGE_PARENTS) {
    const base = join(root, parent);
    if (existsSync(base)) packages.push(...readdirSync(base).map((name) => join(base, name)));
  }
  return packages
    .map((folder) => join(folder, RESULTS))
    .filter((results) => existsSync(results) && statSync(results).isDirectory())
    .flatMap((results) => readdirSync(results).filter(isReport).sort().map((name) => join(results, name)))
    .filter((report) => since === undefined || statSync(report).mtimeMs >= since);
}

/** Adds up reports: vitest JSON (numPassedTests, ...) and node:test TAP ("# pass N", ...). */
export function countTestTotals(reports) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const report of reports) {
    const text = readFileSync(report, 'utf8');
    if (report.endsWith('.tap')) {
      // node:test's TAP summary: "# pass N", "# fail N", "# skipped N", "# todo N".
      const count = (label) => Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      totals.passed += count('pass');
      totals.failed += count('fail');
      totals.skipped += count('skipped') + count('todo');
      continue;
    }
    const data = JSON.parse(text);
    totals.passed += data.numPassedTests ?? 0;
    totals.failed += data.numFailedTests ?? 0;
    totals.skipped += (data.numPendingTests ?? 0) + (data.numTodoTests ?? 0);
  }
  return totals;
}

export function formatTestTotals({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
