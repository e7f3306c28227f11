/**
 * Differential test of verdicts (rules V1-V9): the portable C core (Verdict.c through the native
 * harness, the conformance device's Gate verdict) and the simulator's DriverModel run the same
 * scripts of asks, ask requests, replies (valid, late, duplicate, unknown, another handle's, badly
 * shaped), clock advances, cancels and closes, mixed with subscribe requests and events, and must
 * give the same completions AND the same verdict trace (every question's outcome, id and answer,
 * in the place among completions where it settled). A close's verdict lines are compared as a set
 * (support/verdict-script.ts says why). FC_SEED and FC_RUNS (default 500) change the generated set.
 *
 * Negative controls: the harness built with a Verdict.c that breaks one rule must differ from the
 * model on these scripts, and a verdict trace changed in one line must be caught.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protocolInfoByteLength } from '@inverted-call/codec';
import { SmallCodec, conformanceDevice as device } from '@inverted-call/conformance';
import {
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_IO_TIMEOUT,
  STATUS_NOT_FOUND,
  STATUS_SUCCESS,
} from '@inverted-call/simulator';
import fc from 'fast-check';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CORE_DIR, compile, coreIncludes, harnessSources, hex32 } from './support/native.js';
import { ASK_CANNOT_WAIT, READ, READ_WRITE, modelStepper, scriptOf, type Op } from './support/script.js';
import { askOp, askRequestOp, canonical, canonicalModel, firstDifference, gate, harnessOutputsByOp, replyBytes, replyOp } from './support/verdict-script.js';

const SEED = process.env.FC_SEED === undefined ? 20261206 : Number(process.env.FC_SEED);
const RUNS = Number(process.env.FC_RUNS ?? 500);

const native = inject('nativeBuild');
const scratch = mkdtempSync(join(tmpdir(), 'inverted-call-verdict-diff-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Time limit, from a measurement on the loaded 2-core machine: 500 generated scripts through the
// ASan harness and the model took about 2 s, one ASan build of a mutant harness about 10 s; 60 s
// per test is far above 3x.
const TIME_LIMIT_MS = 60_000;

const P1 = 1000;
const P2 = 1004;
const P3 = 1008;
const open = (handle: number, pid?: number, access = READ_WRITE): Op => ({ op: 'open', handle, access, ...(pid === undefined ? {} : { pid }) });
const close = (handle: number): Op => ({ op: 'close', handle });
const advance = (ms: number): Op => ({ op: 'advance', ms });
const cancel = (request: number): Op => ({ op: 'cancel', request });
const subLatest = (handle: number, request: number): Op => ({ op: 'subscribe', handle, request, channel: 'Latest', outputLength: 56 });
const subEvents = (handle: number, request: number): Op => ({ op: 'subscribe', handle, request, channel: 'Events', outputLength: 288 });
const emitLatest = (tag: number): Op => ({ op: 'emit', channel: 'Latest', kind: 1, payload: SmallCodec.encode({ tag: BigInt(tag), value: tag, flag: false }) });
const INFO_CODE = device.protocolInfoCode;
const INFO_BYTES = protocolInfoByteLength(Object.keys(device.channels).length, Object.keys(device.verdicts).length);
const info = (handle: number, request: number): Op => ({ op: 'ioctl', handle, request, code: INFO_CODE, outputLength: INFO_BYTES, input: null });

interface Script {
  readonly name: string;
  readonly ops: readonly Op[];
}

const handWritten: Script[] = [
  {
    name: 'V1 no decider and V8 an asker that cannot wait: defaulted at once; then answered',
    ops: [open(1, P1), askOp(1), askRequestOp(1, 1), askOp(2, { flags: ASK_CANNOT_WAIT }), askOp(3), replyOp(1, 2, 1n), info(1, 3)],
  },
  {
    name: 'V2 FIFO across deciders; V5 replies from another handle, duplicate, unknown, late',
    ops: [
      open(1, P1), open(2, P2), askRequestOp(1, 1), askRequestOp(2, 2), askOp(1), askOp(2),
      replyOp(2, 3, 1n), replyOp(2, 4, 2n, 120), replyOp(2, 5, 2n, 121), replyOp(1, 6, 99n), advance(500), replyOp(1, 7, 1n), info(2, 8),
    ],
  },
  {
    name: 'V3 the pending limit; V4 deadlines pass in (deadline, id) order, queued ones never delivered',
    ops: [
      open(1, P1), askRequestOp(1, 1), cancel(1), askOp(1), advance(100), askOp(2), askOp(3), askOp(4), advance(400),
      askRequestOp(1, 2), advance(100), replyOp(1, 3, 2n), replyOp(1, 4, 3n), askOp(5), info(1, 5),
    ],
  },
  {
    name: 'V6 a close settles what was delivered to it; the queue stays for the other decider',
    ops: [
      open(1, P1), open(2, P2), subLatest(1, 1), askRequestOp(1, 2), askRequestOp(1, 3), askOp(1), askOp(2), askRequestOp(1, 4), askRequestOp(2, 5),
      askOp(3), askOp(4), askOp(5), close(1), askRequestOp(2, 7), replyOp(2, 8, 4n), replyOp(2, 9, 5n), close(2), askOp(6), open(1), info(1, 10),
    ],
  },
  {
    name: 'V6 a close cancels parked subscribe and ask requests; with no decider left the queue settles',
    ops: [open(1, P1), open(2, P2), subLatest(1, 1), askRequestOp(1, 2), subEvents(1, 3), askRequestOp(1, 4), askRequestOp(2, 5), cancel(5), close(1), askOp(1), close(2), askOp(2)],
  },
  {
    name: 'V7 the self-exemption follows the decider handles of the asker process',
    ops: [
      open(1, P1), open(2, P2), askRequestOp(1, 1), askOp(1, { pid: P1 }), askOp(2, { pid: P2 }), askOp(3, { pid: P1 }), replyOp(1, 2, 1n),
      open(3, P1), close(1), askRequestOp(2, 3), askOp(4, { pid: P1 }), askOp(5, { pid: P2 }), replyOp(2, 4, 2n), close(2), close(3),
    ],
  },
  {
    name: 'bad ask and reply requests: input, short and absent buffers, an output on a reply, id 0, a read-only handle',
    ops: [
      open(1, P1), open(2, P2, READ), askRequestOp(1, 1, gate.minimumOutputBytes, new Uint8Array(4)), askRequestOp(1, 2, gate.minimumOutputBytes - 1), askRequestOp(1, 3, 0), askOp(1),
      askRequestOp(2, 4), askRequestOp(1, 5, 64), askOp(2), replyOp(1, 6, 1n, 100, 8),
      { op: 'ioctl', handle: 1, request: 7, code: gate.replyCode, outputLength: 0, input: replyBytes(1n, true, 3).subarray(0, 15) },
      { op: 'ioctl', handle: 1, request: 8, code: gate.replyCode, outputLength: 0, input: new Uint8Array([...replyBytes(1n, true, 3), 0]) },
      { op: 'ioctl', handle: 1, request: 9, code: gate.replyCode, outputLength: 0, input: null },
      { op: 'ioctl', handle: 1, request: 10, code: gate.replyCode, outputLength: 0, input: new Uint8Array(16) },
      replyOp(2, 11, 1n), replyOp(1, 12, 1n), info(1, 13),
    ],
  },
];

// ---- generated scripts ---------------------------------------------------------------------

type Command =
  | { readonly t: 'open'; readonly pid: number }
  | { readonly t: 'askRequest'; readonly pick: number; readonly length: number; readonly withInput: boolean }
  | { readonly t: 'ask'; readonly pid: number; readonly cannotWait: boolean }
  | { readonly t: 'reply'; readonly pick: number; readonly id: number; readonly code: number; readonly shape: number }
  | { readonly t: 'advance'; readonly ms: number }
  | { readonly t: 'cancel'; readonly pick: number }
  | { readonly t: 'close'; readonly pick: number }
  | { readonly t: 'subscribe'; readonly pick: number }
  | { readonly t: 'emit'; readonly tag: number }
  | { readonly t: 'info'; readonly pick: number };

const PIDS = [P1, P2, P3] as const;
const ASKER_PIDS = [0, 0, P1, P2, P3] as const;
const ASK_LENGTHS = [gate.minimumOutputBytes, gate.minimumOutputBytes, gate.minimumOutputBytes, 64, gate.minimumOutputBytes - 1, 0] as const;
const ADVANCES = [1, 50, 200, 499, 500, 501, 1200] as const;

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('open' as const), pid: fc.nat() }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('askRequest' as const), pick: fc.nat(), length: fc.nat(), withInput: fc.integer({ min: 0, max: 19 }).map((value) => value === 0) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('ask' as const), pid: fc.nat(), cannotWait: fc.integer({ min: 0, max: 9 }).map((value) => value === 0) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('reply' as const), pick: fc.nat(), id: fc.nat(), code: fc.nat({ max: 0xffff }), shape: fc.integer({ min: 0, max: 19 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('close' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('subscribe' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('emit' as const), tag: fc.nat({ max: 0xffff }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('info' as const), pick: fc.nat() }) },
);

/** A reply of one of several shapes: mostly well formed, sometimes too short, too long, with an output, or id 0. */
function replyOf(handle: number, request: number, id: bigint, code: number, shape: number): Op {
  const good = replyBytes(id, code % 3 !== 0, code);
  switch (shape) {
    case 0:
      return { op: 'ioctl', handle, request, code: gate.replyCode, outputLength: 0, input: good.subarray(0, good.byteLength - 1) };
    case 1:
      return { op: 'ioctl', handle, request, code: gate.replyCode, outputLength: 0, input: new Uint8Array([...good, 0]) };
    case 2:
      return { op: 'ioctl', handle, request, code: gate.replyCode, outputLength: 4, input: good };
    case 3:
      return { op: 'ioctl', handle, request, code: gate.replyCode, outputLength: 0, input: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, ...good.subarray(8)]) };
    default:
      return { op: 'ioctl', handle, request, code: gate.replyCode, outputLength: 0, input: good };
  }
}

