/**
 * The verdict rules V1-V9 on the driver model, one describe per rule, with raw IOCTLs (ask
 * requests and replies) on the decider side and `model.ask` on the kernel side. The clock is the
 * model's own: it moves only with `advanceClock`.
 */
import { describe, expect, it } from 'vitest';
import {
  STATUS_ACCESS_DENIED,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_IO_TIMEOUT,
  STATUS_NOT_FOUND,
  STATUS_QUOTA_EXCEEDED,
  STATUS_SUCCESS,
} from '../src/ntstatus.js';
import { decodeVerdictQuestion, encodeVerdictReply } from '@inverted-call/codec';
import { ALLOW, ASK_BYTES, ASK_FILE_OPEN, DEADLINE_MS, DENY, MAX_PENDING, REPLY_FILE_OPEN, REPLY_PROCESS_CREATE, question, verdictModel } from './verdict-device.js';

const READ = 1;
const WRITE = 2;

/** The question an ask request completed with, decoded from its trace bytes. */
function delivered(bytes: Uint8Array | undefined) {
  if (!bytes) throw new Error('the ask request has not completed');
  const decoded = decodeVerdictQuestion(bytes);
  return { id: decoded.id, remainingMs: decoded.remainingMs, processId: new DataView(decoded.question.buffer).getUint32(0, true) };
}

function processCreateState(model: ReturnType<typeof verdictModel>['model']) {
  return model.state().verdicts.find((verdict) => verdict.verdict === 'ProcessCreate')!;
}

describe('V1 deciders', () => {
  it('a question with no decider settles at once with the default, and takes no id', () => {
    const { model } = verdictModel();
    model.openHandle(1, WRITE);
    const asked = model.ask('ProcessCreate', question(7));
    expect(asked.id).toBe(0n);
    expect(asked.settlement).toEqual({ outcome: 'defaulted', answer: ALLOW, atMs: 0 });
    expect(model.trace()).toEqual([]);
  });

  it('a handle becomes a decider with its first valid ask request and stays one until it closes', () => {
    const { model, askRequest } = verdictModel();
    model.openHandle(1, WRITE);
    expect(askRequest(1, ASK_BYTES - 1).result).toEqual({ disposition: 'completed', status: STATUS_BUFFER_TOO_SMALL });
    expect(processCreateState(model).deciders).toEqual([]);
    const { requestId } = askRequest(1);
    expect(processCreateState(model).deciders).toEqual([1]);
    model.cancel(requestId);
    // Still a decider without a parked request: the question waits for its next ask request.
    const asked = model.ask('ProcessCreate', question(7));
    expect(asked.settlement).toBeNull();
    expect(processCreateState(model)).toMatchObject({ deciders: [1], parked: 0, queued: 1 });
    model.closeHandle(1);
    expect(processCreateState(model).deciders).toEqual([]);
    expect(model.ask('ProcessCreate', question(8)).settlement?.outcome).toBe('defaulted');
  });

  it('deciders are per verdict', () => {
    const { model, askRequest } = verdictModel();
    model.openHandle(1, WRITE);
    askRequest(1, ASK_BYTES, ASK_FILE_OPEN);
    expect(model.ask('ProcessCreate', question(7)).settlement?.outcome).toBe('defaulted');
    expect(model.ask('FileOpen', question(7)).settlement).toBeNull();
  });
});

