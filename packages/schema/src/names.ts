/** Naming rules and the conversions between schema, C and TypeScript spellings. */

/** Device, struct, enum, call, channel and event names. */
export const PASCAL_NAME = /^[A-Z][A-Za-z0-9]*$/;
/** Field names: letters and digits, so the C (PascalCase) and TS (camelCase) spellings are unambiguous. */
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
export const C_PREFIX = /^[A-Z][A-Z0-9_]*$/;
export const SYMBOLIC_LINK = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** `ProcessCreated` -> `PROCESS_CREATED`, `GUIDInfo` -> `GUID_INFO`, `Win32Error` -> `WIN32_ERROR`. */
export function upperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}

/** `processId` -> `ProcessId`. */
export function cFieldName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** `ProcessId` -> `processId`, `PID` -> `pid`, `GUIDValue` -> `guidValue`. */
export function tsFieldName(name: string): string {
  const leadingCapitals = /^[A-Z]+/.exec(name)?.[0] ?? '';
  if (leadingCapitals.length === 0) return name;
  if (leadingCapitals.length === name.length) return name.toLowerCase();
  if (leadingCapitals.length === 1) return name.charAt(0).toLowerCase() + name.slice(1);
  // Keep the last capital of a run when a lowercase letter follows: it starts the next word.
  const next = name.charAt(leadingCapitals.length);
  const keep = /[a-z]/.test(next) ? leadingCapitals.length - 1 : leadingCapitals.length;
  return name.slice(0, keep).toLowerCase() + name.slice(keep);
}

/** `ProcessMonitor` -> `process-monitor`, for file names. */
export function kebabCase(name: string): string {
  return upperSnake(name).toLowerCase().replace(/_/g, '-');
}

/** Names that cannot be TypeScript properties of a plain object without surprises. */
export const RESERVED_FIELD_NAMES = new Set(['constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty']);
