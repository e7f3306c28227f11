/**
 * Model-based test of subscriptions as cursors on the driver's stream (DESIGN.md section 9,
 * "Sequences"), through the client's public API on one simulated device. fast-check generates
 * random sequences of subscribes (some while another reads the same channel, some right after a
 * close that was not awaited), single events and bursts, takes with `next()` and `batches()`,
 * closes (awaited or not, with events racing them), stalls, releases and channel overrides.
 * After each step and a settle, what every subscription handed over is checked against what the
 * simulator reports it did with every event (subscription-model-oracle.ts); after the device is
 * closed, every stream's ledger must add up to the events offered to it.
 *
 * A failure prints fast-check's seed, path and the shrunk steps. Replay it with
 * `FC_SEED=<seed> FC_PATH=<path> pnpm exec vitest run test/subscription-model.test.ts`
 * (FC_REPLAY=<replayPath> for the command list); FC_RUNS sets the number of runs.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSimulator } from '@inverted-call/simulator';
import { openDevice, type Device, type DeviceBackendV1, type SubscribeOptions } from '../src/index.js';
import { CHANNELS, Model, StreamLedger, checkClosedStream, checkStream, driverCountsAtClose, type AnySubscription, type ChannelName, type DriverCounts, type Item, type KindName, type Reader } from './subscription-model-oracle.js';
import { device as conformance } from './support.js';

const SEED = process.env.FC_SEED === undefined ? 20260317 : Number(process.env.FC_SEED);
const PATH = process.env.FC_PATH;
const REPLAY = process.env.FC_REPLAY;
const RUNS = Number(process.env.FC_RUNS ?? 200);

type Open = typeof openDevice;
type Coverage = Map<string, number>;

/** The client under test on one simulated device, and everything observed of it. */
class World {
  readonly simulator = createSimulator(conformance);
  readonly streams = new Map<string, StreamLedger>();
  /** By the model's reader index. */
  readonly readers: Reader[] = [];
  /** Handle ids the client opened, in order: the first is the device's own. */
  readonly opened: number[] = [];
  readonly closing: Promise<void>[] = [];
  device!: Device<typeof conformance>;
  private nextTag = 1n;

  constructor(private readonly coverage: Coverage) {}

  static async open(open: Open, coverage: Coverage): Promise<World> {
    const world = new World(coverage);
    world.device = await open(conformance, { backend: world.observedBackend() });
    return world;
  }

  get mainHandleId(): number {
    return this.opened[0]!;
  }

  reached(situation: string): void {
    this.coverage.set(situation, (this.coverage.get(situation) ?? 0) + 1);
  }

  stream(handleId: number, channel: string): StreamLedger {
    const key = `${handleId}/${channel}`;
    let stream = this.streams.get(key);
    if (!stream) this.streams.set(key, (stream = new StreamLedger(handleId, `stream ${channel} of handle ${handleId}`)));
    return stream;
  }

  /**
   * The simulator's backend as the client sees it, plus two observations: which handles the client
   * opens, and the driver's counts of each of a handle's streams just before it closes (the driver
   * frees them at close, and the final ledger needs what was left in the ring).
   */
  private observedBackend(): DeviceBackendV1 {
    const inner = this.simulator.backend;
    return {
      specificationVersion: 'v1',
      name: 'simulator, observed',
      open: async (path, options) => {
        const handle = await inner.open(path, options);
        this.opened.push(handle.handleId);
        return {
          path: handle.path,
          access: handle.access,
          ioctl: (code, input, outputLength, ioctlOptions) => handle.ioctl(code, input, outputLength, ioctlOptions),
          close: () => {
            for (const subscription of this.simulator.state().subscriptions) {
              if (subscription.handleId === handle.handleId) this.stream(handle.handleId, subscription.channel).atClose ??= { ringFill: subscription.ringFill, dropped: subscription.dropped };
            }
            return handle.close();
          },
        };
      },
    };
  }