describe('V2 one decider per question', () => {
  it('goes to the ask request that has waited longest, across deciders, with ids from 1', () => {
    const { model, askRequest, completion } = verdictModel();
    model.openHandle(1, WRITE);
    model.openHandle(2, WRITE);
    const first = askRequest(1).requestId;
    const second = askRequest(2).requestId;
    const third = askRequest(1).requestId;
    for (const processId of [11, 12, 13]) model.ask('ProcessCreate', question(processId));
    expect([first, second, third].map((requestId) => delivered(completion(requestId)?.bytes))).toEqual([
      { id: 1n, remainingMs: DEADLINE_MS, processId: 11 },
      { id: 2n, remainingMs: DEADLINE_MS, processId: 12 },
      { id: 3n, remainingMs: DEADLINE_MS, processId: 13 },
    ]);
    expect([first, second, third].map((requestId) => completion(requestId)!.handleId)).toEqual([1, 2, 1]);
    expect(completion(first)!.bytes.byteLength).toBe(ASK_BYTES);
  });

  it('waits in the queue when no ask request is parked, and goes to the next one, oldest first, with the time left', () => {
    const { model, askRequest, completion } = verdictModel();
    model.openHandle(1, WRITE);
    model.cancel(askRequest(1).requestId);
    model.ask('ProcessCreate', question(21));
    model.advanceClock(30);
    model.ask('ProcessCreate', question(22));
    model.advanceClock(50);
    const { requestId, result } = askRequest(1);
    expect(result).toEqual({ disposition: 'completed', status: STATUS_SUCCESS });
    expect(delivered(completion(requestId)?.bytes)).toEqual({ id: 1n, remainingMs: DEADLINE_MS - 80, processId: 21 });
    expect(delivered(completion(askRequest(1).requestId)?.bytes)).toEqual({ id: 2n, remainingMs: DEADLINE_MS - 50, processId: 22 });
  });

  it('from delivery on, only the handle it was delivered to can answer it', () => {
    const { model, askRequest, reply } = verdictModel();
    model.openHandle(1, WRITE);
    model.openHandle(2, WRITE);
    askRequest(1);
    askRequest(2);
    const asked = model.ask('ProcessCreate', question(5));
    expect(reply(2, asked.id)).toBe(STATUS_NOT_FOUND);
    expect(asked.settlement).toBeNull();
    expect(reply(1, asked.id, DENY)).toBe(STATUS_SUCCESS);
    expect(asked.settlement).toEqual({ outcome: 'answered', answer: DENY, atMs: 0 });
  });
});

describe('V3 pending limit', () => {
  it('refuses a question beyond maxPending unsettled (queued and delivered) with the default, at once', () => {
    const { model, askRequest, reply, completion } = verdictModel();
    model.openHandle(1, WRITE);
    const parked = [askRequest(1).requestId, askRequest(1).requestId];
    const asks = Array.from({ length: MAX_PENDING }, (_, index) => model.ask('ProcessCreate', question(index)));
    expect(processCreateState(model)).toMatchObject({ queued: MAX_PENDING - 2, delivered: 2 });
    const refused = model.ask('ProcessCreate', question(99));
    expect(refused.id).toBe(0n);
    expect(refused.settlement).toEqual({ outcome: 'refused', answer: ALLOW, atMs: 0 });
    // One settles: there is room again.
    expect(reply(1, delivered(completion(parked[0]!)?.bytes).id)).toBe(STATUS_SUCCESS);
    expect(model.ask('ProcessCreate', question(100)).settlement).toBeNull();
    expect(asks.map((asked) => asked.id)).toEqual([1n, 2n, 3n, 4n]);
    expect(processCreateState(model).counters).toEqual({ asked: 6, answered: 1, timedOut: 0, defaulted: 0, refused: 1 });
  });

  it('counts per verdict', () => {
    const { model, askRequest } = verdictModel();
    model.openHandle(1, WRITE);
    askRequest(1);
    askRequest(1, ASK_BYTES, ASK_FILE_OPEN);
    for (let index = 0; index < MAX_PENDING; index++) model.ask('ProcessCreate', question(index));
    expect(model.ask('FileOpen', question(1)).settlement).toBeNull();
  });
});