/**
 * Turns abstract commands into a valid script: handles and requests picked among real ones. Replies
 * mostly carry an id the device gave to some handle (the model, run alongside, says which), so
 * replies in time, late, duplicate and from another handle all happen often; the rest carry ids
 * never given.
 */
function opsOf(commands: readonly Command[]): Op[] {
  const ops: Op[] = [];
  const openHandles: number[] = [];
  const requests: number[] = [];
  const askRequests = new Set<number>();
  /** Ids delivered to each handle, newest last. */
  const delivered = new Map<number, bigint[]>();
  const step = modelStepper();
  let nextRequest = 1;
  let asks = 0;
  const handle = (pick: number) => openHandles[pick % openHandles.length]!;
  const push = (op: Op) => {
    ops.push(op);
    for (const line of step(op)) {
      const [request, status, hex] = line.split(' ');
      if (!askRequests.has(Number(request)) || status !== '00000000') continue;
      const owner = ops.find((candidate) => candidate.op === 'ioctl' && candidate.request === Number(request))!;
      const id = Buffer.from(hex!, 'hex').readBigUInt64LE(0);
      if (owner.op === 'ioctl') delivered.set(owner.handle, [...(delivered.get(owner.handle) ?? []), id]);
    }
  };
  for (const command of commands) {
    switch (command.t) {
      case 'open': {
        let id = 1;
        while (openHandles.includes(id)) id++;
        openHandles.push(id);
        push(open(id, PIDS[command.pid % PIDS.length], command.pid % 11 === 10 ? READ : READ_WRITE));
        break;
      }
      case 'askRequest': {
        if (openHandles.length === 0) break;
        const request = nextRequest++;
        requests.push(request);
        askRequests.add(request);
        push(askRequestOp(handle(command.pick), request, ASK_LENGTHS[command.length % ASK_LENGTHS.length], command.withInput ? new Uint8Array(8) : null));
        break;
      }
      case 'ask':
        asks++;
        push(askOp(asks, { pid: ASKER_PIDS[command.pid % ASKER_PIDS.length]!, flags: command.cannotWait ? ASK_CANNOT_WAIT : 0 }));
        break;
      case 'reply': {
        if (openHandles.length === 0) break;
        // Ids the device gave out are 1..asks at most; one past them, and a far one, are unknown.
        const given = [...delivered.values()].flat();
        const replier = handle(command.pick);
        const own = delivered.get(replier) ?? [];
        const id =
          command.id % 8 === 7 ? 1000n + BigInt(command.id % 5)
          : command.id % 8 < 3 && own.length > 0 ? own[own.length - 1 - (command.id % Math.min(own.length, 2))]!
          : command.id % 8 < 5 && given.length > 0 ? given[command.id % given.length]!
          : BigInt(1 + (command.id % (asks + 1)));
        push(replyOf(replier, nextRequest++, id, command.code, command.shape));
        break;
      }
      case 'advance':
        push(advance(ADVANCES[command.ms % ADVANCES.length]!));
        break;
      case 'cancel':
        if (requests.length > 0) push(cancel(requests[command.pick % requests.length]!));
        break;
      case 'close': {
        if (openHandles.length === 0) break;
        const [closed] = openHandles.splice(command.pick % openHandles.length, 1);
        push(close(closed!));
        break;
      }
      case 'subscribe': {
        if (openHandles.length === 0) break;
        const request = nextRequest++;
        requests.push(request);
        push(subLatest(handle(command.pick), request));
        break;
      }
      case 'emit':
        push(emitLatest(command.tag));
        break;
      case 'info':
        if (openHandles.length > 0) push(info(handle(command.pick), nextRequest++));
        break;
    }
  }
  return ops;
}

