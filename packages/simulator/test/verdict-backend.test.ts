/**
 * Verdicts through the simulator as a client sees them: a decider process sends ask requests and
 * replies over `DeviceHandleV1.ioctl`, the test raises questions with `simulator.ask`, and every
 * reply status arrives as the Win32 error Windows would report. Most tests use the manual clock;
 * the last ones show the real clock timing out by itself.
 */
import { DeviceError } from '@inverted-call/backend';
import { describe, expect, it } from 'vitest';
import { createSimulator, type SimulatedHandle } from '../src/index.js';
import { decodeVerdictQuestion, encodeVerdictReply } from '@inverted-call/codec';
import { ALLOW, ASK_BYTES, ASK_PROCESS_CREATE, DEADLINE_MS, DENY, FILE_OPEN_DEADLINE_MS, QuestionCodec, REPLY_PROCESS_CREATE, verdictDevice } from './verdict-device.js';

async function rejection(promise: Promise<unknown>): Promise<DeviceError> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DeviceError);
  return error as DeviceError;
}

/** One ask request: resolves with the delivered question's id, time left and decoded struct. */
async function nextQuestion(handle: SimulatedHandle, signal?: AbortSignal) {
  const { output } = await handle.ioctl(ASK_PROCESS_CREATE, null, ASK_BYTES, signal ? { signal } : undefined);
  const { id, remainingMs, question } = decodeVerdictQuestion(output);
  return { id, remainingMs, question: QuestionCodec.decode(question) };
}

function reply(handle: SimulatedHandle, id: bigint, answer: Uint8Array) {
  return handle.ioctl(REPLY_PROCESS_CREATE, encodeVerdictReply(id, answer), 0);
}

async function setup() {
  const simulator = createSimulator(verdictDevice, { clock: 'manual' });
  const service = simulator.createBackend('service');
  const decider = await service.open(verdictDevice.devicePath, { access: 'write' });
  return { simulator, service, decider };
}

const QUESTION = { processId: 4321, parentProcessId: 8, imageTag: 77n };

