// Compiling a C file against mingw-w64's Windows headers (x64), with warnings as errors: how the
// layout tests check what this package assumes of winsvc.h, minwinbase.h and ioapiset.h.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINGW_X64, WARNINGS_AS_ERRORS } from '@inverted-call/codegen';

const COMPILER = MINGW_X64.command;

export function compiles(source: string): { ok: boolean; output: string } {
  if (spawnSync('sh', ['-c', `command -v ${COMPILER}`]).status !== 0) {
    throw new Error(`${COMPILER} is not installed: ${MINGW_X64.installHint} (the root \`npm test\` installs it)`);
  }
  const directory = mkdtempSync(join(tmpdir(), 'win32-layout-'));
  try {
    const file = join(directory, 'layout.c');
    writeFileSync(file, source);
    const result = spawnSync(COMPILER, ['-std=c11', ...WARNINGS_AS_ERRORS, '-c', '-o', '/dev/null', file], { encoding: 'utf8' });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

