/**
 * Verdict channels (rules V1-V9): questions the driver asks, answered by deciders within a
 * deadline. Deciders are the real client's (`device.decide.Gate`, `device.questions.Gate`) where a
 * well-behaved decider is meant, and raw ask and reply requests where only a misbehaving one
 * (late, duplicate, unknown or foreign replies) shows the rule. Every scenario ends by checking the
 * counters of the protocol information (V9).
 */
import { check, equal, within } from '../assert.js';
import { scenario, type Rule, type Scenario } from '../scenario.js';
import { expectDeviceError, watch } from './support.js';
import { AT_ONCE_MS, DEFAULT_ANSWER, answer, answeringDecider, askRequest, countFromHere, expectCounters, expectSettled, gate, question, readQuestion, reply, settled } from './verdict-support.js';

/** A verdict scenario: its counters are checked from where this scenario started (countFromHere). */
function verdictScenario(rule: Rule, name: string, run: Scenario['run']): Scenario {
  return scenario(rule, name, async (context) => {
    await countFromHere(context);
    await run(context);
  });
}

export const verdictScenarios = [
  verdictScenario('V1', 'a question asked with no decider settles at once with the default (defaulted, id 0)', async (context) => {
    // A handle that never sent an ask request is no decider.
    await context.raw('bystander');
    const result = await within(context.ask('Gate', question(1)), 'the question, with no decider (it must not wait for its deadline)', AT_ONCE_MS);
    expectSettled(result, 'defaulted', DEFAULT_ANSWER, 'no decider', 0n);
    await expectCounters(context, { asked: 1, defaulted: 1 }, 0, 'after the question');
  }),

  verdictScenario('V2', 'a question asked while a client decider waits is answered in time with its answer', async (context) => {
    const { seen } = await answeringDecider(context, 'judge');
    const result = await settled(context.ask('Gate', question(5)), 'the question');
    expectSettled(result, 'answered', answer(5), 'the answered question');
    check(result.id > 0n, `an answered question has an id, got ${result.id}`);
    equal(seen, [question(5)], 'what the decider was asked');
    await expectCounters(context, { asked: 1, answered: 1 }, 0, 'after the answer');
  }),

  verdictScenario('V2', 'a question taken from device.questions.Gate() and replied to settles with that reply', async (context) => {
    const device = await context.client('judge');
    const stream = device.questions.Gate();
    await within(stream.ready, 'the question stream is ready');
    const asked = context.ask('Gate', question(8));
    const next = await within(stream.next(), 'the next question');
    check(!next.done, 'the stream ended before a question came');
    equal(next.value.question, question(8), 'the question taken');
    const event = await within(next.value.reply(answer(8)), 'the reply');
    equal(event.type, 'answered', 'what became of the reply');
    expectSettled(await settled(asked, 'the question'), 'answered', answer(8), 'the question', next.value.id);
    await stream.close();
    await expectCounters(context, { asked: 1, answered: 1 }, 0, 'after the reply');
  }),

  verdictScenario('V2', 'two deciders: each question goes to the ask request that has waited longest, and only its handle answers it', async (context) => {
    const first = await context.raw('first');
    const second = await context.raw('second');
    const firstAsk = askRequest(first);
    await context.settle();
    const secondAsk = askRequest(second);
    await context.settle();
    const one = watch(context.ask('Gate', question(1)));
    const two = watch(context.ask('Gate', question(2)));
    const toFirst = readQuestion(await within(firstAsk, 'the first decider\'s ask request'), 'first decider');
    const toSecond = readQuestion(await within(secondAsk, 'the second decider\'s ask request'), 'second decider');
    equal([toFirst.question, toSecond.question], [question(1), question(2)], 'questions in the order the ask requests were parked');
    check(toFirst.id !== toSecond.id, `two questions share the id ${toFirst.id}`);
    // Answered in the other order: each settles with its own decider's answer.
    await within(reply(second, toSecond.id, answer(20)), 'the second decider\'s reply');
    await within(reply(first, toFirst.id, answer(10)), 'the first decider\'s reply');
    expectSettled(await settled(two.done, 'question 2'), 'answered', answer(20), 'question 2', toSecond.id);
    expectSettled(await settled(one.done, 'question 1'), 'answered', answer(10), 'question 1', toFirst.id);
    await expectCounters(context, { asked: 2, answered: 2 }, 0, 'after both replies');
  }),

  verdictScenario('V3', 'past maxPending (3) unsettled questions, a question is refused at once with the default; the others still wait', async (context) => {
    const judge = await context.raw('judge');
    const ask = askRequest(judge);
    await context.settle();
    const pending = [1, 2, 3].map((n) => watch(context.ask('Gate', question(n))));
    const delivered = readQuestion(await within(ask, 'the ask request'), 'the first question');
    equal(delivered.question, question(1), 'the question delivered');
    const refused = await within(context.ask('Gate', question(4)), 'the fourth question (it must not wait)', AT_ONCE_MS);
    expectSettled(refused, 'refused', DEFAULT_ANSWER, 'the fourth question', 0n);
    await context.settle();
    equal(pending.map((entry) => entry.settled), [false, false, false], 'the three questions within the limit, still unsettled');
    await expectCounters(context, { asked: 4, refused: 1 }, 3, 'at the limit');
    // Their deadline passes: the limit has room again, so a question now waits instead of being refused.
    await context.elapse(gate.deadlineMs);
    for (const entry of pending) expectSettled(await settled(entry.done, 'a question within the limit'), 'timedOut', DEFAULT_ANSWER, 'a question within the limit, past its deadline');
    const fifth = watch(context.ask('Gate', question(5)));
    await context.settle();
    check(!fifth.settled, 'a question asked below the limit again settled at once');
    await context.crash('judge');
    expectSettled(await settled(fifth.done, 'the fifth question'), 'defaulted', DEFAULT_ANSWER, 'the fifth question, its only decider gone');
    await expectCounters(context, { asked: 5, refused: 1, timedOut: 3, defaulted: 1 }, 0, 'after the decider died');
  }),

  verdictScenario('V4', 'a delivered question with no reply times out with the default at its deadline; the late reply gets ERROR_SEM_TIMEOUT (121)', async (context) => {
    const judge = await context.raw('judge');
    const ask = askRequest(judge);
    await context.settle();
    const asked = watch(context.ask('Gate', question(1)));
    const delivered = readQuestion(await within(ask, 'the ask request'), 'the question');
    await context.settle();
    check(!asked.settled, 'the question settled before its deadline without a reply');
    await context.elapse(gate.deadlineMs);
    expectSettled(await settled(asked.done, 'the question'), 'timedOut', DEFAULT_ANSWER, 'the question past its deadline', delivered.id);
    const late = await expectDeviceError(reply(judge, delivered.id, answer(1)), 'ERROR_SEM_TIMEOUT', 'the late reply');
    equal(late.errno, 121, 'the late reply\'s Win32 error number');
    await expectCounters(context, { asked: 1, timedOut: 1 }, 0, 'after the deadline');
  }),

  verdictScenario('V4', 'a question whose deadline passes while queued times out and is never delivered; a cancelled ask request loses no question', async (context) => {
    const judge = await context.raw('judge');
    const cancel = new AbortController();
    const first = askRequest(judge, cancel.signal);
    await context.settle();
    cancel.abort();
    await expectDeviceError(first, 'ERROR_OPERATION_ABORTED', 'the cancelled ask request');
    // Still a decider (V1: until its handle closes), with nothing parked: the question queues.
    const asked = watch(context.ask('Gate', question(1)));
    await context.settle();
    check(!asked.settled, 'a question for a decider with nothing parked settled at once');
    await context.elapse(gate.deadlineMs);
    expectSettled(await settled(asked.done, 'the queued question'), 'timedOut', DEFAULT_ANSWER, 'the queued question past its deadline');
    const next = watch(askRequest(judge));
    await context.settle();
    check(!next.settled, 'an ask request after the deadline received the timed-out question');
    await expectCounters(context, { asked: 1, timedOut: 1 }, 0, 'after the deadline');
    await judge.close();
    await expectDeviceError(next.done, 'ERROR_OPERATION_ABORTED', 'the parked ask request when its handle closed');
  }),

  verdictScenario('V5', 'a second reply to an answered question gets ERROR_BAD_COMMAND (22) and changes nothing', async (context) => {
    const judge = await context.raw('judge');
    const ask = askRequest(judge);
    await context.settle();
    const asked = context.ask('Gate', question(1));
    const delivered = readQuestion(await within(ask, 'the ask request'), 'the question');
    await within(reply(judge, delivered.id, answer(1)), 'the first reply');
    const duplicate = await expectDeviceError(reply(judge, delivered.id, answer(2)), 'ERROR_BAD_COMMAND', 'the second reply');
    equal(duplicate.errno, 22, 'the second reply\'s Win32 error number');
    expectSettled(await settled(asked, 'the question'), 'answered', answer(1), 'the question, answered once', delivered.id);
    await expectCounters(context, { asked: 1, answered: 1 }, 0, 'after both replies');
  }),

  verdictScenario('V5', 'a reply with an id this handle was never given gets ERROR_NOT_FOUND (1168) and settles nothing', async (context) => {
    const judge = await context.raw('judge');
    const ask = askRequest(judge);
    await context.settle();
    const asked = watch(context.ask('Gate', question(1)));
    const delivered = readQuestion(await within(ask, 'the ask request'), 'the question');
    const unknown = await expectDeviceError(reply(judge, delivered.id + 1000n, answer(1)), 'ERROR_NOT_FOUND', 'a reply with an unknown id');
    equal(unknown.errno, 1168, 'the unknown reply\'s Win32 error number');
    await context.settle();
    check(!asked.settled, 'a reply with another id settled the question');
    await within(reply(judge, delivered.id, answer(3)), 'the right reply');
    expectSettled(await settled(asked.done, 'the question'), 'answered', answer(3), 'the question', delivered.id);
    await expectCounters(context, { asked: 1, answered: 1 }, 0, 'after the replies');
  }),

  verdictScenario('V5', 'a reply from another decider than the one the question went to gets ERROR_NOT_FOUND (1168); the owner\'s reply still counts', async (context) => {
    const owner = await context.raw('owner');
    const other = await context.raw('other');
    const ownerAsk = askRequest(owner);
    await context.settle();
    // The other handle is a decider too, with its ask request parked behind the owner's.
    const otherAsk = watch(askRequest(other));
    await context.settle();
    const asked = watch(context.ask('Gate', question(1)));
    const delivered = readQuestion(await within(ownerAsk, 'the owner\'s ask request'), 'the question');
    await expectDeviceError(reply(other, delivered.id, answer(9)), 'ERROR_NOT_FOUND', 'the other decider\'s reply');
    await context.settle();
    check(!asked.settled, 'another handle\'s reply settled the question');
    check(!otherAsk.settled, 'the other decider\'s ask request completed with nothing to deliver');
    await within(reply(owner, delivered.id, answer(1)), 'the owner\'s reply');
    expectSettled(await settled(asked.done, 'the question'), 'answered', answer(1), 'the question', delivered.id);
    await expectCounters(context, { asked: 1, answered: 1 }, 0, 'after the replies');
  }),

  verdictScenario('V6', 'a decider killed with a question delivered and one queued: both settle at once with the default', async (context) => {
    const judge = await context.raw('judge');
    const ask = askRequest(judge);
    await context.settle();
    const delivered = watch(context.ask('Gate', question(1)));
    readQuestion(await within(ask, 'the ask request'), 'the delivered question');
    const queued = watch(context.ask('Gate', question(2)));
    await context.settle();
    check(!delivered.settled && !queued.settled, 'a question settled before its decider died');
    await context.crash('judge');
    // At once: well before the deadline a real clock would need.
    const results = await within(Promise.all([delivered.done, queued.done]), 'the questions of the dead decider', AT_ONCE_MS);
    expectSettled(results[0], 'defaulted', DEFAULT_ANSWER, 'the delivered question');
    expectSettled(results[1], 'defaulted', DEFAULT_ANSWER, 'the queued question');
    await expectCounters(context, { asked: 2, defaulted: 2 }, 0, 'after the decider died');
    // No decider left: the next question defaults at once too.
    expectSettled(await within(context.ask('Gate', question(3)), 'a question after the decider died', AT_ONCE_MS), 'defaulted', DEFAULT_ANSWER, 'a question after the decider died', 0n);
  }),

  verdictScenario('V6', 'closing a client decider cancels its ask requests; with no decider left a question defaults at once', async (context) => {
    const device = await context.client('judge');
    const decider = device.decide.Gate(() => answer(1), { concurrency: 2 });
    await within(decider.ready, 'the decider is ready');
    expectSettled(await settled(context.ask('Gate', question(1)), 'the question while it decides'), 'answered', answer(1), 'the question while it decides');
    await within(decider.close(), 'closing the decider');
    await within(decider.closed, 'the decider has stopped');
    expectSettled(await within(context.ask('Gate', question(2)), 'a question after the decider closed', AT_ONCE_MS), 'defaulted', DEFAULT_ANSWER, 'a question after the decider closed', 0n);
    await expectCounters(context, { asked: 2, answered: 1, defaulted: 1 }, 0, 'after the decider closed');
  }),

  verdictScenario('V7', 'a question raised on behalf of a decider\'s own process defaults at once; another process\'s question reaches it', async (context) => {
    const { seen } = await answeringDecider(context, 'judge');
    const own = await within(context.ask('Gate', question(1), { askerProcess: context.process('judge') }), 'the question of the decider\'s own process', AT_ONCE_MS);
    expectSettled(own, 'defaulted', DEFAULT_ANSWER, 'the question of the decider\'s own process', 0n);
    const foreign = await settled(context.ask('Gate', question(2), { askerProcess: context.process('stranger') }), 'another process\'s question');
    expectSettled(foreign, 'answered', answer(2), 'another process\'s question');
    equal(seen, [question(2)], 'what the decider was asked');
    await expectCounters(context, { asked: 2, answered: 1, defaulted: 1 }, 0, 'after both questions');
  }),

  verdictScenario('V8', 'an asker that cannot wait gets the default at once, though a decider waits', async (context) => {
    const judge = await context.raw('judge');
    const ask = watch(askRequest(judge));
    await context.settle();
    const result = await within(context.ask('Gate', question(1), { cannotWait: true }), 'the question of an asker that cannot wait', AT_ONCE_MS);
    expectSettled(result, 'defaulted', DEFAULT_ANSWER, 'the question of an asker that cannot wait', 0n);
    await context.settle();
    check(!ask.settled, 'the decider was given a question no one waits for');
    await expectCounters(context, { asked: 1, defaulted: 1 }, 0, 'after the question');
  }),

  verdictScenario('V9', 'VERDICT_INFO counts every outcome: answered, timed out, defaulted and refused add up to asked, with the unsettled ones', async (context) => {
    const alone = await within(context.ask('Gate', question(1)), 'a question with no decider', AT_ONCE_MS);
    expectSettled(alone, 'defaulted', DEFAULT_ANSWER, 'a question with no decider', 0n);
    const judge = await context.raw('judge');
    const first = askRequest(judge);
    await context.settle();
    const answered = watch(context.ask('Gate', question(2)));
    const delivered = readQuestion(await within(first, 'the ask request'), 'question 2');
    await within(reply(judge, delivered.id, answer(2)), 'the reply to question 2');
    expectSettled(await settled(answered.done, 'question 2'), 'answered', answer(2), 'question 2', delivered.id);
    // Nothing parked now: these wait in the queue, and a fourth unsettled one is refused.
    const queued = [3, 4, 5].map((n) => watch(context.ask('Gate', question(n))));
    expectSettled(await within(context.ask('Gate', question(6)), 'a question past the limit', AT_ONCE_MS), 'refused', DEFAULT_ANSWER, 'a question past the limit', 0n);
    await expectCounters(context, { asked: 6, answered: 1, defaulted: 1, refused: 1 }, 3, 'three unsettled');
    await context.elapse(gate.deadlineMs);
    for (const entry of queued) expectSettled(await settled(entry.done, 'a queued question'), 'timedOut', DEFAULT_ANSWER, 'a queued question past its deadline');
    await expectCounters(context, { asked: 6, answered: 1, timedOut: 3, defaulted: 1, refused: 1 }, 0, 'everything settled');
  }),
];
