// The whole conformance suite, run by Windows node.exe under Wine with the Win32 backend against
// the conformance device's real driver, in both flavours (WDM; KMDF on the project's KMDF-subset
// runtime with its verifier): the same scenarios and expectations as against the simulator and
// the C core, differences (if any) as data in src/known-differences.ts. Each flavour's TAP report
// lands in test-results/node-test-<flavour>.tap, which the root test command counts. Beside it, on
// the same driver: the test-build emit IOCTL (0xFFC) every rendered driver answers.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scenarios } from '@inverted-call/conformance';
import { DRIVER_FLAVOURS, runWindowsNode, toWindowsPath, verifierStops } from '@inverted-call/wine-bed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, WINDOWS_SCRIPTS, startBed, type Bed } from './support/bed.js';
import { runScript } from './support/windows-scripts.js';

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

  it('the test-build emit IOCTL (0xFFC) feeds any channel, read back by the real client, and refuses bad input', async () => {
    const seen = (await runScript(bed.prefix, 'emit', [], 120_000)) as unknown as EmitReport;
    expect(verifierStops(bed.session.logPath), 'KMDF-subset verifier stops').toEqual([]);
    // Five Small in one request, then one Large: in order, payloads intact.
    const small = { tag: '42', value: 7, flag: true };
    expect(seen.delivered.map((item) => item.kind)).toEqual(['Small', 'Small', 'Small', 'Small', 'Small', 'Large']);
    expect(seen.delivered.slice(0, 5).map((item) => item.data)).toEqual(Array.from({ length: 5 }, () => small));
    expect(seen.delivered[5]!.data).toEqual({ tag: '43', text: 'from 0xFFC' });
    const sequences = seen.delivered.map((item) => Number(item.sequence));
    expect(sequences).toEqual(sequences.map((_, index) => sequences[0]! + index));
    // Each refusal with the Win32 error the header documents; none of them reached the channel.
    expect(seen.refusals).toEqual({
      'unknown channel': 'ERROR_INVALID_PARAMETER',
      'unknown kind': 'ERROR_INVALID_PARAMETER',
      'kind of another channel': 'ERROR_INVALID_PARAMETER',
      'payload one byte long': 'ERROR_INVALID_PARAMETER',
      'payload length past the input': 'ERROR_INVALID_PARAMETER',
      'count 0': 'ERROR_INVALID_PARAMETER',
      'header cut short': 'ERROR_INSUFFICIENT_BUFFER',
    });
    expect(seen.afterRefusals).toEqual({ kind: 'Small', sequence: String(sequences[5]! + 1), data: { tag: '99', value: 9, flag: false } });
    // One request of 100 overflows Latest (4 slots, drop-oldest): every event delivered or reported lost.
    const events = seen.overflow.filter((item) => item.kind !== undefined);
    const lost = seen.overflow.reduce((sum, item) => sum + (item.loss ?? 0), 0);
    expect(events.length + lost).toBe(100);
    expect(lost).toBeGreaterThan(0);
    expect(events.at(-1)!.sequence).toBe('99'); // drop-oldest keeps the newest
    expect(seen.latestState).toEqual([expect.objectContaining({ nextSequence: '100', dropped: String(lost) })]);
  }, 180_000);
});

interface EmitItem {
  kind?: string;
  sequence?: string;
  data?: Record<string, unknown>;
  loss?: number;
}

interface EmitReport {
  delivered: EmitItem[];
  refusals: Record<string, string | null>;
  afterRefusals: EmitItem;
  overflow: EmitItem[];
  latestState: { nextSequence: string; dropped: string }[];
}
