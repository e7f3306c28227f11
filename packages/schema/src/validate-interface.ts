/** Validates `calls` and `channels`: IOCTL codes, access, methods, event kinds and batch sizes. */
import { BATCH_HEADER_BYTES, RECORD_ALIGNMENT, ctlCode, isOverflowPolicy, recordBytes } from '@inverted-call/codec';
import { IssueList, closest, joinPath } from './errors.js';
import {
  METHODS,
  RESERVED_FUNCTIONS,
  SCHEMA_FUNCTION_MAX,
  VENDOR_FUNCTION_MIN,
  hex,
  nextFreeFunction,
  parseAccess,
  parseNumberLike,
} from './ioctl.js';
import { alignUp } from './layout.js';
import type { AccessBits, CallModel, ChannelModel, EventModel, IoctlModel, MethodValue, StructModel } from './model.js';
import { PASCAL_NAME, upperSnake } from './names.js';
import { describeValue, isObject, readInteger, readNamedMap, readObject, readOptionalDescription, readString, type JsonObject } from './validate-helpers.js';

export const DEFAULT_CAPACITY = 1024;
export const MAX_CAPACITY = 1 << 20;
export const DEFAULT_BATCH_BYTES = 4096;
export const MAX_BATCH_BYTES = 1 << 20;

const PASCAL_RULE = 'use PascalCase letters and digits, starting with a capital letter, e.g. GetVersion';

export interface Context {
  cPrefix: string;
  deviceType: number;
  structs: ReadonlyMap<string, StructModel>;
  /** Every name under `structs`, including ones that failed validation (already reported). */
  declaredStructs: ReadonlySet<string>;
  enumNames: ReadonlySet<string>;
}

/**
 * Function codes shared by calls and channels: which path claimed each, and every code the document
 * writes or a fix has already suggested, so a suggested code is free of both.
 */
export interface FunctionClaims {
  claimed: Map<number, { path: string; code: number }>;
  used: Set<number>;
}

/** The keys that hold a function code: `function` of calls and channels, the two of a verdict. */
const FUNCTION_KEYS = ['function', 'askFunction', 'replyFunction'] as const;

/** The claims before any IOCTL is read: every function code written under `calls`, `channels` and `verdicts`. */
export function functionClaims(...maps: unknown[]): FunctionClaims {
  const used = new Set<number>(RESERVED_FUNCTIONS.keys());
  for (const map of maps) {
    if (!isObject(map)) continue;
    for (const entry of Object.values(map)) {
      if (!isObject(entry)) continue;
      for (const key of FUNCTION_KEYS) {
        const code = parseNumberLike(entry[key]);
        if (code !== undefined) used.add(code);
      }
    }
  }
  return { claimed: new Map(), used };
}

/** A free function code after `after`, as the schema writes it (e.g. "0x802"), reserved for this fix. */
export function suggestFunction(claims: FunctionClaims, after?: number): string {
  const code = nextFreeFunction(claims.used, after);
  if (code === undefined) return 'none is free: remove a call, channel or verdict';
  claims.used.add(code);
  return `"${hex(code)}"`;
}

export const FUNCTION_RANGE = `${hex(VENDOR_FUNCTION_MIN)} to ${hex(SCHEMA_FUNCTION_MAX)}`;

function readIoctl(
  issues: IssueList,
  entry: JsonObject,
  path: string,
  cName: string,
  context: Context,
  claims: FunctionClaims,
  allowedMethods: readonly string[],
): IoctlModel | undefined {
  const functionPath = joinPath(path, 'function');
  const functionCode = readFunctionCode(issues, entry.function, functionPath, claims);
  let method: MethodValue = 0;
  if (entry.method !== undefined) {
    const methodText = readString(issues, entry.method, joinPath(path, 'method'), 'method');
    if (methodText === 'METHOD_NEITHER') {
      issues.add(joinPath(path, 'method'), 'METHOD_NEITHER hands the driver raw user addresses that it must probe and lock itself', `use ${allowedMethods.join(' or ')}; the I/O manager then validates the buffers`);
      return undefined;
    }
    if (methodText !== undefined && !allowedMethods.includes(methodText)) {
      issues.add(joinPath(path, 'method'), `method "${methodText}" is not allowed here`, `use ${allowedMethods.join(' or ')}`);
      return undefined;
    }
    if (methodText !== undefined) method = METHODS[methodText]!;
  }
  const access = readAccess(issues, entry, path);
  if (functionCode === undefined || access === undefined) return undefined;
  return claimIoctl(issues, { functionCode, method, access, cName, path, functionPath }, context, claims);
}