  emit(channel: ChannelName, kinds: readonly KindName[]): void {
    const items = kinds.map((kind) => {
      const tag = this.nextTag++;
      return { kind, tag, data: kind === 'Small' ? { tag, value: Number(tag % 1000n), flag: tag % 2n === 0n } : { tag, text: `event ${tag}` } };
    });
    const outcomes = items.length === 1 ? [this.simulator.emit(channel, items[0]!.kind as 'Small', items[0]!.data as never)] : this.simulator.emitBurst(channel, items as never);
    outcomes.forEach((perStream, index) => {
      for (const outcome of perStream) this.stream(outcome.handleId, channel).offer(outcome.sequence, items[index]!.tag, items[index]!.kind, outcome.droppedSequence);
    });
  }

  /**
   * Subscribes once per entry of `options`, all in the same turn, and checks that the client chose
   * the streams the model predicted. With `closeAtOnce`, each is closed before its first request
   * may have been sent (the close is not awaited). Returns whether each got a handle of its own.
   */
  async subscribe(model: Model, channel: ChannelName, options: readonly SubscribeOptions[], closeAtOnce = false): Promise<boolean[]> {
    const before = this.opened.length;
    const started = options.map((entry) => {
      const { index, ownHandle } = model.subscribe(channel);
      if (ownHandle) this.reached('own handle while another reads the channel');
      const shared = this.streams.get(`${this.mainHandleId}/${channel}`);
      if (!ownHandle && shared && shared.readers.length > 0) {
        this.reached('re-subscribe continues the stream');
        const driver = this.simulator.state().subscriptions.find((entry) => entry.handleId === this.mainHandleId && entry.channel === channel);
        if ((driver?.ringFill ?? 0) > 0 || (driver?.dropped ?? 0n) > 0n) this.reached('re-subscribe finds events or drops in the ring');
      }
      const subscription = (this.device.subscribe[channel] as (options: SubscribeOptions) => AnySubscription)(entry);
      const reader: Reader = { label: `subscription #${index} ${JSON.stringify(entry)}${closeAtOnce ? ' closed at once' : ''}`, subscription, taken: [], open: !closeAtOnce };
      this.readers[index] = reader;
      if (closeAtOnce) {
        model.close(index);
        this.closing.push(subscription.close());
      }
      return { index, ownHandle, reader };
    });
    // A handle of its own is opened in a later turn; wait until each subscription has its stream.
    if (closeAtOnce) await this.quiesce();
    else await Promise.all(started.map(({ reader }) => reader.subscription.ready));
    const openedNow = this.opened.slice(before);
    expect(openedNow, `subscriptions #${started.map(({ index }) => index).join(', ')} on ${channel}: handles of their own`).toHaveLength(started.filter(({ ownHandle }) => ownHandle).length);
    for (const { ownHandle, reader } of started) this.stream(ownHandle ? openedNow.shift()! : this.mainHandleId, channel).readers.push(reader);
    return started.map(({ ownHandle }) => ownHandle);
  }

  /** Lets every completion reach the client and every close that was not awaited finish. */
  async quiesce(): Promise<void> {
    await this.simulator.settle();
    await Promise.all(this.closing.splice(0));
    await this.simulator.settle();
  }

  check(): void {
    const state = this.simulator.state();
    // A handle of its own lives exactly as long as its subscription.
    const ownHandles = [...this.streams.values()].filter((stream) => stream.handleId !== this.mainHandleId && stream.readers.some((reader) => reader.open));
    expect(state.handles.map(({ handleId }) => handleId), 'open handles: the device’s, and one per open subscription that has its own').toEqual(
      [...new Set([this.mainHandleId, ...ownHandles.map((stream) => stream.handleId)])].sort((a, b) => a - b),
    );
    const live = new Map<string, DriverCounts>(state.subscriptions.map((entry) => [`${entry.handleId}/${entry.channel}`, entry]));
    for (const [key, stream] of this.streams) {
      // Situations are counted once, on the final ledger, not again after every step.
      checkStream(stream, live.get(key) ?? driverCountsAtClose(stream), () => {});
    }
  }

