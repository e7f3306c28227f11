// The decider against the simulator's verdict engine (the reference model of rules V1-V9), on the
// real clock: what the asker gets back is the handler's answer, the default at the deadline, or
// the default at once once the decider has closed.
import { describe, expect, it } from 'vitest';
import { createSimulator } from '@inverted-call/simulator';
import { openDevice } from '../src/index.js';
import { VERDICT, verdictDevice } from './verdict-fake.js';

const NOTEPAD = { processId: 42, imageName: 'notepad.exe' };

async function setUp() {
  const simulator = createSimulator(verdictDevice);
  const opened = await openDevice(verdictDevice, { backend: simulator.backend });
  return { simulator, opened };
}

describe('decide against the simulator', () => {
  it('the asker gets the handler answer; after close, the default at once (V1)', async () => {
    const { simulator, opened } = await setUp();
    const decider = opened.decide.ProcessCreate((question) => ({ allow: question.imageName === 'notepad.exe' ? 0 : 1 }));
    await decider.ready;
    const answered = await simulator.ask('ProcessCreate', NOTEPAD);
    expect(answered).toMatchObject({ outcome: 'answered', answer: { allow: 0 } });
    await expect.poll(() => decider.stats.answered).toBe(1);
    // The reply is in the driver's trace (so the next test's empty filter can fail).
    expect(simulator.trace().filter((entry) => entry.code === VERDICT.replyCode)).toHaveLength(1);
    await decider.close();
    const after = await simulator.ask('ProcessCreate', NOTEPAD);
    expect(after).toMatchObject({ outcome: 'defaulted', answer: VERDICT.defaultAnswer });
    expect(after.settledAtMs - after.askedAtMs).toBeLessThan(VERDICT.deadlineMs);
    await opened.close();
  });

  it('a handler that misses the deadline: the asker gets the default at the deadline, no reply is sent', async () => {
    const { simulator, opened } = await setUp();
    const decider = opened.decide.ProcessCreate(() => new Promise(() => {}));
    await decider.ready;
    const timedOut = await simulator.ask('ProcessCreate', NOTEPAD);
    expect(timedOut).toMatchObject({ outcome: 'timedOut', answer: VERDICT.defaultAnswer });
    await expect.poll(() => decider.stats.late).toBe(1);
    expect(decider.stats).toMatchObject({ answered: 0, refusedByDriver: 0 });
    expect(simulator.trace().filter((entry) => entry.code === VERDICT.replyCode)).toEqual([]);
    await opened.close();
  });
});
