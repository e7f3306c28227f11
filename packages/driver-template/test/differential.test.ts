/**
 * Differential test (DESIGN.md section 8, item 5): the portable C core of the KMDF template
 * (templates/core) with the conformance device's rendered device table and its C
 * Handlers.c, compiled natively with gcc under ASan/UBSan, and the TypeScript reference model
 * (DriverModel) run the same scenario scripts and must produce identical completion traces:
 * request id, NTSTATUS and every byte returned.
 *
 * The scenarios are hand-written ones plus fast-check-generated ones (opens, subscribe requests
 * with valid and too-small buffers, Events/Latest events with encoded payloads, cancels, closes,
 * and device-control requests of every code, known or not, with right and wrong lengths), all
 * sent to one harness process with a `reset` line between scenarios. If a generated scenario
 * differs, fast-check runs again one harness process per scenario to shrink it and prints the
 * smallest script. FC_SEED and FC_RUNS (default 500) change the generated set.
 *
 * The script format is the harness's (see templates/core/test/harness.c).
 */
import { join } from 'node:path';
import { BATCH_FLAG_RING_EMPTY, BatchReader, protocolInfoByteLength } from '@inverted-call/codec';
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import {
  CounterCodec,
  EchoDataCodec,
  EmitRequestCodec,
  LargeCodec,
  SmallCodec,
  conformanceDevice as device,
  eventData,
} from '@inverted-call/conformance';
import {
  DriverModel,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_PARAMETER,
  STATUS_SUCCESS,
} from '@inverted-call/simulator';
import { hex32, runNative } from './support/native.js';
import { CHANNEL_INDEX, READ, READ_WRITE, modelTrace, scriptOf, toHex, type ChannelName, type Op, type Scenario } from './support/script.js';

const SEED = process.env.FC_SEED === undefined ? 20261121 : Number(process.env.FC_SEED);
const RUNS = Number(process.env.FC_RUNS ?? 500);

/** Built once per run, before any test file starts, by the global setup (test/setup/native-builds.ts). */
const native = inject('nativeBuild');

// Time limit, from a measurement at load average 6-9 on the 2-core machine (the whole suite beside
// other builds): the slowest test, 500 generated scenarios through the ASan harness and the model,
// took 0.9 s. 60 s is far above 3x, and leaves room for FC_RUNS well above the default.
const HARNESS_MS = 60_000;

/** Runs many scenarios in one harness process; returns each scenario's trace lines. */
function harnessTraces(scenarios: readonly Scenario[]): string[][] {
  const input = scenarios.map((scenario) => `# ${scenario.name}\n${scriptOf(scenario.ops)}\nreset\n`).join('');
  const { status, stdout, stderr } = runNative(native.harness, input);
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

const CODES = {
  Echo: device.calls.Echo.code,
  ReadCounter: device.calls.ReadCounter.code,
  WriteCounter: device.calls.WriteCounter.code,
  Ping: device.calls.Ping.code,
  Inject: device.calls.Inject.code,
  ProtocolInfo: device.protocolInfoCode,
  SubscribeEvents: device.channels.Events.code,
  SubscribeLatest: device.channels.Latest.code,
} as const;
/** Protocol information of the conformance device: 3 CHANNEL_INFO and the Gate verdict's VERDICT_INFO. */
const INFO_BYTES = protocolInfoByteLength(Object.keys(device.channels).length, Object.keys(device.verdicts).length);
/** Codes no schema entry claims: a neighbour of a call, another function, another device type. */
const UNKNOWN_CODES = [CODES.Echo + 4 * 0x10, (CODES.Ping & ~0x3ffc) | (0xabc << 2), 0x00224000] as const;

function ioctl(handle: number, request: number, code: number, outputLength: number, input: Uint8Array | null = null): Op {
  return { op: 'ioctl', handle, request, code, outputLength, input };
}

const echoData = (value: number, text: string): Uint8Array => EchoDataCodec.encode({ value, text });
const counterData = (value: bigint): Uint8Array => CounterCodec.encode({ value });
const emitRequest = (channel: number, kind: number, count: number, firstTag: bigint): Uint8Array =>
  EmitRequestCodec.encode({ channel, kind, reserved: 0, count, firstTag });
const bytes = (length: number, fill = 0x41): Uint8Array => new Uint8Array(length).fill(fill);

/** One request of each bad-input kind DESIGN.md names, numbered from `first`. */
function badInputRequests(handle: number, first: number): Op[] {
  const echo = echoData(7, 'hi');
  const cases: [number, number, Uint8Array | null][] = [
    [CODES.Echo, echo.byteLength, null], // input absent
    [CODES.Echo, echo.byteLength, echo.subarray(0, echo.byteLength - 1)], // input short
    [CODES.Echo, echo.byteLength, bytes(echo.byteLength + 1)], // input long
    [CODES.Echo, 0, echo], // output absent
    [CODES.Echo, echo.byteLength - 1, echo], // output short
    [CODES.Echo, echo.byteLength + 64, echo], // output long: fine
    [CODES.ReadCounter, 8, bytes(1)], // input where none is taken
    [CODES.ReadCounter, 7, null],
    [CODES.WriteCounter, 0, counterData(9n)],
    [CODES.ReadCounter, 8, null],
    [CODES.Ping, 0, bytes(4)],
    [CODES.Inject, 8, emitRequest(0, 3, 1, 0n)], // a kind the channel does not have
    [CODES.Inject, 8, emitRequest(5, 1, 1, 0n)], // no such channel
    [CODES.ProtocolInfo, 200, bytes(1)],
    [CODES.ProtocolInfo, INFO_BYTES - 1, null],
    [CODES.ProtocolInfo, INFO_BYTES, null],
    [CODES.SubscribeLatest, 56, bytes(8)], // a subscribe request with input
    [CODES.SubscribeEvents, 287, null], // R1
    ...UNKNOWN_CODES.map((code): [number, number, Uint8Array | null] => [code, 16, null]),
  ];
  return cases.map(([code, outputLength, input], index) => ioctl(handle, first + index, code, outputLength, input));
}

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
  {
    name: 'R6/R7 bad input: short, long and absent buffers, unknown codes, input on a subscribe',
    ops: [
      open(1, READ_WRITE),
      ...badInputRequests(1, 100),
      sub(1, 200, 'Events', 288),
      ioctl(1, 201, CODES.Inject, 8, emitRequest(0, 1, 2, 40n)), // Inject: completes request 200 first
    ],
  },
  { name: 'events with no subscription at all', ops: [emitSmall('Events', 1), emitLarge(2), open(1), emitSmall('Latest', 3), sub(1, 1, 'Latest', 56), emitSmall('Latest', 4)] },
];

