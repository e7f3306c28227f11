/**
 * The validated device model: what every generator consumes. Names are resolved, numbers are
 * numbers, structs are in dependency order and every struct carries its layout for each target.
 */
import type { OverflowPolicy } from '@inverted-call/codec';
import type { PackValue, VerdictTrigger } from './input.js';

export type Arch = 'x64' | 'x86';
export const ARCHES: readonly Arch[] = ['x64', 'x86'];

export type PrimitiveName =
  | 'u8' | 'u16' | 'u32' | 'u64'
  | 'i8' | 'i16' | 'i32' | 'i64'
  | 'bool8' | 'bool32';

export type TypeRef =
  | { kind: 'primitive'; name: PrimitiveName }
  | { kind: 'string'; encoding: 'utf16' | 'latin1'; length: number }
  | { kind: 'guid' }
  | { kind: 'enum'; name: string }
  | { kind: 'struct'; name: string }
  | { kind: 'array'; element: Exclude<TypeRef, { kind: 'array' } | { kind: 'string' }>; length: number };

export interface Layout {
  size: number;
  alignment: number;
}

export interface FieldModel {
  /** As written in the schema. */
  name: string;
  /** PascalCase, for C. */
  cName: string;
  /** camelCase, for TypeScript. */
  tsName: string;
  type: TypeRef;
  /** The type as written, for messages and comments. */
  typeText: string;
  description?: string;
}

export interface StructLayout extends Layout {
  /** Offset of each field, in field order. */
  offsets: number[];
}

export interface StructModel {
  name: string;
  cName: string;
  pack: PackValue;
  fields: FieldModel[];
  layout: Record<Arch, StructLayout>;
  description?: string;
}

export interface EnumModel {
  name: string;
  cName: string;
  underlying: 'u8' | 'u16' | 'u32' | 'i8' | 'i16' | 'i32';
  members: { name: string; cName: string; value: number }[];
  description?: string;
}

export type AccessBits = 0 | 1 | 2 | 3;
export type MethodValue = 0 | 1 | 2;

export interface IoctlModel {
  function: number;
  method: MethodValue;
  /** FILE_ANY_ACCESS 0, FILE_READ_ACCESS 1, FILE_WRITE_ACCESS 2, both 3. */
  access: AccessBits;
  /** The CTL_CODE value. */
  code: number;
  /** Name of the C macro, e.g. `IOCTL_PROCESS_MONITOR_GET_VERSION`. */
  cName: string;
}

export interface CallModel {
  name: string;
  ioctl: IoctlModel;
  input?: string;
  output?: string;
  description?: string;
}

export interface EventModel {
  name: string;
  id: number;
  struct: string;
  /** Name of the C constant holding the kind id. */
  cName: string;
  /** Bytes one record of this event takes in a batch (header + payload, 8-byte aligned). */
  recordBytes: number;
  description?: string;
}

export interface ChannelModel {
  name: string;
  cName: string;
  ioctl: IoctlModel;
  capacity: number;
  overflow: OverflowPolicy;
  batchBytes: number;
  /** Largest record of any event kind of this channel. */
  maxRecordBytes: number;
  /** Smallest output buffer a subscribe request may have (rule R1): batch header + largest record. */
  minimumOutputBytes: number;
  events: EventModel[];
  description?: string;
}

/** A value of one field of a verdict's default answer, as the TS codec spells it. */
export interface VerdictDefaultValue {
  /** The field's name as written in the schema. */
  field: string;
  value: number | bigint | boolean;
}

export interface VerdictModel {
  name: string;
  /** Prefix of this verdict's C macros, e.g. `PROCMON_VERDICT_PROCESS_CREATE`. */
  cName: string;
  /** The decider's ask IOCTL (METHOD_BUFFERED): a parked request that receives one question. */
  ask: IoctlModel;
  /** The reply IOCTL (METHOD_BUFFERED): input = reply header + answer. */
  reply: IoctlModel;
  /** Struct names. */
  question: string;
  answer: string;
  /** sizeof the question and answer structs (the same on x64 and x86). */
  questionBytes: number;
  answerBytes: number;
  /** Smallest output buffer of an ask request: question header + question. */
  askOutputBytes: number;
  /** The exact input length of a reply: reply header + answer. */
  replyInputBytes: number;
  deadlineMs: number;
  maxPending: number;
  /** The fields the default answer sets (all others are 0), in the answer struct's field order. */
  defaultAnswer: VerdictDefaultValue[];
  /** The default answer as bytes of the answer struct (little-endian, its layout), answerBytes long. */
  defaultAnswerBytes: number[];
  on?: VerdictTrigger;
  description?: string;
}

/** Per-device resource limits (`device.limits`); going past one fails a subscribe request with ERROR_NOT_ENOUGH_QUOTA. */
export interface DeviceLimits {
  /** Open subscriptions (handle, channel) of the device. */
  maxSubscriptions: number;
  /** Parked requests of one handle: subscribe requests of every channel and ask requests of every verdict together. */
  maxParkedPerHandle: number;
  /** Ring memory of all subscriptions, in bytes: capacity x maxRecordBytes per subscription. */
  maxRingBytes: number;
  /**
   * Ring memory of one subscription, in bytes. Checked against every channel when the schema is
   * validated (a channel's ring size is fixed by the schema), so the driver needs no copy of it.
   */
  maxRingBytesPerSubscription: number;
}

export interface DeviceModel {
  name: string;
  cPrefix: string;
  symbolicLink: string;
  deviceType: { value: number; cName?: string };
  sddl: string;
  limits: DeviceLimits;
  pack: PackValue;
  enums: EnumModel[];
  /** Dependency order: a struct comes after every struct it contains. */
  structs: StructModel[];
  calls: CallModel[];
  channels: ChannelModel[];
  /** In schema order; the protocol information reports them in this order. */
  verdicts: VerdictModel[];
  /** The built-in protocol-information call (rule R7). */
  protocolInfo: IoctlModel;
  /** SHA-256 (hex) of everything that decides the bytes on the wire. */
  schemaHash: string;
  description?: string;
}
