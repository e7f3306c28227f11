/**
 * The process monitor service: the user-mode half of the seed thread's system, done with the kit.
 *
 * It opens \\.\ProcessMonitor, asks the driver for its version, and keeps `depth` subscribe
 * requests parked in the driver. Every process creation and exit comes back as an event with a
 * sequence number. Events the driver had to drop (its ring was full because we were not reading)
 * come back as exact counts: a loss notice for each gap in the sequence numbers, and the
 * driver's own drop count for anything dropped after the last event we saw. So at any moment
 *
 *     delivered + lost = every event the driver offered us
 *
 * and nothing is ever lost silently.
 *
 * In policy mode (`policy`) it also decides every process creation: the driver asks before a
 * process starts (the ProcessCreate verdict), and the monitor denies the images its rules name
 * and allows the rest, within the verdict's deadline. Without a policy nothing decides, and the
 * driver allows every creation at once (fail-open). Copy this file; it is the whole service.
 */
import {
  isCanceled,
  openDevice,
  type Decider,
  type DecisionContext,
  type DecisionEvent,
  type Device,
  type DeviceBackendV1,
  type EventItem,
  type LossNotice,
  type Subscription,
} from '@inverted-call/client';
import { processMonitorDevice, type DriverVersion, type ProcessCreated, type ProcessDecision } from '../generated/process-monitor.js';
import { DecisionTally, type PolicyStats } from './decisions.js';
import type { ImageRules } from './policy.js';

type ProcessChannel = typeof processMonitorDevice.channels.Process;

/** One process event: `kind` 'Created' or 'Exited', its `data`, and its `sequence` number. */
export type ProcessEvent = EventItem<ProcessChannel>;

/** How one decision about a new process ended: answered, late, failed or refused. */
export type ProcessDecisionEvent = DecisionEvent<ProcessCreated, ProcessDecision>;

/** The verdict the driver asks on every process creation. */
export const PROCESS_CREATE = processMonitorDevice.verdicts.ProcessCreate;

export interface MonitorPolicy {
  /** Images whose creation is denied (src/policy.ts); every other creation is allowed. */
  deny: ImageRules;
  /** Questions decided at once, 1 to the verdict's maxPending (64). Default 4. */
  concurrency?: number;
  /** Called for each decision's end. It must not throw (that stops the decider, and the monitor). */
  onDecision?: (event: ProcessDecisionEvent) => void;
  /**
   * Runs before each answer, with the question's deadline and a signal that aborts at it: where a
   * real service would look something up. The demo uses it to play a slow policy.
   */
  beforeAnswer?: (question: ProcessCreated, context: DecisionContext) => void | Promise<void>;
}

export interface MonitorOptions {
  /** Where requests go: the Win32 backend on Windows (the default there), the simulator anywhere. */
  backend?: DeviceBackendV1;
  /** Subscribe requests kept parked in the driver. Default 8. */
  depth?: number;
  /** Events buffered in this process before it stops asking for more. Default 1024. */
  highWaterMark?: number;
  /** Called for each event, in order. Return a promise to make the monitor wait (a slow consumer). */
  onEvent?: (event: ProcessEvent) => void | Promise<void>;
  /** Called for each gap: `count` events, `firstSequence` to `lastSequence`, that the driver dropped. */
  onLoss?: (loss: LossNotice) => void | Promise<void>;
  /** Abort to stop: requests are cancelled, the device is closed, and `done` resolves. */
  signal?: AbortSignal;
  /** Policy mode: decide every process creation. Without it the driver allows them all at once. */
  policy?: MonitorPolicy;
}

/** Live numbers, cheap to read as often as a screen redraws. */
export interface MonitorStats {
  /** Events handed to `onEvent` during the last second. */
  eventsPerSecond: number;
  /** Subscribe requests parked in the driver right now (0 while our buffer is full). */
  inFlight: number;
  /** Events received from the driver but not yet handed to `onEvent`. */
  buffered: number;
  /** Events handed to `onEvent`. */
  delivered: number;
  /** Events the driver dropped: loss notices handled, plus drops it reported that no notice covers yet. */
  lost: number;
  /** Loss notices handled. */
  lossNotices: number;
  /** Policy mode only: decisions, their latency, and what the driver defaulted. */
  policy?: PolicyStats;
}

export interface MonitorSummary {
  version: DriverVersion;
  delivered: number;
  /** `lostInNotices + lostWithoutNotice`: equal to the driver's own drop count. */
  lost: number;
  /** Events covered by the loss notices we handled. */
  lostInNotices: number;
  lossNotices: number;
  /**
   * Drops the driver reported (in the header of the last batch) that no loss notice covered:
   * events dropped after the last event we received, which no later event revealed as a gap.
   */
  lostWithoutNotice: number;
  /** Events received but never handed to `onEvent` because we stopped first. */
  discarded: number;
  /** Completed subscribe requests (batches). */
  batches: number;
  seconds: number;
  /** Policy mode only: the decisions as the decider stopped. */
  policy?: PolicyStats;
}

export interface Monitor {
  /** Resolves once the device is open and the subscription parked; rejects if opening fails. */
  readonly ready: Promise<DriverVersion>;
  /** Resolves after `signal` aborts and the device is closed; rejects on any other error. */
  readonly done: Promise<MonitorSummary>;
  stats(): MonitorStats;
}

export const DEFAULT_DEPTH = 8;
export const DEFAULT_HIGH_WATER_MARK = 1024;
/** Questions decided at once in policy mode when `policy.concurrency` does not say. */
export const DEFAULT_DECIDE_CONCURRENCY = 4;