/** The `access` of a call, channel or verdict; undefined (reported) when unknown, undefined (already reported) when missing. */
export function readAccess(issues: IssueList, entry: JsonObject, path: string): AccessBits | undefined {
  if (entry.access === undefined) return undefined;
  const accessText = readString(issues, entry.access, joinPath(path, 'access'), 'access');
  if (accessText === undefined) return undefined;
  const access = parseAccess(accessText);
  if (access === undefined) {
    issues.add(joinPath(path, 'access'), `access "${accessText}" is not one of the known names`, 'use "FILE_READ_ACCESS", "FILE_WRITE_ACCESS", "FILE_READ_ACCESS | FILE_WRITE_ACCESS", or "FILE_ANY_ACCESS"');
  }
  return access;
}

/**
 * Claims a function code for one IOCTL (`path` names its owner in messages) and builds its model;
 * undefined, with the issue at `functionPath`, when another IOCTL of the schema has the code.
 */
export function claimIoctl(
  issues: IssueList,
  ioctl: { functionCode: number; method: MethodValue; access: AccessBits; cName: string; path: string; functionPath: string },
  context: Pick<Context, 'deviceType'>,
  claims: FunctionClaims,
): IoctlModel | undefined {
  const { functionCode, method, access, cName, path, functionPath } = ioctl;
  const code = ctlCode(context.deviceType, functionCode, method, access);
  const previous = claims.claimed.get(functionCode);
  if (previous) {
    const message = previous.code === code
      ? `function code ${hex(functionCode)} gives IOCTL code ${hex(code, 8)}, already used by ${previous.path}`
      : `function code ${hex(functionCode)} overlaps ${previous.path}: same function, other method or access (IOCTL ${hex(code, 8)} vs ${hex(previous.code, 8)}), so a dispatcher keyed on the function number cannot tell them apart`;
    issues.add(functionPath, message, `give every call, channel and verdict IOCTL its own function code: the next free one is ${suggestFunction(claims, functionCode)}`);
    return undefined;
  }
  claims.claimed.set(functionCode, { path, code });
  return { function: functionCode, method, access, code, cName };
}

/**
 * A vendor function code, 0x800-0xFFA. The reserved top (RESERVED_FUNCTIONS) gets its own message
 * naming its owner; a missing code was already reported by `readObject`.
 */
export function readFunctionCode(issues: IssueList, value: unknown, path: string, claims: FunctionClaims): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseNumberLike(value);
  const owner = parsed === undefined ? undefined : RESERVED_FUNCTIONS.get(parsed);
  if (owner !== undefined) {
    issues.add(path, `function code ${hex(parsed!)} is reserved for ${owner}`, `use a free code from ${FUNCTION_RANGE}, e.g. ${suggestFunction(claims)}`);
    return undefined;
  }
  return readInteger(issues, value, path, 'function code', { min: VENDOR_FUNCTION_MIN, max: SCHEMA_FUNCTION_MAX, format: 'hex' });
}

/** The fix for a call or channel without a function code. */
const missingFunctionFix = (claims: FunctionClaims) => ({
  function: () => `give a vendor function code from ${FUNCTION_RANGE} that no other call or channel uses, e.g. ${suggestFunction(claims)}`,
});

export function readStructName(issues: IssueList, value: unknown, path: string, context: Context, role: string): string | undefined | null {
  if (value === undefined || value === null) return undefined;
  const name = readString(issues, value, path, `the ${role} struct name`);
  if (name === undefined) return null;
  if (context.enumNames.has(name)) {
    issues.add(path, `"${name}" is an enum; ${role} must be a struct`, `declare a struct with one field of type ${name} and name that struct here`);
    return null;
  }
  if (!context.declaredStructs.has(name)) {
    const known = [...context.declaredStructs];
    const suggestion = closest(name, known);
    const fix = suggestion
      ? `did you mean "${suggestion}"? Otherwise declare struct ${name} under structs`
      : known.length ? `declare it under structs, or use one of: ${known.join(', ')}` : `declare struct ${name} under structs`;
    issues.add(path, `no struct named "${name}"`, fix);
    return null;
  }
  return context.structs.has(name) ? name : null;
}