  /** Rule 3: close the device, then nothing is left in the driver and every stream adds up. */
  async finish(): Promise<void> {
    await this.device.close();
    await this.simulator.settle();
    const state = this.simulator.state();
    expect(state.handles, 'handles left after the device closed').toEqual([]);
    expect(state.subscriptions, 'driver subscriptions (and their parked requests) left after the device closed').toEqual([]);
    for (const reader of this.readers) {
      reader.open = false;
      await expect(reader.subscription.next(), `${reader.label} ends with the device`).resolves.toEqual({ done: true, value: undefined });
    }
    for (const stream of this.streams.values()) {
      checkStream(stream, driverCountsAtClose(stream), (situation) => this.reached(situation));
      checkClosedStream(stream);
    }
    const offered = [...this.streams.values()].reduce((sum, stream) => sum + stream.offers.length, 0);
    const dropped = [...this.streams.values()].reduce((sum, stream) => sum + stream.dropped.size, 0);
    expect(state.totals, 'every offer and drop is in a ledger').toMatchObject({ eventsOffered: offered, eventsDropped: dropped });
  }
}

type Step = fc.AsyncCommand<Model, World>;

/** A step: `applies` decides from the model alone whether it can run; every stream is checked after it settles. */
function step(name: string, applies: (model: Readonly<Model>) => boolean, body: (model: Model, world: World) => Promise<void> | void): Step {
  return {
    check: applies,
    async run(model, world) {
      await body(model, world);
      await world.quiesce();
      world.check();
    },
    toString: () => name,
  };
}

const channel = fc.constantFrom<ChannelName>(...CHANNELS);
const MAX_READERS_PER_CHANNEL = 3;

/** Options of one subscribe: sometimes a small output buffer, so a burst takes several completions. */
function subscribeOptions(chosen: ChannelName) {
  const minimum = conformance.channels[chosen].minimumOutputBytes;
  return fc
    .record({ depth: fc.integer({ min: 1, max: 4 }), highWaterMark: fc.integer({ min: 1, max: 16 }), extraBytes: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }) })
    .map(({ depth, highWaterMark, extraBytes }): SubscribeOptions => ({ depth, highWaterMark, ...(extraBytes !== undefined ? { batchBytes: minimum + extraBytes } : {}) }));
}

/** Latest carries only Small; Events mixes in Large, which fills a batch after one or two records. */
const burst = (chosen: ChannelName) => fc.array(chosen === 'Events' ? fc.constantFrom<KindName>('Small', 'Small', 'Large') : fc.constant<KindName>('Small'), { minLength: 1, maxLength: 20 });
const emitArguments = channel.chain((chosen) => burst(chosen).map((kinds) => ({ channel: chosen, kinds })));

/** One subscribe, or two in the same turn; sometimes closed at once, before its first request may be sent. */
const subscribeStep = channel
  .chain((chosen) =>
    fc.record({ channel: fc.constant(chosen), options: fc.array(subscribeOptions(chosen), { minLength: 1, maxLength: 2 }), closeAtOnce: fc.nat(4).map((roll) => roll === 0) }),
  )
  .map(({ channel: chosen, options, closeAtOnce }) =>
    step(
      `subscribe(${chosen}, ${options.map((entry) => JSON.stringify(entry)).join(' and ')}${closeAtOnce ? ', closed at once' : ''})`,
      (model) => model.openOn(chosen) + options.length <= MAX_READERS_PER_CHANNEL,
      async (model, world) => {
        await world.subscribe(model, chosen, options, closeAtOnce);
      },
    ),
  );

const emitStep = emitArguments.map(({ channel: chosen, kinds }) =>
  step(`emit(${chosen}, ${kinds.length === 1 ? kinds[0] : `burst of ${kinds.length}`})`, () => true, (_model, world) => world.emit(chosen, kinds)),
);

