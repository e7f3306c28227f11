// The whole conformance suite, run by Windows node.exe under Wine with the Win32 backend against
// the conformance device's real driver, in both flavours (WDM; KMDF on the project's KMDF-subset
// runtime with its verifier): the same scenarios and expectations as against the simulator and
// the C core, differences (if any) as data in src/known-differences.ts. Each flavour's TAP report
// lands in test-results/node-test-<flavour>.tap, which the root test command counts.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scenarios } from '@inverted-call/conformance';
import { DRIVER_FLAVOURS, runWindowsNode, toWindowsPath, verifierStops } from '@inverted-call/wine-bed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, WINDOWS_SCRIPTS, startBed, type Bed } from './support/bed.js';

describe.each(DRIVER_FLAVOURS)('%s driver', (flavour) => {
  const TAP = join(PACKAGE_DIR, 'test-results', `node-test-${flavour}.tap`);
  let bed: Bed;

  beforeAll(async () => {
    bed = await startBed(`wine-e2e-conformance-${flavour}`, { flavour });
  }, 300_000);

  afterAll(async () => {
    await bed?.stop();
  });

  it('every conformance scenario passes against the real driver', async () => {
    mkdirSync(join(PACKAGE_DIR, 'test-results'), { recursive: true });
    rmSync(TAP, { force: true });
    const result = await runWindowsNode(bed.prefix, join(WINDOWS_SCRIPTS, 'conformance.mjs'), [], {
      nodeArgs: ['--test-reporter=tap', `--test-reporter-destination=${toWindowsPath(TAP)}`],
      cwd: PACKAGE_DIR,
      timeoutMs: 600_000,
    });
    const tap = readFileSync(TAP, 'utf8');
    const count = (label: string) => Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(tap)?.[1] ?? Number.NaN);
    const failures = tap.split('\n').filter((line) => /^\s*not ok /.test(line));
    // A verifier stop (KMDF) ends the driver host: its message says which rule the glue broke.
    const stops = verifierStops(bed.session.logPath);
    expect(stops, 'KMDF-subset verifier stops').toEqual([]);
    expect(failures, `${failures.join('\n')}\n${result.stderr}`).toEqual([]);
    expect(count('fail')).toBe(0);
    expect(count('pass')).toBe(scenarios.length);
    expect(result.exitCode).toBe(0);
  }, 600_000);
});
