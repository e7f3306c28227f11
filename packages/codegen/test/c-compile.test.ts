// Every golden header compiles for Windows x64 and x86, kernel mode (mingw DDK headers) and user
// mode (windows.h + winioctl.h), with -Wall -Wextra -Werror: so every size, offset and IOCTL-code
// assert the layout engine wrote holds for the real compiler.
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenCases } from './golden-cases.mjs';
import { KERNEL_PRELUDE, MINGW_CXX_X64, MINGW_DDK_INCLUDE, MINGW_X64, MINGW_X86, USER_PRELUDE } from '../src/toolchain.js';
import { compile } from './support/compilers.js';

const MODES = [
  { name: 'kernel', prelude: KERNEL_PRELUDE, flags: [`-I${MINGW_DDK_INCLUDE}`] },
  { name: 'user', prelude: USER_PRELUDE, flags: [] },
];

describe('generated headers compile with -Wall -Wextra -Werror', () => {
  for (const testCase of goldenCases) {
    for (const target of [MINGW_X64, MINGW_X86]) {
      for (const mode of MODES) {
        it(`${testCase.name}: ${target.name} ${mode.name} mode`, () => {
          const header = basename(testCase.header);
          const result = compile(target, `${mode.prelude}#include "${header}"\n`, { flags: [...mode.flags, `-I${dirname(testCase.header)}`] });
          expect(result.output).toBe('');
          expect(result.ok).toBe(true);
        });
      }
    }
  }

  it.each(goldenCases)('$name: C++ user mode (mingw g++ x64)', (testCase) => {
    const result = compile(MINGW_CXX_X64, `${USER_PRELUDE}#include "${basename(testCase.header)}"\n`, { flags: [`-I${dirname(testCase.header)}`] });
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('fails without a Windows header first, with a message saying which to include', () => {
    const header = goldenCases[0]!.header;
    const result = compile(MINGW_X64, `#include "${basename(header)}"\n`, { flags: [`-I${dirname(header)}`] });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('Include <ntddk.h> or <wdm.h> (kernel mode), or <windows.h> and <winioctl.h>');
  });

  it('two device headers can be included in one translation unit (protocol block guarded once)', () => {
    const [first, second] = goldenCases;
    const result = compile(MINGW_X64, `${USER_PRELUDE}#include "a.h"\n#include "b.h"\n`, {
      files: { 'a.h': readFileSync(first!.header, 'utf8'), 'b.h': readFileSync(second!.header, 'utf8') },
    });
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });
});

describe('negative controls: the asserts do catch a wrong layout', () => {
  const testCase = goldenCases.find((candidate) => candidate.name === 'file-audit')!;
  const header = readFileSync(testCase.header, 'utf8');

  it.each([MINGW_X64, MINGW_X86])('a wrong offset fails on $name', (target) => {
    const wrong = header.replaceAll('FIELD_OFFSET(FILE_AUDIT_FILE_EVENT, Path) == 24', 'FIELD_OFFSET(FILE_AUDIT_FILE_EVENT, Path) == 32');
    expect(wrong).not.toBe(header);
    const result = compile(target, `${KERNEL_PRELUDE}#include "wrong.h"\n`, { files: { 'wrong.h': wrong }, flags: [`-I${MINGW_DDK_INCLUDE}`] });
    expect(result.ok).toBe(false);
    expect(result.output).toContain(`FILE_AUDIT_FILE_EVENT.Path: offset on ${target.arch}`);
  });

  it('a wrong size fails', () => {
    const wrong = header.replaceAll('sizeof(FILE_AUDIT_FILE_EVENT) == 1048', 'sizeof(FILE_AUDIT_FILE_EVENT) == 1040');
    expect(wrong).not.toBe(header);
    const result = compile(MINGW_X64, `${USER_PRELUDE}#include "wrong.h"\n`, { files: { 'wrong.h': wrong } });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('FILE_AUDIT_FILE_EVENT: size on x64');
  });

  it('a wrong IOCTL code fails', () => {
    const wrong = header.replaceAll('IOCTL_FILE_AUDIT_SET_POLICY == 0x0022A801u', 'IOCTL_FILE_AUDIT_SET_POLICY == 0x0022A805u');
    expect(wrong).not.toBe(header);
    const result = compile(MINGW_X64, `${USER_PRELUDE}#include "wrong.h"\n`, { files: { 'wrong.h': wrong } });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('IOCTL_FILE_AUDIT_SET_POLICY is');
  });
});