/** An open reader with something buffered, picked by `pick`; undefined if none. */
function bufferedReader(model: Model, world: World, pick: number): Reader | undefined {
  const candidates = world.readers.filter((reader, index) => model.readers[index]!.open && reader.subscription.stats.buffered > 0);
  return candidates[pick % Math.max(candidates.length, 1)];
}

/** Takes at most what is buffered after the settle, so `next()` answers at once and the test never waits. */
const takeStep = fc.record({ pick: fc.nat(), count: fc.integer({ min: 1, max: 20 }) }).map(({ pick, count }) =>
  step(`take(subscription #${pick}, up to ${count} items)`, (model) => model.hasOpen(), async (model, world) => {
    const reader = bufferedReader(model, world, pick);
    if (!reader) return;
    const taking = Math.min(count, reader.subscription.stats.buffered);
    for (let index = 0; index < taking; index++) {
      const next = await reader.subscription.next();
      expect(next.done, `${reader.label} ended while items were buffered`).toBe(false);
      reader.taken.push(next.value!);
      if (next.value!.type === 'loss') world.reached('loss notice handed over');
    }
  }),
);

const batchStep = fc.nat().map((pick) =>
  step(`batch(subscription #${pick})`, (model) => model.hasOpen(), async (model, world) => {
    const reader = bufferedReader(model, world, pick);
    if (!reader) return;
    // A fresh batches() iterator left unfinished: returning it would close the subscription.
    const next = await reader.subscription.batches().next();
    expect(next.done, `${reader.label} ended while items were buffered`).toBe(false);
    reader.taken.push(...next.value!);
    if (next.value!.length > 1) world.reached('batch of several items');
    if (next.value!.some((item: Item) => item.type === 'loss')) world.reached('loss notice handed over');
  }),
);

/**
 * Closes a reader. `before` emits first without a settle, so completions still on their way
 * reach a closing subscription; a close that is not awaited may be followed at once by more
 * events and by a new subscription on the channel, which must wait for it and continue its stream.
 */
const closeStep = fc
  .record({
    pick: fc.nat(),
    awaited: fc.boolean(),
    before: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined, freq: 2 }),
    after: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined, freq: 2 }),
    resubscribe: fc.option(fc.tuple(subscribeOptions('Events'), subscribeOptions('Latest')), { nil: undefined, freq: 2 }),
  })
  .map(({ pick, awaited, before, after, resubscribe }) => {
    const then = awaited ? '' : `${after ? `, then emit ${after}` : ''}${resubscribe ? ', then subscribe' : ''}`;
    return step(`close(subscription #${pick}${before ? ` after emitting ${before}` : ''}${awaited ? ', awaited' : ', not awaited'}${then})`, (model) => model.hasOpen(), async (model, world) => {
      const open = model.readers.flatMap((reader, index) => (reader.open ? [index] : []));
      const index = open[pick % open.length]!;
      const reader = world.readers[index]!;
      const chosen = model.readers[index]!.channel;
      if (before) world.emit(chosen, Array<KindName>(before).fill('Small'));
      model.close(index);
      reader.open = false;
      const closing = reader.subscription.close();
      if (awaited) return closing;
      world.closing.push(closing);
      if (after) world.emit(chosen, Array<KindName>(after).fill('Small'));
      if (resubscribe && model.openOn(chosen) < MAX_READERS_PER_CHANNEL) {
        const [ownHandle] = await world.subscribe(model, chosen, [resubscribe[chosen === 'Events' ? 0 : 1]]);
        if (!ownHandle) world.reached('subscribe waits for a close that was not awaited');
      }
    });
  });

const anyChannel = fc.option(channel, { nil: undefined });

const stallStep = anyChannel.map((chosen) => step(`stall(${chosen ?? 'all'})`, () => true, (_model, world) => world.simulator.stall(chosen)));
const releaseStep = anyChannel.map((chosen) => step(`release(${chosen ?? 'all'})`, () => true, (_model, world) => world.simulator.release(chosen)));

