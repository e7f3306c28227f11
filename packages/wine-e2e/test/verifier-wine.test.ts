// Negative controls for the KMDF-subset runtime's verifier: copies of the KMDF glue with one
// planted bug each, built and run under Wine. Each must stop the driver host with the verifier's
// message for exactly that rule. (The unpatched glue passes the whole conformance suite and the
// fault tests with no verifier stop: conformance-wine.test.ts, faults-wine.test.ts.)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildConformanceDriver,
  createPrefix,
  defaultPrefixDir,
  ensureWine,
  installDriverService,
  killWindowsProcess,
  removePrefix,
  sessionDebugChannels,
  startDriver,
  startSession,
  stopSession,
  verifierStops,
  type WineSession,
} from '@inverted-call/wine-bed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript, startScript } from './support/windows-scripts.js';

/** Replaces `anchor` (which must occur exactly once) in a file of the rendered driver. */
function plant(driverDir: string, file: string, anchor: string, replacement: string): void {
  const path = join(driverDir, file);
  const text = readFileSync(path, 'utf8');
  if (text.split(anchor).length !== 2) throw new Error(`planting a bug: ${JSON.stringify(anchor)} does not occur exactly once in ${file}`);
  writeFileSync(path, text.replace(anchor, replacement));
}

const COMPLETE = 'WdfRequestCompleteWithInformation((WDFREQUEST)Request->GlueRequest, Status, (ULONG_PTR)Information);';
// The test build's forward (these drivers are test builds).
const FORWARD = '        NTSTATUS status = WdfRequestForwardToIoQueue(request, context->ParkedQueues[ChannelIndex]);';
const DISPATCHED = '    (void)CoreDispatch(&context->Core, &file->Core, request, (UINT32)IoControlCode);';

/** One prefix and one session for every planted driver: each is its own demand-start service. */
interface Bed {
  prefix: string;
  session: WineSession;
}

interface PlantedBug {
  name: string;
  /** The verifier's sentence for the rule the bug breaks. */
  rule: string;
  patch(driverDir: string): void;
  /** What a client does to make the driver reach the bug. */
  trigger(bed: Bed): Promise<void>;
}

const inject = async (bed: Bed) => {
  await runScript(bed.prefix, 'injector', ['1']).catch(() => undefined);
};
const park = async (bed: Bed) => {
  const client = startScript(bed.prefix, 'parked-client', ['2']);
  await client.waitFor((report) => report.ready === true).catch(() => undefined);
  await killWindowsProcess(client.process).catch(() => undefined);
};
/** Parks two requests and closes the handle without cancelling them: the cleanup must. */
const closeParked = async (bed: Bed) => {
  await runScript(bed.prefix, 'close-parked', ['2'], 60_000).catch(() => undefined);
};

