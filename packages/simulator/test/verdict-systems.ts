/**
 * The systems the verdict property test runs: the engine on its own (`VerdictTable`), the engine
 * inside the driver model (raw ask and reply IOCTLs), and mutants of the engine: copies of
 * src/verdict-table.ts with one planted bug each, written to a temporary directory and imported,
 * which the property test must catch (its negative controls).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DriverModel } from '../src/driver-model.js';
import { STATUS_CANCELLED, STATUS_SUCCESS } from '../src/ntstatus.js';
import { VerdictTable } from '../src/verdict-table.js';
import type { AskOptions, VerdictAsk, VerdictState } from '../src/verdict-types.js';
import type { VerdictTraceEntry } from '../src/verdict-trace.js';
import { ASK_BYTES, replyInput, verdictDevice } from './verdict-device.js';

/** What a system showed during one step. */
export interface Observed {
  settled: VerdictTraceEntry[];
  delivered: { requestId: number; bytes: Uint8Array }[];
  cancelled: number[];
}

export interface VerdictSystem {
  open(handle: number, processId: number | undefined): void;
  ask(verdict: string, question: Uint8Array, options: AskOptions): VerdictAsk;
  /** Sends an ask request; returns its request id. */
  askRequest(handle: number, verdict: string): number;
  cancel(requestId: number): void;
  /** Sends a reply; returns its NTSTATUS. */
  reply(handle: number, verdict: string, id: bigint, answer: Uint8Array): number;
  close(handle: number): void;
  advance(ms: number): void;
  state(): readonly VerdictState[];
  takeObserved(): Observed;
}

const nothing = (): Observed => ({ settled: [], delivered: [], cancelled: [] });

/** The engine alone, playing the driver model's small part itself (request ids, cancelling on close). */
export function engineSystem(Table: typeof VerdictTable = VerdictTable): VerdictSystem {
  let observed = nothing();
  let nextRequestId = 1;
  const table = new Table(verdictDevice.verdicts, {
    deliver: (requestId, bytes) => observed.delivered.push({ requestId, bytes }),
    onSettled: (entry) => observed.settled.push(entry),
  });
  return {
    open: (handle, processId) => table.openHandle(handle, processId),
    ask: (verdict, question, options) => table.ask(verdict, question, options),
    askRequest(handle, verdict) {
      const requestId = nextRequestId++;
      const bytes = table.submitAsk(verdict, requestId, handle);
      if (bytes) observed.delivered.push({ requestId, bytes });
      return requestId;
    },
    cancel(requestId) {
      if (table.cancelAsk(requestId)) observed.cancelled.push(requestId);
    },
    reply: (handle, verdict, id, answer) => table.reply(verdict, handle, id, answer),
    close(handle) {
      observed.cancelled.push(...table.closeHandle(handle));
    },
    advance: (ms) => table.advance(ms),
    state: () => table.state(),
    takeObserved() {
      const taken = observed;
      observed = nothing();
      return taken;
    },
  };
}

/** The driver model: the same operations as IOCTLs, so the request checks and R4/R5 take part. */
export function modelSystem(): VerdictSystem {
  let observed = nothing();
  let nextRequestId = 1;
  const askRequests = new Set<number>();
  const model = new DriverModel(verdictDevice, {
    onCompletion(entry) {
      if (!askRequests.has(entry.requestId)) return;
      if (entry.status === STATUS_CANCELLED) observed.cancelled.push(entry.requestId);
      else if (entry.status === STATUS_SUCCESS) observed.delivered.push({ requestId: entry.requestId, bytes: entry.bytes });
      else throw new Error(`ask request ${entry.requestId} failed with 0x${entry.status.toString(16)}`);
    },
    onVerdictSettled: (entry) => observed.settled.push(entry),
  });
  const verdict = (name: string) => verdictDevice.verdicts[name as keyof typeof verdictDevice.verdicts];
  return {
    open: (handle, processId) => model.openHandle(handle, 2, `process ${processId}`, processId),
    ask: (name, question, options) => model.ask(name, question, options),
    askRequest(handle, name) {
      const requestId = nextRequestId++;
      askRequests.add(requestId);
      model.submit({ requestId, handleId: handle, code: verdict(name).askCode, input: null, outputLength: ASK_BYTES });
      return requestId;
    },
    cancel: (requestId) => void model.cancel(requestId),
    reply(handle, name, id, answer) {
      const result = model.submit({ requestId: nextRequestId++, handleId: handle, code: verdict(name).replyCode, input: replyInput(id, answer), outputLength: 0 });
      if (result.disposition !== 'completed') throw new Error(`a reply must complete at once, got ${result.disposition}`);
      return result.status;
    },
    close: (handle) => void model.closeHandle(handle),
    advance: (ms) => model.advanceClock(ms),
    state: () => model.state().verdicts,
    takeObserved() {
      const taken = observed;
      observed = nothing();
      return taken;
    },
  };
}