/** Every script starts with two deciders-to-be in two processes, so questions meet deciders more often than not. */
const PRELUDE: readonly Command[] = [
  { t: 'open', pid: 0 },
  { t: 'open', pid: 1 },
];
const scriptArb = fc.array(commandArb, { minLength: 1, maxLength: 60, size: 'max' }).map((commands) => opsOf([...PRELUDE, ...commands]));

function mismatches(harness: string, scripts: readonly Script[]): { script: Script; difference: NonNullable<ReturnType<typeof firstDifference>> }[] {
  const outputs = harnessOutputsByOp(harness, scripts.map((script) => script.ops));
  return scripts.flatMap((script, index) => {
    const difference = firstDifference(script.ops, outputs[index]!);
    return difference ? [{ script, difference }] : [];
  });
}

function describeMismatch(found: ReturnType<typeof mismatches>[number]): string {
  const { script, difference } = found;
  return `${script.name}: op ${difference.op} (${scriptOf([script.ops[difference.op]!])})\n  core:  ${difference.core}\n  model: ${difference.model}\nscript:\n${scriptOf(script.ops)}`;
}

const generated = (): Script[] => fc.sample(scriptArb, { numRuns: RUNS, seed: SEED }).map((ops, index) => ({ name: `generated ${index}`, ops }));

