// The scripted machine: its activity is plausible and reproducible, and the three phases run
// end to end against the monitor with every event delivered or counted.
import { describe, expect, it } from 'vitest';
import { ProcessCreatedCodec, ProcessExitedCodec, type ProcessChannelEvent } from '../generated/process-monitor.js';
import { runMonitor } from '../src/monitor.js';
import { PHASES, ProcessActivity, createWorkload } from '../src/workload.js';

function script(seed: number): ProcessChannelEvent[] {
  const activity = new ProcessActivity(seed);
  const events: ProcessChannelEvent[] = [];
  for (let index = 0; index < 600; index++) events.push(activity.next('desktop'));
  activity.startBuild();
  for (let index = 0; index < 10_000; index++) events.push(activity.next('build'));
  activity.endBuild();
  for (let index = 0; index < 400; index++) events.push(activity.next('desktop'));
  return events;
}

describe('ProcessActivity', () => {
  const events = script(1125);

  it('is the same for the same seed, and different for another', () => {
    expect(script(1125)).toEqual(events);
    expect(script(7)).not.toEqual(events);
  });

  it('looks like Windows: ids are multiples of 4, exits follow creations, time goes forward', () => {
    const running = new Set<bigint>();
    let time = 0n;
    for (const event of events) {
      const stamp = event.kind === 'Created' ? event.data.createTime : event.data.exitTime;
      expect(stamp).toBeGreaterThan(time);
      time = stamp;
      expect(event.data.processId % 4n).toBe(0n);
      if (event.kind === 'Created') {
        expect(running.has(event.data.processId)).toBe(false);
        expect(event.data.parentProcessId % 4n).toBe(0n);
        running.add(event.data.processId);
      } else {
        expect(running.delete(event.data.processId)).toBe(true);
      }
    }
  });

  it('has complete, truncated and unavailable image names, each encodable as the driver sends it', () => {
    const created = events.flatMap((event) => (event.kind === 'Created' ? [event.data] : []));
    const states = new Set(created.map((data) => data.imageNameState));
    expect([...states].sort()).toEqual(['Complete', 'Truncated', 'Unavailable']);
    for (const data of created) {
      if (data.imageNameState === 'Truncated') {
        expect(data.imageName).toHaveLength(259);
        expect(data.imageNameLength).toBeGreaterThan(259);
      } else if (data.imageNameState === 'Unavailable') {
        expect(data).toMatchObject({ imageName: '', imageNameLength: 0 });
      } else {
        expect(data.imageName).toMatch(/^C:\\.+\.exe$/);
        expect(data.imageNameLength).toBe(data.imageName.length);
      }
      expect(ProcessCreatedCodec.decode(ProcessCreatedCodec.encode(data))).toEqual(data);
    }
    expect(created.some((data) => data.imageName === 'C:\\Windows\\System32\\svchost.exe')).toBe(true);
    const exit = events.find((event) => event.kind === 'Exited')!;
    expect(ProcessExitedCodec.decode(ProcessExitedCodec.encode(exit.data as never))).toEqual(exit.data);
  });

  it('the build burst is MSBuild.exe starting compilers', () => {
    const burst = events.slice(600, 10_600).flatMap((event) => (event.kind === 'Created' ? [event.data] : []));
    expect(burst[0]!.imageName).toMatch(/\\MSBuild\.exe$/);
    const compilers = burst.filter((data) => data.imageName.endsWith('\\cl.exe'));
    expect(compilers.length).toBeGreaterThan(3000);
    expect(compilers.every((data) => data.parentProcessId === burst[0]!.processId)).toBe(true);
  });
});

describe('createWorkload', () => {
  it('runs the three phases against the monitor: every event delivered or counted', async () => {
    const workload = createWorkload({ pace: 'fast', steadyEvents: 200, burstEvents: 8000, recoveryEvents: 100 });
    const controller = new AbortController();
    const monitor = runMonitor({
      backend: workload.backend,
      highWaterMark: 256,
      signal: controller.signal,
      onEvent: () => workload.consumerGate(),
    });
    await monitor.ready;
    const phases: string[] = [];
    const stallSeen: boolean[] = [];
    await workload.run({
      onPhase: (name) => {
        phases.push(name);
        stallSeen.push(workload.snapshot().consumerStalled);
      },
      onPhaseEnd: (name) => {
        phases.push(`${name} end`);
        stallSeen.push(workload.snapshot().consumerStalled);
      },
    });
    expect(phases).toEqual(PHASES.flatMap((phase) => [phase.name, `${phase.name} end`]));
    // Stalled from the start of the burst until it has ended.
    expect(stallSeen).toEqual([false, false, true, true, false, false]);
    await workload.drain(() => monitor.stats().buffered === 0);
    const state = workload.snapshot();
    controller.abort();
    const summary = await monitor.done;

    expect(state).toMatchObject({ phase: 'done', emitted: 8300, ringFill: 0, peakRingFill: 4096 });
    expect(summary.lost).toBeGreaterThan(0);
    expect(summary.lost).toBe(state.droppedByDriver);
    expect(summary.delivered + summary.lost).toBe(state.emitted);
    expect(summary.discarded).toBe(0);
  });

  it('refuses to run before anyone subscribes', async () => {
    await expect(createWorkload({ pace: 'fast' }).run()).rejects.toThrow(/start the monitor first/);
  });
});