const BUGS: PlantedBug[] = [
  {
    name: 'a double completion',
    rule: 'a request was completed twice',
    patch: (dir) => plant(dir, 'Queue.c', COMPLETE, `${COMPLETE}\n    ${COMPLETE}`),
    trigger: inject,
  },
  {
    name: 'a parked request forgotten at close',
    rule: "a request is still parked after its file's cleanup has run",
    patch: (dir) => {
      // Neither cleanup nor close gives the handle's parked requests back.
      const forget = 'CoreFileClose(&context->Core, &DriverGetFileContext(FileObject)->Core);';
      const text = readFileSync(join(dir, 'Device.c'), 'utf8');
      if (text.split(forget).length !== 3) throw new Error('planting a bug: CoreFileClose is not called exactly twice in Device.c');
      writeFileSync(join(dir, 'Device.c'), text.replaceAll(forget, '(void)context; /* planted: parked requests forgotten */'));
    },
    trigger: closeParked,
  },
  {
    name: 'a request touched after completion',
    rule: 'a request was used after completion',
    patch: (dir) => plant(dir, 'Queue.c', COMPLETE, `${COMPLETE}\n    (void)WdfRequestGetFileObject((WDFREQUEST)Request->GlueRequest);`),
    trigger: inject,
  },
  {
    name: 'a request completed while its queue owns it',
    rule: 'a request was completed while a queue still owns it',
    patch: (dir) =>
      plant(dir, 'Queue.c', FORWARD, `${FORWARD}\n        if (NT_SUCCESS(status)) {\n            WdfRequestComplete(request, STATUS_SUCCESS);\n        }`),
    trigger: park,
  },
  {
    name: 'a queue passed as a request',
    rule: 'an object of the wrong type was passed as a handle',
    patch: (dir) => plant(dir, 'Queue.c', DISPATCHED, `${DISPATCHED}\n    (void)WdfRequestGetFileObject((WDFREQUEST)(void *)Queue);`),
    trigger: inject,
  },
  {
    name: 'a spin lock held on return',
    rule: 'a spin lock is held on return from a driver callback',
    patch: (dir) => plant(dir, 'Queue.c', DISPATCHED, `${DISPATCHED}\n    WdfSpinLockAcquire(context->CoreLock);`),
    trigger: inject,
  },
  {
    name: 'a PASSIVE_LEVEL-only call under the spin lock',
    rule: 'a PASSIVE_LEVEL-only method was called while a spin lock is held',
    patch: (dir) => plant(dir, 'Queue.c', FORWARD, `        WdfObjectDelete(WdfIoQueueGetDevice(context->ParkedQueues[ChannelIndex]));\n${FORWARD}`),
    trigger: park,
  },
];

/** The verifier's reports past the first `seen`, waiting a little for the driver host's output. */
async function newStops(bed: Bed, seen: number): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const stops = verifierStops(bed.session.logPath).slice(seen);
    if (stops.length > 0 || Date.now() > deadline) return stops;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const serviceOf = (index: number) => `PlantedBug${index}`;
let bed: Bed;

beforeAll(async () => {
  ensureWine();
  const name = 'wine-e2e-verifier';
  // A fresh prefix: services left from an earlier run would be loaded beside these.
  await removePrefix(defaultPrefixDir(name));
  const prefix = (await createPrefix(defaultPrefixDir(name))).dir;
  const workDir = join(defaultPrefixDir(name), '..', `${name}-work`);
  rmSync(workDir, { recursive: true, force: true });
  // Installed within a running session, each registry tool starts in well under a second; the
  // session is then started afresh, because services.exe reads the services at its start.
  await startSession(prefix);
  for (const [index, bug] of BUGS.entries()) {
    const dir = join(workDir, serviceOf(index));
    mkdirSync(dir, { recursive: true });
    const { sysPath } = buildConformanceDriver(dir, { flavour: 'kmdf', patch: bug.patch });
    await installDriverService(prefix, { name: serviceOf(index), sysPath, start: 'demand' });
  }
  bed = { prefix, session: await startSession(prefix) };
}, 600_000);

afterAll(async () => {
  if (bed) await stopSession(bed.prefix);
});

describe('the KMDF-subset verifier stops a glue with a planted bug', () => {
  it.each(BUGS.map((bug, index) => ({ ...bug, index })))('$name', async (bug) => {
    // A new session for each planted driver: after a driver host's bug check, Wine 8 loads no
    // further driver in that session (ZwLoadDriver fails with STATUS_OBJECT_TYPE_MISMATCH).
    bed.session = await startSession(bed.prefix, { wineDebug: sessionDebugChannels('kmdf') });
    const seen = verifierStops(bed.session.logPath).length;
    await startDriver(bed.prefix, serviceOf(bug.index), 60_000);
    expect(verifierStops(bed.session.logPath).length, 'no stop before the trigger').toBe(seen);
    await bug.trigger(bed);
    const stops = await newStops(bed, seen);
    expect(stops.length, 'the verifier stopped the driver').toBeGreaterThan(0);
    expect(stops[0]).toContain(bug.rule);
  }, 180_000);
});
