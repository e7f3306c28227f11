/**
 * One C translation unit compiled by a mingw-w64 gcc for kernel mode, with the flags and DDK
 * headers of the driver compile check (codegen's toolchain module owns them), for tests of the
 * check's own headers. A missing compiler fails with the command that installs it: `npm test`
 * installs it, so a skip would only hide a broken setup.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KERNEL_C_FLAGS, KERNEL_TARGET_DEFINES, MINGW_DDK_INCLUDE, type CompilerTarget } from '@inverted-call/codegen';

export interface CompileResult {
  ok: boolean;
  output: string;
}

/** Compiles `source` to an object thrown away, with `includes` on the include path. */
export function compileKernelUnit(target: CompilerTarget, source: string, includes: readonly string[]): CompileResult {
  if (!existsSync(join(MINGW_DDK_INCLUDE, 'ntddk.h'))) throw new Error(`the mingw-w64 DDK headers are missing (${MINGW_DDK_INCLUDE}/ntddk.h): apt-get install mingw-w64-common`);
  const directory = mkdtempSync(join(tmpdir(), 'inverted-call-kernel-unit-'));
  try {
    const file = join(directory, 'unit.c');
    writeFileSync(file, source);
    const args = [...target.args, ...KERNEL_C_FLAGS, ...KERNEL_TARGET_DEFINES, `-I${MINGW_DDK_INCLUDE}`, ...includes.map((dir) => `-I${dir}`), '-c', '-o', '/dev/null', file];
    const result = spawnSync(target.command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.error) throw new Error(`${target.command} could not run (${result.error.message}); npm test installs it, or: ${target.installHint}`);
    return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
