/**
 * Differential test (DESIGN.md section 8, item 5): the portable C core of the KMDF template
 * (templates/kmdf-driver/core), compiled natively with gcc under ASan/UBSan, and the TypeScript
 * reference model (DriverModel) run the same scenario scripts and must produce identical
 * completion traces: request id, NTSTATUS and every byte returned.
 *
 * The scenarios are hand-written ones plus fast-check-generated ones (opens, subscribe requests
 * with valid and too-small buffers, Events/Latest events with encoded payloads, cancels, closes),
 * all sent to one harness process with a `reset` line between scenarios. If a generated scenario
 * differs, fast-check runs again one harness process per scenario to shrink it and prints the
 * smallest script. FC_SEED and FC_RUNS (default 500) change the generated set.
 *
 * The script format is the harness's (see templates/kmdf-driver/core/test/harness.c).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverModel } from '../src/driver-model.js';
import { STATUS_BUFFER_TOO_SMALL, STATUS_CANCELLED, STATUS_SUCCESS, hex32 } from '../src/ntstatus.js';
import { LargeCodec, SmallCodec, device } from './helpers.js';

const SEED = process.env.FC_SEED === undefined ? 20261121 : Number(process.env.FC_SEED);
const RUNS = Number(process.env.FC_RUNS ?? 500);

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CORE_DIR = join(REPO, 'templates/kmdf-driver/core');
const HEADER_DIR = join(REPO, 'packages/conformance/src/device');
const CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', '-g'];
const INCLUDES = [`-I${join(CORE_DIR, 'test')}`, `-I${CORE_DIR}`, `-I${HEADER_DIR}`];

type ChannelName = 'Events' | 'Latest';
const CHANNEL_INDEX: Record<ChannelName, number> = { Events: 0, Latest: 1 };
const READ = 1;
const READ_WRITE = 3;

type Op =
  | { readonly op: 'open'; readonly handle: number; readonly access: number }
  | { readonly op: 'subscribe'; readonly handle: number; readonly request: number; readonly channel: ChannelName; readonly outputLength: number }
  | { readonly op: 'emit'; readonly channel: ChannelName; readonly kind: number; readonly payload: Uint8Array }
  | { readonly op: 'cancel'; readonly request: number }
  | { readonly op: 'close'; readonly handle: number };

interface Scenario {
  readonly name: string;
  readonly ops: readonly Op[];
}

// ---- running one scenario through each side ------------------------------------------------

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function scriptOf(ops: readonly Op[]): string {
  return ops
    .map((op) => {
      switch (op.op) {
        case 'open':
          return `open ${op.handle} ${op.access}`;
        case 'subscribe':
          return `subscribe ${op.handle} ${op.request} ${CHANNEL_INDEX[op.channel]} ${op.outputLength}`;
        case 'emit':
          return `emit ${CHANNEL_INDEX[op.channel]} ${op.kind} ${op.payload.byteLength > 0 ? toHex(op.payload) : '-'}`;
        case 'cancel':
          return `cancel ${op.request}`;
        case 'close':
          return `close ${op.handle}`;
      }
    })
    .join('\n');
}

/** The model's trace in the harness's line format; io-manager completions are not the core's. */
function modelTrace(ops: readonly Op[]): string[] {
  const model = new DriverModel(device);
  for (const op of ops) {
    switch (op.op) {
      case 'open':
        model.openHandle(op.handle, op.access);
        break;
      case 'subscribe':
        model.submit({ requestId: op.request, handleId: op.handle, code: device.channels[op.channel].code, input: null, outputLength: op.outputLength });
        break;
      case 'emit':
        model.emit(op.channel, op.kind, op.payload);
        break;
      case 'cancel':
        model.cancel(op.request);
        break;
      case 'close':
        model.closeHandle(op.handle);
        break;
    }
  }
  return model
    .trace()
    .filter((entry) => entry.origin === 'driver')
    .map((entry) => `${entry.requestId} ${hex32(entry.status)} ${entry.bytes.byteLength > 0 ? toHex(entry.bytes) : '-'}`);
}

let workDir = '';
let harnessPath = '';