export function validateCalls(issues: IssueList, value: unknown, context: Context, claims: FunctionClaims): CallModel[] {
  const result: CallModel[] = [];
  for (const [name, raw] of readNamedMap(issues, value, 'calls', 'calls', PASCAL_NAME, PASCAL_RULE)) {
    const path = joinPath('calls', name);
    const entry = readObject(issues, raw, path, { required: ['function', 'access'], optional: ['description', 'method', 'input', 'output'] }, `call ${name}`, missingFunctionFix(claims));
    if (!entry) continue;
    const description = readOptionalDescription(issues, entry, path);
    const ioctl = readIoctl(issues, entry, path, `IOCTL_${context.cPrefix}_${upperSnake(name)}`, context, claims, ['METHOD_BUFFERED', 'METHOD_IN_DIRECT', 'METHOD_OUT_DIRECT']);
    const input = readStructName(issues, entry.input, joinPath(path, 'input'), context, 'input');
    let output = readStructName(issues, entry.output, joinPath(path, 'output'), context, 'output');
    if (ioctl?.method === METHODS.METHOD_IN_DIRECT && output !== undefined) {
      // Windows maps an IN_DIRECT call's second buffer for read access only: the driver writing
      // its output there would let any caller make the kernel write into read-only memory.
      issues.add(
        joinPath(path, 'output'),
        `call ${name} is METHOD_IN_DIRECT, whose second buffer Windows locks for read access only, so the driver must not write an output struct into it`,
        'use METHOD_OUT_DIRECT or METHOD_BUFFERED for a call that returns a struct, or drop the output',
      );
      output = null;
    }
    if (!ioctl || input === null || output === null) continue;
    result.push({ name, ioctl, input, output, description });
  }
  return result;
}

export function validateChannels(issues: IssueList, value: unknown, context: Context, claims: FunctionClaims): ChannelModel[] {
  const result: ChannelModel[] = [];
  for (const [name, raw] of readNamedMap(issues, value, 'channels', 'channels', PASCAL_NAME, 'use PascalCase letters and digits, starting with a capital letter, e.g. Process')) {
    const path = joinPath('channels', name);
    const entry = readObject(
      issues,
      raw,
      path,
      { required: ['function', 'access', 'events'], optional: ['description', 'method', 'capacity', 'overflow', 'batchBytes'] },
      `channel ${name}`,
      missingFunctionFix(claims),
    );
    if (!entry) continue;
    const description = readOptionalDescription(issues, entry, path);
    const channelCName = `${context.cPrefix}_${upperSnake(name)}`;
    const ioctl = readIoctl(issues, entry, path, `IOCTL_${context.cPrefix}_SUBSCRIBE_${upperSnake(name)}`, context, claims, ['METHOD_BUFFERED', 'METHOD_OUT_DIRECT']);
    const capacity = entry.capacity === undefined
      ? DEFAULT_CAPACITY
      : readInteger(issues, entry.capacity, joinPath(path, 'capacity'), 'ring capacity', { min: 1, max: MAX_CAPACITY });
    let overflow: ChannelModel['overflow'] | undefined = 'drop-newest';
    if (entry.overflow !== undefined && !isOverflowPolicy(entry.overflow)) {
      issues.add(joinPath(path, 'overflow'), `overflow policy ${describeValue(entry.overflow)} is unknown`, 'use "drop-newest" (keep what is queued) or "drop-oldest" (keep the latest)');
      overflow = undefined;
    } else if (entry.overflow !== undefined) {
      overflow = entry.overflow;
    }
    let batchBytes = entry.batchBytes === undefined
      ? DEFAULT_BATCH_BYTES
      : readInteger(issues, entry.batchBytes, joinPath(path, 'batchBytes'), 'batchBytes', { min: BATCH_HEADER_BYTES + recordBytes(0), max: MAX_BATCH_BYTES });
    const events = validateEvents(issues, entry.events, joinPath(path, 'events'), channelCName, context);
    const maxRecordBytes = events ? Math.max(...events.map((event) => event.recordBytes)) : 0;
    // The smallest batch that holds every record; records are 8-byte multiples, and so is the header.
    const minimumOutputBytes = BATCH_HEADER_BYTES + maxRecordBytes;
    const largest = events?.find((event) => event.recordBytes === maxRecordBytes);
    if (batchBytes !== undefined && batchBytes % RECORD_ALIGNMENT !== 0) {
      // The suggestion must pass the record check below too, so it is at least the smallest batch.
      const suggestion = Math.max(alignUp(batchBytes, RECORD_ALIGNMENT), minimumOutputBytes);
      issues.add(
        joinPath(path, 'batchBytes'),
        `batchBytes ${batchBytes} is not a multiple of ${RECORD_ALIGNMENT} (records are ${RECORD_ALIGNMENT}-byte aligned)`,
        suggestion <= MAX_BATCH_BYTES ? `use ${suggestion}` : `use a multiple of ${RECORD_ALIGNMENT}, and ${shrinkToFitBatch(largest!.struct)}`,
      );
      batchBytes = undefined;
    }
    if (!ioctl || capacity === undefined || overflow === undefined || batchBytes === undefined || !events) continue;
    let fits = true;
    for (const event of events) {
      if (BATCH_HEADER_BYTES + event.recordBytes > batchBytes) {
        // One figure for every event that does not fit: the smallest batch that holds them all.
        issues.add(
          joinPath(joinPath(joinPath(path, 'events'), event.name), 'struct'),
          `event ${event.name} (struct ${event.struct}, ${event.recordBytes}-byte record) does not fit a ${batchBytes}-byte batch buffer with its ${BATCH_HEADER_BYTES}-byte header`,
          minimumOutputBytes <= MAX_BATCH_BYTES
            ? `raise ${joinPath(path, 'batchBytes')} to at least ${minimumOutputBytes}, or make struct ${event.struct} smaller`
            : shrinkToFitBatch(event.struct),
        );
        fits = false;
      }
    }
    if (!fits) continue;
    result.push({ name, cName: channelCName, ioctl, capacity, overflow, batchBytes, maxRecordBytes, minimumOutputBytes, events, description });
  }
  return result;
}

