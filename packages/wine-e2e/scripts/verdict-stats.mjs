// The verdict benchmark's arithmetic, apart from Wine so a unit test can check it
// (test/verdict-stats.test.ts): percentiles of round trips, one table row from the runs of one
// decider and mode, the TS/native p99 ratio run by run, and what the outcomes say went wrong.

/** The nearest-rank percentile `p` (0-100] of `values`: the smallest value at least p% of them are at or below. */
export function percentile(values, p) {
  if (values.length === 0) throw new RangeError('percentile: no values');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p is ${p}; fix: give a number in (0, 100]`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

export const median = (values) => percentile(values, 50);

const OUTCOMES = ['asked', 'answered', 'timedOut', 'defaulted', 'refused'];

/**
 * One row from the asker's runs of one decider and mode: p50 and p99 over every round trip of every
 * run (microseconds), decisions/s as the median of the runs (beside the slowest and fastest), and
 * the driver's outcome counters summed over the runs.
 */
export function summarize(runs) {
  if (runs.length === 0) throw new RangeError('summarize: no runs');
  const roundTrips = runs.flatMap((run) => run.roundTripsUs);
  const rates = runs.map((run) => run.count / run.seconds);
  const outcomes = Object.fromEntries(OUTCOMES.map((name) => [name, runs.reduce((sum, run) => sum + run.outcomes[name], 0)]));
  return {
    requests: runs.reduce((sum, run) => sum + run.count, 0),
    'p50 round trip (µs)': Math.round(percentile(roundTrips, 50)),
    'p99 round trip (µs)': Math.round(percentile(roundTrips, 99)),
    'max (µs)': Math.round(Math.max(...roundTrips)),
    'decisions per second (median run)': Math.round(median(rates)),
    'slowest run': Math.round(Math.min(...rates)),
    'fastest run': Math.round(Math.max(...rates)),
    asked: outcomes.asked,
    answered: outcomes.answered,
    'timed out': outcomes.timedOut,
    defaulted: outcomes.defaulted,
    refused: outcomes.refused,
    'not STATUS_SUCCESS': runs.reduce((sum, run) => sum + run.notSuccess, 0),
  };
}

/**
 * What the outcomes say went other than planned, as sentences (empty when nothing did): every
 * question asked once per request, answered when a decider ran (`expected` 'answered') or
 * defaulted at once without one ('defaulted'), and every CreationStatus STATUS_SUCCESS (allow).
 */
export function outcomeProblems(name, row, expected) {
  const problems = [];
  const requests = row.requests;
  if (row.asked !== requests) problems.push(`${name}: the driver counted ${row.asked} questions asked for ${requests} requests`);
  const settled = expected === 'answered' ? row.answered : row.defaulted;
  if (settled !== row.asked) {
    problems.push(`${name}: ${row.asked - settled} of ${row.asked} questions were not ${expected} (answered ${row.answered}, timed out ${row['timed out']}, defaulted ${row.defaulted}, refused ${row.refused})`);
  }
  if (row['not STATUS_SUCCESS'] > 0) problems.push(`${name}: ${row['not STATUS_SUCCESS']} process creations did not get STATUS_SUCCESS`);
  return problems;
}

/**
 * TypeScript p99 over native p99 in each run (both measured in the same run): median, lowest,
 * highest, and in how many runs it was at most `goal`.
 */
export function p99Ratios(typescriptRuns, nativeRuns, goal) {
  if (typescriptRuns.length !== nativeRuns.length || typescriptRuns.length === 0) throw new RangeError('p99Ratios: give the same number of runs, at least one, of each');
  const ratios = typescriptRuns.map((run, index) => percentile(run.roundTripsUs, 99) / percentile(nativeRuns[index].roundTripsUs, 99));
  return { median: median(ratios), lowest: Math.min(...ratios), highest: Math.max(...ratios), runs: ratios.length, withinGoal: ratios.filter((ratio) => ratio <= goal).length };
}
