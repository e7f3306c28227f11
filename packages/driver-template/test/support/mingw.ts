/**
 * One C translation unit compiled by mingw-w64 gcc to an object thrown away, with -DSTRICT and
 * every warning an error: the check the KMDF subset's declarations are held to. A missing
 * compiler fails the test with what to install (the root `npm test` installs it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINGW_DDK_INCLUDE } from '../../src/index.js';

export interface MingwTarget {
  /** Shown in test names. */
  name: string;
  command: string;
}

export const MINGW_X64: MingwTarget = { name: 'mingw x64', command: 'x86_64-w64-mingw32-gcc' };
export const MINGW_X86: MingwTarget = { name: 'mingw x86', command: 'i686-w64-mingw32-gcc' };
export const KERNEL_PRELUDE = '#include <ntddk.h>\n';
export { MINGW_DDK_INCLUDE as DDK_INCLUDE };

const STRICT_FLAGS = ['-DSTRICT', '-Wall', '-Wextra', '-Werror'];

export interface CompileResult {
  ok: boolean;
  output: string;
}

export function compile(target: MingwTarget, source: string, options: { flags?: string[] } = {}): CompileResult {
  const directory = mkdtempSync(join(tmpdir(), 'inverted-call-kmdf-subset-'));
  try {
    const file = join(directory, 'check.c');
    writeFileSync(file, source);
    const result = spawnSync(target.command, [...STRICT_FLAGS, ...(options.flags ?? []), '-c', '-o', '/dev/null', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.error) throw new Error(`${target.command} could not be run (${result.error.message}): run the tests with \`npm test\` from the repository root, which installs mingw-w64`);
    return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
