/**
 * Model-based test of the simulator, driven the way a client drives it: raw `DeviceHandleV1`
 * ioctls from three processes. fast-check generates random sequences of opens, subscribe requests
 * (valid or too-small buffers), single events and bursts, cancels, closes, crashes, stalls,
 * releases and channel overrides. After each step the simulator's state is compared with the
 * oracle's (model-based-oracle.ts); after each settle, every request's result is compared with
 * the oracle's prediction, and the accounting of every subscription is checked on what the
 * clients actually received: each offered event delivered once, in order, or counted as dropped.
 *
 * A failure prints fast-check's seed, path and replayPath and the shrunk list of steps. Replay
 * it with `FC_SEED=<seed> FC_PATH=<path> FC_REPLAY=<replayPath> pnpm exec vitest run
 * test/model-based.test.ts`; FC_RUNS changes the number of runs (default 500).
 */
import { DeviceError, type IoctlResult, type Win32ErrorName } from '@inverted-call/backend';
import { BATCH_FLAG_RING_EMPTY, type DeviceDescriptorV1 } from '@inverted-call/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimulator, type SimulatedBackend, type SimulatedHandle, type Simulator, type TraceEntry } from '../src/index.js';
import { STATUS_CANCELLED } from '../src/ntstatus.js';
import { decodeBatch, device } from './helpers.js';
import { CHANNEL_NAMES, Oracle, PROCESS_SLOTS, kindOn, type AccessName, type ChannelName, type KindName, type OracleHandle, type Overflow } from './model-based-oracle.js';

const SEED = process.env.FC_SEED === undefined ? 20261121 : Number(process.env.FC_SEED);
const PATH = process.env.FC_PATH;
const REPLAY = process.env.FC_REPLAY;
const RUNS = Number(process.env.FC_RUNS ?? 500);
const KIND_IDS: Record<KindName, number> = { Small: 1, Large: 2 };

/** What a client received for one request; `requestId` is the trace's id when it reached the driver. */
interface RealRequest {
  readonly controller: AbortController;
  readonly requestId: number | null;
  outcome: { readonly result: IoctlResult } | { readonly error: unknown } | undefined;
}

/** One event as the simulator reported it at one subscription (its `emit` outcome). */
interface ObservedOffer {
  readonly sequence: bigint;
  readonly tag: bigint;
  readonly kind: KindName;
  readonly droppedSequence: bigint | undefined;
}

/** Everything observed of one subscription (one handle, one channel), and its ring and drops when it ended. */
interface Stream {
  readonly offers: ObservedOffer[];
  ended: { readonly ringFill: number; readonly dropped: bigint } | null;
}

/** The system under test and what its clients saw, kept side by side with the oracle. */
class World {
  readonly simulator: Simulator = createSimulator(device as DeviceDescriptorV1);
  readonly backends: SimulatedBackend[];
  readonly handles: SimulatedHandle[] = [];
  readonly requests: RealRequest[] = [];
  readonly streams = new Map<string, Stream>();
  readonly closing: Promise<void>[] = [];
  /** The simulator numbers requests from 1 in the order they reach the driver. */
  sentToDriver = 0;

  constructor(oracle: Oracle) {
    this.backends = oracle.processes.map((process) => this.simulator.createBackend(process.name));
  }

  stream(handleId: number, channel: string): Stream {
    const key = `${handleId}/${channel}`;
    let stream = this.streams.get(key);
    if (!stream) this.streams.set(key, (stream = { offers: [], ended: null }));
    return stream;
  }

  /** Before a close: what the subscriptions of this handle still hold, since close frees it. */
  recordEnd(handleId: number): void {
    for (const subscription of this.simulator.state().subscriptions) {
      if (subscription.handleId === handleId) this.stream(handleId, subscription.channel).ended = { ringFill: subscription.ringFill, dropped: subscription.dropped };
    }
  }
}

type Step = fc.AsyncCommand<Oracle, World>;

