// A user's unit test of a decider with the recording mock of @inverted-call/client/testing: the
// mock delivers scripted questions to ask requests, and decodeReply reads what the decider sent.
import { describe, expect, it } from 'vitest';
import { openDevice } from '../src/index.js';
import { RecordingBackend, decodeReply, encodeQuestion, type MockAnswer } from '../src/testing.js';
import { VERDICT, verdictDevice } from './verdict-fake.js';

describe('deciding against the recording mock', () => {
  it('answers scripted questions; the replies decode to the id and the answer', async () => {
    const questions = [encodeQuestion(VERDICT, 1n, { processId: 1, imageName: 'evil.exe' }), encodeQuestion(VERDICT, 2n, { processId: 2, imageName: 'good.exe' })];
    let asked = 0;
    const backend = new RecordingBackend({
      descriptor: verdictDevice,
      responses: {
        // Past the script, ask requests stay parked until the decider cancels them.
        [VERDICT.askCode]: () => questions[asked++] ?? new Promise<MockAnswer>(() => {}),
        [VERDICT.replyCode]: new Uint8Array(0),
      },
    });
    const device = await openDevice(verdictDevice, { backend });
    const decider = device.decide.ProcessCreate((question) => ({ allow: question.imageName === 'evil.exe' ? 0 : 1 }));
    await expect.poll(() => decider.stats.answered).toBe(2);
    const replies = backend.ioctls.filter((call) => call.code === VERDICT.replyCode).map((call) => decodeReply(VERDICT, call.input!));
    expect(replies).toEqual([{ id: 1n, answer: { allow: 0 } }, { id: 2n, answer: { allow: 1 } }]);
    await device.close();
    // The third ask request was cancelled, the decider's handle closed, and so was the device's.
    expect(backend.closes).toBe(2);
    await expect(decider.closed).resolves.toBeUndefined();
  });
});
