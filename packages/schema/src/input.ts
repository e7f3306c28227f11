/**
 * The device schema as a user writes it (JSON, YAML, or TypeScript through `defineDeviceSchema`).
 * Everything here is checked by `validateDeviceSchema`, which turns it into a `DeviceModel`.
 */
import type { OverflowPolicy } from '@inverted-call/codec';

/** A number, or a string holding a decimal or `0x` hexadecimal number (JSON has no hex literals). */
export type NumberLike = number | string;

export type PackValue = 1 | 2 | 4 | 8 | 16;

export type AccessName =
  | 'FILE_ANY_ACCESS'
  | 'FILE_READ_ACCESS'
  | 'FILE_WRITE_ACCESS'
  | 'FILE_READ_ACCESS | FILE_WRITE_ACCESS';

export type MethodName = 'METHOD_BUFFERED' | 'METHOD_IN_DIRECT' | 'METHOD_OUT_DIRECT';

export interface DeviceSchemaInput {
  /** Editors use this to find the JSON Schema; ignored by the tools. */
  $schema?: string;
  device: DeviceInput;
  /** Default packing of every struct (MSVC `#pragma pack`): 1, 2, 4, 8 or 16. Default 8. */
  pack?: PackValue;
  enums?: Record<string, EnumInput>;
  structs?: Record<string, StructInput>;
  calls?: Record<string, CallInput>;
  channels?: Record<string, ChannelInput>;
  verdicts?: Record<string, VerdictInput>;
}

export interface DeviceInput {
  /** PascalCase device name, e.g. `ProcessMonitor`; becomes `\Device\<name>`. */
  name: string;
  description?: string;
  /** Prefix of every C identifier; default: the name in UPPER_SNAKE_CASE. */
  cPrefix?: string;
  /** Symbolic link name; user mode opens `\\.\<symbolicLink>`. Default: the device name. */
  symbolicLink?: string;
  /** A vendor device type 0x8000-0xFFFF, or a named one such as `FILE_DEVICE_UNKNOWN`. */
  deviceType: NumberLike;
  /** Security descriptor of the control device. Default: SYSTEM and Administrators only. */
  sddl?: string;
  /** Resource limits; each one left out takes its default (see DEFAULT_LIMITS). */
  limits?: LimitsInput;
}

export interface LimitsInput {
  /** Open subscriptions (handle, channel) of the device. Default 256. */
  maxSubscriptions?: NumberLike;
  /** Parked requests of one handle: subscribe requests of every channel and ask requests of every verdict together. Default 64. */
  maxParkedPerHandle?: NumberLike;
  /** Ring memory of all subscriptions in bytes (capacity x largest record each). Default 64 MiB. */
  maxRingBytes?: NumberLike;
  /** Ring memory of one subscription in bytes (capacity x largest record); checked per channel. Default 4 MiB. */
  maxRingBytesPerSubscription?: NumberLike;
}

export interface EnumInput {
  description?: string;
  /** The fixed underlying integer type. */
  type: 'u8' | 'u16' | 'u32' | 'i8' | 'i16' | 'i32';
  values: Record<string, NumberLike>;
}

export interface StructInput {
  description?: string;
  /** Packing for this struct only; default: the schema's `pack`. */
  pack?: PackValue;
  fields: FieldInput[];
}

export interface FieldInput {
  name: string;
  /**
   * `u8`..`u64`, `i8`..`i64`, `bool8` (BOOLEAN), `bool32` (BOOL), `guid`, `wchar[N]`, `char[N]`,
   * the name of an enum or struct of this schema, or any of these (but a string) as `T[N]`.
   */
  type: string;
  description?: string;
}

export interface CallInput {
  description?: string;
  /** Vendor function code, 0x800-0xFFA (0xFFB-0xFFE belong to test builds, 0xFFF to the built-in protocol call). */
  function: NumberLike;
  /** Default `METHOD_BUFFERED`. `METHOD_NEITHER` is refused. */
  method?: MethodName;
  /** Required: the access the caller's handle must have. */
  access: AccessName;
  /** Name of the request struct; omit for a call without input. */
  input?: string;
  /** Name of the response struct; omit for a call without output. */
  output?: string;
}

export interface ChannelInput {
  description?: string;
  /** Function code of this channel's subscribe IOCTL. */
  function: NumberLike;
  /** Default `METHOD_BUFFERED`; `METHOD_OUT_DIRECT` suits large batches. */
  method?: 'METHOD_BUFFERED' | 'METHOD_OUT_DIRECT';
  access: AccessName;
  /** Events the driver keeps per subscriber while no request is parked. Default 1024. */
  capacity?: number;
  /** What a full ring does with one more event. Default `drop-newest`. */
  overflow?: OverflowPolicy;
  /** Output buffer size of one subscribe request, in bytes. Default 4096. */
  batchBytes?: number;
  events: Record<string, EventInput>;
}

export interface EventInput {
  description?: string;
  /** Stable kind number 1-65535, written in each record header. */
  id: number;
  /** Name of the struct this event carries. */
  struct: string;
}

/**
 * A verdict: a kernel -> user question with a reply and a deadline. A decider parks ask requests
 * (askFunction), each of which receives one question; it answers with a reply (replyFunction)
 * carrying the question's id. Both IOCTLs are METHOD_BUFFERED.
 */
export interface VerdictInput {
  description?: string;
  /** Function code of the ask IOCTL; shares the 0x800-0xFFA space with calls and channels. */
  askFunction: NumberLike;
  /** Function code of the reply IOCTL. */
  replyFunction: NumberLike;
  /** Required: the access a decider's handle must have, for both IOCTLs. */
  access: AccessName;
  /** Name of the question struct. */
  question: string;
  /** Name of the answer struct. */
  answer: string;
  /** Every question settles within this many milliseconds, 1 to 5000. */
  deadlineMs: number;
  /**
   * The answer used on timeout, without a decider, on a decider's death and past maxPending:
   * values of integer or bool top-level fields of the answer struct; fields left out are 0, except
   * that a process-create verdict's Allow is 1 (fail-open) unless given.
   */
  defaultAnswer?: Record<string, number | string | boolean>;
  /** Unsettled questions (queued + delivered) the verdict holds, 1 to 1024. Default 64. */
  maxPending?: number;
  /** `process-create`: the driver template's process-notify callback asks this verdict on every process creation. */
  on?: VerdictTrigger;
}

/** What makes the driver template ask a verdict by itself. */
export type VerdictTrigger = 'process-create';

/** Identity function that gives a schema written in TypeScript full type checking and completion. */
export function defineDeviceSchema<const T extends DeviceSchemaInput>(schema: T): T {
  return schema;
}