describe('V4 deadline', () => {
  it('settles with the default, as timedOut, exactly deadlineMs after it was asked', () => {
    const { model, askRequest } = verdictModel();
    model.openHandle(1, WRITE);
    askRequest(1);
    model.advanceClock(5);
    const asked = model.ask('ProcessCreate', question(1));
    expect(asked.deadlineAtMs).toBe(5 + DEADLINE_MS);
    model.advanceClock(DEADLINE_MS - 1);
    expect(asked.settlement).toBeNull();
    model.advanceClock(1000);
    expect(asked.settlement).toEqual({ outcome: 'timedOut', answer: ALLOW, atMs: 5 + DEADLINE_MS });
    expect(model.clockMs).toBe(5 + DEADLINE_MS - 1 + 1000);
  });

  it('in one long advance, questions settle in deadline order, across verdicts, each at its own deadline', () => {
    const { model, askRequest } = verdictModel();
    model.openHandle(1, WRITE);
    askRequest(1);
    askRequest(1, ASK_BYTES, ASK_FILE_OPEN);
    model.ask('ProcessCreate', question(1));
    model.advanceClock(10);
    model.ask('FileOpen', question(2));
    model.ask('ProcessCreate', question(3));
    model.advanceClock(10_000);
    expect(model.verdictTrace().map(({ verdict, id, outcome, atMs }) => [verdict, id, outcome, atMs])).toEqual([
      ['FileOpen', 2n, 'timedOut', 60],
      ['ProcessCreate', 1n, 'timedOut', DEADLINE_MS],
      ['ProcessCreate', 3n, 'timedOut', DEADLINE_MS + 10],
    ]);
  });

  it('a question whose deadline passes while queued is never delivered', () => {
    const { model, askRequest } = verdictModel();
    model.openHandle(1, WRITE);
    model.cancel(askRequest(1).requestId);
    model.ask('ProcessCreate', question(1));
    model.advanceClock(DEADLINE_MS);
    expect(askRequest(1).result).toEqual({ disposition: 'parked-ask', verdict: 'ProcessCreate' });
    expect(model.verdictTrace()[0]).toMatchObject({ id: 1n, outcome: 'timedOut' });
  });

  it('refuses a clock that goes backwards', () => {
    const { model } = verdictModel();
    expect(() => model.advanceClock(-1)).toThrow(/ms must be a finite number >= 0/);
  });
});

