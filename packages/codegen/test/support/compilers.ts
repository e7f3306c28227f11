/**
 * Real compilers as test oracles. A missing compiler fails the test with the command that
 * installs it: the root `npm test` installs them, so a skip would only hide a broken setup.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINGW_DDK_INCLUDE, STRICT_FLAGS, type CompilerTarget } from '../../src/toolchain.js';

export function requireTool(target: CompilerTarget): void {
  const { command } = target;
  const found = spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
  if (!found) {
    throw new Error(`${command} is not installed. Run the tests with \`npm test\` from the repository root (it installs the toolchain), or: ${target.installHint}`);
  }
  if (command.includes('mingw32') && !existsSync(join(MINGW_DDK_INCLUDE, 'ntddk.h'))) {
    throw new Error(`the mingw-w64 DDK headers are missing (${MINGW_DDK_INCLUDE}/ntddk.h): apt-get install mingw-w64-common`);
  }
}

export interface CompileResult {
  ok: boolean;
  output: string;
}

/** Compiles one C translation unit to an object thrown away; `files` are written beside it. */
export function compile(target: CompilerTarget, source: string, options: { files?: Record<string, string>; flags?: string[] } = {}): CompileResult {
  requireTool(target);
  const directory = mkdtempSync(join(tmpdir(), 'inverted-call-cc-'));
  try {
    for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(directory, name), content);
    const file = join(directory, target.language === 'c++' ? 'unit.cpp' : 'unit.c');
    writeFileSync(file, source);
    const result = spawnSync(target.command, [...target.args, ...STRICT_FLAGS, ...(options.flags ?? []), `-I${directory}`, '-c', '-o', '/dev/null', file], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * For clang's MSVC targets, which have no Windows headers here: the few declarations a generated
 * header relies on, with their documented meaning (fixed-width integers, a 2-byte WCHAR, GUID,
 * CTL_CODE and FIELD_OFFSET).
 */
export const FREESTANDING_PRELUDE = `#include <stddef.h>
typedef unsigned char UINT8; typedef unsigned short UINT16; typedef unsigned int UINT32; typedef unsigned long long UINT64;
typedef signed char INT8; typedef short INT16; typedef int INT32; typedef long long INT64;
typedef unsigned char BOOLEAN; typedef char CHAR; typedef wchar_t WCHAR;
typedef struct _GUID { UINT32 Data1; UINT16 Data2; UINT16 Data3; UINT8 Data4[8]; } GUID;
#define CTL_CODE(DeviceType, Function, Method, Access) (((DeviceType) << 16) | ((Access) << 14) | ((Function) << 2) | (Method))
#define METHOD_BUFFERED 0
#define METHOD_IN_DIRECT 1
#define METHOD_OUT_DIRECT 2
#define FILE_ANY_ACCESS 0
#define FILE_READ_ACCESS 1
#define FILE_WRITE_ACCESS 2
#define FILE_DEVICE_UNKNOWN 0x22
#define FIELD_OFFSET(type, field) offsetof(type, field)
#define C_ASSERT(e) typedef char __C_ASSERT__[(e) ? 1 : -1]
_Static_assert(sizeof(WCHAR) == 2, "WCHAR is 2 bytes on Windows targets");
`;