describe('verdicts through the simulated backend', () => {
  it('answered in time: the decider gets the question and its answer reaches the asker, decoded', async () => {
    const { simulator, decider } = await setup();
    const asking = nextQuestion(decider);
    await simulator.settle();
    const result = simulator.ask('ProcessCreate', QUESTION);
    const delivered = await asking;
    expect(delivered).toEqual({ id: 1n, remainingMs: DEADLINE_MS, question: QUESTION });
    simulator.advance(12);
    await expect(reply(decider, delivered.id, DENY)).resolves.toEqual({ output: new Uint8Array(0), bytesReturned: 0 });
    await expect(result).resolves.toEqual({ outcome: 'answered', answer: { allow: 0 }, id: 1n, askedAtMs: 0, settledAtMs: 12 });
    expect(simulator.state().verdicts[0]).toMatchObject({ verdict: 'ProcessCreate', deciders: [decider.handleId], counters: { asked: 1, answered: 1 } });
  });

  it('RemainingMs never exceeds the deadline on a fractional clock (80.0565 + 200 - 80.0565 is a hair above 200)', async () => {
    const { simulator, decider } = await setup();
    simulator.advance(80.0565);
    const asking = nextQuestion(decider);
    await simulator.settle();
    const result = simulator.ask('ProcessCreate', QUESTION);
    const delivered = await asking;
    expect(delivered.remainingMs).toBe(DEADLINE_MS);
    await reply(decider, delivered.id, ALLOW);
    await expect(result).resolves.toMatchObject({ outcome: 'answered' });
  });

  it('timeout -> default, and the late, duplicate, unknown and wrong-handle replies fail with their Win32 errors', async () => {
    const { simulator, service, decider } = await setup();
    const other = await service.open(verdictDevice.devicePath, { access: 'write' });
    const first = nextQuestion(decider);
    const second = nextQuestion(decider);
    await simulator.settle();
    const timedOut = simulator.ask('ProcessCreate', QUESTION);
    const answered = simulator.ask('ProcessCreate', { ...QUESTION, processId: 1 });
    const [late, done] = await Promise.all([first, second]);
    await reply(decider, done.id, DENY);
    simulator.advance(DEADLINE_MS);
    await expect(timedOut).resolves.toMatchObject({ outcome: 'timedOut', answer: { allow: 1 }, settledAtMs: DEADLINE_MS });
    expect(await rejection(reply(decider, late.id, DENY))).toMatchObject({ code: 'ERROR_SEM_TIMEOUT', errno: 121, ntstatus: 0xc00000b5, operation: 'IOCTL 0x8000A084 (reply ProcessCreate)' });
    expect(await rejection(reply(decider, done.id, ALLOW))).toMatchObject({ code: 'ERROR_BAD_COMMAND', errno: 22, ntstatus: 0xc0000184 });
    expect(await rejection(reply(decider, 77n, ALLOW))).toMatchObject({ code: 'ERROR_NOT_FOUND', errno: 1168, ntstatus: 0xc0000225 });
    expect(await rejection(reply(other, done.id, ALLOW))).toMatchObject({ code: 'ERROR_NOT_FOUND', errno: 1168 });
    await expect(answered).resolves.toMatchObject({ outcome: 'answered', answer: { allow: 0 } });
    expect(await rejection(decider.ioctl(REPLY_PROCESS_CREATE, new Uint8Array(11), 0))).toMatchObject({ code: 'ERROR_INVALID_PARAMETER' });
  });

  it('no decider -> default at once, with no id', async () => {
    const simulator = createSimulator(verdictDevice, { clock: 'manual' });
    await expect(simulator.ask('ProcessCreate', QUESTION)).resolves.toEqual({ outcome: 'defaulted', answer: { allow: 1 }, id: 0n, askedAtMs: 0, settledAtMs: 0 });
    await expect(simulator.ask('FileOpen', QUESTION)).resolves.toMatchObject({ outcome: 'defaulted', answer: { allow: 0 } });
  });

  it('the decider process crashes with questions delivered and queued -> default at once', async () => {
    const { simulator, service, decider } = await setup();
    const delivered = nextQuestion(decider);
    const spare = decider.ioctl(ASK_PROCESS_CREATE, null, ASK_BYTES);
    await simulator.settle();
    const results = [simulator.ask('ProcessCreate', QUESTION), simulator.ask('ProcessCreate', QUESTION), simulator.ask('ProcessCreate', QUESTION)];
    await delivered;
    await spare; // the second question
    simulator.advance(5);
    await simulator.crash(service);
    const outcomes = await Promise.all(results);
    expect(outcomes.map(({ outcome, settledAtMs }) => [outcome, settledAtMs])).toEqual([['defaulted', 5], ['defaulted', 5], ['defaulted', 5]]);
    expect(simulator.state().verdicts[0]).toMatchObject({ deciders: [], parked: 0, queued: 0, delivered: 0 });
  });

  it('closing the decider cancels its parked ask request (ERROR_OPERATION_ABORTED); a later question defaults', async () => {
    const { simulator, decider } = await setup();
    const parked = rejection(decider.ioctl(ASK_PROCESS_CREATE, null, ASK_BYTES));
    await simulator.settle();
    await decider.close();
    expect(await parked).toMatchObject({ code: 'ERROR_OPERATION_ABORTED', canceled: true });
    await expect(simulator.ask('ProcessCreate', QUESTION)).resolves.toMatchObject({ outcome: 'defaulted' });
  });

  it('an aborted ask request loses no question: the next ask request gets it', async () => {
    const { simulator, decider } = await setup();
    const controller = new AbortController();
    const aborted = nextQuestion(decider, controller.signal);
    await simulator.settle();
    controller.abort();
    expect(await rejection(aborted)).toMatchObject({ code: 'ERROR_OPERATION_ABORTED' });
    const result = simulator.ask('ProcessCreate', QUESTION);
    simulator.advance(40);
    const next = await nextQuestion(decider);
    expect(next).toMatchObject({ id: 1n, remainingMs: DEADLINE_MS - 40 });
    await reply(decider, next.id, DENY);
    await expect(result).resolves.toMatchObject({ outcome: 'answered' });
  });

  it('the pending limit -> refused', async () => {
    const { simulator, decider } = await setup();
    decider.ioctl(ASK_PROCESS_CREATE, null, ASK_BYTES).catch(() => {});
    await simulator.settle();
    const results = Array.from({ length: 5 }, () => simulator.ask('ProcessCreate', QUESTION));
    await expect(results[4]!).resolves.toMatchObject({ outcome: 'refused', answer: { allow: 1 }, id: 0n });
    simulator.advance(DEADLINE_MS);
    expect((await Promise.all(results.slice(0, 4))).map((result) => result.outcome)).toEqual(['timedOut', 'timedOut', 'timedOut', 'timedOut']);
  });

  it('two deciders: FIFO across handles, and only the owner may answer', async () => {
    const { simulator, decider } = await setup();
    const second = await simulator.createBackend('second').open(verdictDevice.devicePath, { access: 'write' });
    const toFirst = nextQuestion(decider);
    await simulator.settle();
    const toSecond = nextQuestion(second);
    await simulator.settle();
    const results = [simulator.ask('ProcessCreate', { ...QUESTION, processId: 1 }), simulator.ask('ProcessCreate', { ...QUESTION, processId: 2 })];
    const [one, two] = await Promise.all([toFirst, toSecond]);
    expect([one.question.processId, two.question.processId]).toEqual([1, 2]);
    expect(await rejection(reply(second, one.id, DENY))).toMatchObject({ code: 'ERROR_NOT_FOUND' });
    await reply(second, two.id, DENY);
    await reply(decider, one.id, ALLOW);
    expect((await Promise.all(results)).map((result) => result.answer)).toEqual([{ allow: 1 }, { allow: 0 }]);
    expect(simulator.state().verdicts[0]!.deciders).toEqual([decider.handleId, second.handleId]);
  });

  it("the self-exemption: a question on behalf of the decider's own process defaults at once", async () => {
    const { simulator, service, decider } = await setup();
    const parked = decider.ioctl(ASK_PROCESS_CREATE, null, ASK_BYTES).catch(() => {});
    await simulator.settle();
    await expect(simulator.ask('ProcessCreate', QUESTION, { askerProcessId: service.processId })).resolves.toMatchObject({ outcome: 'defaulted', id: 0n });
    expect(simulator.backend.processId).not.toBe(service.processId);
    const other = simulator.ask('ProcessCreate', QUESTION, { askerProcessId: simulator.backend.processId });
    await parked;
    simulator.advance(DEADLINE_MS);
    await expect(other).resolves.toMatchObject({ outcome: 'timedOut', id: 1n });
  });

  it('names the verdicts there are, and checks the question against its struct', () => {
    const simulator = createSimulator(verdictDevice, { clock: 'manual' });
    expect(() => simulator.ask('Missing' as 'ProcessCreate', QUESTION)).toThrow(/has no verdict "Missing"; it has ProcessCreate, FileOpen/);
    expect(() => simulator.ask('ProcessCreate', { ...QUESTION, procesId: 1 } as typeof QUESTION)).toThrow(/procesId/);
  });
});

