/**
 * The scenario script both sides of the differential test run: the C core through its native
 * harness (the harness's line format) and the TypeScript DriverModel (replayed op by op). The
 * conformance device's calls are answered on the model side as its C Handlers.c answers them.
 */
import { requiredAccessOfCode } from '@inverted-call/codec';
import { CounterCodec, EchoDataCodec, EmitRequestCodec, LargeCodec, SmallCodec, conformanceDevice as device, eventData } from '@inverted-call/conformance';
import { DriverModel, STATUS_INVALID_PARAMETER, STATUS_SUCCESS } from '@inverted-call/simulator';
import { hex32 } from './native.js';

export type ChannelName = 'Events' | 'Latest' | 'Audit';
export const CHANNEL_INDEX: Record<ChannelName, number> = { Events: 0, Latest: 1, Audit: 2 };
export const READ = 1;
export const READ_WRITE = 3;

export type Op =
  /** `pid`: the process that opened it (V7); none when absent (the harness's 0). */
  | { readonly op: 'open'; readonly handle: number; readonly access: number; readonly pid?: number }
  | { readonly op: 'subscribe'; readonly handle: number; readonly request: number; readonly channel: ChannelName; readonly outputLength: number }
  | { readonly op: 'emit'; readonly channel: ChannelName; readonly kind: number; readonly payload: Uint8Array }
  | { readonly op: 'ioctl'; readonly handle: number; readonly request: number; readonly code: number; readonly outputLength: number; readonly input: Uint8Array | null }
  | { readonly op: 'cancel'; readonly request: number }
  | { readonly op: 'close'; readonly handle: number }
  /** Kernel code asks question `ask` (numbered from 1 per script, in asking order) of verdict `verdict` (by index). */
  | { readonly op: 'ask'; readonly ask: number; readonly verdict: number; readonly pid: number; readonly flags: number; readonly question: Uint8Array }
  | { readonly op: 'advance'; readonly ms: number };

/** CoreVerdictAsk's flag for an asker above PASSIVE_LEVEL (V8), as Verdict.h defines it. */
export const ASK_CANNOT_WAIT = 1;
/** The harness's outcome words: the codec's VerdictOutcome. */
const VERDICT_NAMES = Object.keys(device.verdicts);

export interface Scenario {
  readonly name: string;
  readonly ops: readonly Op[];
}


export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Access bits a code needs; the I/O manager refuses a handle without them. Read as codec lays out a CTL_CODE. */
export const requiredAccess = requiredAccessOfCode;

export function scriptOf(ops: readonly Op[]): string {
  return scriptLines(ops).join('\n');
}

/** One harness line per op ('# ...' for a request the I/O manager refuses before the driver). */
export function scriptLines(ops: readonly Op[]): string[] {
  const access = new Map<number, number>();
  return ops
    .map((op) => {
      switch (op.op) {
        case 'open':
          access.set(op.handle, op.access);
          return `open ${op.handle} ${op.access}${op.pid === undefined ? '' : ` ${op.pid}`}`;
        case 'ioctl':
          // Refused before any driver sees it: the model records that as an io-manager completion.
          if ((access.get(op.handle)! & requiredAccess(op.code)) !== requiredAccess(op.code)) return '# refused by the I/O manager';
          return `ioctl ${op.handle} ${op.request} 0x${op.code.toString(16)} ${op.outputLength} ${op.input && op.input.byteLength > 0 ? toHex(op.input) : '-'}`;
        case 'subscribe':
          return `subscribe ${op.handle} ${op.request} ${CHANNEL_INDEX[op.channel]} ${op.outputLength}`;
        case 'emit':
          return `emit ${CHANNEL_INDEX[op.channel]} ${op.kind} ${op.payload.byteLength > 0 ? toHex(op.payload) : '-'}`;
        case 'cancel':
          return `cancel ${op.request}`;
        case 'close':
          access.delete(op.handle);
          return `close ${op.handle}`;
        case 'ask':
          return `ask ${op.ask} ${op.verdict} ${op.pid} ${op.flags} ${toHex(op.question)}`;
        case 'advance':
          return `advance ${op.ms}`;
      }
    });
}

/**
 * What the conformance driver's Handlers.c does, run against the model for a dispatched call
 * (the simulator's conformance target does the same through its call handlers).
 */
