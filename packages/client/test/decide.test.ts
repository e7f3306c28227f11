// device.decide.<Verdict>() against a fake driver that parks ask requests and records replies:
// answers in time are sent, handlers that throw or miss the deadline send nothing and are
// reported, driver refusals are counted, and closing cancels the parked asks and waits for them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeviceError } from '@inverted-call/backend';
import { CodecError, defineDevice, encodeVerdictQuestion } from '@inverted-call/codec';
import { ProtocolError, openDevice, type DecisionEvent } from '../src/index.js';
import { FakeVerdictDriver, VERDICT, flush, verdictDevice, type ProcessCreateAnswer, type ProcessCreateQuestion } from './verdict-fake.js';

type Event = DecisionEvent<ProcessCreateQuestion, ProcessCreateAnswer>;
const NOTEPAD = { processId: 42, imageName: 'notepad.exe' };

async function setUp() {
  const driver = new FakeVerdictDriver();
  const opened = await openDevice(verdictDevice, { backend: driver });
  const events: Event[] = [];
  return { driver, opened, events, onEvent: (event: Event) => void events.push(event) };
}

/** A driver's completion with id 0, which no encoder writes: the id is the header's first 8 bytes. */
function withIdZero(bytes: Uint8Array): Uint8Array {
  bytes.fill(0, 0, 8);
  return bytes;
}

