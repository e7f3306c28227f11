/**
 * A device with one verdict, and a small fake DeviceBackendV1 that plays its driver for the
 * decider's tests: it parks ask requests (FIFO across handles, rule V2), delivers the questions a
 * test asks, records every reply and completes it with the status the test chose (rule V5). It
 * does not keep time: the deadline is the decider's business here, and the test's fake clock.
 */
import { DeviceError, type AccessMode, type DeviceBackendV1, type DeviceHandleV1, type IoctlOptions, type IoctlResult } from '@inverted-call/backend';
import {
  VERDICT_QUESTION_HEADER_BYTES,
  VERDICT_REPLY_HEADER_BYTES,
  checkFields,
  checkObject,
  decodeVerdictReply,
  defineDevice,
  defineStruct,
  encodeVerdictQuestion,
  readUtf16,
  writeU32,
  writeUtf16,
  type StructCodec,
  type VerdictDescriptorV1,
} from '@inverted-call/codec';
import { conformanceDevice } from '@inverted-call/conformance-device';
import { encodeProtocolInfo } from '../src/testing.js';

export interface ProcessCreateQuestion {
  processId: number;
  imageName: string;
}

export interface ProcessCreateAnswer {
  allow: number;
}

export const ProcessCreateQuestionCodec: StructCodec<ProcessCreateQuestion> = defineStruct<ProcessCreateQuestion>({
  name: 'ProcessCreateQuestion',
  size: 68,
  alignment: 4,
  fields: new Set(['processId', 'imageName']),
  encodeInto(view, offset, value, path = 'ProcessCreateQuestion') {
    checkObject(value, path, '');
    checkFields(value, path, ProcessCreateQuestionCodec);
    writeU32(view, offset, value.processId, path, 'processId');
    writeUtf16(view, offset + 4, 32, value.imageName, path, 'imageName');
  },
  decodeFrom(view, offset) {
    return { processId: view.getUint32(offset, true), imageName: readUtf16(view, offset + 4, 32) };
  },
});

export const ProcessCreateAnswerCodec: StructCodec<ProcessCreateAnswer> = defineStruct<ProcessCreateAnswer>({
  name: 'ProcessCreateAnswer',
  size: 4,
  alignment: 4,
  fields: new Set(['allow']),
  encodeInto(view, offset, value, path = 'ProcessCreateAnswer') {
    checkObject(value, path, '');
    checkFields(value, path, ProcessCreateAnswerCodec);
    writeU32(view, offset, value.allow, path, 'allow');
  },
  decodeFrom(view, offset) {
    return { allow: view.getUint32(offset, true) };
  },
});

const PROCESS_CREATE: VerdictDescriptorV1<ProcessCreateQuestion, ProcessCreateAnswer> = {
  name: 'ProcessCreate',
  askCode: 0x9c00a080,
  replyCode: 0x9c00a084,
  requiredAccess: 2,
  question: ProcessCreateQuestionCodec,
  answer: ProcessCreateAnswerCodec,
  deadlineMs: 200,
  maxPending: 4,
  defaultAnswer: { allow: 1 },
  minimumOutputBytes: VERDICT_QUESTION_HEADER_BYTES + 68,
};

/** The conformance device (protocol 2) with this file's one verdict in place of its own. */
export const verdictDevice = defineDevice({ ...conformanceDevice, verdicts: { ProcessCreate: PROCESS_CREATE } });
export const VERDICT = verdictDevice.verdicts.ProcessCreate;

export interface RecordedReply {
  handle: number;
  id: bigint;
  answer: ProcessCreateAnswer;
}

interface ParkedAsk {
  handle: FakeHandle;
  outputLength: number;
  deliver(result: IoctlResult): void;
}

/** How the fake driver completes a reply: success, or the DeviceError to fail it with. */
export type ReplyStatus = (reply: RecordedReply) => DeviceError | undefined;

export class FakeVerdictDriver implements DeviceBackendV1 {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'fake verdict driver';
  readonly handles: FakeHandle[] = [];
  readonly replies: RecordedReply[] = [];
  /** Ask requests that ended cancelled (the CancelIoEx path). */
  cancelledAsks = 0;
  replyStatus: ReplyStatus = () => undefined;
  private readonly parked: ParkedAsk[] = [];
  private nextId = 1n;
  /** Set to fail every ask request with this error instead of parking it. */
  askError: DeviceError | undefined;

  async open(path: string, options: { access: AccessMode }): Promise<DeviceHandleV1> {
    await Promise.resolve();
    const handle = new FakeHandle(this, this.handles.length + 1, path, options.access);
    this.handles.push(handle);
    return handle;
  }

