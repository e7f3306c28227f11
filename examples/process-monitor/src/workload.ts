/**
 * The scripted machine the demo watches: the simulator of the ProcessMonitor driver (the same
 * descriptor, the same protocol rules as the real driver), fed with plausible process activity.
 *
 *   1. steady:   a desktop going about its business (services, browser tabs, a terminal, git).
 *   2. burst:    a parallel build starts thousands of compiler processes while the consumer is
 *                stalled: our buffer fills, we stop asking, the driver's ring (4096) fills, and
 *                the driver drops and counts the rest.
 *   3. recovery: the consumer resumes, catches up, and the machine goes quiet again.
 *
 * Every process creation is first asked as the real driver's Notify.c asks it: the ProcessCreate
 * verdict, on behalf of the creating process, and then reported, denied or not (Notify.c reports a
 * denied creation as the attempt it was). A denied process never runs, so it never exits. Without
 * a decider the driver allows every creation at once.
 *
 * Everything is generated from a seed, so every run emits the same events in the same order
 * (with a policy, the same as long as every question is answered in time).
 */
import type { DeviceBackendV1 } from '@inverted-call/client';
import { createSimulator, type Simulator, type SimulatorClock, type VerdictCounters, type VerdictResult, seededRandom } from '@inverted-call/simulator';
import { processMonitorDevice, type ProcessChannelEvent, type ProcessCreated, type ProcessDecision } from '../generated/process-monitor.js';

export type PhaseName = 'steady' | 'burst' | 'recovery';

export const PHASES: readonly { readonly name: PhaseName; readonly title: string; readonly detail: string }[] = [
  {
    name: 'steady',
    title: 'steady stream of process creations and exits',
    detail: 'services, browser tabs, a terminal: each event completes a parked request at once',
  },
  {
    name: 'burst',
    title: 'build burst while the consumer is stalled',
    detail: 'onEvent stops returning; our buffer fills to the high-water mark, we stop asking, the ring fills, the driver drops and counts',
  },
  {
    name: 'recovery',
    title: 'consumer resumed: catching up',
    detail: 'the buffer and the ring drain in batches; the next event reveals the gap as one exact loss notice',
  },
];

/** The seed of the generated activity when none is given: the demo's fixed 11,000 events come from it. */
export const DEFAULT_SEED = 1125;
/** Events of the burst when not given: more than the ring (4,096) and the client's buffer together. */
export const DEFAULT_BURST_EVENTS = 10_000;

export interface WorkloadOptions {
  /** Seed of the generated activity. Default 1125. */
  seed?: number;
  /** `live`: paced for watching (about 6 s); `fast`: as quickly as the consumer keeps up (CI). Default live. */
  pace?: 'live' | 'fast';
  /** Events of phase 1. Default 600. */
  steadyEvents?: number;
  /** Events of the burst in phase 2. Default 10,000: more than the ring (4096) and our buffer together. */
  burstEvents?: number;
  /** Events of phase 3. Default 400. */
  recoveryEvents?: number;
  /**
   * The simulator's clock of verdict deadlines. `real` (default): a question nobody answers times
   * out by itself after 250 ms. `manual` (tests): time stands still, and when a question is still
   * unsettled once everything in flight has been delivered (its decider is waiting on something
   * else), the workload moves time to its deadline: it times out at once, deterministically.
   */
  clock?: SimulatorClock;
}

/** What became of the process creations the driver asked about (the asker's side of the verdict). */
export interface CreationCounts {
  asked: number;
  /** Allowed: by the decider's answer or by the default. */
  allowed: number;
  /** Denied by the decider: reported, but the process never ran. */
  denied: number;
}

export interface WorkloadSnapshot {
  phase: PhaseName | 'idle' | 'done';
  /** Events the (simulated) kernel emitted: what the driver offered the monitor. */
  emitted: number;
  /** The driver's own count of events it dropped for the monitor's subscription. */
  droppedByDriver: number;
  /** Events waiting in the driver's ring for the monitor. */
  ringFill: number;
  ringCapacity: number;
  /** The highest ring fill seen so far. */
  peakRingFill: number;
  /** Subscribe requests parked in the driver. */
  parked: number;
  consumerStalled: boolean;
  creations: CreationCounts;
  /** The driver's own counters of the ProcessCreate verdict (rule V9). */
  verdict: Readonly<VerdictCounters>;
}

