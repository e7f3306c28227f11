/**
 * Every C identifier a generated header defines, with the schema path that owns it. The validator
 * uses this list to refuse collisions (a struct named DeviceType would redefine the device-type
 * macro); the C emitter uses the same suffixes, so the two cannot drift. This module also owns the
 * identifiers a schema may not produce at all: C's reserved spellings and the names the Windows
 * headers (included before every generated header) and the driver template already define.
 */
import { joinPath } from './errors.js';
import type { DeviceModel } from './model.js';
import { PROTOCOL_C_PREFIX } from './protocol.js';
import { PRIMITIVES } from './types.js';

export const DEVICE_MACRO_SUFFIXES = [
  'PUBLIC_H',
  'DEVICE_NAME',
  'SYMBOLIC_LINK_NAME',
  'DEVICE_PATH',
  'DEVICE_TYPE',
  'SDDL',
  'SCHEMA_HASH_STRING',
  'SCHEMA_HASH_INITIALIZER',
  'CHANNEL_COUNT',
  'VERDICT_COUNT',
  'PROTOCOL_INFO_OUTPUT_BYTES',
  'MAX_SUBSCRIPTIONS',
  'MAX_PARKED_PER_HANDLE',
  'MAX_RING_BYTES',
] as const;

export const CHANNEL_MACRO_SUFFIXES = ['INDEX', 'CAPACITY', 'OVERFLOW_POLICY', 'BATCH_BYTES', 'MAX_RECORD_BYTES', 'MINIMUM_OUTPUT_BYTES'] as const;

/** Macros of one verdict, after its cName `<PREFIX>_VERDICT_<NAME>`. */
export const VERDICT_MACRO_SUFFIXES = ['INDEX', 'DEADLINE_MS', 'MAX_PENDING', 'ASK_OUTPUT_BYTES', 'REPLY_INPUT_BYTES', 'DEFAULT_ANSWER_INITIALIZER'] as const;

export function verdictMacro(verdictCName: string, suffix: (typeof VERDICT_MACRO_SUFFIXES)[number]): string {
  return `${verdictCName}_${suffix}`;
}

export function deviceMacro(model: Pick<DeviceModel, 'cPrefix'>, suffix: (typeof DEVICE_MACRO_SUFFIXES)[number]): string {
  return `${model.cPrefix}_${suffix}`;
}

export function channelMacro(channelCName: string, suffix: (typeof CHANNEL_MACRO_SUFFIXES)[number]): string {
  return `${channelCName}_${suffix}`;
}

/** One generated identifier; `structTag` marks the `_NAME` tag of `typedef struct _NAME {...} NAME`. */
export interface GeneratedCIdentifier {
  identifier: string;
  path: string;
  structTag?: true;
}

export function collectCIdentifiers(model: DeviceModel): GeneratedCIdentifier[] {
  const result: GeneratedCIdentifier[] = [];
  for (const suffix of DEVICE_MACRO_SUFFIXES) result.push({ identifier: deviceMacro(model, suffix), path: '' });
  result.push({ identifier: model.protocolInfo.cName, path: '' });
  for (const entry of model.enums) {
    const path = joinPath('enums', entry.name);
    result.push({ identifier: entry.cName, path });
    for (const member of entry.members) result.push({ identifier: member.cName, path: joinPath(joinPath(path, 'values'), member.name) });
  }
  for (const struct of model.structs) {
    const path = joinPath('structs', struct.name);
    result.push({ identifier: struct.cName, path }, { identifier: `P${struct.cName}`, path }, { identifier: `_${struct.cName}`, path, structTag: true });
  }
  for (const call of model.calls) result.push({ identifier: call.ioctl.cName, path: joinPath('calls', call.name) });
  for (const channel of model.channels) {
    const path = joinPath('channels', channel.name);
    result.push({ identifier: channel.ioctl.cName, path });
    for (const suffix of CHANNEL_MACRO_SUFFIXES) result.push({ identifier: channelMacro(channel.cName, suffix), path });
    for (const event of channel.events) result.push({ identifier: event.cName, path: joinPath(joinPath(path, 'events'), event.name) });
  }
  for (const verdict of model.verdicts) {
    const path = joinPath('verdicts', verdict.name);
    result.push({ identifier: verdict.ask.cName, path }, { identifier: verdict.reply.cName, path });
    for (const suffix of VERDICT_MACRO_SUFFIXES) result.push({ identifier: verdictMacro(verdict.cName, suffix), path });
  }
  return result;
}

