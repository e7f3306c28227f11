/**
 * Builds a rendered WDM driver folder into a kernel image (.sys) with mingw-w64, for the Wine
 * end-to-end bed. This is a real link, not the compile check: the same warnings-as-errors compile
 * as `checkDriver`, then the link TOOLCHAIN.md measured to load in Wine (native subsystem,
 * DriverEntry as the entry point, imports from ntoskrnl.exe and hal.dll only).
 *
 * The Wine build also links the kit's Wine runtime (wine-runtime/ of this package): the IoCsq
 * routines the WDM glue parks requests with, which Windows has in ntoskrnl and Wine 8 lacks. A WDK
 * build never sees those files.
 *
 * The image is for Wine. It is not signed, not linked with /INTEGRITYCHECK and, without
 * wdmsec.lib, creates its device with the system's default security instead of the schema's SDDL
 * (INVERTED_CALL_NO_WDMSEC): build a driver for a real machine with the WDK.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KERNEL_C_FLAGS, KERNEL_TARGET_DEFINES, MINGW_DDK_INCLUDE, MINGW_X64 } from '@inverted-call/codegen';

export interface WdmBuildOptions {
  /** Defines INVERTED_CALL_TEST_BUILD: the state IOCTL of InvertedCallTest.h is compiled in. */
  testBuild: boolean;
  /**
   * More C sources (absolute, or relative to the driver folder). One named like a file of the
   * folder replaces that file: `[conformance/driver/Handlers.c]` builds with that Handlers.c
   * instead of the folder's stub.
   */
  extraSources?: readonly string[];
}

export interface WdmBuildResult {
  /** The command line, for a reader to rerun it in the driver folder. */
  command: string;
  /** What the compiler and linker printed (empty when all is well). */
  output: string;
}

export const MINGW_GCC = MINGW_X64.command;

/** Link flags of a kernel image (TOOLCHAIN.md, "Wine 8.0 as a real end-to-end bed"). */
export const WDM_LINK_FLAGS: readonly string[] = [
  '-shared',
  '-nostdlib',
  '-Wl,--subsystem,native',
  '-Wl,--entry,DriverEntry',
  '-Wl,--image-base,0x140000000',
];

/** Import libraries, after the objects that need them. */
const WDM_LIBRARIES = ['-lntoskrnl', '-lhal'];

/**
 * The Wine runtime's sources, linked into every Wine build and never into a WDK build: IoCsq.c,
 * the cancel-safe queue routines Wine 8 lacks. Beside `src/` in the repository and beside `dist/`
 * once published.
 */
export const WDM_WINE_RUNTIME_SOURCES: readonly string[] = ['IoCsq.c'].map((name) => fileURLToPath(new URL(`../wine-runtime/${name}`, import.meta.url)));

/** A driver folder's .c files, with extraSources replacing (same name) or adding files. */
export function driverFolderSources(directory: string, extraSources: readonly string[] = []): string[] {
  const extras = extraSources.map((source) => resolve(directory, source));
  const replaced = new Set(extras.map((source) => basename(source)));
  const own = readdirSync(directory)
    .filter((name) => name.endsWith('.c') && !replaced.has(name))
    .sort();
  return [...own, ...extras];
}

/** The sources of a WDM Wine build: the folder's (driverFolderSources), then the Wine runtime's. */
export function wdmBuildSources(directory: string, extraSources: readonly string[] = []): string[] {
  return [...driverFolderSources(directory, extraSources), ...WDM_WINE_RUNTIME_SOURCES];
}

/**
 * A kernel image build in its two halves: the sources (run in the driver folder) compiled with
 * compileFlags, then linked with linkFlags (entry point, subsystem, import libraries). One gcc run
 * does both (kernelImageArguments); the link check (link-check.ts) compiles each source on its
 * own, to keep the objects, and links them with the same flags.
 */
export interface KernelImagePlan {
  sources: string[];
  compileFlags: string[];
  linkFlags: string[];
}

/** The gcc arguments that compile and link a plan into outputSys in one run. */
export function kernelImageArguments(plan: KernelImagePlan, outputSys: string): string[] {
  return [...plan.compileFlags, ...plan.sources, '-o', outputSys, ...plan.linkFlags];
}

function wdmPlan(sources: readonly string[], options: Pick<WdmBuildOptions, 'testBuild'>): KernelImagePlan {
  return {
    sources: [...sources],
    compileFlags: [
      ...KERNEL_C_FLAGS,
      '-O2',
      ...KERNEL_TARGET_DEFINES,
      // mingw-w64 has no wdmsec.lib: the device gets default security (Device.c).
      '-DINVERTED_CALL_NO_WDMSEC',
      ...(options.testBuild ? ['-DINVERTED_CALL_TEST_BUILD'] : []),
      `-I${MINGW_DDK_INCLUDE}`,
      '-I.',
    ],
    linkFlags: [...WDM_LINK_FLAGS, ...WDM_LIBRARIES],
  };
}

/** The gcc arguments that compile and link Sources (run in the driver folder) into OutputSys. */
export function wdmBuildArguments(sources: readonly string[], outputSys: string, options: Pick<WdmBuildOptions, 'testBuild'>): string[] {
  return kernelImageArguments(wdmPlan(sources, options), outputSys);
}

/**
 * The build of buildWdmDriverImage: every .c file of a rendered WDM driver folder (plus
 * extraSources) and the Wine runtime's. The link check (link-check.ts) builds the same.
 */
export function wdmImagePlan(directory: string, options: WdmBuildOptions): KernelImagePlan {
  const sources = wdmBuildSources(directory, options.extraSources);
  if (sources.length === 0) throw new Error(`buildWdmDriverImage: no .c files in ${directory}; render a WDM driver there first`);
  return wdmPlan(sources, options);
}

/**
 * Compiles and links every .c file of a rendered WDM driver folder (plus extraSources) into
 * outputSys. Returns the command and the compiler's output; throws with that output if the build
 * fails or the compiler is missing.
 */
export function buildWdmDriverImage(directory: string, outputSys: string, options: WdmBuildOptions): WdmBuildResult {
  return runKernelBuild(directory, kernelImageArguments(wdmImagePlan(directory, options), resolve(outputSys)), 'buildWdmDriverImage');
}

/** What one run of mingw-w64's gcc gave: `missing` when the compiler is not installed. */
export interface KernelBuildRun extends WdmBuildResult {
  status: number | null;
  missing: boolean;
}

/** Runs mingw-w64's gcc with Args in Directory and reports what it printed; throws only if it could not start for another reason than being missing. */
export function spawnKernelBuild(directory: string, args: readonly string[]): KernelBuildRun {
  const command = `${MINGW_GCC} ${args.join(' ')}`;
  const result = spawnSync(MINGW_GCC, args, { cwd: directory, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') return { command, output: '', status: null, missing: true };
    throw new Error(`${MINGW_GCC} could not run: ${result.error.message}`);
  }
  return { command, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim(), status: result.status, missing: false };
}

/** Runs mingw-w64's gcc with Args in Directory; throws with its output if it is missing or fails. */
export function runKernelBuild(directory: string, args: readonly string[], caller: string): WdmBuildResult {
  const run = spawnKernelBuild(directory, args);
  if (run.missing) throw new Error(`${MINGW_GCC} is not installed (${MINGW_X64.installHint})`);
  if (run.status !== 0) throw new Error(`${caller}: ${MINGW_GCC} failed (exit ${run.status}) in ${directory}:\n${run.command}\n${run.output}`);
  return { command: run.command, output: run.output };
}