describe('the clock', () => {
  it('manual: time stands still until advance', async () => {
    const { simulator, decider } = await setup();
    decider.ioctl(ASK_PROCESS_CREATE, null, ASK_BYTES).catch(() => {});
    await simulator.settle();
    simulator.advance(10);
    let settled = false;
    const result = simulator.ask('ProcessCreate', QUESTION).then((value) => ((settled = true), value));
    await new Promise((resolve) => setTimeout(resolve, 50));
    simulator.advance(DEADLINE_MS - 1);
    await simulator.settle();
    expect(settled).toBe(false);
    simulator.advance(1);
    await expect(result).resolves.toMatchObject({ outcome: 'timedOut', askedAtMs: 10, settledAtMs: 10 + DEADLINE_MS });
  });

  it('real (the default): a question times out by itself, no earlier than its deadline', async () => {
    const simulator = createSimulator(verdictDevice);
    const decider = await simulator.backend.open(verdictDevice.devicePath, { access: 'write' });
    decider.ioctl(verdictDevice.verdicts.FileOpen.askCode, null, ASK_BYTES).catch(() => {});
    await simulator.settle();
    const started = performance.now();
    const result = await simulator.ask('FileOpen', QUESTION);
    const waited = performance.now() - started;
    expect(result.outcome).toBe('timedOut');
    // Real clock times are fractional milliseconds: equal up to rounding.
    expect(result.settledAtMs - result.askedAtMs).toBeCloseTo(FILE_OPEN_DEADLINE_MS, 6);
    expect(waited).toBeGreaterThanOrEqual(FILE_OPEN_DEADLINE_MS - 1);
    // A generous bound for a loaded machine: the timer's delay is the only scheduling slack.
    expect(waited).toBeLessThan(FILE_OPEN_DEADLINE_MS + 2000);
    expect(() => simulator.advance(1)).toThrow(/real clock; create it with \{ clock: 'manual' \}/);
    await decider.close();
  });

  it('real: a reply in time answers, and the deadline timer does not outlive the question', async () => {
    const simulator = createSimulator(verdictDevice);
    const decider = await simulator.backend.open(verdictDevice.devicePath, { access: 'write' });
    const asking = nextQuestion(decider);
    await simulator.settle();
    const result = simulator.ask('ProcessCreate', QUESTION);
    const { id, remainingMs } = await asking;
    expect(remainingMs).toBeGreaterThan(0);
    expect(remainingMs).toBeLessThanOrEqual(DEADLINE_MS);
    await reply(decider, id, DENY);
    await expect(result).resolves.toMatchObject({ outcome: 'answered', answer: { allow: 0 } });
    expect(simulator.state().verdicts[0]).toMatchObject({ queued: 0, delivered: 0 });
  });

  it('refuses an unknown clock', () => {
    expect(() => createSimulator(verdictDevice, { clock: 'fast' as 'real' })).toThrow(/clock must be 'real' or 'manual', got "fast"/);
  });
});