/** A step: `applies` decides from the oracle alone whether it can run; the state is compared after it. */
function step(name: string, applies: (oracle: Readonly<Oracle>) => boolean, body: (oracle: Oracle, world: World) => Promise<void> | void): Step {
  return {
    check: applies,
    async run(oracle, world) {
      await body(oracle, world);
      checkState(oracle, world);
    },
    toString: () => name,
  };
}

const channel = fc.constantFrom<ChannelName>(...CHANNEL_NAMES);
const anyChannel = fc.option(channel, { nil: undefined });
const hasHandles = (oracle: Readonly<Oracle>) => oracle.handles.length > 0;

const openStep = fc.record({ slot: fc.nat(PROCESS_SLOTS - 1), access: fc.constantFrom<AccessName>('read', 'read-write', 'read', 'write') }).map(({ slot, access }) =>
  step(`open(p${slot}, ${access})`, () => true, async (oracle, world) => {
    if (oracle.processes[slot]!.crashed) {
      const refused = await world.backends[slot]!.open(device.devicePath, { access }).then(() => null, (error: unknown) => error);
      expect(refused, 'a crashed process opens nothing').toMatchObject({ code: 'ERROR_INVALID_HANDLE' });
      world.backends[slot] = world.simulator.createBackend(oracle.respawn(slot));
    }
    const handle = await world.backends[slot]!.open(device.devicePath, { access });
    expect(handle.processName).toBe(oracle.processes[slot]!.name);
    oracle.open(slot, access, handle.handleId);
    world.handles.push(handle);
  }),
);

const outputLength = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 288, max: 1400 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 287 }) });

/**
 * Posts `count` subscribe requests at once, as a client keeping several in flight does. With
 * `drain`, it goes to a subscription whose ring holds events, if there is one, as a client
 * re-posting after a burst does (the place where R2 fills a batch).
 */
const subscribeStep = fc.record({ pick: fc.nat(), channel, outputLength, count: fc.integer({ min: 1, max: 4 }), drain: fc.boolean() }).map(({ pick, channel: chosen, outputLength, count, drain }) =>
  step(`subscribe(${drain ? 'a backlog, else ' : ''}handle #${pick}, ${chosen}, ${outputLength} bytes${count > 1 ? `, ${count} requests` : ''})`, hasHandles, (oracle, world) => {
    const backlog = CHANNEL_NAMES.flatMap((name) => oracle.live[name].filter((subscription) => subscription.ring.length > 0));
    const target = drain && backlog.length > 0 ? backlog[pick % backlog.length]! : undefined;
    const handle = target?.handle ?? oracle.handles[pick % oracle.handles.length]!;
    const channel = target?.channel ?? chosen;
    for (let index = 0; index < count; index++) {
      const request = oracle.subscribe(handle, channel, outputLength);
      const controller = new AbortController();
      const real: RealRequest = { controller, requestId: request.sent ? ++world.sentToDriver : null, outcome: undefined };
      world.requests.push(real);
      world.handles[handle.index]!.ioctl(device.channels[channel].code, null, outputLength, { signal: controller.signal }).then(
        (result) => void (real.outcome = { result }),
        (error: unknown) => void (real.outcome = { error }),
      );
    }
  }),
);