describe('V5 replies', () => {
  it('the first reply from the owner in time settles; late, duplicate, unknown and wrong-handle replies change nothing', () => {
    const { model, askRequest, reply } = verdictModel();
    model.openHandle(1, WRITE);
    model.openHandle(2, WRITE);
    askRequest(1);
    askRequest(1);
    askRequest(2);
    const answered = model.ask('ProcessCreate', question(1));
    const late = model.ask('ProcessCreate', question(2));
    const other = model.ask('ProcessCreate', question(3));
    expect(reply(1, answered.id, DENY)).toBe(STATUS_SUCCESS);
    expect(reply(1, answered.id, ALLOW)).toBe(STATUS_INVALID_DEVICE_STATE); // duplicate
    model.advanceClock(DEADLINE_MS);
    expect(reply(1, late.id, DENY)).toBe(STATUS_IO_TIMEOUT); // late
    expect(reply(1, 999n, DENY)).toBe(STATUS_NOT_FOUND); // unknown
    expect(reply(1, 0n, DENY)).toBe(STATUS_NOT_FOUND); // 0 is never an id
    expect(reply(1, other.id, DENY)).toBe(STATUS_NOT_FOUND); // another handle's (now settled) question
    expect(reply(2, answered.id, ALLOW)).toBe(STATUS_NOT_FOUND); // wrong handle
    expect(reply(2, other.id, DENY)).toBe(STATUS_IO_TIMEOUT); // the owner, late
    expect(answered.settlement?.outcome).toBe('answered');
    expect(answered.settlement?.answer).toEqual(DENY);
    expect([late, other].map((asked) => asked.settlement?.outcome)).toEqual(['timedOut', 'timedOut']);
    expect(model.verdictTrace()).toHaveLength(3);
  });

  it('a reply to a question still queued is STATUS_NOT_FOUND, and it stays queued', () => {
    const { model, askRequest, reply } = verdictModel();
    model.openHandle(1, WRITE);
    model.cancel(askRequest(1).requestId);
    const asked = model.ask('ProcessCreate', question(1));
    expect(reply(1, asked.id)).toBe(STATUS_NOT_FOUND);
    expect(processCreateState(model).queued).toBe(1);
  });

  it("a reply through another verdict's reply code does not find the question", () => {
    const { model, askRequest, reply } = verdictModel();
    model.openHandle(1, WRITE);
    askRequest(1);
    askRequest(1, ASK_BYTES, ASK_FILE_OPEN);
    const asked = model.ask('ProcessCreate', question(1));
    expect(reply(1, asked.id, DENY, REPLY_FILE_OPEN)).toBe(STATUS_NOT_FOUND);
    expect(reply(1, asked.id, DENY, REPLY_PROCESS_CREATE)).toBe(STATUS_SUCCESS);
  });

  it('each handle remembers only its last maxPending settled ids; older ones read as never given', () => {
    const { model, askRequest, reply } = verdictModel();
    model.openHandle(1, WRITE);
    const ids: bigint[] = [];
    for (let index = 0; index <= MAX_PENDING; index++) {
      askRequest(1);
      const asked = model.ask('ProcessCreate', question(index));
      expect(reply(1, asked.id)).toBe(STATUS_SUCCESS);
      ids.push(asked.id);
    }
    expect(reply(1, ids[0]!)).toBe(STATUS_NOT_FOUND);
    expect(ids.slice(1).map((id) => reply(1, id))).toEqual(Array(MAX_PENDING).fill(STATUS_INVALID_DEVICE_STATE));
  });

  it('checks the shape first: exact input, no output, the access of the code', () => {
    const { model, submit } = verdictModel();
    model.openHandle(1, WRITE);
    model.openHandle(2, READ);
    const status = (handleId: number, input: Uint8Array | null, outputLength: number) => {
      const { result } = submit(handleId, REPLY_PROCESS_CREATE, input, outputLength);
      return result.disposition === 'completed' ? result.status : result.disposition;
    };
    const good = encodeVerdictReply(1n, DENY);
    expect(status(1, good.subarray(0, 11), 0)).toBe(STATUS_INVALID_PARAMETER);
    expect(status(1, new Uint8Array(13), 0)).toBe(STATUS_INVALID_PARAMETER);
    expect(status(1, null, 0)).toBe(STATUS_INVALID_PARAMETER);
    expect(status(1, good, 4)).toBe(STATUS_INVALID_PARAMETER);
    expect(status(2, good, 0)).toBe(STATUS_ACCESS_DENIED);
    expect(status(1, good, 0)).toBe(STATUS_NOT_FOUND);
  });
});

describe('V6 decider death', () => {
  it("a closing decider's delivered questions settle with the default at once, and its parked ask requests are cancelled", () => {
    const { model, askRequest, completion } = verdictModel();
    model.openHandle(1, WRITE);
    model.openHandle(2, WRITE);
    askRequest(1);
    askRequest(2);
    const spare = askRequest(1).requestId;
    const toOne = model.ask('ProcessCreate', question(1));
    const toTwo = model.ask('ProcessCreate', question(2));
    model.advanceClock(20);
    model.closeHandle(1);
    expect(toOne.settlement).toEqual({ outcome: 'defaulted', answer: ALLOW, atMs: 20 });
    expect(toTwo.settlement).toBeNull();
    expect(completion(spare)).toMatchObject({ status: STATUS_CANCELLED, bytes: new Uint8Array(0) });
    expect(processCreateState(model)).toMatchObject({ deciders: [2], parked: 0, delivered: 1 });
  });

  it('with no decider left, the queued questions settle with the default; with one left, they stay queued', () => {
    const { model, askRequest } = verdictModel();
    model.openHandle(1, WRITE);
    model.openHandle(2, WRITE);
    model.cancel(askRequest(1).requestId);
    model.cancel(askRequest(2).requestId);
    const queued = [model.ask('ProcessCreate', question(1)), model.ask('ProcessCreate', question(2))];
    model.closeHandle(1);
    expect(queued.map((asked) => asked.settlement)).toEqual([null, null]);
    model.closeHandle(2);
    expect(queued.map((asked) => asked.settlement?.outcome)).toEqual(['defaulted', 'defaulted']);
    expect(model.verdictTrace().map((entry) => entry.id)).toEqual([1n, 2n]);
  });

  it('a cancelled ask request loses no question: it completes empty, and the question goes to the next request', () => {
    const { model, askRequest, completion } = verdictModel();
    model.openHandle(1, WRITE);
    model.openHandle(2, WRITE);
    const first = askRequest(1).requestId;
    const second = askRequest(2).requestId;
    expect(model.cancel(first)).toBe(true);
    const asked = model.ask('ProcessCreate', question(3));
    expect(completion(first)).toMatchObject({ status: STATUS_CANCELLED, bytes: new Uint8Array(0) });
    expect(delivered(completion(second)?.bytes).id).toBe(asked.id);
    // And with nothing parked, the question waits rather than vanishing.
    model.cancel(askRequest(1).requestId);
    const waiting = model.ask('ProcessCreate', question(4));
    expect(delivered(completion(askRequest(1).requestId)?.bytes).id).toBe(waiting.id);
  });
});

