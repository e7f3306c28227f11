// The native layouts the backend reads, and the koffi declaration of GetQueuedCompletionStatusEx,
// checked by a real compiler against mingw-w64's Windows headers (x64): OVERLAPPED and
// OVERLAPPED_ENTRY sizes and offsets, and the width of every parameter koffi passes. A missing
// compiler fails the test with the command that installs it (the root `npm test` installs it).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENTRY_OVERLAPPED_OFFSET, OVERLAPPED_BYTES, OVERLAPPED_ENTRY_BYTES } from '../src/index.js';
import { compiles } from './support/mingw.js';

/** Bytes koffi passes for each type used in koffi-api.ts (x64). */
const KOFFI_SIZES: Record<string, number> = { intptr_t: 8, uintptr_t: 8, 'void *': 8, uint32_t: 4, int32_t: 4, bool: 1 };
/** GetQueuedCompletionStatusEx's parameters as ioapiset.h declares them, in order. */
const C_PARAMETERS = ['HANDLE', 'LPOVERLAPPED_ENTRY', 'ULONG', 'PULONG', 'DWORD', 'BOOL'];

function koffiDeclaration(): { returns: string; parameters: string[] } {
  const source = readFileSync(new URL('../src/koffi-api.ts', import.meta.url), 'utf8');
  const match = /'(\w+) __stdcall GetQueuedCompletionStatusEx\(([^)]*)\)'/.exec(source);
  if (!match) throw new Error('koffi-api.ts declares no GetQueuedCompletionStatusEx');
  const parameters = match[2]!.split(',').map((parameter) => parameter.trim().replace(/\s*\w+$/, '').replace(/\s*\*$/, ' *'));
  return { returns: match[1]!, parameters };
}

function layoutSource(overrides: { entryOverlappedOffset?: number } = {}): string {
  const { returns, parameters } = koffiDeclaration();
  const widths = parameters.map((type, index) => {
    const size = KOFFI_SIZES[type];
    if (size === undefined) throw new Error(`no size known for koffi type ${type}`);
    return `_Static_assert(sizeof(${C_PARAMETERS[index]}) == ${size}, "parameter ${index + 1}: ${C_PARAMETERS[index]} is not the ${type} koffi passes");`;
  });
  return [
    '#include <windows.h>',
    '#include <stddef.h>',
    `_Static_assert(sizeof(OVERLAPPED) == ${OVERLAPPED_BYTES}, "OVERLAPPED size");`,
    '_Static_assert(offsetof(OVERLAPPED, Internal) == 0, "OVERLAPPED.Internal (the NTSTATUS)");',
    '_Static_assert(offsetof(OVERLAPPED, InternalHigh) == 8, "OVERLAPPED.InternalHigh (the bytes)");',
    `_Static_assert(sizeof(OVERLAPPED_ENTRY) == ${OVERLAPPED_ENTRY_BYTES}, "OVERLAPPED_ENTRY size");`,
    `_Static_assert(offsetof(OVERLAPPED_ENTRY, lpOverlapped) == ${overrides.entryOverlappedOffset ?? ENTRY_OVERLAPPED_OFFSET}, "OVERLAPPED_ENTRY.lpOverlapped");`,
    // The prototype itself: a pointer of exactly this type takes the function without a warning.
    `BOOL (WINAPI *const getQueuedCompletionStatusEx)(${C_PARAMETERS.join(', ')}) = GetQueuedCompletionStatusEx;`,
    `_Static_assert(${C_PARAMETERS.length} == ${parameters.length}, "koffi declares ${parameters.length} parameters");`,
    ...widths,
    `_Static_assert(sizeof(BOOL) == ${KOFFI_SIZES[returns] ?? 0}, "the BOOL result is the ${returns} koffi reads");`,
    '',
  ].join('\n');
}

describe('native layouts and declarations (mingw-w64 x64 headers)', () => {
  it('OVERLAPPED, OVERLAPPED_ENTRY and the koffi declaration of GetQueuedCompletionStatusEx match the headers', () => {
    const result = compiles(layoutSource());
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('the check can fail: a wrong lpOverlapped offset does not compile', () => {
    const result = compiles(layoutSource({ entryOverlappedOffset: 16 }));
    expect(result.ok).toBe(false);
    expect(result.output).toContain('OVERLAPPED_ENTRY.lpOverlapped');
  });
});