/*
 * Names a generated header may not produce. The header is compiled after <ntddk.h>/<wdm.h> in the
 * driver and after <windows.h>/<winioctl.h> in user mode, in C and in C++, so:
 * - an object-like macro of those headers rewrites the token wherever it appears (a member named
 *   NULL becomes `UINT32 ((void *)0);`); the function-like ones are listed too, so a name never
 *   depends on whether a parenthesis happens to follow it;
 * - a type name those headers declare breaks C++ (a member named UINT32 hides the type for the
 *   rest of the struct) and misleads in C; the header's own member types come from PRIMITIVES.
 * The lists hold the names a schema can reach: member names are a field name with its first
 * letter capitalised (letters and digits only), every other identifier is `<cPrefix>_<NAME>`.
 * Lowercase C keywords and Windows' lowercase min/max can therefore never be produced.
 */
const WINDOWS_MACROS = [
  // ntdef.h / minwindef.h: SAL-era parameter annotations, constants and calling conventions.
  'NULL', 'TRUE', 'FALSE', 'IN', 'OUT', 'OPTIONAL', 'CONST', 'VOID', 'UNALIGNED', 'RESTRICTED_POINTER',
  'POINTER_32', 'POINTER_64', 'FAR', 'NEAR', 'PASCAL', 'CALLBACK', 'WINAPI', 'APIENTRY', 'NTAPI', 'CDECL',
  'FASTCALL', 'FORCEINLINE', 'EXTERN_C', 'ANYSIZE_ARRAY', 'MAX_PATH', 'TEXT',
  // ntdef.h / winnt.h / basetsd.h: integer limits.
  'MINCHAR', 'MAXCHAR', 'MINSHORT', 'MAXSHORT', 'MINLONG', 'MAXLONG', 'MAXUCHAR', 'MAXUSHORT', 'MAXULONG',
  'MAXLONGLONG', 'MAXBYTE', 'MAXWORD', 'MAXDWORD', 'MAXUINT', 'MAXINT', 'MININT', 'MAXULONG64', 'MAXUINT8',
  'MAXUINT16', 'MAXUINT32', 'MAXUINT64', 'MAXINT8', 'MAXINT16', 'MAXINT32', 'MAXINT64', 'MININT8', 'MININT16',
  'MININT32', 'MININT64',
  // Function-like macros a driver uses everywhere, and the IOCTL vocabulary the header itself writes.
  'UNREFERENCED_PARAMETER', 'FIELD_OFFSET', 'CONTAINING_RECORD', 'ARRAYSIZE', 'RTL_NUMBER_OF', 'C_ASSERT', 'CTL_CODE',
  'METHOD_BUFFERED', 'METHOD_IN_DIRECT', 'METHOD_OUT_DIRECT', 'METHOD_NEITHER', 'FILE_ANY_ACCESS',
  'FILE_READ_ACCESS', 'FILE_WRITE_ACCESS', 'FILE_READ_DATA', 'FILE_WRITE_DATA',
];

const WINDOWS_TYPES = [
  'BOOLEAN', 'BOOL', 'CHAR', 'UCHAR', 'WCHAR', 'SHORT', 'USHORT', 'INT', 'UINT', 'LONG', 'ULONG', 'LONGLONG',
  'ULONGLONG', 'LONG64', 'ULONG64', 'DWORD64', 'BYTE', 'WORD', 'DWORD', 'FLOAT', 'DOUBLE', 'PVOID', 'HANDLE',
  'NTSTATUS', 'GUID', 'CCHAR', 'CSHORT', 'CLONG', 'KIRQL', 'KPROCESSOR_MODE', 'LARGE_INTEGER', 'ULARGE_INTEGER',
  'UNICODE_STRING', 'SIZE_T', 'ULONG_PTR', 'LONG_PTR', 'UINT_PTR', 'INT_PTR',
  ...Object.values(PRIMITIVES).map((primitive) => primitive.cType),
];

