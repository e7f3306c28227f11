// The benchmark's TypeScript decider (src/verdict-decider.ts) against the simulator's verdict
// engine, the reference model of rules V1-V9: with it running, questions asked several at once
// are all answered allow by it; once it has closed, the driver's default applies at once.
import { createSimulator } from '@inverted-call/simulator';
import { describe, expect, it } from 'vitest';
import { processMonitorDevice, startAllowDecider } from '../src/verdict-decider.js';

const creation = (processId: number) => ({
  processId: BigInt(processId),
  parentProcessId: 4n,
  creatingProcessId: 4n,
  creatingThreadId: 8n,
  createTime: 0n,
  imageNameLength: 9,
  imageNameState: 'Complete' as const,
  imageName: 'child.exe',
});

describe('the benchmark decider against the simulator', () => {
  it('answers allow to every question, 4 in flight at a time, and counts them', async () => {
    const simulator = createSimulator(processMonitorDevice);
    const decider = await startAllowDecider(simulator.backend, 4);
    await decider.ready;
    const results = [];
    for (let wave = 0; wave < 5; wave++) {
      results.push(...(await Promise.all([0, 1, 2, 3].map((slot) => simulator.ask('ProcessCreate', creation(100 + wave * 4 + slot))))));
    }
    expect(results.map((result) => result.outcome)).toEqual(Array(20).fill('answered'));
    expect(results.every((result) => result.answer.allow === true)).toBe(true);
    const stats = await decider.close();
    expect(stats).toMatchObject({ received: 20, answered: 20, late: 0, failed: 0, refusedByDriver: 0 });
    // Negative control: with the decider gone, the question is the driver's default, not answered.
    expect(await simulator.ask('ProcessCreate', creation(999))).toMatchObject({ outcome: 'defaulted', answer: { allow: true } });
  });
});