/** The Kind of each record of a batch, walked with codec's reader (which checks the framing too). */
function kindsOf(batch: Buffer): number[] {
  const reader = new BatchReader(batch);
  const kinds: number[] = [];
  let offset = reader.firstRecordOffset;
  for (let index = 0; index < reader.count; index++) {
    reader.checkRecordStart(index, offset);
    kinds.push(reader.kindAt(offset));
    offset = reader.checkRecordEnd(index, offset);
  }
  reader.checkRecordsEnd(offset);
  return kinds;
}

const ringEmpty = (batch: Buffer): boolean => (new BatchReader(batch).header.flags & BATCH_FLAG_RING_EMPTY) !== 0;

function cancelOf(request: number): Op {
  return { op: 'cancel', request };
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

// ---- generated scenarios -------------------------------------------------------------------

/** Generated scenarios use the two channels a read handle can subscribe to. */
type GeneratedChannel = Exclude<ChannelName, 'Audit'>;

const OUTPUT_LENGTHS: Record<GeneratedChannel, readonly number[]> = {
  Events: [0, 24, 287, 288, 295, 296, 320, 352, 512, 600, 1024],
  Latest: [0, 40, 55, 56, 63, 64, 88, 120, 152, 256],
};

type Command =
  | { readonly t: 'open'; readonly access: number }
  | { readonly t: 'subscribe'; readonly pick: number; readonly channel: GeneratedChannel; readonly length: number }
  | { readonly t: 'emit'; readonly channel: GeneratedChannel; readonly large: boolean; readonly tag: number; readonly value: number; readonly flag: boolean; readonly text: string; readonly count: number }
  | { readonly t: 'ioctl'; readonly pick: number; readonly code: number; readonly input: number; readonly output: number; readonly seed: number; readonly text: string }
  | { readonly t: 'cancel'; readonly pick: number }
  | { readonly t: 'close'; readonly pick: number };

const IOCTL_CODES = [...Object.values(CODES), ...UNKNOWN_CODES];

const channelArb = fc.constantFrom<GeneratedChannel>('Events', 'Latest');
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
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('ioctl' as const), pick: fc.nat(), code: fc.nat(), input: fc.nat(), output: fc.nat(), seed: fc.nat({ max: 0xffffffff }), text: fc.string({ maxLength: 20 }) }),
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
      case 'ioctl': {
        if (openHandles.length === 0) break;
        const request = nextRequest++;
        ops.push(ioctlOf(openHandles[command.pick % openHandles.length]!, request, command));
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

/** The valid input of a code (null: it takes none), from the command's seed. */
function validInput(code: number, seed: number, text: string): Uint8Array | null {
  switch (code) {
    case CODES.Echo:
      return echoData(seed, text);
    case CODES.WriteCounter:
      return counterData(BigInt(seed) * 3n);
    case CODES.Inject:
      // Mostly real (channel, kind) pairs, some not; a few events, sometimes none.
      return emitRequest(seed % 4 === 3 ? 1 : seed % 2, [1, 2, 9, 1][(seed >>> 2) % 4]!, (seed >>> 4) % 6, BigInt(seed));
    default:
      return null;
  }
}

const OUTPUT_SIZES: Record<number, number> = { [CODES.Echo]: 36, [CODES.ReadCounter]: 8, [CODES.Inject]: 8, [CODES.ProtocolInfo]: INFO_BYTES, [CODES.SubscribeEvents]: 288, [CODES.SubscribeLatest]: 56 };

function ioctlOf(handle: number, request: number, command: Extract<Command, { t: 'ioctl' }>): Op {
  const code = IOCTL_CODES[command.code % IOCTL_CODES.length]!;
  const valid = validInput(code, command.seed, command.text);
  const size = valid?.byteLength ?? 0;
  const inputs: (Uint8Array | null)[] = [valid, valid, valid, null, bytes(size + 1, command.seed & 0xff), size > 1 ? valid!.subarray(0, size - 1) : bytes(2)];
  const wanted = OUTPUT_SIZES[code] ?? 0;
  const outputs = [wanted, wanted, wanted + 16, Math.max(0, wanted - 1), 0, 512];
  return ioctl(handle, request, code, outputs[command.output % outputs.length]!, inputs[command.input % inputs.length]!);
}

const scenarioArb = fc.array(commandArb, { minLength: 1, maxLength: 80, size: 'max' }).map(opsOf);

// ---- the tests ------------------------------------------------------------------------------

describe('differential: the C core and DriverModel produce identical completion traces', { timeout: HARNESS_MS }, () => {
  it('core_test (unit tests of the core) passes under ASan/UBSan', () => {
    const result = runNative(native.coreTest, '');
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
    // Batches: successful completions of subscribe requests (calls complete with their output struct).
    const batches = scenarios.flatMap((scenario, index) => {
      const subscribes = new Set(scenario.ops.flatMap((op) => (op.op === 'subscribe' ? [String(op.request)] : [])));
      return traces[index]!.map((line) => line.split(' ')).filter(([request, status]) => subscribes.has(request!) && status === hex32(STATUS_SUCCESS)).map(([, , hex]) => Buffer.from(hex!, 'hex'));
    });
    const coverage = {
      scenarios: scenarios.length,
      ops: scenarios.reduce((sum, scenario) => sum + scenario.ops.length, 0),
      completions: lines.length,
      success: batches.length,
      tooSmall: statusCount(STATUS_BUFFER_TOO_SMALL),
      cancelled: statusCount(STATUS_CANCELLED),
      multiRecordBatches: batches.filter((batch) => batch.readUInt32LE(4) > 1).length,
      batchesReportingDrops: batches.filter((batch) => batch.readBigUInt64LE(16) > 0n).length,
      // RING_EMPTY both ways, and set on batches only R2 can make (several records from the ring).
      ringEmptyBatches: batches.filter(ringEmpty).length,
      batchesLeavingEvents: batches.filter((batch) => !ringEmpty(batch)).length,
      multiRecordRingEmptyBatches: batches.filter((batch) => ringEmpty(batch) && batch.readUInt32LE(4) > 1).length,
      largeRecords: batches.reduce((sum, batch) => sum + kindsOf(batch).filter((kind) => kind === 2).length, 0),
      invalidParameter: statusCount(STATUS_INVALID_PARAMETER),
      invalidDeviceRequest: statusCount(STATUS_INVALID_DEVICE_REQUEST),
      callsAnswered: lines.length - batches.length - statusCount(STATUS_CANCELLED) - statusCount(STATUS_BUFFER_TOO_SMALL) - statusCount(STATUS_INVALID_PARAMETER) - statusCount(STATUS_INVALID_DEVICE_REQUEST),
    };
    console.info('differential coverage', coverage);
    expect(coverage.success).toBeGreaterThan(100);
    expect(coverage.tooSmall).toBeGreaterThan(20);
    expect(coverage.cancelled).toBeGreaterThan(50);
    expect(coverage.multiRecordBatches).toBeGreaterThan(20);
    expect(coverage.batchesReportingDrops).toBeGreaterThan(10);
    expect(coverage.ringEmptyBatches).toBeGreaterThan(100);
    expect(coverage.batchesLeavingEvents).toBeGreaterThan(20);
    expect(coverage.multiRecordRingEmptyBatches).toBeGreaterThan(20);
    expect(coverage.largeRecords).toBeGreaterThan(20);
    expect(coverage.invalidParameter).toBeGreaterThan(20);
    expect(coverage.invalidDeviceRequest).toBeGreaterThan(10);
    expect(coverage.callsAnswered).toBeGreaterThan(50);
  });
});

describe('bad input reaches the core harness and gets the status DESIGN.md names', { timeout: HARNESS_MS }, () => {
  it('one request of each kind', () => {
    const ops = [open(1, READ_WRITE), ...badInputRequests(1, 100)];
    const [trace] = harnessTraces([{ name: 'bad input', ops }]);
    const statuses = trace!.map((line) => line.split(' ')[1]);
    const P = hex32(STATUS_INVALID_PARAMETER);
    const S = hex32(STATUS_BUFFER_TOO_SMALL);
    const OK = hex32(STATUS_SUCCESS);
    const U = hex32(STATUS_INVALID_DEVICE_REQUEST);
    expect(statuses).toEqual([P, P, P, S, S, OK, P, S, OK, OK, P, P, P, P, S, OK, P, S, U, U, U]);
    // The counter written by WriteCounter (9) is what ReadCounter returns, 8 bytes and no more.
    expect(trace![9]).toBe(`109 ${OK} ${Buffer.from(counterData(9n)).toString('hex')}`);
  });
});
