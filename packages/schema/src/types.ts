/**
 * The type vocabulary of a schema: fixed-width primitives, strings, GUID, arrays, and names of
 * the schema's own enums and structs. Pointer-sized and platform-width C types are refused with
 * the reason, because a 32-bit client talking to a 64-bit driver would see another layout.
 */
import { closest } from './errors.js';
import type { PrimitiveName, TypeRef } from './model.js';

export interface PrimitiveInfo {
  size: number;
  /** The C type written into the header. */
  cType: string;
  /** TypeScript type of a decoded value. */
  tsType: 'number' | 'bigint' | 'boolean';
}

export const PRIMITIVES: Record<PrimitiveName, PrimitiveInfo> = {
  u8: { size: 1, cType: 'UINT8', tsType: 'number' },
  u16: { size: 2, cType: 'UINT16', tsType: 'number' },
  u32: { size: 4, cType: 'UINT32', tsType: 'number' },
  u64: { size: 8, cType: 'UINT64', tsType: 'bigint' },
  i8: { size: 1, cType: 'INT8', tsType: 'number' },
  i16: { size: 2, cType: 'INT16', tsType: 'number' },
  i32: { size: 4, cType: 'INT32', tsType: 'number' },
  i64: { size: 8, cType: 'INT64', tsType: 'bigint' },
  bool8: { size: 1, cType: 'BOOLEAN', tsType: 'boolean' },
  // BOOL is not declared by the kernel headers; INT32 has its exact size and signedness.
  bool32: { size: 4, cType: 'INT32', tsType: 'boolean' },
};

export function isPrimitiveName(name: string): name is PrimitiveName {
  return Object.prototype.hasOwnProperty.call(PRIMITIVES, name);
}

/** Largest element count of an array and largest character count of a string. */
export const MAX_ARRAY_LENGTH = 65536;
export const MAX_STRING_LENGTH = 32767;

/** C and Windows type names people reach for, with the schema type to use instead. */
const WINDOWS_NAME_HINTS: Record<string, string> = {
  UCHAR: 'u8', BYTE: 'u8', UINT8: 'u8', CHAR: 'i8 (or char[N] for text)', INT8: 'i8',
  USHORT: 'u16', WORD: 'u16', UINT16: 'u16', SHORT: 'i16', INT16: 'i16',
  ULONG: 'u32', DWORD: 'u32', UINT: 'u32', UINT32: 'u32', LONG: 'i32', INT: 'i32', INT32: 'i32',
  ULONGLONG: 'u64', ULONG64: 'u64', DWORD64: 'u64', UINT64: 'u64', LONGLONG: 'i64', LONG64: 'i64',
  INT64: 'i64', LARGE_INTEGER: 'i64', ULARGE_INTEGER: 'u64', BOOLEAN: 'bool8', BOOL: 'bool32',
  WCHAR: 'wchar[N]', GUID: 'guid', int: 'i32', unsigned: 'u32', short: 'i16', char: 'i8 (or char[N] for text)',
  uint8_t: 'u8', uint16_t: 'u16', uint32_t: 'u32', uint64_t: 'u64', int8_t: 'i8', int16_t: 'i16',
  int32_t: 'i32', int64_t: 'i64', bool: 'bool8 or bool32', boolean: 'bool8', string: 'wchar[N] or char[N]',
  number: 'u32, i32 or another fixed-width integer', bigint: 'u64 or i64',
  long: 'i32 (long is 32-bit on Windows but 64-bit on Linux: say what you mean)',
};

/** Types whose size differs between x86 and x64 (or between compilers). */
const POINTER_SIZED = new Set([
  'HANDLE', 'PVOID', 'LPVOID', 'SIZE_T', 'SSIZE_T', 'ULONG_PTR', 'LONG_PTR', 'UINT_PTR', 'INT_PTR',
  'DWORD_PTR', 'KAFFINITY', 'PHANDLE', 'HWND', 'HMODULE', 'HINSTANCE', 'WPARAM', 'LPARAM', 'LRESULT',
  'PEPROCESS', 'PETHREAD', 'PFILE_OBJECT', 'PDEVICE_OBJECT', 'PIRP', 'PMDL', 'UNICODE_STRING', 'PUNICODE_STRING',
  'size_t', 'ssize_t', 'ptrdiff_t', 'intptr_t', 'uintptr_t', 'pointer', 'ptr', 'usize', 'isize', 'void*',
]);

export type TypeParse =
  | { ok: true; type: TypeRef }
  | { ok: false; message: string; fix: string };

/** What the schema declares, so a bare name can be resolved. */
export interface TypeScope {
  enums: ReadonlySet<string>;
  structs: ReadonlySet<string>;
}

const ARRAY_PATTERN = /^(.+?)\s*\[\s*([^\]]*)\s*\]$/;