export interface Workload {
  readonly simulator: Simulator<typeof processMonitorDevice>;
  /** Give this to the monitor: the simulated device behind the same contract as the Win32 backend. */
  readonly backend: DeviceBackendV1;
  snapshot(): WorkloadSnapshot;
  /**
   * The consumer calls this for each event: undefined normally, a promise while the script has
   * the consumer stalled (it resolves when the consumer may go on).
   */
  consumerGate(): Promise<void> | undefined;
  /** Runs the three phases; resolves once the last event has been emitted and the consumer resumed. */
  run(hooks?: {
    /** A phase begins (the consumer is already stalled when the burst begins). */
    onPhase?: (phase: PhaseName, index: number) => void;
    /** A phase has emitted its last event. */
    onPhaseEnd?: (phase: PhaseName, index: number) => void;
    /** A process creation was asked and settled (its Created event follows, denied or not). */
    onAsked?: (process: ProcessCreated, result: VerdictResult<ProcessDecision>) => void;
  }): Promise<void>;
  /**
   * Waits until everything emitted has reached the consumer: completions delivered, the ring
   * empty, and `clientIdle()` (nothing left in the client's buffer).
   */
  drain(clientIdle: () => boolean, timeoutMs?: number): Promise<void>;
}

/** Pacing: `chunk` events, then a pause of `everyMs`. */
interface Pace {
  chunk: number;
  everyMs: number;
}

const PACING: Record<'live' | 'fast', { steady: Pace; burst: Pace; stallMs: number; recovery: Pace }> = {
  // 240 events/s for 2.5 s; 10,000 events in 1.2 s; the consumer stays stalled 0.8 s more; 1.5 s.
  live: { steady: { chunk: 6, everyMs: 25 }, burst: { chunk: 200, everyMs: 24 }, stallMs: 800, recovery: { chunk: 8, everyMs: 30 } },
  fast: { steady: { chunk: 30, everyMs: 1 }, burst: { chunk: 500, everyMs: 1 }, stallMs: 40, recovery: { chunk: 40, everyMs: 1 } },
};