/** The fix for a record no batch can hold: the largest payload the largest batch carries. */
function shrinkToFitBatch(struct: string): string {
  const payload = MAX_BATCH_BYTES - BATCH_HEADER_BYTES - recordBytes(0);
  return `make struct ${struct} at most ${payload} bytes: with its record header and the batch header it must fit the largest batch, ${MAX_BATCH_BYTES} bytes`;
}

function validateEvents(issues: IssueList, value: unknown, path: string, channelCName: string, context: Context): EventModel[] | undefined {
  if (isObject(value) && Object.keys(value).length === 0) {
    issues.add(path, 'a channel needs at least one event kind', 'add one, e.g. "Created": { "id": 1, "struct": "ProcessCreated" }');
    return undefined;
  }
  const events: EventModel[] = [];
  const ids = new Map<number, string>();
  let ok = isObject(value);
  for (const [name, raw] of readNamedMap(issues, value, path, 'events', PASCAL_NAME, 'use PascalCase letters and digits, e.g. Created')) {
    const eventPath = joinPath(path, name);
    const entry = readObject(issues, raw, eventPath, { required: ['id', 'struct'], optional: ['description'] }, `event ${name}`);
    if (!entry) {
      ok = false;
      continue;
    }
    const description = readOptionalDescription(issues, entry, eventPath);
    const id = entry.id === undefined ? undefined : readInteger(issues, entry.id, joinPath(eventPath, 'id'), 'event kind id', { min: 1, max: 0xffff });
    const struct = readStructName(issues, entry.struct, joinPath(eventPath, 'struct'), context, 'event');
    if (id !== undefined && ids.has(id)) {
      issues.add(joinPath(eventPath, 'id'), `event kind id ${id} is already used by event ${ids.get(id)} of this channel`, 'give every event kind of a channel its own id');
      ok = false;
      continue;
    }
    if (id === undefined || !struct) {
      ok = false;
      continue;
    }
    ids.set(id, name);
    const payload = context.structs.get(struct)!.layout.x64.size;
    events.push({ name, id, struct, cName: `${channelCName}_KIND_${upperSnake(name)}`, recordBytes: recordBytes(payload), description });
  }
  return ok && events.length > 0 ? events : undefined;
}
