/**
 * `@inverted-call/client/testing`: a recording mock backend for users' own unit tests. It records
 * every open, IOCTL and close, and answers each IOCTL code with a value, a function, or a list of
 * answers used in turn. With a descriptor it also answers the protocol-information call, so
 * `openDevice` works against it unchanged.
 */
import { DeviceError, type AccessMode, type DeviceBackendV1, type DeviceHandleV1, type IoctlOptions, type IoctlResult } from '@inverted-call/backend';
import { decodeVerdictReply, encodeVerdictQuestion, freshVerdictInfo, schemaHashBytes, writeBatch, writeProtocolInfo, type ChannelDescriptorV1, type DeviceDescriptorV1, type VerdictDescriptorV1 } from '@inverted-call/codec';

export interface RecordedIoctl {
  handle: number;
  code: number;
  input: Uint8Array | null;
  outputLength: number;
  signal: AbortSignal | undefined;
}

/** Bytes to return, a full result, an error to reject with, or a function computing one of these. */
export type MockAnswer = Uint8Array | IoctlResult | Error;
export type MockResponder = MockAnswer | ((call: RecordedIoctl) => MockAnswer | Promise<MockAnswer>) | MockAnswer[];

export interface RecordingBackendOptions {
  /** Answers by IOCTL code. An unlisted code rejects with ERROR_INVALID_FUNCTION, as a driver would. */
  responses?: Record<number, MockResponder>;
  /** Answer the protocol-information call as a driver built from this descriptor would. */
  descriptor?: DeviceDescriptorV1;
}

export class RecordingBackend implements DeviceBackendV1 {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'recording mock';
  readonly opens: { path: string; access: AccessMode }[] = [];
  readonly ioctls: RecordedIoctl[] = [];
  closes = 0;
  private readonly responses: Record<number, MockResponder>;
  private readonly cursors = new Map<number, number>();

  constructor(options: RecordingBackendOptions = {}) {
    this.responses = { ...options.responses };
    if (options.descriptor && this.responses[options.descriptor.protocolInfoCode] === undefined) {
      this.responses[options.descriptor.protocolInfoCode] = encodeProtocolInfo(options.descriptor);
    }
  }

  async open(path: string, options: { access: AccessMode }): Promise<DeviceHandleV1> {
    await Promise.resolve();
    this.opens.push({ path, access: options.access });
    return new RecordingHandle(this, this.opens.length, path, options.access);
  }

  /** The answer for one recorded call. */
  async answer(call: RecordedIoctl): Promise<IoctlResult> {
    const responder = this.responses[call.code];
    let answer: MockAnswer;
    if (responder === undefined) {
      answer = new DeviceError('ERROR_INVALID_FUNCTION', { operation: `IOCTL 0x${call.code.toString(16).toUpperCase()}`, detail: 'no mock response for this code' });
    } else if (Array.isArray(responder)) {
      const index = this.cursors.get(call.code) ?? 0;
      this.cursors.set(call.code, index + 1);
      answer = responder[index] ?? new Error(`recording mock: only ${responder.length} answers were given for IOCTL 0x${call.code.toString(16)}, call ${index + 1} has none`);
    } else if (typeof responder === 'function') {
      answer = await responder(call);
    } else {
      answer = responder;
    }
    if (answer instanceof Error) throw answer;
    if (answer instanceof Uint8Array) return { output: answer.slice(0, call.outputLength), bytesReturned: Math.min(answer.byteLength, call.outputLength) };
    return answer;
  }
}

class RecordingHandle implements DeviceHandleV1 {
  private closed: Promise<void> | undefined;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly backend: RecordingBackend,
    private readonly id: number,
    readonly path: string,
    readonly access: AccessMode,
  ) {}

  ioctl(code: number, input: Uint8Array | null, outputLength: number, options: IoctlOptions = {}): Promise<IoctlResult> {
    const call: RecordedIoctl = { handle: this.id, code, input: input ? input.slice() : null, outputLength, signal: options.signal };
    const result = (async () => {
      await Promise.resolve();
      if (this.closed) throw new DeviceError('ERROR_INVALID_HANDLE', { operation: 'recording mock' });
      this.backend.ioctls.push(call);
      return withCancellation(this.backend.answer(call), options.signal);
    })();
    this.pending.add(result);
    const forget = () => this.pending.delete(result);
    result.then(forget, forget);
    return result;
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.backend.closes++;
      await Promise.allSettled([...this.pending]);
    })();
    return this.closed;
  }
}

/**
 * A parked request is cancelled when its signal aborts, as CancelIoEx would cancel it; an answer
 * that came first wins, so the mock never loses a result either.
 */
function withCancellation(answer: Promise<IoctlResult>, signal: AbortSignal | undefined): Promise<IoctlResult> {
  if (!signal) return answer;
  return new Promise((resolve, reject) => {
    const cancel = () => reject(new DeviceError('ERROR_OPERATION_ABORTED', { operation: 'recording mock' }));
    if (signal.aborted) return cancel();
    signal.addEventListener('abort', cancel, { once: true });
    const done = () => signal.removeEventListener('abort', cancel);
    answer.then((result) => (done(), resolve(result)), (error: unknown) => (done(), reject(error)));
  });
}

/** The protocol-information answer of a driver built from `descriptor`, its verdict counters at 0. */
export function encodeProtocolInfo(descriptor: DeviceDescriptorV1): Uint8Array {
  const verdicts = Object.values(descriptor.verdicts).map(freshVerdictInfo);
  return writeProtocolInfo(schemaHashBytes(descriptor.schemaHash), Object.values(descriptor.channels), verdicts);
}

export interface BatchRecord {
  sequence: bigint;
  kind: string;
  data: unknown;
}

/**
 * A completed subscribe request's output, as protocol v1 lays it out. `flags` defaults to 0, what
 * a driver that never sets `BATCH_FLAG_RING_EMPTY` sends; pass that bit to script one that does.
 */
export function encodeBatch(channel: ChannelDescriptorV1, records: readonly BatchRecord[], droppedTotal = 0n, flags = 0): Uint8Array {
  return writeBatch(
    records.map((record) => {
      const event = eventOf(channel, record.kind);
      return { sequence: record.sequence, kindId: event.id, payload: event.codec.encode(record.data) };
    }),
    droppedTotal,
    flags,
  );
}

function eventOf(channel: ChannelDescriptorV1, kind: string) {
  const event = channel.events[kind];
  if (!event) throw new Error(`channel ${channel.name} has no event kind ${kind}`);
  return event;
}

/** A completed ask request's output: the question header (`id`, `remainingMs`) and the encoded question. */
export function encodeQuestion<Question>(verdict: VerdictDescriptorV1<Question, any>, id: bigint, question: Question, remainingMs = verdict.deadlineMs): Uint8Array {
  return encodeVerdictQuestion(id, remainingMs, verdict.question.encode(question));
}

/** What a decider sent as a reply: the question's id and the decoded answer. */
export function decodeReply<Answer>(verdict: VerdictDescriptorV1<any, Answer>, input: Uint8Array): { id: bigint; answer: Answer } {
  const { id, answer } = decodeVerdictReply(input);
  return { id, answer: verdict.answer.decode(answer) };
}
