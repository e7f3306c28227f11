/**
 * What the suite needs from the thing under test. The simulator provides it with its controls;
 * a real driver provides it with its test-only IOCTLs (inject events, report state) and real
 * process kills. Each method's rule is what both must do.
 */
import type { DeviceBackendV1 } from '@inverted-call/backend';
import type { VerdictOutcome } from '@inverted-call/codec';
import type { conformanceDevice } from '@inverted-call/conformance-device';
import type { DeviceDriverState, DeviceSubscriptionState } from './device-target.js';

export type ConformanceChannel = keyof typeof conformanceDevice.channels & string;
export type ConformanceVerdict = keyof typeof conformanceDevice.verdicts & string;

export interface TargetAskOptions {
  /**
   * The process the question is raised on behalf of (for process creation, the creating process):
   * a decider in that process never gets it (V7). Without it the question is raised for no client
   * process.
   */
  askerProcess?: DeviceBackendV1;
  /** The asker runs above PASSIVE_LEVEL and may not wait: it gets the default at once (V8). */
  cannotWait?: boolean;
}

/** How one question raised with `ask` settled. */
export interface AskResult {
  outcome: VerdictOutcome;
  /** The question's id; 0n when it settled at once without entering the driver's table (V1, V3, V7, V8). */
  id: bigint;
  /** The decider's answer, or the verdict's default, decoded. */
  answer: Record<string, unknown>;
}

/** A subscription of the conformance device: the generic state, with the channel typed. */
export interface ConformanceSubscriptionState extends DeviceSubscriptionState {
  channel: ConformanceChannel;
}

export interface ConformanceDriverState extends DeviceDriverState {
  subscriptions: ConformanceSubscriptionState[];
}

export interface ConformanceTarget {
  readonly name: string;
  /** A backend standing for one new client process named `name`. */
  process(name: string): DeviceBackendV1;
  /**
   * Emits `count` events of `kind` on `channel` through the same path the driver's real event
   * source uses; event i carries the data `eventData(kind, firstTag + i)`. Resolves once the
   * driver has offered every one of them to every subscription (R3); the completions they caused
   * may still be on their way to clients (see `settle`).
   */
  emit(channel: ConformanceChannel, kind: string, count: number, firstTag: bigint): Promise<void>;
  /** The driver's own account of its state. */
  state(): Promise<ConformanceDriverState>;
  /** The process dies abruptly (kill -9): the system closes its handles and cancels its I/O. */
  crash(process: DeviceBackendV1): Promise<void>;
  /** Resolves once every completion the driver has made so far has reached its client. */
  settle(): Promise<void>;
  /**
   * Raises one question of `verdict` through the driver's own asking path, as kernel code would,
   * and resolves once it has settled. Scenarios rely on order: a question is raised before any
   * operation the scenario starts after calling `ask` (another ask, an ask request, a reply, an
   * elapse, a crash). The simulator and the harness raise it before `ask` returns. A real driver
   * raises it on a worker thread (the test ask IOCTL: CoreVerdictAsk, then a timed wait), so its
   * target must hold every later operation until the driver has counted the question (VERDICT_INFO
   * Asked of the protocol information, or the IOCTL's completion, whichever comes first).
   * `askerProcess`: the driver compares the asker's process id with its deciders' (V7). Where the
   * target's "processes" share one real process, it passes that process's id when `askerProcess`
   * holds an open handle that sent an ask request of the verdict, and an id no process has otherwise.
   */
  ask(verdict: ConformanceVerdict, question: Record<string, unknown>, options?: TargetAskOptions): Promise<AskResult>;
  /**
   * Lets `ms` of verdict-deadline time pass: a manual clock advances by exactly `ms` (settling every
   * question whose deadline it reaches); a real driver sleeps `ms` of wall time. A scenario that
   * needs a deadline to pass elapses the whole deadline and then awaits the ask.
   */
  elapse(ms: number): Promise<void>;
  /** Frees everything the target made. */
  dispose(): Promise<void>;
}

/** The payload of a test event: derived from its tag, so a driver can generate the same data. */
export function eventData(kind: string, tag: bigint): Record<string, unknown> {
  if (kind === 'Large') return { tag, text: `large event ${tag}` };
  return { tag, value: Number(tag & 0xffffffffn), flag: (tag & 1n) === 1n };
}