/** A promise and its resolver, to finish a handler when the test says. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

// Nothing here waits on real time: a test that runs this long hangs (a close that never cancels).
vi.setConfig({ testTimeout: 10_000 });

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-06T10:00:00Z') });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('decide: answering', () => {
  it('decodes the question, gives the deadline, and sends the encoded answer with the id', async () => {
    const { driver, opened, events, onEvent } = await setUp();
    const seen: { question: ProcessCreateQuestion; id: bigint; deadline: number; remainingMs: number; aborted: boolean }[] = [];
    const decider = opened.decide.ProcessCreate((question, { id, deadline, remainingMs, signal }) => {
      seen.push({ question, id, deadline, remainingMs, aborted: signal.aborted });
      return { allow: question.imageName === 'notepad.exe' ? 0 : 1 };
    }, { onEvent });
    await decider.ready;
    // Its own handle (the device's is 1), one ask request parked with no input and room for a question.
    expect(driver.handles).toHaveLength(2);
    expect(driver.parkedCount(2)).toBe(1);
    const id = driver.ask(NOTEPAD, 150);
    await flush();
    expect(seen).toEqual([{ question: NOTEPAD, id, deadline: Date.now() + 150, remainingMs: 150, aborted: false }]);
    expect(driver.replies).toEqual([{ handle: 2, id, answer: { allow: 0 } }]);
    expect(events).toEqual([expect.objectContaining({ type: 'answered', id, question: NOTEPAD, answer: { allow: 0 } })]);
    expect(decider.stats).toMatchObject({ received: 1, answered: 1, late: 0, failed: 0, refusedByDriver: 0, defaulted: 0, parked: 1, deciding: 0 });
    // The slot parked again for the next question, which an async handler answers too.
    const second = driver.ask({ processId: 7, imageName: 'calc.exe' });
    await flush();
    expect(driver.replies[1]).toEqual({ handle: 2, id: second, answer: { allow: 1 } });
    await opened.close();
    expect(driver.handles.every((handle) => handle.closed)).toBe(true);
    await expect(decider.closed).resolves.toBeUndefined();
  });

  it('an async handler that answers just before the deadline is sent (control for the late test)', async () => {
    const { driver, opened, events, onEvent } = await setUp();
    const decider = opened.decide.ProcessCreate(async () => {
      await new Promise((resolve) => setTimeout(resolve, 199));
      return { allow: 0 };
    }, { onEvent });
    await decider.ready;
    const id = driver.ask(NOTEPAD, 200);
    await vi.advanceTimersByTimeAsync(199);
    await flush();
    expect(driver.replies).toEqual([{ handle: 2, id, answer: { allow: 0 } }]);
    expect(decider.stats).toMatchObject({ answered: 1, late: 0 });
    expect(events.map((event) => event.type)).toEqual(['answered']);
    await decider.close();
    await opened.close();
  });
});

describe('decide: handlers that fail send nothing and are reported', () => {
  it('misses the deadline: no reply, counted late, signal aborted at the deadline, the slot moves on', async () => {
    const { driver, opened, events, onEvent } = await setUp();
    const never = deferred<ProcessCreateAnswer>();
    let signal: AbortSignal | undefined;
    const decider = opened.decide.ProcessCreate((_, context) => {
      signal = context.signal;
      return never.promise;
    }, { onEvent });
    await decider.ready;
    const id = driver.ask(NOTEPAD, 200);
    await vi.advanceTimersByTimeAsync(199);
    expect(signal?.aborted).toBe(false);
    expect(decider.stats).toMatchObject({ deciding: 1, parked: 0 });
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as DOMException).name).toBe('TimeoutError');
    expect(driver.replies).toEqual([]);
    expect(decider.stats).toMatchObject({ received: 1, answered: 0, late: 1, defaulted: 1, deciding: 0, parked: 1 });
    expect(events).toEqual([expect.objectContaining({ type: 'late', id, question: NOTEPAD })]);
    // Answering after the deadline still sends nothing.
    never.resolve({ allow: 0 });
    await flush();
    expect(driver.replies).toEqual([]);
    await decider.close();
    await opened.close();
  });

  it('a handler that holds the event loop past the deadline is late by the clock, even before the timer runs', async () => {
    const { driver, opened } = await setUp();
    const decider = opened.decide.ProcessCreate(() => {
      vi.setSystemTime(Date.now() + 500);
      return { allow: 0 };
    });
    await decider.ready;
    driver.ask(NOTEPAD, 200);
    await flush();
    expect(driver.replies).toEqual([]);
    expect(decider.stats).toMatchObject({ late: 1, answered: 0 });
    await opened.close();
  });

  it.each([
    ['throws', () => { throw new Error('policy store unavailable'); }, Error],
    ['rejects', async () => { throw new Error('policy store unavailable'); }, Error],
    ['answers a value the answer struct refuses', () => ({ allow: -1 }), CodecError],
    ['answers with a misspelt field', () => ({ alow: 0 }) as unknown as ProcessCreateAnswer, CodecError],
  ])('a handler that %s: no reply, counted failed, the next question is answered', async (_, handler, errorType) => {
    const { driver, opened, events, onEvent } = await setUp();
    let calls = 0;
    const decider = opened.decide.ProcessCreate((question, context) => (calls++ === 0 ? handler() : { allow: 1 }), { onEvent });
    await decider.ready;
    const failedId = driver.ask(NOTEPAD);
    await flush();
    expect(driver.replies).toEqual([]);
    expect(decider.stats).toMatchObject({ received: 1, failed: 1, defaulted: 1, answered: 0 });
    expect(events).toEqual([expect.objectContaining({ type: 'failed', id: failedId, error: expect.any(errorType) })]);
    const nextId = driver.ask(NOTEPAD);
    await flush();
    expect(driver.replies).toEqual([{ handle: 2, id: nextId, answer: { allow: 1 } }]);
    await opened.close();
    await expect(decider.closed).resolves.toBeUndefined();
  });
});

describe('decide: replies the driver refuses (rule V5) are counted, never thrown', () => {
  it('counts late, unknown-id, already-answered and other refusals; only late ones end in the default', async () => {
    const { driver, opened, events, onEvent } = await setUp();
    const refusals = [
      new DeviceError('ERROR_SEM_TIMEOUT'),
      new DeviceError('ERROR_NOT_FOUND'),
      new DeviceError('ERROR_BAD_COMMAND'),
      new DeviceError('ERROR_INVALID_PARAMETER'),
    ];
    let reply = 0;
    driver.replyStatus = () => refusals[reply++];
    const decider = opened.decide.ProcessCreate(() => ({ allow: 1 }), { onEvent });
    await decider.ready;
    for (let question = 0; question < 5; question++) {
      driver.ask(NOTEPAD);
      await flush();
    }
    expect(driver.replies).toHaveLength(5);
    expect(events.map((event) => (event.type === 'refused' ? event.reason : event.type))).toEqual(['late', 'unknown-id', 'already-answered', 'other', 'answered']);
    expect(events[0]).toMatchObject({ type: 'refused', error: refusals[0] });
    expect(decider.stats).toMatchObject({ received: 5, answered: 1, refusedByDriver: 4, defaulted: 1, failed: 0, late: 0, parked: 1 });
    await opened.close();
    await expect(decider.closed).resolves.toBeUndefined();
  });
});

describe('decide: concurrency', () => {
  it('keeps `concurrency` asks parked, and a busy slot parks again only once it has answered', async () => {
    const { driver, opened } = await setUp();
    const pending: ReturnType<typeof deferred<ProcessCreateAnswer>>[] = [];
    const decider = opened.decide.ProcessCreate(() => {
      const answer = deferred<ProcessCreateAnswer>();
      pending.push(answer);
      return answer.promise;
    }, { concurrency: 3 });
    await decider.ready;
    await flush();
    expect(driver.parkedCount(2)).toBe(3);
    driver.ask(NOTEPAD);
    driver.ask(NOTEPAD);
    await flush();
    expect(decider.stats).toMatchObject({ parked: 1, deciding: 2 });
    pending[0]!.resolve({ allow: 1 });
    await flush();
    expect(decider.stats).toMatchObject({ parked: 2, deciding: 1, answered: 1 });
    pending[1]!.resolve({ allow: 1 });
    await flush();
    expect(driver.parkedCount(2)).toBe(3);
    await opened.close();
  });

  it('parks one ask by default (control for the test above)', async () => {
    const { driver, opened } = await setUp();
    const decider = opened.decide.ProcessCreate(() => ({ allow: 1 }));
    await decider.ready;
    await flush();
    expect(driver.parkedCount()).toBe(1);
    await opened.close();
  });

  it("bounds concurrency by the device's maxParkedPerHandle when it is below maxPending: ask requests count against it", async () => {
    const small = defineDevice({ ...verdictDevice, limits: { ...verdictDevice.limits, maxParkedPerHandle: 2 } });
    const driver = new FakeVerdictDriver();
    const opened = await openDevice(small, { backend: driver });
    expect(() => opened.decide.ProcessCreate(() => ({ allow: 1 }), { concurrency: 3 })).toThrow(
      new RangeError("decide.ProcessCreate: concurrency must be a whole number from 1 to the device's maxParkedPerHandle (2; ask requests count against it), got 3"),
    );
    expect(() => opened.questions.ProcessCreate({ concurrency: 3 })).toThrow(/maxParkedPerHandle \(2/);
    const decider = opened.decide.ProcessCreate(() => ({ allow: 1 }), { concurrency: 2 });
    await decider.ready;
    await opened.close();
  });

  it.each([0, 1.5, VERDICT.maxPending + 1, Number.NaN])('refuses concurrency %s at once, naming the bound', async (concurrency) => {
    const { driver, opened } = await setUp();
    expect(() => opened.decide.ProcessCreate(() => ({ allow: 1 }), { concurrency })).toThrow(
      new RangeError(`decide.ProcessCreate: concurrency must be a whole number from 1 to the verdict's maxPending (4), got ${concurrency}`),
    );
    expect(() => opened.decide.ProcessCreate('allow' as never)).toThrow(TypeError);
    expect(driver.handles).toHaveLength(1);
    await opened.close();
  });
});

describe('decide: stopping', () => {
  it('close cancels the parked asks, waits for them, closes its handle and resolves closed; the device stays open', async () => {
    const { driver, opened } = await setUp();
    const decider = opened.decide.ProcessCreate(() => ({ allow: 1 }), { concurrency: 2 });
    await decider.ready;
    await flush();
    expect(driver.parkedCount(2)).toBe(2);
    await decider.close();
    expect(driver.cancelledAsks).toBe(2);
    expect(driver.parkedCount()).toBe(0);
    expect(decider.stats.parked).toBe(0);
    expect(driver.handles[1]!.closed).toBe(true);
    expect(driver.handles[0]!.closed).toBe(false);
    await expect(decider.closed).resolves.toBeUndefined();
    await expect(opened.call.Ping()).rejects.toMatchObject({ code: 'ERROR_INVALID_FUNCTION' });
    await opened.close();
  });

  it('a question delivered as close begins is still decided and answered', async () => {
    const { driver, opened } = await setUp();
    const decider = opened.decide.ProcessCreate(() => ({ allow: 0 }));
    await decider.ready;
    const id = driver.ask(NOTEPAD);
    const closing = decider.close();
    await closing;
    expect(driver.replies).toEqual([{ handle: 2, id, answer: { allow: 0 } }]);
    expect(driver.cancelledAsks).toBe(0);
    expect(decider.stats).toMatchObject({ answered: 1, parked: 0 });
    await opened.close();
  });

  it('close waits for a running handler until its deadline, then sends nothing', async () => {
    const { driver, opened } = await setUp();
    const decider = opened.decide.ProcessCreate(() => new Promise<ProcessCreateAnswer>(() => {}));
    await decider.ready;
    driver.ask(NOTEPAD, 120);
    await flush();
    let closed = false;
    void decider.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(119);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(closed).toBe(true);
    expect(decider.stats).toMatchObject({ late: 1, answered: 0 });
    expect(driver.replies).toEqual([]);
    await opened.close();
  });

  it('aborting the signal closes it; a signal aborted before start never parks', async () => {
    const { driver, opened } = await setUp();
    const controller = new AbortController();
    const decider = opened.decide.ProcessCreate(() => ({ allow: 1 }), { signal: controller.signal });
    await decider.ready;
    controller.abort();
    await expect(decider.closed).resolves.toBeUndefined();
    expect(driver.cancelledAsks).toBe(1);
    const early = opened.decide.ProcessCreate(() => ({ allow: 1 }), { signal: AbortSignal.abort() });
    await expect(early.ready).rejects.toMatchObject({ canceled: true });
    await expect(early.closed).resolves.toBeUndefined();
    expect(driver.handles).toHaveLength(2);
    await opened.close();
  });

  it('await using closes it at the end of the block', async () => {
    const { driver, opened } = await setUp();
    {
      await using decider = opened.decide.ProcessCreate(() => ({ allow: 1 }));
      await decider.ready;
      expect(driver.parkedCount()).toBe(1);
    }
    expect(driver.parkedCount()).toBe(0);
    expect(driver.cancelledAsks).toBe(1);
    expect(driver.handles[1]!.closed).toBe(true);
    await opened.close();
  });

  it('device.close closes its deciders; decide on a closed device throws', async () => {
    const { driver, opened } = await setUp();
    const decider = opened.decide.ProcessCreate(() => ({ allow: 1 }));
    await decider.ready;
    await opened.close();
    await expect(decider.closed).resolves.toBeUndefined();
    expect(driver.parkedCount()).toBe(0);
    expect(() => opened.decide.ProcessCreate(() => ({ allow: 1 }))).toThrow(expect.objectContaining({ code: 'ERROR_INVALID_HANDLE' }));
  });
});

describe('decide: errors that stop the decider reject closed', () => {
  it('a handle of its own that cannot be opened (ready rejects too)', async () => {
    const { driver, opened } = await setUp();
    const refused = new DeviceError('ERROR_ACCESS_DENIED');
    driver.open = () => Promise.reject(refused);
    const decider = opened.decide.ProcessCreate(() => ({ allow: 1 }));
    await expect(decider.closed).rejects.toBe(refused);
    await expect(decider.ready).rejects.toBe(refused);
    await opened.close();
  });

  it('an ask request the driver refuses', async () => {
    const { driver, opened } = await setUp();
    driver.askError = new DeviceError('ERROR_ACCESS_DENIED');
    const decider = opened.decide.ProcessCreate(() => ({ allow: 1 }));
    await expect(decider.closed).rejects.toBe(driver.askError);
    expect(driver.handles[1]!.closed).toBe(true);
    await opened.close();
  });

  it.each([
    ['a question of the wrong size', encodeVerdictQuestion(1n, 100, new Uint8Array(12)), 'a 12-byte question, the ProcessCreateQuestion struct is 68'],
    ['more time left than the deadline', encodeVerdictQuestion(1n, 5000, VERDICT.question.encode(NOTEPAD)), 'more than the verdict\'s deadline of 200 ms'],
    ['id 0', withIdZero(encodeVerdictQuestion(1n, 100, VERDICT.question.encode(NOTEPAD))), 'id 0'],
    ['a truncated header', new Uint8Array(10), 'does not decode'],
  ])('a completion with %s is a ProtocolError', async (_, raw, message) => {
    const { driver, opened } = await setUp();
    const handler = vi.fn(() => ({ allow: 1 }));
    const decider = opened.decide.ProcessCreate(handler);
    await decider.ready;
    driver.ask(NOTEPAD, 100, raw);
    await expect(decider.closed).rejects.toThrow(ProtocolError);
    await expect(decider.closed).rejects.toThrow(message);
    expect(handler).not.toHaveBeenCalled();
    await opened.close();
  });

  it('an onEvent that throws', async () => {
    const { driver, opened } = await setUp();
    const bug = new Error('observer bug');
    const decider = opened.decide.ProcessCreate(() => ({ allow: 1 }), { onEvent: () => { throw bug; } });
    await decider.ready;
    driver.ask(NOTEPAD);
    await expect(decider.closed).rejects.toBe(bug);
    expect(driver.replies).toHaveLength(1);
    await opened.close();
  });
});
