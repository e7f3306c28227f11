// The Wine runtime's IoCsq routines (wine-runtime/IoCsq.c), natively: built by the host gcc under
// ASan/UBSan with the test's stand-in kernel header (wine-runtime/test/ntddk.h), then every test of
// wine-runtime/test/iocsq_test.c must pass. Negative controls: copies of IoCsq.c with one rule of
// the documented semantics broken each fail the run, naming the rule's test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WDM_WINE_RUNTIME_SOURCES } from '../src/index.js';

const RUNTIME = fileURLToPath(new URL('../wine-runtime/', import.meta.url));
const IOCSQ = join(RUNTIME, 'IoCsq.c');
const TESTS = join(RUNTIME, 'test');
const CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', '-g'];
const TEST_NAMES = 7;

// Time limit, from a measurement on the 2-core machine with other builds running: a compile and
// run took under 2 s. 60 s per build is far above 3x.
const BUILD_MS = 60_000;

let scratch = '';

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'inverted-call-wine-runtime-'));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Compiles iocsq_test.c with the given IoCsq.c and runs it: its exit status and output. */
function runTests(iocsq: string, name: string): { status: number | null; output: string } {
  const program = join(scratch, name);
  const build = spawnSync('gcc', [...CFLAGS, `-I${TESTS}`, iocsq, join(TESTS, 'iocsq_test.c'), '-o', program], { encoding: 'utf8' });
  if (build.error) throw new Error(`gcc is required (it builds the Wine runtime's unit tests) but could not be run: ${build.error.message} (Debian: apt-get install gcc libc6-dev)`);
  expect(build.status, build.stderr).toBe(0);
  const run = spawnSync(program, [], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A copy of IoCsq.c with one text replaced (which must be there). */
function broken(name: string, from: string, to: string): string {
  const source = readFileSync(IOCSQ, 'utf8');
  expect(source, `the control's text is in IoCsq.c: ${from}`).toContain(from);
  const path = join(scratch, `${name}.c`);
  writeFileSync(path, source.replace(from, to));
  return path;
}

describe('the Wine runtime IoCsq.c', { timeout: BUILD_MS }, () => {
  it('is the one source the Wine build links in', () => {
    expect(WDM_WINE_RUNTIME_SOURCES).toEqual([IOCSQ]);
  });

  it('passes every native unit test under ASan and UBSan', () => {
    const { status, output } = runTests(IOCSQ, 'iocsq');
    expect(output).not.toMatch(/not ok/);
    expect(output.match(/^ok: /gm)).toHaveLength(TEST_NAMES);
    expect(output).toContain('all passed');
    expect(status).toBe(0);
  });

  it.each([
    ['the cancel routine keeps the cancel spin lock', 'IoReleaseCancelSpinLock(Irp->CancelIrql);', '(void)0;', /not ok: [^\n]*!Q\.CancelLockHeld/],
    ['remove-next takes an IRP whose cancellation is in progress', 'IoSetCancelRoutine(irp, NULL) == NULL', '(IoSetCancelRoutine(irp, NULL) == NULL && FALSE)', /not ok: remove-next: an IRP whose cancellation is in progress/],
    ['insert ignores a cancel that came before the routine was set', 'if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {', 'if (FALSE) {', /not ok: insert: an IRP cancelled before it became cancelable/],
    ['insert queues an IRP the callback refused', 'if (!NT_SUCCESS(status)) {\n        Csq->CsqReleaseLock', 'if (FALSE) {\n        Csq->CsqReleaseLock', /not ok: insert: an error from the callback/],
  ])('negative control: %s fails', (name, from, to, failure) => {
    const { status, output } = runTests(broken(name.replace(/\W+/g, '-'), from, to), name.replace(/\W+/g, '-'));
    expect(status).not.toBe(0);
    expect(output).toMatch(failure);
  });
});
