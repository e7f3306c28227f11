/**
 * Device descriptor v1: what a generated module tells the client runtime about a device. Versioned
 * so a later runtime can accept v1 descriptors beside newer ones.
 */
import type { OverflowPolicy } from './overflow-policy.js';
import type { StructCodec } from './struct.js';

/** FILE_ANY_ACCESS 0, FILE_READ_ACCESS 1, FILE_WRITE_ACCESS 2, both 3: the bits of the IOCTL code. */
export type RequiredAccess = 0 | 1 | 2 | 3;
export type TransferMethod = 'buffered' | 'in-direct' | 'out-direct';

export interface CallDescriptorV1<Input = unknown, Output = unknown> {
  readonly name: string;
  readonly code: number;
  readonly method: TransferMethod;
  readonly requiredAccess: RequiredAccess;
  /** null for a call without input. */
  readonly input: StructCodec<Input> | null;
  /** null for a call without output. */
  readonly output: StructCodec<Output> | null;
}

export interface EventKindDescriptorV1<Data = unknown> {
  readonly name: string;
  readonly id: number;
  readonly codec: StructCodec<Data>;
  /** Header + payload, 8-byte aligned. */
  readonly recordBytes: number;
}

export interface ChannelDescriptorV1 {
  readonly name: string;
  readonly code: number;
  readonly method: TransferMethod;
  readonly requiredAccess: RequiredAccess;
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  /** Default output buffer size of one subscribe request. */
  readonly batchBytes: number;
  readonly maxRecordBytes: number;
  /** Smallest output buffer the driver accepts for this channel (rule R1). */
  readonly minimumOutputBytes: number;
  readonly events: Readonly<Record<string, EventKindDescriptorV1<any>>>;
}

/**
 * One verdict (protocol v2): a kernel -> user question with a reply and a deadline. A decider
 * parks ask requests (askCode) that each receive one question; it answers with a reply (replyCode)
 * carrying the question's id. A question not answered in time settles with `defaultAnswer`.
 */
export interface VerdictDescriptorV1<Question = unknown, Answer = unknown> {
  readonly name: string;
  /** Full IOCTL code of the ask request. */
  readonly askCode: number;
  /** Full IOCTL code of the reply. */
  readonly replyCode: number;
  /** Access both IOCTLs require. */
  readonly requiredAccess: RequiredAccess;
  readonly question: StructCodec<Question>;
  readonly answer: StructCodec<Answer>;
  /** Every question settles no later than this after it was asked (rule V4). */
  readonly deadlineMs: number;
  /** Unsettled questions (queued + delivered) the verdict holds; one more is refused (rule V3). */
  readonly maxPending: number;
  /** The answer on timeout, without a decider, on decider death or refusal; decoded, as the codec gives it. */
  readonly defaultAnswer: Answer;
  /** Output bytes an ask request needs: 16 + question.size. */
  readonly minimumOutputBytes: number;
}

/**
 * The driver's resource limits (the schema's device.limits). A subscribe request that would pass
 * one fails with ERROR_NOT_ENOUGH_QUOTA and creates nothing.
 */
export interface DeviceLimitsV1 {
  /** Open subscriptions (handle, channel) of the device. */
  readonly maxSubscriptions: number;
  /** Parked subscribe requests of one handle, all channels together. */
  readonly maxParkedPerHandle: number;
  /** Ring memory of all subscriptions, in bytes: capacity x maxRecordBytes per subscription. */
  readonly maxRingBytes: number;
}

export interface DeviceDescriptorV1 {
  readonly specificationVersion: 'v1';
  readonly protocolVersion: 2;
  readonly name: string;
  /** What user mode passes to CreateFileW, e.g. `\\.\ProcessMonitor`. */
  readonly devicePath: string;
  readonly deviceType: number;
  /** SHA-256 (hex) of the wire-relevant schema; the protocol-information call returns the driver's. */
  readonly schemaHash: string;
  /** IOCTL code of the built-in protocol-information call. */
  readonly protocolInfoCode: number;
  readonly limits: DeviceLimitsV1;
  readonly calls: Readonly<Record<string, CallDescriptorV1<any, any>>>;
  readonly channels: Readonly<Record<string, ChannelDescriptorV1>>;
  /** `{}` when the schema declares none. */
  readonly verdicts: Readonly<Record<string, VerdictDescriptorV1<any, any>>>;
}

/** Keeps the literal types of a generated descriptor while checking it against the v1 shape. */
export function defineDevice<const Descriptor extends DeviceDescriptorV1>(descriptor: Descriptor): Descriptor {
  return descriptor;
}

/** The typed event union of a channel: `{ kind: 'Created', data: ProcessCreated } | ...`. */
export type ChannelEvent<Channel extends ChannelDescriptorV1> = {
  [Kind in keyof Channel['events'] & string]: {
    readonly kind: Kind;
    readonly data: Channel['events'][Kind] extends EventKindDescriptorV1<infer Data> ? Data : never;
  };
}[keyof Channel['events'] & string];

/** The value a call takes: what its input struct decodes to, or void for a call without input. */
export type CallInputValue<Call> = Call extends CallDescriptorV1<infer Input, any> ? (Call['input'] extends null ? void : Input) : never;
/** The value a call returns: what its output struct decodes to, or void for a call without output. */
export type CallOutputValue<Call> = Call extends CallDescriptorV1<any, infer Output> ? (Call['output'] extends null ? void : Output) : never;
/** What a verdict's question struct decodes to. */
export type VerdictQuestionValue<Verdict> = Verdict extends VerdictDescriptorV1<infer Question, any> ? Question : never;
/** What a verdict's answer struct decodes to. */
export type VerdictAnswerValue<Verdict> = Verdict extends VerdictDescriptorV1<any, infer Answer> ? Answer : never;
