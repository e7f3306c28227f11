/**
 * What the verdict scenarios share: a decider's raw requests (ask and reply, byte for byte, for the
 * misbehaviour the typed client never shows), the Gate verdict's values, and the V9 counters read
 * from the protocol information.
 */
import type { DeviceHandleV1, IoctlResult } from '@inverted-call/backend';
import { VERDICT_COUNTERS, decodeProtocolInfo, decodeVerdictQuestion, encodeVerdictReply, type VerdictInfo } from '@inverted-call/codec';
import { conformanceDevice } from '@inverted-call/conformance-device';
import { check, equal, within } from '../assert.js';
import type { ScenarioContext } from '../context.js';
import type { AskResult } from '../target.js';

export const gate = conformanceDevice.verdicts.Gate;

/** The Gate verdict's default as the codec decodes it: distinct from every answer a scenario sends. */
export const DEFAULT_ANSWER = gate.answer.decode(gate.answer.encode(gate.defaultAnswer)) as unknown as Record<string, unknown>;

/**
 * How long a question that must settle "at once" (no decider, the limit, the self-exemption, an
 * asker that cannot wait, a decider's death) may take: half the deadline, so a driver that waits
 * for the deadline instead fails, while a real driver's round trip under load still fits.
 */
export const AT_ONCE_MS = gate.deadlineMs / 2;

/** The question a scenario asks `n`-th: its tag tells the questions apart at the decider. */
export const question = (n: number) => ({ tag: BigInt(n), value: n * 10 });

/** An answer no default equals: allow, and a code derived from `n`. */
export const answer = (n: number) => ({ allow: true, code: 100 + n });

/**
 * A client decider in process `name` that answers every question with answer(tag) and records what
 * it was asked; resolves once it is ready (a decider of Gate).
 */
export async function answeringDecider(context: ScenarioContext, name: string): Promise<{ seen: unknown[] }> {
  const device = await context.client(name);
  const seen: unknown[] = [];
  const decider = device.decide.Gate((asked) => {
    seen.push(asked);
    return answer(Number(asked.tag));
  });
  await within(decider.ready, 'the decider is ready');
  return { seen };
}

/** A raw ask request with room for exactly one question; `signal` cancels it. */
export function askRequest(handle: DeviceHandleV1, signal?: AbortSignal): Promise<IoctlResult> {
  return handle.ioctl(gate.askCode, null, gate.minimumOutputBytes, signal ? { signal } : {});
}

export interface DeliveredQuestion {
  id: bigint;
  remainingMs: number;
  question: Record<string, unknown>;
}

/** A completed ask request: the header and the question struct, checked against the wire format. */
export function readQuestion(result: IoctlResult, what: string): DeliveredQuestion {
  equal(result.bytesReturned, gate.minimumOutputBytes, `${what}: bytes returned (header + question)`);
  const delivered = decodeVerdictQuestion(result.output.subarray(0, result.bytesReturned));
  equal(delivered.question.byteLength, gate.question.size, `${what}: the header's Size`);
  check(delivered.id > 0n, `${what}: a question id is never 0`);
  // A real clock has spent some of the deadline by delivery; a manual one none.
  check(delivered.remainingMs > 0 && delivered.remainingMs <= gate.deadlineMs, `${what}: RemainingMs ${delivered.remainingMs} must be in 1..${gate.deadlineMs}`);
  return { id: delivered.id, remainingMs: delivered.remainingMs, question: gate.question.decode(delivered.question) as unknown as Record<string, unknown> };
}

/** A raw reply: the header with `id`, then the encoded answer; no output buffer. */
export function reply(handle: DeviceHandleV1, id: bigint, value: Record<string, unknown>): Promise<IoctlResult> {
  return handle.ioctl(gate.replyCode, encodeVerdictReply(id, gate.answer.encode(value as never)), 0);
}

/** Checks how a question settled: outcome, answer, and whether it ever had an id. */
export function expectSettled(result: AskResult, outcome: AskResult['outcome'], expectedAnswer: Record<string, unknown>, what: string, id?: bigint): void {
  equal(result.outcome, outcome, `${what}: outcome`);
  equal(result.answer, expectedAnswer, `${what}: answer`);
  if (id !== undefined) equal(result.id, id, `${what}: id`);
}

/** Awaits a question's settlement, failing (not hanging) if it never settles. */
export function settled(promise: Promise<AskResult>, what: string): Promise<AskResult> {
  return within(promise, `${what}: the question settles`, 5000 + gate.deadlineMs);
}

type Counters = Pick<VerdictInfo, (typeof VERDICT_COUNTERS)[number]>;

/** The Gate verdict's counters when each scenario started: a real driver keeps counting across scenarios. */
const startingCounters = new WeakMap<ScenarioContext, Counters>();

async function readGateInfo(context: ScenarioContext, what: string): Promise<VerdictInfo> {
  const handle = await context.raw('observer', 'read');
  const result = await within(handle.ioctl(conformanceDevice.protocolInfoCode, null, 4096), `${what}: protocol information`);
  const info = decodeProtocolInfo(result.output.subarray(0, result.bytesReturned));
  equal(info.verdicts.length, 1, `${what}: verdicts in the protocol information`);
  return info.verdicts[0]!;
}

const countersOf = (info: VerdictInfo): Counters => Object.fromEntries(VERDICT_COUNTERS.map((name) => [name, info[name]])) as Counters;

/**
 * Notes the Gate verdict's counters before a verdict scenario runs, so that expectCounters checks
 * what this scenario counted: a fresh simulator or harness starts at 0, the driver under Wine at
 * whatever the scenarios before it left. No question is unsettled between scenarios.
 */
export async function countFromHere(context: ScenarioContext): Promise<void> {
  startingCounters.set(context, countersOf(await readGateInfo(context, 'before the scenario')));
}

/**
 * The Gate verdict's VERDICT_INFO from the protocol information: its table entry must be the
 * schema's, its counters (since countFromHere) `expected`, and V9 must hold with `unsettled`
 * questions still open.
 */
export async function expectCounters(context: ScenarioContext, expected: { [Name in keyof Counters]?: number }, unsettled: number, what: string): Promise<void> {
  const gateInfo = await readGateInfo(context, what);
  equal(
    { deadlineMs: gateInfo.deadlineMs, maxPending: gateInfo.maxPending, questionBytes: gateInfo.questionBytes, answerBytes: gateInfo.answerBytes },
    { deadlineMs: gate.deadlineMs, maxPending: gate.maxPending, questionBytes: gate.question.size, answerBytes: gate.answer.size },
    `${what}: the Gate entry of VERDICT_INFO`,
  );
  const start = startingCounters.get(context);
  const counters = Object.fromEntries(VERDICT_COUNTERS.map((name) => [name, gateInfo[name] - (start?.[name] ?? 0n)])) as Counters;
  const full = Object.fromEntries(VERDICT_COUNTERS.map((name) => [name, BigInt(expected[name] ?? 0)])) as Counters;
  equal(counters, full, `${what}: VERDICT_INFO counters`);
  equal(counters.asked, counters.answered + counters.timedOut + counters.defaulted + counters.refused + BigInt(unsettled), `${what}: V9, asked = answered + timedOut + defaulted + refused + ${unsettled} unsettled`);
}
