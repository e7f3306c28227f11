// runMonitor in policy mode against the simulated driver: the kernel's questions (simulator.ask,
// as Notify.c asks them) get the rules' answers; without a policy the driver allows at once; a
// policy too slow for the deadline is late and the driver applies its default; a decider that
// fails stops the monitor. Time that matters is the simulator's manual clock and faked timers.
import { createSimulator, type SimulatorClock } from '@inverted-call/simulator';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { processMonitorDevice, type ProcessCreated } from '../generated/process-monitor.js';
import { PROCESS_CREATE, runMonitor, type MonitorPolicy, type ProcessDecisionEvent } from '../src/monitor.js';
import { compileRules } from '../src/policy.js';

function driver(clock: SimulatorClock = 'manual') {
  const simulator = createSimulator(processMonitorDevice, { clock });
  simulator.handle('GetVersion', () => ({ major: 1, minor: 0, patch: 0, flags: 0 }));
  return simulator;
}

function created(processId: number, imageName: string): ProcessCreated {
  return {
    processId: BigInt(processId),
    parentProcessId: 8812n,
    creatingProcessId: 8812n,
    creatingThreadId: 8816n,
    createTime: 133_000_000_000_000_000n,
    imageNameLength: imageName.length,
    imageNameState: 'Complete',
    imageName,
  };
}

const CL = created(9012, '\\??\\C:\\VC\\bin\\Hostx64\\x64\\cl.exe');
const GIT = created(9016, '\\??\\C:\\Program Files\\Git\\mingw64\\bin\\git.exe');
const MMC = created(9020, '\\??\\C:\\Windows\\System32\\mmc.exe');

function start(simulator: ReturnType<typeof driver>, policy?: Partial<MonitorPolicy>) {
  const controller = new AbortController();
  const decisions: ProcessDecisionEvent[] = [];
  const monitor = runMonitor({
    backend: simulator.backend,
    signal: controller.signal,
    ...(policy ? { policy: { deny: compileRules(['cl.exe'], '--deny'), onDecision: (event) => void decisions.push(event), ...policy } } : {}),
  });
  return { monitor, decisions, stop: () => controller.abort() };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('runMonitor in policy mode', () => {
  it('is a decider once ready: denies what the rules name, allows the rest, and counts both with their latency', async () => {
    const simulator = driver();
    const { monitor, decisions, stop } = start(simulator, {});
    await monitor.ready;
    await simulator.settle();
    expect(simulator.state().verdicts[0]).toMatchObject({ verdict: 'ProcessCreate', deciders: [expect.any(Number)], parked: 4 });
    await expect(simulator.ask('ProcessCreate', CL, { askerProcessId: 8812 })).resolves.toMatchObject({ outcome: 'answered', answer: { allow: false } });
    await expect(simulator.ask('ProcessCreate', GIT, { askerProcessId: 8812 })).resolves.toMatchObject({ outcome: 'answered', answer: { allow: true } });
    await simulator.settle();
    expect(decisions.map((event) => [event.type, event.question.processId])).toEqual([['answered', 9012n], ['answered', 9016n]]);
    expect(monitor.stats().policy).toMatchObject({ deadlineMs: 250, allowed: 1, denied: 1, latency: { samples: 2 }, decider: { answered: 2, late: 0, defaulted: 0 } });
    stop();
    const summary = await monitor.done;
    expect(summary.policy).toMatchObject({ allowed: 1, denied: 1, decider: { received: 2, answered: 2 } });
    // The decider's handle is closed with the monitor: the driver allows at once again (V1).
    await expect(simulator.ask('ProcessCreate', CL)).resolves.toMatchObject({ outcome: 'defaulted', answer: { allow: true } });
  });

  it('without a policy nothing decides: the driver allows every creation at once (negative control)', async () => {
    const simulator = driver();
    const { monitor, stop } = start(simulator);
    await monitor.ready;
    expect(simulator.state().verdicts[0]).toMatchObject({ deciders: [], parked: 0 });
    await expect(simulator.ask('ProcessCreate', CL)).resolves.toMatchObject({ outcome: 'defaulted', answer: { allow: true } });
    expect(monitor.stats().policy).toBeUndefined();
    stop();
    expect((await monitor.done).policy).toBeUndefined();
  });

  it('a policy slower than the deadline: the driver times out and allows, the monitor counts it late and sends nothing', async () => {
    // Only the client's deadline timer and Date are faked; the simulator's deliveries stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const simulator = driver('manual');
    const { monitor, decisions, stop } = start(simulator, {
      beforeAnswer: (question, { signal }) =>
        question.imageName.endsWith('mmc.exe') ? new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())) : undefined,
    });
    await monitor.ready;
    const asked = simulator.ask('ProcessCreate', MMC, { askerProcessId: 8812 });
    await simulator.settle();
    expect(monitor.stats().policy?.decider).toMatchObject({ received: 1, deciding: 1 });
    // The driver's deadline passes: the creation goes ahead with the default (fail-open).
    simulator.advance(PROCESS_CREATE.deadlineMs);
    await expect(asked).resolves.toMatchObject({ outcome: 'timedOut', answer: { allow: true } });
    // The handler's deadline passes too: late, no reply.
    await vi.advanceTimersByTimeAsync(PROCESS_CREATE.deadlineMs);
    await simulator.settle();
    expect(decisions.map((event) => event.type)).toEqual(['late']);
    expect(monitor.stats().policy).toMatchObject({ allowed: 0, denied: 0, latency: undefined, decider: { late: 1, defaulted: 1, answered: 0 } });
    expect(simulator.trace().filter((entry) => entry.code === PROCESS_CREATE.replyCode)).toEqual([]);
    // A quick question after it is answered as usual.
    await expect(simulator.ask('ProcessCreate', CL, { askerProcessId: 8812 })).resolves.toMatchObject({ outcome: 'answered', answer: { allow: false } });
    stop();
    await monitor.done;
  });

  it('a decider the driver refuses stops the monitor with the error: a policy never stops silently', async () => {
    const simulator = driver();
    simulator.injectError(PROCESS_CREATE.askCode, 'ERROR_ACCESS_DENIED');
    const { monitor } = start(simulator, {});
    await expect(monitor.done).rejects.toMatchObject({ code: 'ERROR_ACCESS_DENIED' });
  });
});