  /** Ask requests parked now, of every handle or of one. */
  parkedCount(handle?: number): number {
    return this.parked.filter((ask) => handle === undefined || ask.handle.id === handle).length;
  }

  /** Delivers a question to the ask request that has waited longest; returns its id. */
  ask(question: ProcessCreateQuestion, remainingMs = VERDICT.deadlineMs, raw?: Uint8Array): bigint {
    const ask = this.parked.shift();
    if (!ask) throw new Error('fake driver: no ask request is parked (the test expected a decider to be waiting)');
    const id = this.nextId++;
    const output = raw ?? encodeVerdictQuestion(id, remainingMs, VERDICT.question.encode(question));
    ask.deliver({ output, bytesReturned: output.byteLength });
    return id;
  }

  /** The ioctl of one handle. */
  request(handle: FakeHandle, code: number, input: Uint8Array | null, outputLength: number, signal: AbortSignal | undefined): Promise<IoctlResult> {
    if (code === verdictDevice.protocolInfoCode) {
      const output = encodeProtocolInfo(verdictDevice);
      return Promise.resolve({ output, bytesReturned: output.byteLength });
    }
    if (code === VERDICT.askCode) return this.park(handle, input, outputLength, signal);
    if (code === VERDICT.replyCode) return this.reply(handle, input, outputLength);
    return Promise.reject(new DeviceError('ERROR_INVALID_FUNCTION', { operation: 'fake verdict driver' }));
  }

  /** Cancels every parked ask of a closing handle, as the driver's cleanup would. */
  cancelAll(handle: FakeHandle): void {
    for (const ask of this.parked.filter((parked) => parked.handle === handle)) ask.deliver(undefined as never);
  }

  private park(handle: FakeHandle, input: Uint8Array | null, outputLength: number, signal: AbortSignal | undefined): Promise<IoctlResult> {
    if (input !== null) return Promise.reject(new DeviceError('ERROR_INVALID_PARAMETER', { operation: 'fake ask' }));
    if (outputLength < VERDICT.minimumOutputBytes) return Promise.reject(new DeviceError('ERROR_INSUFFICIENT_BUFFER', { operation: 'fake ask' }));
    if (this.askError) return Promise.reject(this.askError);
    return new Promise((resolve, reject) => {
      const cancel = () => {
        const index = this.parked.indexOf(ask);
        // Already delivered: the question wins over the cancel, as with a real driver.
        if (index < 0) return;
        this.parked.splice(index, 1);
        this.cancelledAsks++;
        reject(new DeviceError('ERROR_OPERATION_ABORTED', { operation: 'fake ask' }));
      };
      const ask: ParkedAsk = {
        handle,
        outputLength,
        deliver: (result) => {
          signal?.removeEventListener('abort', cancel);
          if (result === undefined) return cancel();
          resolve(result);
        },
      };
      this.parked.push(ask);
      if (signal?.aborted) cancel();
      else signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  private async reply(handle: FakeHandle, input: Uint8Array | null, outputLength: number): Promise<IoctlResult> {
    await Promise.resolve();
    if (input === null || input.byteLength !== VERDICT_REPLY_HEADER_BYTES + VERDICT.answer.size || outputLength !== 0) {
      throw new DeviceError('ERROR_INVALID_PARAMETER', { operation: 'fake reply' });
    }
    const { id, answer } = decodeVerdictReply(input);
    const recorded = { handle: handle.id, id, answer: VERDICT.answer.decode(answer) };
    this.replies.push(recorded);
    const refusal = this.replyStatus(recorded);
    if (refusal) throw refusal;
    return { output: new Uint8Array(0), bytesReturned: 0 };
  }
}

export class FakeHandle implements DeviceHandleV1 {
  closed = false;
  private closing: Promise<void> | undefined;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly driver: FakeVerdictDriver,
    readonly id: number,
    readonly path: string,
    readonly access: AccessMode,
  ) {}

  ioctl(code: number, input: Uint8Array | null, outputLength: number, options: IoctlOptions = {}): Promise<IoctlResult> {
    if (this.closing) return Promise.reject(new DeviceError('ERROR_INVALID_HANDLE', { operation: 'fake handle' }));
    const result = this.driver.request(this, code, input, outputLength, options.signal);
    this.pending.add(result);
    const forget = () => this.pending.delete(result);
    result.then(forget, forget);
    return result;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.driver.cancelAll(this);
      await Promise.allSettled([...this.pending]);
      this.closed = true;
    })();
    return this.closing;
  }
}

/** Lets every promise chain that is ready run to its end (no timers involved). */
export async function flush(turns = 20): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await Promise.resolve();
}
