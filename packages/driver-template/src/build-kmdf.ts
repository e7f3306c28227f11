/**
 * Builds a rendered KMDF driver folder into a kernel image (.sys) for Wine, which has no KMDF:
 * the glue is compiled against the project's KMDF declarations (check/KmdfSubset.h, the same as
 * the compile check) and linked with the KMDF-subset runtime (wine-runtime/kmdf), which
 * implements those methods on top of WDM, with verifier checks. The image's entry point is the
 * runtime's KmdfRuntimeEntry, which calls the driver's DriverEntry (as KMDF's own stub does).
 *
 * This proves that the glue runs on a project-written KMDF-subset runtime under Wine, not on
 * Microsoft's framework: build a driver for a real machine with the WDK.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KERNEL_C_FLAGS, KERNEL_TARGET_DEFINES, MINGW_DDK_INCLUDE } from '@inverted-call/codegen';
import { driverFolderSources, kernelImageArguments, runKernelBuild, WDM_LINK_FLAGS, type KernelImagePlan, type WdmBuildOptions, type WdmBuildResult } from './build-wdm.js';

/** The runtime's C sources (from src/ or dist/ of this package). */
export const KMDF_RUNTIME_DIR = fileURLToPath(new URL('../wine-runtime/kmdf/', import.meta.url));

export function kmdfRuntimeSources(): string[] {
  return readdirSync(KMDF_RUNTIME_DIR)
    .filter((name) => name.endsWith('.c'))
    .sort()
    .map((name) => join(KMDF_RUNTIME_DIR, name));
}

/** The WDM link, with the runtime's entry point instead of DriverEntry. */
const KMDF_LINK_FLAGS = WDM_LINK_FLAGS.map((flag) => (flag === '-Wl,--entry,DriverEntry' ? '-Wl,--entry,KmdfRuntimeEntry' : flag));

function kmdfPlan(sources: readonly string[], options: Pick<WdmBuildOptions, 'testBuild'>): KernelImagePlan {
  return {
    sources: [...sources, ...kmdfRuntimeSources()],
    compileFlags: [
      ...KERNEL_C_FLAGS,
      '-O2',
      ...KERNEL_TARGET_DEFINES,
      '-DINVERTED_CALL_KMDF_SUBSET',
      ...(options.testBuild ? ['-DINVERTED_CALL_TEST_BUILD'] : []),
      `-I${MINGW_DDK_INCLUDE}`,
      '-I.',
    ],
    linkFlags: [...KMDF_LINK_FLAGS, '-lntoskrnl', '-lhal'],
  };
}

/** The gcc arguments that compile Sources and the KMDF-subset runtime (run in the driver folder) and link them into outputSys. */
export function kmdfBuildArguments(sources: readonly string[], outputSys: string, options: Pick<WdmBuildOptions, 'testBuild'>): string[] {
  return kernelImageArguments(kmdfPlan(sources, options), outputSys);
}

/**
 * The build of buildKmdfDriverImage: every .c file of a rendered KMDF driver folder (plus
 * extraSources, which replace files of the same name) and the KMDF-subset runtime. The link
 * check (link-check.ts) builds the same.
 */
export function kmdfImagePlan(directory: string, options: WdmBuildOptions): KernelImagePlan {
  const sources = driverFolderSources(directory, options.extraSources);
  if (sources.length === 0) throw new Error(`buildKmdfDriverImage: no .c files in ${directory}; render a KMDF driver there first`);
  return kmdfPlan(sources, options);
}

/** Compiles and links a rendered KMDF driver folder with the KMDF-subset runtime into outputSys (kmdfImagePlan). */
export function buildKmdfDriverImage(directory: string, outputSys: string, options: WdmBuildOptions): WdmBuildResult {
  return runKernelBuild(directory, kernelImageArguments(kmdfImagePlan(directory, options), resolve(outputSys)), 'buildKmdfDriverImage');
}