const emitStep = fc.record({ channel, kinds: fc.array(fc.constantFrom<KindName>('Small', 'Large'), { minLength: 1, maxLength: 20 }) }).map(({ channel, kinds }) =>
  step(`emit(${channel}, ${kinds.length === 1 ? kinds[0] : `burst of ${kinds.length}`})`, () => true, (oracle, world) => {
    const sent = kinds.map((kind) => kindOn(channel, kind));
    const predicted = sent.map((kind) => oracle.emit(channel, kind));
    const items = sent.map((kind, index) => ({ kind, data: eventData(kind, predicted[index]!.tag) }));
    const outcomes = items.length === 1 ? [world.simulator.emit(channel, items[0]!.kind, items[0]!.data as never)] : world.simulator.emitBurst(channel, items as never);
    expect(outcomes).toHaveLength(items.length);
    outcomes.forEach((perSubscription, index) => {
      const actual = perSubscription.map((outcome) => ({
        handleId: outcome.handleId,
        outcome: outcome.outcome,
        sequence: Number(outcome.sequence),
        ...(outcome.droppedSequence !== undefined ? { droppedSequence: Number(outcome.droppedSequence) } : {}),
      }));
      expect(actual, `what event ${index} of the burst did at each subscription`).toEqual(predicted[index]!.offers);
      for (const outcome of perSubscription) {
        world.stream(outcome.handleId, channel).offers.push({ sequence: outcome.sequence, tag: predicted[index]!.tag, kind: items[index]!.kind, droppedSequence: outcome.droppedSequence });
      }
    });
  }),
);

const cancelStep = fc.record({ pick: fc.nat(), preferParked: fc.boolean() }).map(({ pick, preferParked }) =>
  step(`cancel(request #${pick}${preferParked ? ', a parked one if any' : ''})`, (oracle) => oracle.requests.some((request) => request.sent), (oracle, world) => {
    const sent = oracle.requests.filter((request) => request.sent);
    const parked = sent.filter((request) => request.expected.status === 'parked');
    const candidates = preferParked && parked.length > 0 ? parked : sent;
    const request = candidates[pick % candidates.length]!;
    if (!oracle.cancel(request)) oracle.count('cancel after completion');
    world.requests[request.index]!.controller.abort();
  }),
);

function closeHandle(oracle: Oracle, world: World, handle: OracleHandle): Promise<void> {
  if (handle.open) world.recordEnd(handle.handleId);
  oracle.close(handle);
  return world.handles[handle.index]!.close();
}

const closeStep = fc.record({ pick: fc.nat(), wait: fc.boolean() }).map(({ pick, wait }) =>
  step(`close(handle #${pick}${wait ? ', awaited' : ''})`, hasHandles, async (oracle, world) => {
    const closing = closeHandle(oracle, world, oracle.handles[pick % oracle.handles.length]!);
    world.closing.push(closing);
    if (wait) await closing;
  }),
);

const crashStep = fc.record({ slot: fc.nat(PROCESS_SLOTS - 1), wait: fc.boolean() }).map(({ slot, wait }) =>
  step(`crash(p${slot}${wait ? ', awaited' : ''})`, () => true, async (oracle, world) => {
    for (const handle of oracle.handles) if (handle.slot === slot && handle.open) world.recordEnd(handle.handleId);
    oracle.crash(slot);
    const crashing = world.simulator.crash(world.backends[slot]!);
    world.closing.push(crashing);
    if (wait) await crashing;
  }),
);

const stallStep = anyChannel.map((name) =>
  step(`stall(${name ?? 'all'})`, () => true, (oracle, world) => {
    oracle.stall(name);
    world.simulator.stall(name);
  }),
);

const releaseStep = anyChannel.map((name) =>
  step(`release(${name ?? 'all'})`, () => true, (oracle, world) => {
    oracle.release(name);
    world.simulator.release(name);
  }),
);

const setChannelStep = fc
  .record({
    channel,
    capacity: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    overflow: fc.option(fc.constantFrom<Overflow>('drop-newest', 'drop-oldest'), { nil: undefined }),
  })
  .map(({ channel, capacity, overflow }) =>
    step(`setChannel(${channel}, capacity ${capacity ?? '-'}, ${overflow ?? '-'})`, () => true, (oracle, world) => {
      oracle.setChannel(channel, capacity, overflow);
      world.simulator.setChannel(channel, { ...(capacity !== undefined ? { capacity } : {}), ...(overflow !== undefined ? { overflow } : {}) });
    }),
  );

const settleStep = fc.constant(
  step('settle', () => true, async (oracle, world) => {
    await world.simulator.settle();
    checkSettled(oracle, world);
  }),
);