/**
 * Whole-word C prefixes that put every generated name into a family someone else owns: the
 * Windows headers' STATUS_ (ntstatus.h), ERROR_ (winerror.h), FILE_, METHOD_, IRP_ and IO_
 * constants, and the driver template's own CORE_, DEVICE_, DRIVER_, NOTIFY_ and QUEUE_ names
 * (templates/: DeviceTable.h defines DEVICE_CHANNEL_COUNT and DEVICE_PROCESS_CREATED, which a
 * device with prefix DEVICE would define again). The protocol's own INVERTED_CALL is refused too.
 */
const WINDOWS_PREFIXES = ['STATUS', 'ERROR', 'FILE', 'METHOD', 'IRP', 'IO'];
const TEMPLATE_PREFIXES = ['CORE', 'DEVICE', 'DRIVER', 'NOTIFY', 'QUEUE'];
export const RESERVED_C_PREFIXES: ReadonlyMap<string, string> = new Map([
  ...WINDOWS_PREFIXES.map((prefix) => [prefix, 'the Windows headers define'] as const),
  ...TEMPLATE_PREFIXES.map((prefix) => [prefix, 'the driver template defines'] as const),
]);

const RESERVED_NAMES: ReadonlyMap<string, string> = new Map([
  ...WINDOWS_MACROS.map((name) => [name, `${name} is a macro of the Windows headers included before the generated header`] as const),
  ...WINDOWS_TYPES.map((name) => [name, `${name} is a type of the Windows headers, and in C++ a member of that name hides the type`] as const),
]);

/**
 * Why `identifier` cannot appear in a generated header, or undefined when it can. Besides the
 * Windows names, C reserves identifiers that start with an underscore and a capital letter or
 * with two underscores (C11 7.1.3), and C++, which includes the same header, any containing two.
 */
export function reservedCIdentifierReason(identifier: string): string | undefined {
  if (/^_[A-Z]/.test(identifier)) return `${identifier} starts with an underscore and a capital letter, which C reserves for the compiler and its library`;
  if (identifier.includes('__')) return `${identifier} contains two underscores in a row, which C and C++ reserve for the compiler and its library`;
  if (identifier.startsWith(`${PROTOCOL_C_PREFIX}_`)) return `${identifier} is in the ${PROTOCOL_C_PREFIX}_ family of names that the protocol section of every header and the driver template define`;
  return RESERVED_NAMES.get(identifier);
}

/** Why a C prefix cannot be used, or undefined; a prefix is joined to every name by one underscore. */
export function reservedCPrefixReason(prefix: string): string | undefined {
  if (prefix.endsWith('_') || prefix.includes('__')) {
    return `the C prefix ${prefix} puts two underscores in a row into generated names (${prefix}_DEVICE_NAME), which C and C++ reserve for the compiler`;
  }
  if (prefix === PROTOCOL_C_PREFIX) return `the C prefix ${prefix} is the protocol's own`;
  if (prefix.startsWith(`${PROTOCOL_C_PREFIX}_`)) return `the C prefix ${prefix} is inside the protocol's own ${PROTOCOL_C_PREFIX}_ names`;
  const owner = RESERVED_C_PREFIXES.get(prefix);
  return owner ? `the C prefix ${prefix} puts every generated name into the ${prefix}_ family of names that ${owner}` : undefined;
}

/**
 * A prefix like `prefix` that reservedCPrefixReason accepts: underscores folded, the protocol's
 * INVERTED_CALL_ replaced by DEV_, then DEV appended if the result is still a taken word.
 */
export function suggestCPrefix(prefix: string): string {
  let candidate = prefix.replace(/_+/g, '_').replace(/_$/, '');
  if (candidate.startsWith(`${PROTOCOL_C_PREFIX}_`)) candidate = `DEV_${candidate.slice(PROTOCOL_C_PREFIX.length + 1)}`;
  return reservedCPrefixReason(candidate) === undefined ? candidate : `${candidate}DEV`;
}