/** Applies to driver subscriptions created afterwards: new handles, or the device handle's first of a channel. */
const setChannelStep = fc
  .record({ channel, capacity: fc.integer({ min: 1, max: 8 }), overflow: fc.constantFrom('drop-newest' as const, 'drop-oldest' as const) })
  .map(({ channel: chosen, capacity, overflow }) =>
    step(`setChannel(${chosen}, ${capacity}, ${overflow})`, () => true, (_model, world) => world.simulator.setChannel(chosen, { capacity, overflow })),
  );

const steps = fc.commands(
  [subscribeStep, subscribeStep, emitStep, emitStep, emitStep, takeStep, takeStep, takeStep, batchStep, batchStep, closeStep, closeStep, stallStep, releaseStep, setChannelStep],
  { maxCommands: 40, size: 'max', ...(REPLAY ? { replayPath: REPLAY } : {}) },
);

/** The property, for the client `open` comes from: the real one, or a broken one for the negative control. */
function subscriptionProperty(open: Open, coverage: Coverage) {
  return fc.asyncProperty(steps, async (commands) => {
    const model = new Model();
    const world = await World.open(open, coverage);
    await fc.asyncModelRun(() => ({ model, real: world }), commands);
    await world.finish();
  });
}

const SITUATIONS = [
  'own handle while another reads the channel',
  're-subscribe continues the stream',
  're-subscribe finds events or drops in the ring',
  'subscribe waits for a close that was not awaited',
  'closed with events not handed over',
  'handed over after a closed reader left some unhanded',
  'loss notice handed over',
  'batch of several items',
];

describe('subscriptions on one simulated device, against the driver’s own record of every event', () => {
  afterEach(() => {
    vi.doUnmock('../src/stream.js');
    vi.resetModules();
  });

  it(`hand over every event once, in order, or report it lost, never falsely (${RUNS} random runs, seed ${SEED})`, async () => {
    const coverage: Coverage = new Map();
    await fc.assert(subscriptionProperty(openDevice, coverage), { seed: SEED, numRuns: RUNS, ...(PATH ? { path: PATH } : {}) });
    // The runs reached the situations the semantics are about, each many times.
    const reached = Object.fromEntries(SITUATIONS.map((situation) => [situation, (coverage.get(situation) ?? 0) >= 20]));
    expect(reached, JSON.stringify(Object.fromEntries(coverage))).toEqual(Object.fromEntries(SITUATIONS.map((situation) => [situation, true])));
  });

  it('fails against a client whose re-subscribe restarts at sequence 0 (negative control)', async () => {
    // The seam: the client's cursor class, replaced by one that forgets its position whenever a
    // new subscription takes the stream over, which is what a client without cursors would do.
    vi.doMock('../src/stream.js', async (importOriginal) => {
      const real = await importOriginal<typeof import('../src/stream.js')>();
      class RestartingStream extends real.ChannelStream {
        constructor(where: string) {
          super(where);
          let owner: object | undefined;
          Object.defineProperty(this, 'owner', {
            get: () => owner,
            set: (next: object | undefined) => {
              if (next !== undefined) {
                const { owner: _unused, ...fresh } = { ...new real.ChannelStream(where) };
                Object.assign(this, fresh);
              }
              owner = next;
            },
          });
        }
      }
      return { ...real, ChannelStream: RestartingStream };
    });
    vi.resetModules();
    const broken = await import('../src/index.js');
    const details = await fc.check(subscriptionProperty(broken.openDevice as Open, new Map()), { seed: SEED, numRuns: RUNS });
    expect(details.failed, 'the property passed against the broken client').toBe(true);
    // It failed on one of the property's checks of a stream, not on a crash or a hang.
    expect(String(details.errorInstance)).toMatch(/^AssertionError: stream \w+ of handle \d+: /);
  });
});
