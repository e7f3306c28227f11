// Faults against the real driver under Wine, in both flavours: a Windows client killed (SIGKILL,
// as kill -9) with requests parked; one client's crash beside another client's live stream; and
// 1,000 random interleavings of cancel and completion with exact sequence accounting.
import { readFileSync } from 'node:fs';
import { CONFORMANCE_SERVICE, DRIVER_FLAVOURS, driverState, killWindowsProcess, startDriver, stopDriver, verifierStops } from '@inverted-call/wine-bed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBed, type Bed } from './support/bed.js';
import { runScript, startScript, type Report } from './support/windows-scripts.js';

/** What the KMDF-subset runtime prints when unload has left no framework object. */
const UNLOADED = 'KMDF-subset runtime: unloaded, no framework object left';

/** What the I/O manager reports for a cancelled request (0xC0000120). */
const STATUS_CANCELLED = 0xc0000120;

describe.each(DRIVER_FLAVOURS)('%s driver', (flavour) => {
  let bed: Bed;

  beforeAll(async () => {
    bed = await startBed(`wine-e2e-faults-${flavour}`, { flavour });
  }, 300_000);

  afterAll(async () => {
    await bed?.stop();
  });

  afterEach(() => {
    // A verifier stop (KMDF) ends the driver host: its message says which rule the glue broke.
    expect(verifierStops(bed.session.logPath), 'KMDF-subset verifier stops').toEqual([]);
  });

  interface ProbedState {
    openFiles: number;
    callerFileId: number;
    parkedNow: string;
    subscriptions: { processId: string; fileId: number; channel: number; parked: number; ringFill: number }[];
  }

  const probe = async (): Promise<ProbedState> => (await runScript(bed.prefix, 'probe')) as unknown as ProbedState;

  describe('faults', () => {
    it('a client killed with requests parked leaves no subscription and no parked request', async () => {
      const client = startScript(bed.prefix, 'parked-client', ['4']);
      await client.waitFor((report) => report.ready === true);
      const before = await probe();
      expect(before.subscriptions).toEqual([expect.objectContaining({ channel: 0, parked: 4 })]);
      expect(before.parkedNow).toBe('4');

      await killWindowsProcess(client.process);
      const after = await probe();
      expect(after.subscriptions).toEqual([]);
      expect(after.parkedNow).toBe('0');
      expect(after.openFiles).toBe(1); // the probe's own handle
    }, 120_000);

    it('a handle closed without cancelling its parked requests gets every one back cancelled', async () => {
      const closed = (await runScript(bed.prefix, 'close-parked', ['3'], 60_000)) as { statuses: number[] } & Report;
      expect(closed.statuses).toEqual([STATUS_CANCELLED, STATUS_CANCELLED, STATUS_CANCELLED]);
      const after = await probe();
      expect(after.subscriptions).toEqual([]);
      expect(after.parkedNow).toBe('0');
      expect(after.openFiles).toBe(1); // the probe's own handle
    }, 120_000);

    it("one client's crash does not disturb another client's stream", async () => {
      const events = 200;
      const reader = startScript(bed.prefix, 'streamer', [String(events), '4']);
      await reader.waitFor((report) => report.ready === true);
      const victim = startScript(bed.prefix, 'parked-client', ['4']);
      await victim.waitFor((report) => report.ready === true);
      await killWindowsProcess(victim.process);
      await runScript(bed.prefix, 'injector', [String(events)]);
      const seen = (await reader.waitFor((report) => Array.isArray(report.sequences))) as { sequences: string[]; dropped: string } & Report;
      const sequences = seen.sequences.map(Number);
      // Every event is delivered once, in order, or counted as dropped: nothing else.
      expect(new Set(sequences).size).toBe(sequences.length);
      expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
      expect(sequences.length + Number(seen.dropped)).toBe(events);
      expect(Math.max(...sequences)).toBeLessThan(events);
      const state = await probe();
      expect(state.subscriptions).toEqual([]);
    }, 180_000);

    it('unloads (sc stop: unload deletes every object) and loads again, serving as before', async () => {
      await stopDriver(bed.prefix, CONFORMANCE_SERVICE);
      expect(await driverState(bed.prefix, CONFORMANCE_SERVICE)).toBe('STOPPED');
      if (flavour === 'kmdf') {
        // The runtime says so once unload has deleted every framework object (a crash on the
        // way would also leave the service STOPPED).
        await expect.poll(() => readFileSync(bed.session.logPath, 'utf8').includes(UNLOADED), { timeout: 10_000 }).toBe(true);
      }
      await startDriver(bed.prefix, CONFORMANCE_SERVICE);
      const state = await probe();
      expect(state.subscriptions).toEqual([]);
      expect(state.openFiles).toBe(1);
    }, 120_000);

    it('1,000 random interleavings (5 steps each) of cancel and completion lose no event and settle every request once', async () => {
      const result = (await runScript(bed.prefix, 'interleavings', ['1000', '20261121'], 300_000)) as Record<string, unknown>;
      expect(result.problems).toEqual([]);
      expect(result.settledTwice).toEqual([]);
      expect(result.duplicates).toEqual([]);
      expect(result.outOfRange).toEqual([]);
      // Sequence accounting: every offer is delivered or dropped, exactly.
      expect(Number(result.delivered) + Number(result.dropped)).toBe(result.nextSequence);
      expect(result.missing).toBe(Number(result.dropped));
      // The run must reach what it is there to test.
      expect(result.cancelled as number).toBeGreaterThan(100);
      expect(result.completedWithEvents as number).toBeGreaterThan(200);
      expect(result.nextSequence as number).toBeGreaterThan(1000);
      expect(Number(result.dropped)).toBeGreaterThan(0);
      console.info('interleavings', result);
    }, 300_000);
  });
});