describe('differential: the C core and DriverModel give the same completions and verdict traces', { timeout: TIME_LIMIT_MS }, () => {
  it.each(handWritten.map((script) => [script.name, script] as const))('hand-written: %s', (_name, script) => {
    const found = mismatches(native.harness, [script]);
    expect(found.map(describeMismatch)).toEqual([]);
    expect(canonicalModel(script.ops).filter((line) => line !== '').length).toBeGreaterThan(3);
  });

  it(`${RUNS} generated scripts (seed ${SEED}) in one harness process`, () => {
    const scripts = generated();
    const outputs = harnessOutputsByOp(native.harness, scripts.map((script) => script.ops));
    const differing = scripts.flatMap((script, index) => {
      const difference = firstDifference(script.ops, outputs[index]!);
      return difference ? [{ script, difference }] : [];
    });
    if (differing.length > 0) {
      // Shrink with one harness process per script, then show the smallest one.
      fc.assert(
        fc.property(scriptArb, (ops) => {
          const [found] = mismatches(native.harness, [{ name: 'shrinking', ops }]);
          expect(found ? describeMismatch(found) : null).toBeNull();
        }),
        { seed: SEED, numRuns: RUNS },
      );
      expect.fail(`${differing.length} generated scripts differ; first: ${describeMismatch(differing[0]!)}`);
    }

    // The set must reach what it is meant to cover, or it proves little.
    const lines = outputs.flat(2);
    const settled = (outcome: string) => lines.filter((line) => line.startsWith('asked ') && line.split(' ')[2] === outcome).length;
    const replyStatuses = (status: number) =>
      scripts.reduce((sum, script, index) => {
        const replies = new Set(script.ops.flatMap((op) => (op.op === 'ioctl' && op.code === gate.replyCode ? [String(op.request)] : [])));
        return sum + outputs[index]!.flat().filter((line) => replies.has(line.split(' ')[0]!) && line.split(' ')[1] === hex32(status)).length;
      }, 0);
    const askCompletions = (status: number) =>
      scripts.reduce((sum, script, index) => {
        const asks = new Set(script.ops.flatMap((op) => (op.op === 'ioctl' && op.code === gate.askCode ? [String(op.request)] : [])));
        return sum + outputs[index]!.flat().filter((line) => asks.has(line.split(' ')[0]!) && line.split(' ')[1] === hex32(status)).length;
      }, 0);
    const closesSettlingSeveral = scripts.reduce(
      (sum, script, index) => sum + script.ops.filter((op, at) => op.op === 'close' && outputs[index]![at]!.filter((line) => line.startsWith('asked ')).length >= 2).length,
      0,
    );
    const coverage = {
      scripts: scripts.length,
      answered: settled('answered'),
      timedOut: settled('timedOut'),
      defaulted: settled('defaulted'),
      refused: settled('refused'),
      questionsDelivered: askCompletions(STATUS_SUCCESS),
      askRequestsCancelled: askCompletions(STATUS_CANCELLED),
      askRequestsTooSmall: askCompletions(STATUS_BUFFER_TOO_SMALL),
      repliesAccepted: replyStatuses(STATUS_SUCCESS),
      repliesLate: replyStatuses(STATUS_IO_TIMEOUT),
      repliesDuplicate: replyStatuses(STATUS_INVALID_DEVICE_STATE),
      repliesNotFound: replyStatuses(STATUS_NOT_FOUND),
      repliesMalformed: replyStatuses(STATUS_INVALID_PARAMETER),
      closesSettlingSeveral,
    };
    console.info('verdict differential coverage', coverage);
    for (const [name, count] of Object.entries(coverage)) expect(count, name).toBeGreaterThan(20);
  });
});