function eventData(kind: KindName, tag: bigint) {
  return kind === 'Small' ? { tag, value: Number(tag % 1000n), flag: tag % 2n === 0n } : { tag, text: `event ${tag}` };
}

/** The driver's state equals the oracle's: open handles, and every live subscription's queue, ring and counters. */
function checkState(oracle: Oracle, world: World): void {
  const state = world.simulator.state();
  const open = oracle.handles.filter((handle) => handle.open);
  expect(state.handles.map(({ handleId, processName, access }) => ({ handleId, processName, access })), 'open handles').toEqual(
    open.map(({ handleId, processName, access }) => ({ handleId, processName, access })),
  );
  expect(
    state.subscriptions.map(({ handleId, channel, parked, ringFill, capacity, overflow, nextSequence, dropped }) => ({ handleId, channel, parked, ringFill, capacity, overflow, nextSequence, dropped })),
    'subscriptions',
  ).toEqual(
    CHANNEL_NAMES.flatMap((name) =>
      oracle.live[name].map((subscription) => ({
        handleId: subscription.handle.handleId,
        channel: name,
        parked: subscription.parked.length,
        ringFill: subscription.ring.length,
        capacity: subscription.capacity,
        overflow: subscription.overflow,
        nextSequence: BigInt(subscription.nextSequence),
        dropped: BigInt(subscription.dropped),
      })),
    ),
  );
  // R5 spelled out: a closed handle (or one of a crashed process) leaves nothing in the driver.
  for (const handle of oracle.handles.filter((candidate) => !candidate.open)) {
    expect(state.subscriptions.filter((subscription) => subscription.handleId === handle.handleId), `subscriptions of closed handle ${handle.handleId}`).toEqual([]);
  }
  expect(state.channels.filter((entry) => CHANNEL_NAMES.includes(entry.channel as ChannelName)).map(({ channel, capacity, overflow, stalled }) => ({ channel, capacity, overflow, stalled }))).toEqual(
    CHANNEL_NAMES.map((name) => ({ channel: name, ...oracle.channels[name] })),
  );
}

interface DeliveredBatch {
  readonly flags: number;
  readonly droppedTotal: bigint;
  readonly records: { sequence: bigint; kind: number; tag: bigint }[];
}

function readBatch(bytes: Uint8Array): DeliveredBatch {
  const batch = decodeBatch(bytes);
  expect(batch.bytesUsed).toBe(bytes.byteLength);
  return {
    flags: batch.flags,
    droppedTotal: batch.droppedTotal,
    records: batch.records.map((record) => ({ sequence: record.sequence, kind: record.kind, tag: new DataView(record.payload.buffer).getBigUint64(0, true) })),
  };
}