export function runMonitor(options: MonitorOptions = {}): Monitor {
  const { backend, onEvent, onLoss, policy } = options;
  // The caller's signal stops the monitor; so does a decider that fails (a policy that silently
  // stopped deciding would leave every process to the driver's default).
  const failed = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
  const tally = new DecisionTally();
  let decider: Decider<ProcessCreated, ProcessDecision> | undefined;
  let deciderFailure: { error: unknown } | undefined;
  const policyStats = () => (decider ? tally.stats(PROCESS_CREATE.deadlineMs, decider.stats) : undefined);
  const rate = createRateMeter();
  const counts = { delivered: 0, lostInNotices: 0, lossNotices: 0 };
  const started = performance.now();
  // Set once subscribed. Its stats (requests in flight, buffered events, the drop count the
  // driver reported in its latest batch) stay readable after it has ended.
  let subscription: Subscription<ProcessChannel> | undefined;

  let setReady!: (version: DriverVersion) => void;
  let failReady!: (error: unknown) => void;
  const ready = new Promise<DriverVersion>((resolve, reject) => {
    setReady = resolve;
    failReady = reject;
  });
  // A caller that only awaits `done` still hears about a failed open from there.
  ready.catch(() => {});

  /**
   * Loss notices handled, plus the drops the driver has reported that no notice covered yet (only
   * a driver that never sets RING_EMPTY leaves such drops after the last event).
   */
  const lost = () => {
    const driverDropped = Number(subscription?.stats.driverDropped ?? 0n);
    return counts.lostInNotices + Math.max(0, driverDropped - counts.lostInNotices);
  };

  const done = (async (): Promise<MonitorSummary> => {
    const device = await openDevice(processMonitorDevice, backend ? { backend } : {});
    try {
      const version = await device.call.GetVersion();
      if (policy) {
        decider = startDecider(device, policy, tally, signal);
        decider.closed.catch((error: unknown) => {
          deciderFailure = { error };
          failed.abort(error);
        });
        // From here on every process creation is asked here (rule V1).
        await decider.ready;
      }
      const events = (subscription = device.subscribe.Process({
        depth: options.depth ?? DEFAULT_DEPTH,
        highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
        signal,
      }));
      // Ready means the driver has our stream: events from now on are delivered or counted. A
      // subscription that fails first reports why through the loop below.
      await events.ready.catch(() => undefined);
      setReady(version);
      try {
        for await (const item of events) {
          if (item.type === 'loss') {
            counts.lossNotices++;
            counts.lostInNotices += item.count;
            await onLoss?.(item);
          } else {
            counts.delivered++;
            rate.add();
            await onEvent?.(item);
          }
        }
      } catch (error) {
        // Aborting our signal ends the iterator with a cancellation: that is the normal stop.
        if (!(signal.aborted && isCanceled(error))) throw error;
      }
      await decider?.close();
      if (deciderFailure) throw deciderFailure.error;
      const total = lost();
      return {
        version,
        delivered: counts.delivered,
        lost: total,
        lostInNotices: counts.lostInNotices,
        lossNotices: counts.lossNotices,
        lostWithoutNotice: total - counts.lostInNotices,
        discarded: events.stats.discarded,
        batches: events.stats.completions,
        seconds: (performance.now() - started) / 1000,
        ...(decider ? { policy: policyStats() } : {}),
      };
    } finally {
      await device.close();
    }
  })();
  done.catch(failReady);

  return {
    ready,
    done,
    stats: () => {
      const client = subscription?.stats;
      return {
        eventsPerSecond: rate.perSecond(),
        inFlight: client?.inFlight ?? 0,
        buffered: client?.buffered ?? 0,
        delivered: counts.delivered,
        lost: lost(),
        lossNotices: counts.lossNotices,
        ...(decider ? { policy: policyStats() } : {}),
      };
    },
  };
}

/** Policy mode: a decider that denies what the rules name and allows the rest. */
function startDecider(device: Device<typeof processMonitorDevice>, policy: MonitorPolicy, tally: DecisionTally, signal: AbortSignal): Decider<ProcessCreated, ProcessDecision> {
  return device.decide.ProcessCreate(
    async (question, context) => {
      await policy.beforeAnswer?.(question, context);
      return { allow: policy.deny.match(question) === undefined };
    },
    {
      concurrency: policy.concurrency ?? DEFAULT_DECIDE_CONCURRENCY,
      signal,
      onEvent(event) {
        // The latency runs from the handler's start to the driver's acceptance of the reply.
        if (event.type === 'answered') tally.answered(event.answer.allow, event.elapsedMs);
        policy.onDecision?.(event);
      },
    },
  );
}

/** Counts over the last second in ten 100 ms slots. */
function createRateMeter() {
  const SLOTS = 10;
  const SLOT_MS = 100;
  const counts = new Array<number>(SLOTS).fill(0);
  const slotOf = new Array<number>(SLOTS).fill(-Infinity);
  return {
    add(now = performance.now()): void {
      const slot = Math.floor(now / SLOT_MS);
      const index = slot % SLOTS;
      if (slotOf[index] !== slot) {
        slotOf[index] = slot;
        counts[index] = 0;
      }
      counts[index]!++;
    },
    perSecond(now = performance.now()): number {
      const slot = Math.floor(now / SLOT_MS);
      let sum = 0;
      for (let index = 0; index < SLOTS; index++) if (slot - slotOf[index]! < SLOTS) sum += counts[index]!;
      return sum;
    },
  };
}