/** One rule taken out of Verdict.c, as verdict-core.test.ts does for its unit tests. */
const HARNESS_MUTANTS = [
  { rule: 'V3: a question past the limit is refused', find: 'outcome = CORE_VERDICT_OUTCOME_REFUSED;', replace: 'outcome = CORE_VERDICT_OUTCOME_DEFAULTED;' },
  { rule: 'V7: the self-exemption', find: 'VerdictAskerIsDecider(verdict, AskerProcessId) ||', replace: '(AskerProcessId == 0xFFFFFFFFu && VerdictAskerIsDecider(verdict, AskerProcessId)) ||' },
  { rule: 'V5: the memory of settled ids', find: '            return Decider->SettledOutcomes[at];', replace: '            return CORE_VERDICT_OUTCOME_NONE;' },
] as const;

describe('negative controls: the verdict differential finds a broken core or a changed trace', { timeout: TIME_LIMIT_MS }, () => {
  it.each(HARNESS_MUTANTS.map((mutant, index) => [mutant.rule, index] as const))('a harness whose Verdict.c breaks %s differs from the model', (_rule, index) => {
    const mutant = HARNESS_MUTANTS[index]!;
    const original = readFileSync(join(CORE_DIR, 'Verdict.c'), 'utf8');
    expect(original.split(mutant.find).length - 1).toBe(1); // the mutant changes exactly one place
    const source = join(scratch, `Verdict-${index}.c`);
    writeFileSync(source, original.replace(mutant.find, mutant.replace));
    const harness = join(scratch, `harness-${index}`);
    const deviceDir = join(native.dir, 'device');
    compile(harness, coreIncludes(deviceDir), harnessSources(deviceDir, source));
    expect(mismatches(harness, [...handWritten, ...generated().slice(0, 100)]).length).toBeGreaterThan(0);
  });

  it('a settlement with another outcome, or two settlements of one advance swapped, is a difference; a close\'s settlements in another order are not', () => {
    const script = handWritten[2]!; // V3/V4: an advance that settles two questions
    const [core] = harnessOutputsByOp(native.harness, [script.ops]);
    expect(firstDifference(script.ops, core!)).toBeNull();
    const advanceWithTwo = core!.findIndex((lines) => lines.filter((line) => line.startsWith('asked ')).length === 2);
    expect(advanceWithTwo).toBeGreaterThan(0);
    const swapped = core!.map((lines, index) => (index === advanceWithTwo ? [...lines].reverse() : lines));
    expect(firstDifference(script.ops, swapped)).not.toBeNull();
    const relabelled = core!.map((lines) => lines.map((line) => line.replace(' refused ', ' defaulted ')));
    expect(firstDifference(script.ops, relabelled)).not.toBeNull();

    const closing = handWritten[3]!; // V6: a close that settles three questions
    const [closed] = harnessOutputsByOp(native.harness, [closing.ops]);
    const closeAt = closing.ops.findIndex((op) => op.op === 'close');
    expect(closed![closeAt]!.filter((line) => line.startsWith('asked ')).length).toBe(3);
    const reordered = closed!.map((lines, index) => (index === closeAt ? [...lines].reverse() : lines));
    expect(canonical(closing.ops, reordered)).toEqual(canonical(closing.ops, closed!));
  });
});