export function createWorkload(options: WorkloadOptions = {}): Workload {
  const pacing = PACING[options.pace ?? 'live'];
  const sizes = { steady: options.steadyEvents ?? 600, burst: options.burstEvents ?? DEFAULT_BURST_EVENTS, recovery: options.recoveryEvents ?? 400 };
  const clock = options.clock ?? 'real';
  const simulator = createSimulator(processMonitorDevice, { clock });
  // What the real driver's Handlers.c answers.
  simulator.handle('GetVersion', () => ({ major: 1, minor: 0, patch: 0, flags: 0 }));

  // No simulated process takes the monitor's own id: its creations would be exempt (rule V7).
  const machine = new ProcessActivity(options.seed ?? DEFAULT_SEED, [BigInt(simulator.backend.processId)]);
  let phase: WorkloadSnapshot['phase'] = 'idle';
  let emitted = 0;
  let peakRingFill = 0;
  let stall: { resumed: Promise<void>; resume: () => void } | undefined;
  const creations: CreationCounts = { asked: 0, allowed: 0, denied: 0 };
  let onAsked: ((process: ProcessCreated, result: VerdictResult<ProcessDecision>) => void) | undefined;

  const subscriptionState = () => simulator.state().subscriptions.find((subscription) => subscription.channel === 'Process');
  const verdictState = () => simulator.state().verdicts.find((verdict) => verdict.verdict === 'ProcessCreate')!;

  /** Notify.c's question before a process starts: may it? On behalf of the creating process. */
  async function askCreation(process: ProcessCreated): Promise<boolean> {
    creations.asked++;
    let settled = false;
    const asked = simulator.ask('ProcessCreate', process, { askerProcessId: Number(process.creatingProcessId) });
    void asked.then(() => (settled = true));
    if (clock === 'manual') {
      await simulator.settle();
      if (!settled) simulator.advance(processMonitorDevice.verdicts.ProcessCreate.deadlineMs);
    }
    const result = await asked;
    onAsked?.(process, result);
    if (result.answer.allow) creations.allowed++;
    else creations.denied++;
    return result.answer.allow;
  }

  async function emitPaced(count: number, pace: Pace, next: () => ProcessChannelEvent): Promise<void> {
    for (let left = count; left > 0; ) {
      const chunk = Math.min(pace.chunk, left);
      for (let index = 0; index < chunk; index++) {
        const event = next();
        const allowed = event.kind !== 'Created' || (await askCreation(event.data));
        simulator.emit('Process', event.kind, event.data as never);
        emitted++;
        // Denied: the creation failed, so the process never runs and never exits.
        if (!allowed) machine.forget(event.data.processId);
      }
      left -= chunk;
      peakRingFill = Math.max(peakRingFill, subscriptionState()?.ringFill ?? 0);
      await sleep(pace.everyMs);
    }
  }

  return {
    simulator,
    backend: simulator.backend,
    snapshot() {
      const subscription = subscriptionState();
      return {
        phase,
        emitted,
        droppedByDriver: Number(subscription?.dropped ?? 0n),
        ringFill: subscription?.ringFill ?? 0,
        ringCapacity: subscription?.capacity ?? processMonitorDevice.channels.Process.capacity,
        peakRingFill,
        parked: subscription?.parked ?? 0,
        consumerStalled: stall !== undefined,
        creations: { ...creations },
        verdict: { ...verdictState().counters },
      };
    },
    consumerGate: () => stall?.resumed,
    async run(hooks = {}) {
      if (!subscriptionState()) throw new Error('createWorkload().run(): start the monitor first (nobody is subscribed to channel Process)');
      onAsked = hooks.onAsked;
      const indexOf = (name: PhaseName) => PHASES.findIndex((entry) => entry.name === name);
      const enter = (name: PhaseName) => {
        phase = name;
        hooks.onPhase?.(name, indexOf(name));
      };
      const leave = (name: PhaseName) => hooks.onPhaseEnd?.(name, indexOf(name));

      enter('steady');
      await emitPaced(sizes.steady, pacing.steady, () => machine.next('desktop'));
      leave('steady');

      // The consumer stalls: from now on onEvent does not return until the script resumes it.
      let resume!: () => void;
      const resumed = new Promise<void>((resolve) => (resume = resolve));
      stall = { resumed, resume };
      enter('burst');
      machine.startBuild();
      await emitPaced(sizes.burst, pacing.burst, () => machine.next('build'));
      await sleep(pacing.stallMs);
      leave('burst');
      stall = undefined;
      resume();

      enter('recovery');
      machine.endBuild();
      await emitPaced(sizes.recovery, pacing.recovery, () => machine.next('desktop'));
      leave('recovery');
      phase = 'done';
    },
    async drain(clientIdle, timeoutMs = 15_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        await simulator.settle();
        if ((subscriptionState()?.ringFill ?? 0) === 0 && clientIdle()) return;
        if (performance.now() > deadline) throw new Error(`workload.drain: events still undelivered after ${timeoutMs} ms`);
        await sleep(5);
      }
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- The simulated activity: processes, their parents, their images ---------------------------

const SYSTEM32 = 'C:\\Windows\\System32';
const VC_BIN = 'C:\\Program Files\\Microsoft Visual Studio\\2022\\Community\\VC\\Tools\\MSVC\\14.40.33807\\bin\\Hostx64\\x64';
/** Longer than the event's wchar[260] holds, so the driver truncates it to 259 code units. */
const DEEP_TOOL =
  'C:\\Users\\dana\\source\\repos\\storefront-web\\packages\\checkout-service\\node_modules\\.pnpm\\' +
  '@esbuild+win32-x64@0.21.5_patch_hash=4f1c3d9a7b2e6f0c8d5a1b3e9f7c2d4a6b8e0f1a3c5d7e9b\\node_modules\\' +
  '@esbuild\\win32-x64\\node_modules\\.cache\\esbuild-binaries\\release-0.21.5\\x64\\esbuild.exe';

/** Images by short name; `null` for processes created without an image file name (minimal processes). */
const IMAGES: Record<string, string | null> = {
  'services.exe': `${SYSTEM32}\\services.exe`,
  'svchost.exe': `${SYSTEM32}\\svchost.exe`,
  'WmiPrvSE.exe': `${SYSTEM32}\\wbem\\WmiPrvSE.exe`,
  'RuntimeBroker.exe': `${SYSTEM32}\\RuntimeBroker.exe`,
  'backgroundTaskHost.exe': `${SYSTEM32}\\backgroundTaskHost.exe`,
  'dllhost.exe': `${SYSTEM32}\\dllhost.exe`,
  'taskhostw.exe': `${SYSTEM32}\\taskhostw.exe`,
  'SearchProtocolHost.exe': `${SYSTEM32}\\SearchProtocolHost.exe`,
  'conhost.exe': `${SYSTEM32}\\conhost.exe`,
  'cmd.exe': `${SYSTEM32}\\cmd.exe`,
  'mmc.exe': `${SYSTEM32}\\mmc.exe`,
  'explorer.exe': 'C:\\Windows\\explorer.exe',
  'chrome.exe': 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'git.exe': 'C:\\Program Files\\Git\\mingw64\\bin\\git.exe',
  'node.exe': 'C:\\Program Files\\nodejs\\node.exe',
  'esbuild.exe': DEEP_TOOL,
  'MSBuild.exe': 'C:\\Program Files\\Microsoft Visual Studio\\2022\\Community\\MSBuild\\Current\\Bin\\amd64\\MSBuild.exe',
  'cl.exe': `${VC_BIN}\\cl.exe`,
  'link.exe': `${VC_BIN}\\link.exe`,
  'MemCompression': null,
};

/** Who starts whom on the desktop, and how often (weights). `creator` differs from the parent for elevated starts. */
const DESKTOP_RULES: readonly { parent: string; child: string; weight: number; creator?: string }[] = [
  { parent: 'services.exe', child: 'svchost.exe', weight: 2 },
  { parent: 'svchost.exe', child: 'WmiPrvSE.exe', weight: 3 },
  { parent: 'svchost.exe', child: 'RuntimeBroker.exe', weight: 3 },
  { parent: 'svchost.exe', child: 'backgroundTaskHost.exe', weight: 3 },
  { parent: 'svchost.exe', child: 'dllhost.exe', weight: 3 },
  { parent: 'svchost.exe', child: 'taskhostw.exe', weight: 1 },
  { parent: 'svchost.exe', child: 'SearchProtocolHost.exe', weight: 2 },
  { parent: 'explorer.exe', child: 'chrome.exe', weight: 1 },
  { parent: 'explorer.exe', child: 'cmd.exe', weight: 1 },
  { parent: 'explorer.exe', child: 'mmc.exe', weight: 0.3, creator: 'svchost.exe' },
  { parent: 'chrome.exe', child: 'chrome.exe', weight: 5 },
  { parent: 'cmd.exe', child: 'conhost.exe', weight: 1 },
  { parent: 'cmd.exe', child: 'git.exe', weight: 3 },
  { parent: 'cmd.exe', child: 'node.exe', weight: 2 },
  { parent: 'node.exe', child: 'esbuild.exe', weight: 1 },
  { parent: 'System', child: 'MemCompression', weight: 0.2 },
];

/** Processes running before the monitor started: parents only, they never exit during the run. */
const BOOT: readonly [number, string][] = [
  [4, 'System'],
  [712, 'services.exe'],
  [868, 'svchost.exe'],
  [1004, 'svchost.exe'],
  [1288, 'svchost.exe'],
  [1532, 'svchost.exe'],
  [4120, 'explorer.exe'],
  [6236, 'chrome.exe'],
  [8812, 'cmd.exe'],
];

interface Process {
  readonly pid: bigint;
  readonly name: string;
  /** The thread that creates its children. */
  readonly threadId: bigint;
}

/** 100 ns units since 1601-01-01 UTC (FILETIME) of 2025-03-14 09:30:00 UTC, the simulated boot of the run. */
const START_TIME = (BigInt(Date.UTC(2025, 2, 14, 9, 30, 0)) + 11_644_473_600_000n) * 10_000n;

/**
 * Plausible process activity, from a seed: which process starts which (services.exe starts
 * svchost.exe, a terminal starts git.exe, MSBuild.exe starts cl.exe), ids as Windows hands them
 * out, FILETIME timestamps, image names: complete, truncated (longer than 259 code units) or
 * unavailable (a minimal process). Every exit is of a process created earlier in the run.
 */
export class ProcessActivity {
  private readonly random: () => number;
  private readonly live = new Map<bigint, Process>();
  /** Ids in use by a live process or thread. */
  private readonly usedIds = new Set<bigint>();
  /** Short-lived processes in the order they started, so that the oldest tend to exit first. */
  private readonly transient: Process[] = [];
  private nextId = 9000;
  private clock = START_TIME;
  private build: Process | undefined;
  private building = false;

  /** `reservedIds`: ids no simulated process or thread takes (the monitor's own process). */
  constructor(seed: number, reservedIds: readonly bigint[] = []) {
    this.random = seededRandom(seed);
    for (const id of reservedIds) this.usedIds.add(id);
    for (const [pid, name] of BOOT) this.add({ pid: BigInt(pid), name, threadId: BigInt(pid + 4) });
  }

  /** A creation that failed (denied): the process never ran, its ids are free again. */
  forget(pid: bigint): void {
    const process = this.live.get(pid);
    if (!process) throw new Error(`ProcessActivity.forget: no process ${pid} was just created`);
    this.live.delete(pid);
    this.usedIds.delete(pid);
    this.usedIds.delete(process.threadId);
    const index = this.transient.indexOf(process);
    if (index >= 0) this.transient.splice(index, 1);
    if (this.build === process) this.build = undefined;
  }

  /** A developer starts a parallel build from the terminal: the next build step creates MSBuild.exe. */
  startBuild(): void {
    this.build = undefined;
    this.building = true;
  }

  /** The build is over: MSBuild.exe exits in its own time, like any other short-lived process. */
  endBuild(): void {
    if (this.build) this.transient.push(this.build);
    this.build = undefined;
    this.building = false;
  }

  /** The next event: mostly creations while few transient processes run, exits as more pile up. */
  next(mode: 'desktop' | 'build'): ProcessChannelEvent {
    const running = this.transient.length;
    const target = mode === 'build' ? 48 : 24;
    const exitChance = running === 0 ? 0 : Math.min(0.9, running / (2 * target));
    this.clock += BigInt(Math.round((mode === 'build' ? 800 : 40_000) * (0.5 + this.random())));
    if (this.random() < exitChance) return this.exit();
    return mode === 'build' && this.building ? this.createBuildStep() : this.createDesktopProcess();
  }

  private createDesktopProcess(): ProcessChannelEvent {
    for (;;) {
      const rule = this.weighted(DESKTOP_RULES);
      const parent = this.pick(rule.parent);
      if (!parent) continue;
      const creator = rule.creator ? (this.pick(rule.creator) ?? parent) : parent;
      return this.create(rule.child, parent, creator);
    }
  }

  private createBuildStep(): ProcessChannelEvent {
    if (!this.build) {
      const terminal = this.pick('cmd.exe') ?? this.live.get(4120n)!;
      const event = this.create('MSBuild.exe', terminal, terminal, false);
      this.build = this.live.get(event.data.processId)!;
      return event;
    }
    const roll = this.random();
    const child = roll < 0.8 ? 'cl.exe' : roll < 0.9 ? 'conhost.exe' : 'link.exe';
    return this.create(child, this.build, this.build);
  }

  private create(name: string, parent: Process, creator: Process, transient = true): ProcessChannelEvent {
    const child = this.add({ pid: this.newId(), name, threadId: this.newId() });
    if (transient) this.transient.push(child);
    const image = IMAGES[name] ?? null;
    const limit = 259; // wchar[260] keeps one unit for the terminating NUL
    return {
      kind: 'Created',
      data: {
        processId: child.pid,
        parentProcessId: parent.pid,
        creatingProcessId: creator.pid,
        creatingThreadId: creator.threadId,
        createTime: this.clock,
        imageNameLength: image === null ? 0 : image.length,
        imageNameState: image === null ? 'Unavailable' : image.length > limit ? 'Truncated' : 'Complete',
        imageName: image === null ? '' : image.slice(0, limit),
      },
    };
  }

  private exit(): ProcessChannelEvent {
    // Mostly one of the oldest: short jobs end in roughly the order they started.
    const index = Math.floor(this.random() * this.random() * this.transient.length);
    const [process] = this.transient.splice(index, 1);
    this.live.delete(process!.pid);
    this.usedIds.delete(process!.pid);
    this.usedIds.delete(process!.threadId);
    return { kind: 'Exited', data: { processId: process!.pid, exitTime: this.clock } };
  }

  private add(process: Process): Process {
    this.live.set(process.pid, process);
    this.usedIds.add(process.pid);
    this.usedIds.add(process.threadId);
    return process;
  }

  /** A random running process with this image name, if any runs. */
  private pick(name: string): Process | undefined {
    const candidates = [...this.live.values()].filter((process) => process.name === name);
    return candidates.length === 0 ? undefined : candidates[Math.floor(this.random() * candidates.length)];
  }

  private weighted<T extends { weight: number }>(items: readonly T[]): T {
    const total = items.reduce((sum, item) => sum + item.weight, 0);
    let roll = this.random() * total;
    for (const item of items) {
      roll -= item.weight;
      if (roll < 0) return item;
    }
    return items[items.length - 1]!;
  }

  /** Process and thread ids come from one table on Windows: multiples of 4, reused once free. */
  private newId(): bigint {
    for (;;) {
      this.nextId += 4 * (1 + Math.floor(this.random() * 6));
      if (this.nextId > 65_000) this.nextId = 1_000;
      const id = BigInt(this.nextId);
      if (!this.usedIds.has(id)) return id;
    }
  }
}
