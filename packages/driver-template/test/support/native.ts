/**
 * Native builds of the portable core for tests: the conformance device's generated C (rendered by
 * this package, as a driver would get it) plus its Handlers.c, the core, and the harness or the
 * core's unit tests, compiled by the host gcc under ASan/UBSan.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDeviceSchema } from '@inverted-call/schema';
import { renderKmdfDriver } from '../../src/index.js';

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const CORE_DIR = join(REPO, 'templates/core');
/** The conformance device's schema, as its package publishes it. */
export const CONFORMANCE_SCHEMA = createRequire(import.meta.url).resolve('@inverted-call/conformance-device/conformance.device.json');
export const CONFORMANCE_HANDLERS = join(REPO, 'packages/conformance/driver/Handlers.c');
const CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', '-g'];

/** Where the native programs are: the scenario harness and the core's unit tests (channels, verdicts). */
export interface NativeBuildPaths {
  dir: string;
  harness: string;
  coreTest: string;
  verdictTest: string;
}

export interface NativeBuild extends NativeBuildPaths {
  dispose(): void;
}

export const hex32 = (status: number): string => (status >>> 0).toString(16).toUpperCase().padStart(8, '0');

export function compile(output: string, includes: string[], sources: string[]): void {
  const result = spawnSync('gcc', [...CFLAGS, ...includes.map((dir) => `-I${dir}`), ...sources, '-o', output], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(`gcc is required (it compiles templates/core natively) but could not be run: ${result.error.message}. npm test installs it (Debian: apt-get install gcc libc6-dev).`);
  }
  if (result.status !== 0) throw new Error(`gcc failed (exit ${result.status}) compiling ${sources.join(' ')}:\n${result.stderr}`);
}

/** The include path of a native core build: the test CoreConfig.h, the core, the rendered device. */
export function coreIncludes(deviceDir: string): string[] {
  return [join(CORE_DIR, 'test'), CORE_DIR, deviceDir];
}

/** The sources of the verdict unit tests; `verdictSource` replaces Verdict.c (a negative control's mutant). */
export function verdictTestSources(coreDir: string, verdictSource = join(coreDir, 'Verdict.c')): string[] {
  return [join(coreDir, 'Core.c'), verdictSource, join(coreDir, 'test/verdict_test.c')];
}

/** The sources of the scenario harness for a rendered device; `verdictSource` replaces Verdict.c (a negative control's mutant). */
export function harnessSources(deviceDir: string, verdictSource = join(CORE_DIR, 'Verdict.c')): string[] {
  return [join(CORE_DIR, 'Core.c'), verdictSource, join(deviceDir, 'DeviceTable.c'), CONFORMANCE_HANDLERS, join(CORE_DIR, 'test/harness.c')];
}

/**
 * Renders the conformance device's generated files and builds the harness and core_test. Tests do
 * not call this: test/setup/native-builds.ts does, once per run, and tests `inject('nativeBuild')`.
 */
export function buildHarness(): NativeBuild {
  const dir = mkdtempSync(join(tmpdir(), 'inverted-call-core-'));
  const device = join(dir, 'device');
  const model = loadDeviceSchema(CONFORMANCE_SCHEMA);
  for (const file of renderKmdfDriver(model, { schemaPath: 'conformance.device.json' })) {
    // Only what the schema generates: the core and CoreConfig.h come from the native test setup.
    if (file.owner === 'generated') {
      mkdirSync(device, { recursive: true });
      writeFileSync(join(device, file.path), file.content);
    }
  }
  const includes = coreIncludes(device);
  const harness = join(dir, 'harness');
  const coreTest = join(dir, 'core_test');
  const verdictTest = join(dir, 'verdict_test');
  compile(harness, includes, harnessSources(device));
  compile(coreTest, includes, [join(CORE_DIR, 'Core.c'), join(CORE_DIR, 'Verdict.c'), join(CORE_DIR, 'test/core_test.c')]);
  compile(verdictTest, includes, verdictTestSources(CORE_DIR));
  return { dir, harness, coreTest, verdictTest, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export function runNative(executable: string, input: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(executable, [], {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