describe('V7 no self-deadlock', () => {
  it("a question on behalf of a process that holds a decider handle settles at once with the default", () => {
    const { model, askRequest } = verdictModel();
    model.openHandle(1, WRITE, 'service', 1000);
    model.openHandle(2, WRITE, 'other', 1004);
    askRequest(1);
    const self = model.ask('ProcessCreate', question(1), { askerProcessId: 1000 });
    expect(self.settlement).toEqual({ outcome: 'defaulted', answer: ALLOW, atMs: 0 });
    expect(self.id).toBe(0n);
    // A process whose handle never asked is no decider, so it is not exempt; nor is a process without a handle.
    expect(model.ask('ProcessCreate', question(2), { askerProcessId: 1004 }).settlement).toBeNull();
    expect(model.ask('ProcessCreate', question(3), { askerProcessId: 4242 }).settlement).toBeNull();
  });

  it('holds per verdict: a decider of another verdict waits as anyone does', () => {
    const { model, askRequest } = verdictModel();
    model.openHandle(1, WRITE, 'service', 1000);
    model.openHandle(2, WRITE, 'other', 1004);
    askRequest(1, ASK_BYTES, ASK_FILE_OPEN);
    askRequest(2);
    expect(model.ask('ProcessCreate', question(1), { askerProcessId: 1000 }).settlement).toBeNull();
  });
});

describe('V8 waiting', () => {
  it('an asker above PASSIVE_LEVEL gets the default at once', () => {
    const { model, askRequest } = verdictModel();
    model.openHandle(1, WRITE);
    askRequest(1);
    const asked = model.ask('ProcessCreate', question(1), { atPassiveLevel: false });
    expect(asked.settlement).toEqual({ outcome: 'defaulted', answer: ALLOW, atMs: 0 });
    expect(processCreateState(model).parked).toBe(1);
  });

  it('whoever settles first wins; the promise resolves once with that', async () => {
    const { model, askRequest, reply } = verdictModel();
    model.openHandle(1, WRITE);
    askRequest(1);
    const asked = model.ask('ProcessCreate', question(1));
    expect(reply(1, asked.id, DENY)).toBe(STATUS_SUCCESS);
    model.advanceClock(DEADLINE_MS);
    model.closeHandle(1);
    await expect(asked.settled).resolves.toEqual({ outcome: 'answered', answer: DENY, atMs: 0 });
    expect(model.verdictTrace()).toHaveLength(1);
  });
});