function runConformanceCall(model: DriverModel, requestId: number, name: string, input: Uint8Array | null, counter: { value: bigint }): void {
  switch (name) {
    case 'Echo':
      model.completeCall(requestId, STATUS_SUCCESS, EchoDataCodec.encode(EchoDataCodec.decode(input!)));
      return;
    case 'ReadCounter':
      model.completeCall(requestId, STATUS_SUCCESS, CounterCodec.encode({ value: counter.value }));
      return;
    case 'WriteCounter':
      counter.value = CounterCodec.decode(input!).value;
      model.completeCall(requestId, STATUS_SUCCESS);
      return;
    case 'Ping':
      model.completeCall(requestId, STATUS_SUCCESS);
      return;
    case 'Inject': {
      const request = EmitRequestCodec.decode(input!);
      const channelName = CHANNEL_NAMES[request.channel];
      const kind = channelName && Object.values(device.channels[channelName].events).find((event) => event.id === request.kind);
      if (!channelName || !kind) {
        model.completeCall(requestId, STATUS_INVALID_PARAMETER);
        return;
      }
      const codec = kind.name === 'Large' ? LargeCodec : SmallCodec;
      for (let index = 0; index < request.count; index++) {
        model.emit(channelName, kind.id, (codec as typeof SmallCodec).encode(eventData(kind.name, request.firstTag + BigInt(index)) as never));
      }
      model.completeCall(requestId, STATUS_SUCCESS, CounterCodec.encode({ value: BigInt(request.count) }));
      return;
    }
    default:
      throw new Error(`no conformance handler for ${name}`);
  }
}

const CHANNEL_NAMES = Object.keys(device.channels) as (keyof typeof device.channels)[];

/** A settlement in the harness's line format: `asked T OUTCOME ID ANSWERHEX`. */
export function askedLine(ask: number, outcome: string, id: bigint, answer: Uint8Array): string {
  return `asked ${ask} ${outcome} ${id} ${toHex(answer)}`;
}

/**
 * The model's output in the harness's line format, one list per op: its driver completions
 * (io-manager completions are not the core's) and, in the order they settled among them, its
 * questions' settlements (the verdict trace).
 */
export function modelOutputByOp(ops: readonly Op[]): string[][] {
  const step = modelStepper();
  return ops.map(step);
}

/** A fresh model, run one op at a time: each call returns what that op made (see modelOutputByOp). */
export function modelStepper(): (op: Op) => string[] {
  const model = new DriverModel(device);
  const counter = { value: 0n };
  let completionsSeen = 0;
  let settlementsSeen = 0;
  const askNumbers: number[] = [];
  return (op) => {
    switch (op.op) {
      case 'open':
        model.openHandle(op.handle, op.access, '', op.pid);
        break;
      case 'ask': {
        const name = VERDICT_NAMES[op.verdict];
        if (name === undefined) throw new Error(`modelOutputByOp: the conformance device has no verdict ${op.verdict}`);
        askNumbers.push(op.ask);
        model.ask(name, op.question, { ...(op.pid === 0 ? {} : { askerProcessId: op.pid }), ...((op.flags & ASK_CANNOT_WAIT) !== 0 ? { atPassiveLevel: false } : {}) });
        break;
      }
      case 'advance':
        model.advanceClock(op.ms);
        break;
      case 'subscribe':
        model.submit({ requestId: op.request, handleId: op.handle, code: device.channels[op.channel].code, input: null, outputLength: op.outputLength });
        break;
      case 'emit':
        model.emit(op.channel, op.kind, op.payload);
        break;
      case 'ioctl': {
        const result = model.submit({ requestId: op.request, handleId: op.handle, code: op.code, input: op.input, outputLength: op.outputLength });
        if (result.disposition === 'dispatched') runConformanceCall(model, op.request, result.call.name, op.input, counter);
        break;
      }
      case 'cancel':
        model.cancel(op.request);
        break;
      case 'close':
        model.closeHandle(op.handle);
        break;
    }
    // What this op made: completions and settlements, merged by each settlement's place among completions.
    const trace = model.trace();
    const settlements = model.verdictTrace().slice(settlementsSeen);
    const lines: string[] = [];
    for (let index = completionsSeen; index <= trace.length; index++) {
      for (const entry of settlements.filter((settlement) => settlement.afterCompletions === index)) {
        lines.push(askedLine(askNumbers[entry.ask - 1]!, entry.outcome, entry.id, entry.answer));
      }
      const entry = trace[index];
      if (entry && entry.origin === 'driver') lines.push(completionLine(entry.requestId, entry.status, entry.bytes));
    }
    completionsSeen = trace.length;
    settlementsSeen += settlements.length;
    return lines;
  };
}

export function completionLine(requestId: number, status: number, bytes: Uint8Array): string {
  return `${requestId} ${hex32(status)} ${bytes.byteLength > 0 ? toHex(bytes) : '-'}`;
}

/** The model's output in the harness's line format: completions and settlements, in order. */
export function modelTrace(ops: readonly Op[]): string[] {
  return modelOutputByOp(ops).flat();
}