/** Once everything is delivered: each request's result is the predicted one, and every stream adds up. */
function checkSettled(oracle: Oracle, world: World): void {
  const trace = world.simulator.trace();
  const entries = new Map<number, TraceEntry>();
  for (const entry of trace) {
    expect(entries.has(entry.requestId), `request ${entry.requestId} completed twice`).toBe(false);
    entries.set(entry.requestId, entry);
  }
  const streamOfRequest = new Map<number, { key: string; batch: DeliveredBatch }>();

  for (const request of oracle.requests) {
    const real = world.requests[request.index]!;
    const where = `request #${request.index} (${request.channel}, ${request.outputLength} bytes, handle ${request.handle.handleId})`;
    const entry = real.requestId === null ? undefined : entries.get(real.requestId);
    const expected = request.expected;
    if (expected.status === 'parked') {
      expect(real.outcome, `${where} is parked`).toBeUndefined();
      expect(entry, `${where} is parked`).toBeUndefined();
      continue;
    }
    expect(real.outcome, `${where} has settled`).toBeDefined();
    if (request.sent) {
      expect(entry, `${where} is in the trace`).toMatchObject({ handleId: request.handle.handleId, code: device.channels[request.channel].code });
    }
    if (expected.status === 'error') {
      const error = real.outcome && 'error' in real.outcome ? real.outcome.error : real.outcome;
      expect(error, `${where} fails`).toBeInstanceOf(DeviceError);
      expect((error as DeviceError).code, where).toBe(expected.code satisfies Win32ErrorName);
      if (expected.code === 'ERROR_OPERATION_ABORTED') {
        expect((error as DeviceError).canceled).toBe(true);
        // R4: a cancelled request carried no event.
        expect(entry!.status).toBe(STATUS_CANCELLED);
        expect(entry!.bytes.byteLength, `${where} was cancelled with bytes in it`).toBe(0);
      }
      continue;
    }
    expect(real.outcome && 'result' in real.outcome, `${where} succeeds`).toBe(true);
    const result = (real.outcome as { result: IoctlResult }).result;
    expect(result.bytesReturned).toBe(result.output.byteLength);
    expect(result.output, `${where}: what the client got is what the driver wrote`).toEqual(entry!.bytes);
    const batch = readBatch(result.output);
    expect(batch, where).toEqual({
      flags: expected.ringEmpty ? BATCH_FLAG_RING_EMPTY : 0,
      droppedTotal: BigInt(expected.droppedTotal),
      records: expected.records.map((record) => ({ sequence: BigInt(record.sequence), kind: KIND_IDS[record.kind], tag: record.tag })),
    });
    streamOfRequest.set(real.requestId!, { key: `${request.handle.handleId}/${request.channel}`, batch });
  }

  // The accounting, from observations only: the simulator's emit outcomes and the batches clients got.
  const batches = new Map<string, DeliveredBatch[]>();
  for (const entry of trace) {
    const delivered = streamOfRequest.get(entry.requestId);
    if (delivered) batches.set(delivered.key, [...(batches.get(delivered.key) ?? []), delivered.batch]);
  }
  const live = new Map(world.simulator.state().subscriptions.map((subscription) => [`${subscription.handleId}/${subscription.channel}`, subscription]));
  for (const key of new Set([...world.streams.keys(), ...batches.keys()])) checkStream(key, world.streams.get(key) ?? { offers: [], ended: null }, batches.get(key) ?? [], live.get(key));
}

function checkStream(key: string, stream: Stream, batches: readonly DeliveredBatch[], live: { ringFill: number; dropped: bigint } | undefined): void {
  const where = `subscription ${key}`;
  const offers = stream.offers;
  // Every offered event takes the next number, delivered or not.
  expect(offers.map((offer) => offer.sequence), `${where}: sequence numbers`).toEqual(offers.map((_, index) => BigInt(index)));
  const dropped = new Set(offers.flatMap((offer) => (offer.droppedSequence === undefined ? [] : [offer.droppedSequence])));
  expect(dropped.size, `${where}: an event dropped twice`).toBe(offers.filter((offer) => offer.droppedSequence !== undefined).length);

  let next = 0n;
  let delivered = 0;
  let previousDroppedTotal = 0n;
  for (const batch of batches) {
    expect(batch.droppedTotal >= previousDroppedTotal, `${where}: DroppedTotal went back`).toBe(true);
    for (const record of batch.records) {
      expect(record.sequence >= next, `${where}: sequence ${record.sequence} delivered after ${next - 1n}`).toBe(true);
      const offer = offers[Number(record.sequence)];
      expect(offer, `${where}: sequence ${record.sequence} was never offered`).toBeDefined();
      expect({ tag: record.tag, kind: record.kind }, `${where}: payload of sequence ${record.sequence}`).toEqual({ tag: offer!.tag, kind: KIND_IDS[offer!.kind] });
      expect(dropped.has(record.sequence), `${where}: sequence ${record.sequence} both dropped and delivered`).toBe(false);
      // A gap is made of dropped events only: nothing vanished by a cancel or a re-post.
      for (let missing = next; missing < record.sequence; missing++) expect(dropped.has(missing), `${where}: sequence ${missing} lost without being counted`).toBe(true);
      next = record.sequence + 1n;
      delivered++;
    }
    // The client can tell every gap so far from the header: the driver counted at least that many.
    expect(next - BigInt(delivered) <= batch.droppedTotal, `${where}: more missing than DroppedTotal says`).toBe(true);
    if (batch.flags & BATCH_FLAG_RING_EMPTY) {
      // RING_EMPTY: the drops no gap has shown yet are the sequences right after this batch.
      const trailing = batch.droppedTotal - (next - BigInt(delivered));
      for (let sequence = next; sequence < next + trailing; sequence++) expect(dropped.has(sequence), `${where}: RING_EMPTY, yet sequence ${sequence} after the batch was not dropped`).toBe(true);
    }
    previousDroppedTotal = batch.droppedTotal;
  }
  const end = live ?? stream.ended;
  if (!end) {
    expect(offers, `${where}: events offered to a subscription that never existed`).toEqual([]);
    return;
  }
  // delivered + dropped + still in the ring (or freed with it at close) == offered.
  expect({ delivered, dropped: dropped.size, held: end.ringFill }, `${where}: accounting`).toEqual({ delivered, dropped: Number(end.dropped), held: offers.length - delivered - dropped.size });
}