describe('V9 accounting', () => {
  it('asked = answered + timedOut + defaulted + refused + unsettled, and protocol information carries the counters', () => {
    const { model, askRequest, reply } = verdictModel();
    model.openHandle(1, WRITE);
    model.ask('ProcessCreate', question(0)); // defaulted: no decider
    askRequest(1);
    askRequest(1);
    const answered = model.ask('ProcessCreate', question(1));
    model.ask('ProcessCreate', question(2)); // will time out
    reply(1, answered.id);
    model.advanceClock(DEADLINE_MS);
    for (let index = 0; index < MAX_PENDING + 1; index++) model.ask('ProcessCreate', question(10 + index)); // 4 queued, 1 refused
    const counters = processCreateState(model).counters;
    expect(counters).toEqual({ asked: 8, answered: 1, timedOut: 1, defaulted: 1, refused: 1 });
    expect(counters.asked).toBe(counters.answered + counters.timedOut + counters.defaulted + counters.refused + processCreateState(model).queued);
    expect(model.verdictInfos()).toEqual([
      { deadlineMs: DEADLINE_MS, maxPending: MAX_PENDING, questionBytes: 16, answerBytes: 4, asked: 8n, answered: 1n, timedOut: 1n, defaulted: 1n, refused: 1n },
      { deadlineMs: 50, maxPending: 2, questionBytes: 16, answerBytes: 4, asked: 0n, answered: 0n, timedOut: 0n, defaulted: 0n, refused: 0n },
    ]);
  });
});

describe('ask requests', () => {
  it('take no input and need room for the header and the question, else complete at once and never park', () => {
    const { model, submit } = verdictModel();
    model.openHandle(1, WRITE);
    model.openHandle(2, READ);
    expect(submit(1, ASK_FILE_OPEN, new Uint8Array(1), ASK_BYTES).result).toEqual({ disposition: 'completed', status: STATUS_INVALID_PARAMETER });
    expect(submit(1, ASK_FILE_OPEN, null, ASK_BYTES - 1).result).toEqual({ disposition: 'completed', status: STATUS_BUFFER_TOO_SMALL });
    expect(submit(2, ASK_FILE_OPEN, null, ASK_BYTES).result).toEqual({ disposition: 'completed', status: STATUS_ACCESS_DENIED });
    expect(submit(1, ASK_FILE_OPEN, null, 4096).result).toEqual({ disposition: 'parked-ask', verdict: 'FileOpen' });
    expect(model.state().verdicts.find((verdict) => verdict.verdict === 'FileOpen')).toMatchObject({ deciders: [1], parked: 1 });
  });

  it('a parked ask request cannot be finished as a call', () => {
    const { model, askRequest } = verdictModel();
    model.openHandle(1, WRITE);
    const { requestId } = askRequest(1);
    expect(model.completeCall(requestId, STATUS_SUCCESS)).toBe(false);
  });
});

describe("parked ask requests count against the handle's maxParkedPerHandle (16 here)", () => {
  it('one past the limit is refused with STATUS_QUOTA_EXCEEDED, parks nothing; a cancel frees a place; a subscribe-side budget is shared', () => {
    const { model, askRequest } = verdictModel();
    model.openHandle(1, WRITE);
    model.openHandle(2, WRITE);
    const parked = Array.from({ length: 16 }, () => askRequest(1));
    expect(parked.every(({ result }) => result.disposition === 'parked-ask')).toBe(true);
    expect(askRequest(1).result).toEqual({ disposition: 'completed', status: STATUS_QUOTA_EXCEEDED });
    // Another verdict shares the budget; another handle has its own.
    expect(askRequest(1, ASK_BYTES, ASK_FILE_OPEN).result).toEqual({ disposition: 'completed', status: STATUS_QUOTA_EXCEEDED });
    expect(askRequest(2).result.disposition).toBe('parked-ask');
    expect(processCreateState(model).parked).toBe(17);
    model.cancel(parked[0]!.requestId);
    expect(askRequest(1).result.disposition).toBe('parked-ask');
  });

  it('an ask request that takes a queued question at once parks nothing and passes at the limit', () => {
    const { model, askRequest, completion } = verdictModel();
    model.openHandle(1, WRITE);
    const first = askRequest(1).requestId;
    model.cancel(first); // a decider now, with nothing parked
    for (let index = 0; index < 16; index++) askRequest(1, ASK_BYTES, ASK_FILE_OPEN);
    model.ask('ProcessCreate', question(7)); // queued: no ProcessCreate ask request is parked
    const atOnce = askRequest(1);
    expect(atOnce.result).toMatchObject({ disposition: 'completed', status: STATUS_SUCCESS });
    expect(delivered(completion(atOnce.requestId)?.bytes).processId).toBe(7);
  });
});