/** Parses a field type such as `u32`, `wchar[260]`, `Point[4]` or `ProcessKind`. */
export function parseTypeText(text: string, scope: TypeScope): TypeParse {
  const trimmed = text.trim();
  if (trimmed === '') {
    return { ok: false, message: 'the type is empty', fix: 'write a type such as u32, wchar[260] or the name of a struct' };
  }
  const pointerReason = pointerRefusal(trimmed);
  if (pointerReason) return pointerReason;

  const array = ARRAY_PATTERN.exec(trimmed);
  if (array) {
    const elementText = array[1]!;
    const lengthText = array[2]!;
    if (ARRAY_PATTERN.test(elementText)) {
      return {
        ok: false,
        message: `"${trimmed}" is an array of arrays, which the schema does not support`,
        fix: `declare a struct holding the inner array and make an array of that struct`,
      };
    }
    const length = parseLength(lengthText);
    if (elementText === 'wchar' || elementText === 'char') {
      if (length === undefined || length < 2 || length > MAX_STRING_LENGTH) {
        return {
          ok: false,
          message: `"${trimmed}" needs a length from 2 to ${MAX_STRING_LENGTH} (one character is kept for the terminating NUL)`,
          fix: `write ${elementText}[N] with N a whole number, e.g. ${elementText}[260]`,
        };
      }
      return { ok: true, type: { kind: 'string', encoding: elementText === 'wchar' ? 'utf16' : 'latin1', length } };
    }
    if (length === undefined || length < 1 || length > MAX_ARRAY_LENGTH) {
      return {
        ok: false,
        message: `"${trimmed}" needs an element count from 1 to ${MAX_ARRAY_LENGTH}`,
        fix: `write ${elementText}[N] with N a whole number, e.g. ${elementText}[4]`,
      };
    }
    const element = parseTypeText(elementText, scope);
    if (!element.ok) return element;
    if (element.type.kind === 'string' || element.type.kind === 'array') {
      return {
        ok: false,
        message: `"${trimmed}" is an array of strings, which the schema does not support`,
        fix: 'declare a struct with one wchar[N] field and make an array of that struct',
      };
    }
    return { ok: true, type: { kind: 'array', element: element.type, length } };
  }

  if (trimmed === 'wchar' || trimmed === 'char') {
    return {
      ok: false,
      message: `"${trimmed}" alone is a single character`,
      fix: `use ${trimmed}[N] for text of up to N-1 characters, or ${trimmed === 'wchar' ? 'u16' : 'u8'} for one code unit`,
    };
  }
  if (isPrimitiveName(trimmed)) return { ok: true, type: { kind: 'primitive', name: trimmed } };
  if (trimmed === 'guid') return { ok: true, type: { kind: 'guid' } };
  if (scope.enums.has(trimmed)) return { ok: true, type: { kind: 'enum', name: trimmed } };
  if (scope.structs.has(trimmed)) return { ok: true, type: { kind: 'struct', name: trimmed } };

  const hint = WINDOWS_NAME_HINTS[trimmed];
  if (hint) {
    return { ok: false, message: `unknown type "${trimmed}"`, fix: `the schema spells it ${hint}` };
  }
  const known = [...Object.keys(PRIMITIVES), 'guid', ...scope.enums, ...scope.structs];
  const suggestion = closest(trimmed, known);
  return {
    ok: false,
    message: `unknown type "${trimmed}"`,
    fix: suggestion
      ? `did you mean "${suggestion}"? Otherwise use u8..u64, i8..i64, bool8, bool32, guid, wchar[N], char[N], T[N], or declare "${trimmed}" under structs or enums`
      : `use u8..u64, i8..i64, bool8, bool32, guid, wchar[N], char[N], T[N], or declare "${trimmed}" under structs or enums`,
  };
}

function pointerRefusal(text: string): TypeParse | undefined {
  const bare = text.replace(/\s+/g, '');
  if (POINTER_SIZED.has(bare) || bare.endsWith('*') || /^(P|LP)[A-Z_]+$/.test(bare)) {
    return {
      ok: false,
      message: `"${text}" is pointer-sized: 8 bytes on x64, 4 on x86, so a 32-bit client of a 64-bit driver would read another layout (WOW64 does not translate IOCTL buffers)`,
      fix: 'use a fixed-width type: u64 for handles, ids and addresses passed as numbers, u32 or u64 for sizes',
    };
  }
  return undefined;
}

function parseLength(text: string): number | undefined {
  if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The type written back as schema text, e.g. `u32[4]`. */
export function formatType(type: TypeRef): string {
  switch (type.kind) {
    case 'primitive': return type.name;
    case 'string': return `${type.encoding === 'utf16' ? 'wchar' : 'char'}[${type.length}]`;
    case 'guid': return 'guid';
    case 'enum':
    case 'struct': return type.name;
    case 'array': return `${formatType(type.element)}[${type.length}]`;
  }
}
