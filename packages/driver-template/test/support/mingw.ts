/**
 * One C translation unit compiled by a mingw-w64 gcc to an object thrown away, with codegen's
 * strict flags (-DSTRICT, every warning an error): the check the KMDF subset's declarations are
 * held to. A missing compiler fails the test with what to install (the root `npm test` installs it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STRICT_FLAGS, type CompilerTarget } from '@inverted-call/codegen';

export interface CompileResult {
  ok: boolean;
  output: string;
}

export function compile(target: CompilerTarget, source: string, options: { flags?: string[] } = {}): CompileResult {
  const directory = mkdtempSync(join(tmpdir(), 'inverted-call-kmdf-subset-'));
  try {
    const file = join(directory, 'check.c');
    writeFileSync(file, source);
    const args = [...target.args, ...STRICT_FLAGS, ...(options.flags ?? []), '-c', '-o', '/dev/null', file];
    const result = spawnSync(target.command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.error) throw new Error(`${target.command} could not be run (${result.error.message}): ${target.installHint}, or run the tests with \`npm test\` from the repository root, which installs it`);
    return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
