/**
 * The verdict half of the differential test: scripts with asks, ask requests, replies and clock
 * advances, and how the core's output and the model's are compared op by op.
 *
 * Each op's output is compared exactly, except a handle close's: the design fixes what a close
 * settles (V6) but not in which order its settlements and the cancellations of its ask requests
 * come (the C core settles under its lock and completes afterwards; the model cancels first), so a
 * close's verdict lines (settlements, ask-request completions) are compared as a set, while its
 * channel cancellations keep their order (R5).
 */
import { encodeVerdictReply } from '@inverted-call/codec';
import { GateAnswerCodec, GateQuestionCodec, conformanceDevice as device } from '@inverted-call/conformance';
import { runNative } from './native.js';
import { modelOutputByOp, scriptLines, type Op } from './script.js';

export const gate = device.verdicts.Gate;
export const GATE = 0;

export const askRequestOp = (handle: number, request: number, outputLength: number = gate.minimumOutputBytes, input: Uint8Array | null = null): Op => ({
  op: 'ioctl',
  handle,
  request,
  code: gate.askCode,
  outputLength,
  input,
});

export const replyBytes = (id: bigint, allow: boolean, code: number): Uint8Array => encodeVerdictReply(id, GateAnswerCodec.encode({ allow, code }));

export const replyOp = (handle: number, request: number, id: bigint, code = 100, outputLength = 0): Op => ({
  op: 'ioctl',
  handle,
  request,
  code: gate.replyCode,
  outputLength,
  input: replyBytes(id, true, code),
});

export const askOp = (ask: number, options: { pid?: number; flags?: number; tag?: bigint } = {}): Op => ({
  op: 'ask',
  ask,
  verdict: GATE,
  pid: options.pid ?? 0,
  flags: options.flags ?? 0,
  question: GateQuestionCodec.encode({ tag: options.tag ?? BigInt(ask), value: ask * 10 }),
});

/** Runs many scripts in one harness process, an `echo` after every op: each script's output, one list per op. */
export function harnessOutputsByOp(harness: string, scripts: readonly (readonly Op[])[]): string[][][] {
  const input = scripts
    .map((ops) => `${scriptLines(ops).map((line, index) => `${line}\necho ${index}`).join('\n')}\nreset\n`)
    .join('');
  const { status, stdout, stderr } = runNative(harness, input);
  if (status !== 0) throw new Error(`harness exited with ${status}:\n${stderr}`);
  const outputs: string[][][] = [];
  let current: string[][] = [];
  let lines: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    if (line === 'reset') {
      outputs.push(current);
      current = [];
    } else if (line.startsWith('echo ')) {
      current.push(lines);
      lines = [];
    } else {
      lines.push(line);
    }
  }
  if (outputs.length !== scripts.length) throw new Error(`harness output holds ${outputs.length} scripts, ${scripts.length} were sent`);
  return outputs;
}

/** Requests sent with the ask code: their completions belong to a close's verdict lines. */
function askRequestIds(ops: readonly Op[]): Set<string> {
  return new Set(ops.flatMap((op) => (op.op === 'ioctl' && op.code === gate.askCode ? [String(op.request)] : [])));
}

/** One line per op, comparable across both sides: a close's verdict lines sorted, everything else as it came. */
export function canonical(ops: readonly Op[], outputByOp: readonly string[][]): string[] {
  const asks = askRequestIds(ops);
  return ops.map((op, index) => {
    const lines = outputByOp[index] ?? [];
    if (op.op !== 'close') return lines.join(' | ');
    const isVerdictLine = (line: string) => line.startsWith('asked ') || asks.has(line.split(' ')[0]!);
    return [...lines.filter((line) => !isVerdictLine(line)), ...lines.filter(isVerdictLine).sort()].join(' | ');
  });
}

export const canonicalModel = (ops: readonly Op[]): string[] => canonical(ops, modelOutputByOp(ops));

/** The first op whose canonical output differs, with both sides', or null when they agree. */
export function firstDifference(ops: readonly Op[], core: readonly string[][]): { op: number; core: string; model: string } | null {
  const coreLines = canonical(ops, core);
  const modelLines = canonicalModel(ops);
  const length = Math.max(coreLines.length, modelLines.length);
  for (let index = 0; index < length; index++) {
    if (coreLines[index] !== modelLines[index]) return { op: index, core: coreLines[index] ?? '(none)', model: modelLines[index] ?? '(none)' };
  }
  return null;
}