/** Closes whatever is still open, waits for everything, and checks that nothing is left anywhere. */
async function finish(oracle: Oracle, world: World): Promise<void> {
  for (const handle of oracle.handles) if (handle.open) world.closing.push(closeHandle(oracle, world, handle));
  await Promise.all(world.closing);
  await world.simulator.settle();
  checkState(oracle, world);
  checkSettled(oracle, world);
  const state = world.simulator.state();
  expect(state.handles).toEqual([]);
  expect(state.subscriptions).toEqual([]);
  expect(oracle.requests.filter((request) => request.expected.status === 'parked'), 'requests still parked after every close').toEqual([]);
  expect(world.simulator.trace()).toHaveLength(world.sentToDriver);
  expect(state.totals).toMatchObject({
    completions: world.sentToDriver,
    cancels: oracle.totals.cancels,
    eventsOffered: oracle.totals.offered,
    eventsDelivered: oracle.totals.delivered,
    eventsDropped: oracle.totals.dropped,
  });
}

const SITUATIONS = [
  'drop-newest',
  'drop-oldest',
  'cancel of a parked request',
  'cancel after completion',
  'close with a parked request',
  'close with events in the ring',
  'open after a crash',
  'subscribe while stalled',
  'completion by release',
  'batch of several records',
  'batch leaving events in the ring',
  'batch emptying the ring',
  'batch emptying the ring before trailing drops',
];

const steps = fc.commands(
  [openStep, openStep, subscribeStep, subscribeStep, subscribeStep, emitStep, emitStep, emitStep, cancelStep, closeStep, crashStep, stallStep, releaseStep, setChannelStep, settleStep, settleStep],
  { maxCommands: 60, size: 'max', ...(REPLAY ? { replayPath: REPLAY } : {}) },
);

describe('the simulator against an oracle of rules R1-R5, through raw ioctls from three processes', () => {
  it(`agrees with the oracle and keeps every subscription's accounting exact (${RUNS} random runs, seed ${SEED})`, async () => {
    const coverage = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(steps, async (commands) => {
        const oracle = new Oracle();
        const world = new World(oracle);
        await fc.asyncModelRun(() => ({ model: oracle, real: world }), commands);
        await finish(oracle, world);
        for (const [situation, count] of oracle.coverage) coverage.set(situation, (coverage.get(situation) ?? 0) + count);
      }),
      { seed: SEED, numRuns: RUNS, ...(PATH ? { path: PATH } : {}) },
    );
    // The runs reached the places worth checking, each many times.
    const reached = Object.fromEntries(SITUATIONS.map((situation) => [situation, (coverage.get(situation) ?? 0) >= 20]));
    expect(reached, JSON.stringify(Object.fromEntries(coverage))).toEqual(Object.fromEntries(SITUATIONS.map((situation) => [situation, true])));
  });
});