function compile(output: string, sources: string[]): void {
  const result = spawnSync('gcc', [...CFLAGS, ...INCLUDES, ...sources, '-o', output], { encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`gcc failed (exit ${result.status}) compiling ${sources.join(' ')}:\n${result.stderr}`);
}

function run(executable: string, input: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(executable, [], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' } });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs many scenarios in one harness process; returns each scenario's trace lines. */
function harnessTraces(scenarios: readonly Scenario[]): string[][] {
  const input = scenarios.map((scenario) => `# ${scenario.name}\n${scriptOf(scenario.ops)}\nreset\n`).join('');
  const { status, stdout, stderr } = run(harnessPath, input);
  if (status !== 0) throw new Error(`harness exited with ${status}:\n${stderr}`);
  const traces: string[][] = [[]];
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    if (line === 'reset') traces.push([]);
    else traces[traces.length - 1]!.push(line);
  }
  traces.pop(); // after the last reset
  expect(traces.length).toBe(scenarios.length);
  return traces;
}

// ---- payloads and hand-written scenarios ---------------------------------------------------

const small = (tag: number, value = 0, flag = false): Uint8Array => SmallCodec.encode({ tag: BigInt(tag), value, flag });
const large = (tag: number, text = ''): Uint8Array => LargeCodec.encode({ tag: BigInt(tag), text });
const emitSmall = (channel: ChannelName, tag: number): Op => ({ op: 'emit', channel, kind: 1, payload: small(tag, tag * 3, tag % 2 === 1) });
const emitLarge = (tag: number, text = 'large'): Op => ({ op: 'emit', channel: 'Events', kind: 2, payload: large(tag, text) });
const open = (handle: number, access = READ): Op => ({ op: 'open', handle, access });
const sub = (handle: number, request: number, channel: ChannelName, outputLength: number): Op => ({ op: 'subscribe', handle, request, channel, outputLength });

const handWritten: Scenario[] = [
  { name: 'R1 too small on each channel, then the minimum', ops: [open(1), sub(1, 1, 'Events', 287), sub(1, 2, 'Latest', 55), emitSmall('Events', 1), sub(1, 3, 'Events', 288), sub(1, 4, 'Latest', 56), emitSmall('Events', 2), emitSmall('Latest', 3)] },
  { name: 'R2 batch fill, as many whole records as fit', ops: [open(1), sub(1, 1, 'Events', 288), emitSmall('Events', 0), ...[1, 2, 3, 4, 5].map((tag) => emitSmall('Events', tag)), emitLarge(6), sub(1, 2, 'Events', 24 + 32 * 3 + 10), sub(1, 3, 'Events', 300), sub(1, 4, 'Events', 1000)] },
  { name: 'R3 drop-newest overflow on Events (capacity 8)', ops: [open(1), sub(1, 1, 'Events', 288), cancelOf(1), ...range(12).map((tag) => emitSmall('Events', tag)), sub(1, 2, 'Events', 1000), emitSmall('Events', 99), sub(1, 3, 'Events', 1000)] },
  { name: 'R3 drop-oldest overflow on Latest (capacity 4)', ops: [open(1), sub(1, 1, 'Latest', 56), cancelOf(1), ...range(7).map((tag) => emitSmall('Latest', tag)), sub(1, 2, 'Latest', 512), sub(1, 3, 'Latest', 56), emitSmall('Latest', 50)] },
  { name: 'R3 fan-out in subscription creation order', ops: [open(1), open(2), open(3, READ_WRITE), sub(2, 1, 'Latest', 56), sub(3, 2, 'Latest', 64), sub(1, 3, 'Latest', 56), emitSmall('Latest', 7), emitSmall('Latest', 8), sub(1, 4, 'Latest', 100), sub(2, 5, 'Latest', 100)] },
  { name: 'R3 parked FIFO: oldest request first', ops: [open(1), sub(1, 1, 'Events', 288), sub(1, 2, 'Events', 300), sub(1, 3, 'Events', 400), emitLarge(1), emitSmall('Events', 2), emitSmall('Events', 3)] },
  { name: 'R4 cancel of a parked request, and of a completed one', ops: [open(1), sub(1, 1, 'Latest', 56), sub(1, 2, 'Latest', 56), cancelOf(1), emitSmall('Latest', 1), cancelOf(2), cancelOf(1), emitSmall('Latest', 2), sub(1, 3, 'Latest', 56)] },
  { name: 'R5 close cancels in submission order across channels, others untouched', ops: [open(1), open(2), sub(1, 1, 'Latest', 56), sub(1, 2, 'Events', 288), sub(2, 3, 'Latest', 56), sub(1, 4, 'Latest', 56), { op: 'close', handle: 1 }, emitSmall('Latest', 5), open(1), sub(1, 5, 'Latest', 56), emitSmall('Latest', 6)] },
  { name: 'R5 close frees the ring: a reopened handle starts at sequence 0', ops: [open(1), sub(1, 1, 'Events', 288), emitSmall('Events', 1), emitSmall('Events', 2), emitSmall('Events', 3), { op: 'close', handle: 1 }, open(1), sub(1, 2, 'Events', 288), emitSmall('Events', 4)] },
  { name: 'events with no subscription at all', ops: [emitSmall('Events', 1), emitLarge(2), open(1), emitSmall('Latest', 3), sub(1, 1, 'Latest', 56), emitSmall('Latest', 4)] },
];

/** The Kind of each record of a batch, walking the records by their Size (8-byte aligned). */
function kindsOf(batch: Buffer): number[] {
  const kinds: number[] = [];
  let offset = 24;
  for (let index = 0; index < batch.readUInt32LE(4); index++) {
    kinds.push(batch.readUInt16LE(offset + 8));
    offset += Math.ceil((16 + batch.readUInt32LE(offset + 12)) / 8) * 8;
  }
  return kinds;
}

function cancelOf(request: number): Op {
  return { op: 'cancel', request };
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

// ---- generated scenarios -------------------------------------------------------------------

const OUTPUT_LENGTHS: Record<ChannelName, readonly number[]> = {
  Events: [0, 24, 287, 288, 295, 296, 320, 352, 512, 600, 1024],
  Latest: [0, 40, 55, 56, 63, 64, 88, 120, 152, 256],
};

type Command =
  | { readonly t: 'open'; readonly access: number }
  | { readonly t: 'subscribe'; readonly pick: number; readonly channel: ChannelName; readonly length: number }
  | { readonly t: 'emit'; readonly channel: ChannelName; readonly large: boolean; readonly tag: number; readonly value: number; readonly flag: boolean; readonly text: string; readonly count: number }
  | { readonly t: 'cancel'; readonly pick: number }
  | { readonly t: 'close'; readonly pick: number };

const channelArb = fc.constantFrom<ChannelName>('Events', 'Latest');
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('open' as const), access: fc.constantFrom(READ, READ_WRITE) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('subscribe' as const), pick: fc.nat(), channel: channelArb, length: fc.nat() }) },
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('emit' as const),
      channel: channelArb,
      large: fc.boolean(),
      tag: fc.nat({ max: 0xffffffff }),
      value: fc.nat({ max: 0xffffffff }),
      flag: fc.boolean(),
      text: fc.string({ maxLength: 12 }),
      count: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 10 }) }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('close' as const), pick: fc.nat() }) },
);