/** A planted bug: each `find` must occur exactly once in the engine's source, so a mutant can never silently be the original. */
export interface Mutation {
  readonly name: string;
  readonly edits: readonly { readonly find: string; readonly replace: string }[];
  /** What the property must report for it: the symptom closest to the bug. */
  readonly caughtAs: RegExp;
}

export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'a second reply wins',
    edits: [
      // The engine keeps answered questions, and a later reply from the owner settles them again with its answer.
      {
        find: "      this.settle(question, 'answered', answer.slice());\n      return STATUS_SUCCESS;",
        replace: "      this.settle(question, 'answered', answer.slice());\n      ((verdict as any).answered ??= new Map()).set(id, question);\n      return STATUS_SUCCESS;",
      },
      {
        find: '    const settledHere = verdict.memory.get(handleId)?.get(id);\n',
        replace:
          "    const again = (verdict as any).answered?.get(id);\n    if (again && again.owner === handleId) {\n      again.settlement = null;\n      this.settle(again, 'answered', answer.slice());\n      return STATUS_SUCCESS;\n    }\n    const settledHere = verdict.memory.get(handleId)?.get(id);\n",
      },
    ],
    caughtAs: /reply status 0x0, rules say 0xc0000184/,
  },
  {
    name: 'the newest parked ask request gets the question (LIFO)',
    edits: [{ find: 'const parked = verdict.parked.shift();', replace: 'const parked = verdict.parked.pop();' }],
    caughtAs: /deliveries differ/,
  },
  {
    name: 'a deadline settles one advance late',
    edits: [{ find: 'next.deadlineAtMs <= target', replace: 'next.deadlineAtMs < target' }],
    caughtAs: /settlements differ|after its deadline|reply status/,
  },
  {
    name: 'no self-exemption',
    edits: [{ find: ' || this.holdsDecider(verdict, options.askerProcessId)', replace: '' }],
    caughtAs: /system gave id \d+, rules 0/,
  },
  {
    name: "a closing decider's delivered questions wait for their deadline",
    edits: [{ find: "if (question.owner === handleId) this.settle(question, 'defaulted', verdict.defaultAnswer);", replace: 'void question;' }],
    caughtAs: /settlements differ/,
  },
];

const SOURCE = fileURLToPath(new URL('../src/', import.meta.url));

/** Writes the mutant and imports its VerdictTable; the copy imports the real neighbours of the engine and the same codec. */
export async function mutantEngine(mutation: Mutation): Promise<typeof VerdictTable> {
  let text = readFileSync(join(SOURCE, 'verdict-table.ts'), 'utf8');
  for (const { find, replace } of mutation.edits) {
    const count = text.split(find).length - 1;
    if (count !== 1) throw new Error(`mutation "${mutation.name}": expected ${JSON.stringify(find)} once in src/verdict-table.ts, found it ${count} times; update the mutation`);
    text = text.replace(find, replace);
  }
  text = text.replace(/from '\.\/([\w-]+)\.js'/g, (_match, name: string) => `from '${pathToFileURL(join(SOURCE, `${name}.ts`)).href}'`);
  // The copy lives outside the package, where a bare package name does not resolve: point it at the module the engine gets.
  text = text.replace(/from '(@inverted-call\/[\w-]+)'/g, (_match, name: string) => `from '${import.meta.resolve(name)}'`);
  const directory = mkdtempSync(join(tmpdir(), 'verdict-mutant-'));
  try {
    const file = join(directory, 'verdict-table.ts');
    writeFileSync(file, text);
    const module = (await import(pathToFileURL(file).href)) as { VerdictTable: typeof VerdictTable };
    return module.VerdictTable;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
