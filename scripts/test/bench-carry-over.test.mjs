// What bench-report.mjs keeps of the previous docs/benchmarks.md: a package's vitest sections
// while it has no fresh vitest results, a named-numbers section while its own file is not fresh,
// and the dates of run that still describe a carried section.
import { describe, expect, it } from 'vitest';
import { carriedOver } from '../bench-carry-over.mjs';

const REPORT = [
  '# Benchmarks',
  '',
  '| | |',
  '| --- | --- |',
  '| Date of run | 2026-01-01 00:00:00 UTC (client), 2026-01-02 00:00:00 UTC (wine-e2e), 2026-01-03 00:00:00 UTC (wine-e2e/wine.verdicts) |',
  '',
  '## `packages/client/bench/decode.bench.ts`',
  '',
  '### decode',
  '',
  '## Events under Wine',
  '',
  'From `packages/wine-e2e/bench-results/wine.json`, written by the wine-e2e package\'s benchmark run.',
  '',
  '| Client | events delivered/s (median) |',
  '| --- | ---: |',
  '| naive | 100 |',
  '| batched | 400 |',
  '',
  '## Verdicts under Wine',
  '',
  'From `packages/wine-e2e/bench-results/wine.verdicts.json`, written by the wine-e2e package\'s benchmark run.',
  '',
].join('\n');

const sourcesOf = (carried) => carried.sections.map((section) => section.file ?? section.name);
const fresh = (packages, files) => ({ packages: new Set(packages), files: new Set(files) });

describe('carriedOver', () => {
  it('a fresh named-numbers file replaces only its own section; its package\'s other sections and their date stay', () => {
    const carried = carriedOver(REPORT, fresh([], ['packages/wine-e2e/bench-results/wine.verdicts.json']));
    expect(sourcesOf(carried)).toEqual(['client', 'packages/wine-e2e/bench-results/wine.json']);
    expect([...carried.dates]).toEqual([
      ['client', '2026-01-01 00:00:00 UTC'],
      ['wine-e2e', '2026-01-02 00:00:00 UTC'],
    ]);
    // The carried table's chart panel is read back (events delivered/s, two rows).
    expect(carried.sections[1].charts).toHaveLength(1);
  });

  it('every file of a package fresh: none of its sections or dates are carried', () => {
    const carried = carriedOver(REPORT, fresh([], ['packages/wine-e2e/bench-results/wine.json', 'packages/wine-e2e/bench-results/wine.verdicts.json']));
    expect(sourcesOf(carried)).toEqual(['client']);
    expect([...carried.dates.keys()]).toEqual(['client']);
  });

  it('a package with fresh vitest results loses its vitest sections; nothing fresh carries everything', () => {
    expect(sourcesOf(carriedOver(REPORT, fresh(['client'], [])))).toEqual(['packages/wine-e2e/bench-results/wine.json', 'packages/wine-e2e/bench-results/wine.verdicts.json']);
    const all = carriedOver(REPORT, fresh([], []));
    expect(sourcesOf(all)).toHaveLength(3);
    expect([...all.dates.keys()]).toEqual(['client', 'wine-e2e', 'wine-e2e/wine.verdicts']);
  });
});