/** Turns abstract commands into a valid script: handles and requests are picked among real ones. */
function opsOf(commands: readonly Command[]): Op[] {
  const ops: Op[] = [];
  const openHandles: number[] = [];
  const requests: number[] = [];
  let nextRequest = 1;
  for (const command of commands) {
    switch (command.t) {
      case 'open': {
        let handle = 1;
        while (openHandles.includes(handle)) handle++; // reuses a closed id: close must leave nothing behind
        openHandles.push(handle);
        ops.push(open(handle, command.access));
        break;
      }
      case 'subscribe': {
        if (openHandles.length === 0) break;
        const lengths = OUTPUT_LENGTHS[command.channel];
        const request = nextRequest++;
        requests.push(request);
        ops.push(sub(openHandles[command.pick % openHandles.length]!, request, command.channel, lengths[command.length % lengths.length]!));
        break;
      }
      case 'emit': {
        for (let index = 0; index < command.count; index++) {
          const tag = (command.tag + index) % 0x100000000;
          if (command.channel === 'Events' && command.large) ops.push({ op: 'emit', channel: 'Events', kind: 2, payload: large(tag, command.text) });
          else ops.push({ op: 'emit', channel: command.channel, kind: 1, payload: small(tag, command.value, command.flag) });
        }
        break;
      }
      case 'cancel': {
        if (requests.length === 0) break;
        ops.push(cancelOf(requests[command.pick % requests.length]!)); // may be completed already: a no-op on both sides
        break;
      }
      case 'close': {
        if (openHandles.length === 0) break;
        const [handle] = openHandles.splice(command.pick % openHandles.length, 1);
        ops.push({ op: 'close', handle: handle! });
        break;
      }
    }
  }
  return ops;
}

