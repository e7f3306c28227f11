// device.questions.<Verdict>(): the decider as an iterator of questions, each with reply(),
// against the fake driver of decide.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeviceError } from '@inverted-call/backend';
import { CodecError } from '@inverted-call/codec';
import { openDevice, type PendingQuestion } from '../src/index.js';
import { FakeVerdictDriver, flush, verdictDevice, type ProcessCreateAnswer, type ProcessCreateQuestion } from './verdict-fake.js';

const NOTEPAD = { processId: 42, imageName: 'notepad.exe' };

// Nothing here waits on real time: a test that runs this long hangs.
vi.setConfig({ testTimeout: 10_000 });

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-06T10:00:00Z') });
});

afterEach(() => {
  vi.useRealTimers();
});

async function setUp() {
  const driver = new FakeVerdictDriver();
  const opened = await openDevice(verdictDevice, { backend: driver });
  return { driver, opened };
}

describe('questions: an iterator of questions with reply()', () => {
  it('yields each question with its deadline; reply sends once and resolves with the outcome', async () => {
    const { driver, opened } = await setUp();
    const stream = opened.questions.ProcessCreate();
    await stream.ready;
    const id = driver.ask(NOTEPAD, 150);
    const { value } = await stream.next();
    const pending = value as PendingQuestion<ProcessCreateQuestion, ProcessCreateAnswer>;
    expect(pending).toMatchObject({ id, question: NOTEPAD, deadline: Date.now() + 150, remainingMs: 150 });
    expect(pending.signal.aborted).toBe(false);
    const outcome = await pending.reply({ allow: 0 });
    expect(outcome).toMatchObject({ type: 'answered', id, answer: { allow: 0 } });
    expect(await pending.reply({ allow: 1 })).toBe(outcome);
    await flush();
    expect(driver.replies).toEqual([{ handle: 2, id, answer: { allow: 0 } }]);
    expect(stream.stats).toMatchObject({ answered: 1, parked: 1 });
    await opened.close();
    await expect(stream.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('keeps at most `concurrency` questions outstanding: the next ask is parked once one is replied to', async () => {
    const { driver, opened } = await setUp();
    const stream = opened.questions.ProcessCreate({ concurrency: 2 });
    await stream.ready;
    await flush();
    expect(driver.parkedCount()).toBe(2);
    driver.ask(NOTEPAD);
    driver.ask(NOTEPAD);
    const first = (await stream.next()).value as PendingQuestion<ProcessCreateQuestion, ProcessCreateAnswer>;
    await flush();
    // One taken, one waiting to be taken: both slots busy, nothing parked.
    expect(driver.parkedCount()).toBe(0);
    await first.reply({ allow: 1 });
    await flush();
    expect(driver.parkedCount()).toBe(1);
    const second = (await stream.next()).value as PendingQuestion<ProcessCreateQuestion, ProcessCreateAnswer>;
    await second.reply({ allow: 1 });
    await flush();
    expect(driver.parkedCount()).toBe(2);
    await opened.close();
  });

  it('a reply after the deadline sends nothing and resolves late; a bad answer resolves failed', async () => {
    const { driver, opened } = await setUp();
    const events: string[] = [];
    const stream = opened.questions.ProcessCreate({ onEvent: (event) => void events.push(event.type) });
    await stream.ready;
    driver.ask(NOTEPAD, 100);
    const late = (await stream.next()).value as PendingQuestion<ProcessCreateQuestion, ProcessCreateAnswer>;
    await vi.advanceTimersByTimeAsync(100);
    expect(late.signal.aborted).toBe(true);
    await expect(late.reply({ allow: 0 })).resolves.toMatchObject({ type: 'late', id: late.id });
    await flush();
    driver.ask(NOTEPAD);
    const bad = (await stream.next()).value as PendingQuestion<ProcessCreateQuestion, ProcessCreateAnswer>;
    await expect(bad.reply({ allow: 1.5 })).resolves.toMatchObject({ type: 'failed', error: expect.any(CodecError) });
    expect(driver.replies).toEqual([]);
    expect(events).toEqual(['late', 'failed']);
    expect(stream.stats).toMatchObject({ late: 1, failed: 1, answered: 0 });
    await opened.close();
  });

  it('leaving a for await loop closes it: the parked ask is cancelled and its handle closed', async () => {
    const { driver, opened } = await setUp();
    const stream = opened.questions.ProcessCreate();
    await stream.ready;
    driver.ask(NOTEPAD);
    for await (const pending of stream) {
      await pending.reply({ allow: 1 });
      break;
    }
    await expect(stream.closed).resolves.toBeUndefined();
    expect(driver.parkedCount()).toBe(0);
    expect(driver.cancelledAsks).toBe(1);
    expect(driver.handles[1]!.closed).toBe(true);
    expect(driver.replies).toHaveLength(1);
    await opened.close();
  });

  it('throws the error that stopped it once, then is done', async () => {
    const { driver, opened } = await setUp();
    driver.askError = new DeviceError('ERROR_ACCESS_DENIED');
    const stream = opened.questions.ProcessCreate();
    await expect(stream.next()).rejects.toBe(driver.askError);
    await expect(stream.next()).resolves.toEqual({ done: true, value: undefined });
    await opened.close();
  });

  it('refuses bad options at once, naming them', async () => {
    const { opened } = await setUp();
    expect(() => opened.questions.ProcessCreate({ concurrency: 0 })).toThrow(/questions\.ProcessCreate: concurrency must be a whole number from 1/);
    expect(() => opened.questions.ProcessCreate({ onEvent: 'log' as never })).toThrow(/onEvent must be a function/);
    await opened.close();
  });
});