const scenarioArb = fc.array(commandArb, { minLength: 1, maxLength: 80, size: 'max' }).map(opsOf);

// ---- the tests ------------------------------------------------------------------------------

describe('differential: the C core and DriverModel produce identical completion traces', () => {
  beforeAll(() => {
    const probe = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error(`gcc is required by the differential test (it compiles templates/kmdf-driver/core natively) but could not be run: ${probe.error?.message ?? probe.stderr}. Install it (Debian: apt-get install gcc).`);
    }
    workDir = mkdtempSync(join(tmpdir(), 'inverted-call-core-'));
    harnessPath = join(workDir, 'harness');
    compile(harnessPath, [join(CORE_DIR, 'Core.c'), join(CORE_DIR, 'test/harness.c')]);
  });

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('core_test (unit tests of the core) passes under ASan/UBSan', () => {
    const executable = join(workDir, 'core_test');
    compile(executable, [join(CORE_DIR, 'Core.c'), join(CORE_DIR, 'test/core_test.c')]);
    const result = run(executable, '');
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/core_test: \d+ checks, 0 failed/);
    expect(result.status).toBe(0);
  });

  it.each(handWritten.map((scenario) => [scenario.name, scenario] as const))('hand-written: %s', (_name, scenario) => {
    const [core] = harnessTraces([scenario]);
    const model = modelTrace(scenario.ops);
    expect(model.length).toBeGreaterThan(0);
    expect(core).toEqual(model);
  });

  it(`${RUNS} generated scenarios (seed ${SEED}) in one harness process`, () => {
    const scenarios: Scenario[] = fc.sample(scenarioArb, { numRuns: RUNS, seed: SEED }).map((ops, index) => ({ name: `generated ${index}`, ops }));
    const traces = harnessTraces(scenarios);
    const mismatches = scenarios.filter((scenario, index) => JSON.stringify(traces[index]) !== JSON.stringify(modelTrace(scenario.ops)));
    if (mismatches.length > 0) {
      // Shrink with one harness process per scenario, then show the smallest script and both traces.
      fc.assert(
        fc.property(scenarioArb, (ops) => {
          const [core] = harnessTraces([{ name: 'shrinking', ops }]);
          expect(core).toEqual(modelTrace(ops));
        }),
        { seed: SEED, numRuns: RUNS, verbose: true },
      );
      expect.fail(`${mismatches.length} generated scenarios differ (first: ${mismatches[0]!.name}):\n${scriptOf(mismatches[0]!.ops)}`);
    }

    // The generated set must reach what it is meant to cover, or it proves little.
    const lines = traces.flat();
    const statusCount = (status: number) => lines.filter((line) => line.split(' ')[1] === hex32(status)).length;
    const batches = lines.filter((line) => line.split(' ')[1] === hex32(STATUS_SUCCESS)).map((line) => Buffer.from(line.split(' ')[2]!, 'hex'));
    const coverage = {
      scenarios: scenarios.length,
      ops: scenarios.reduce((sum, scenario) => sum + scenario.ops.length, 0),
      completions: lines.length,
      success: batches.length,
      tooSmall: statusCount(STATUS_BUFFER_TOO_SMALL),
      cancelled: statusCount(STATUS_CANCELLED),
      multiRecordBatches: batches.filter((batch) => batch.readUInt32LE(4) > 1).length,
      batchesReportingDrops: batches.filter((batch) => batch.readBigUInt64LE(16) > 0n).length,
      largeRecords: batches.reduce((sum, batch) => sum + kindsOf(batch).filter((kind) => kind === 2).length, 0),
    };
    console.info('differential coverage', coverage);
    expect(coverage.success).toBeGreaterThan(100);
    expect(coverage.tooSmall).toBeGreaterThan(20);
    expect(coverage.cancelled).toBeGreaterThan(50);
    expect(coverage.multiRecordBatches).toBeGreaterThan(20);
    expect(coverage.batchesReportingDrops).toBeGreaterThan(10);
    expect(coverage.largeRecords).toBeGreaterThan(20);
  });
});
