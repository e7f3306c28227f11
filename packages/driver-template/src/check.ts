/**
 * The driver compile check: what can be verified about a rendered driver on a machine without the
 * WDK. Every .c file of the driver folder is compiled for Windows x64 kernel mode by mingw-w64 gcc
 * against its DDK headers (and, for the KMDF flavour, the project's own KMDF declarations in
 * check/), with -DSTRICT -Wall -Wextra -Werror; then clang's static analyser and cppcheck look at
 * the same sources. A rendered folder is checked in both of its configurations (configurationsOf). It proves
 * the code compiles against documented signatures and is clean for these analysers; it does not
 * prove IRQL rules, multiprocessor behaviour, MSVC-only warnings or that the WDK build succeeds.
 * Last the folder is linked (link-check.ts), which finds what -c cannot: a handler Handlers.h
 * declares that Handlers.c lacks, or any other symbol defined nowhere.
 * Within one process a source already found clean with identical inputs is not run again
 * (clean-sources.ts): the result names it in `reused`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isKnownClean, rememberClean, sourceKeys } from './clean-sources.js';
import { linkDriver } from './link-check.js';
import { CLANG_MINGW_X64, KERNEL_C_FLAGS, KERNEL_TARGET_DEFINES, MINGW_DDK_INCLUDE, MINGW_INCLUDE, MINGW_X64 } from '@inverted-call/codegen';

export type DriverCheckTool = 'gcc' | 'clang-analyze' | 'cppcheck' | 'link';
export const DRIVER_CHECK_TOOLS: readonly DriverCheckTool[] = ['gcc', 'clang-analyze', 'cppcheck', 'link'];
/** The tools that look at each source on its own (all but the link). */
type CompileTool = Exclude<DriverCheckTool, 'link'>;

export interface DriverCheckResult {
  tool: DriverCheckTool;
  /** The command line, for a reader to rerun it. */
  command: string;
  ok: boolean;
  /** What the tool printed (diagnostics). */
  output: string;
  /**
   * The sources not run again: this process had found them clean with identical inputs
   * (clean-sources.ts). One entry per configuration they were reused in.
   */
  reused: string[];
}

/** KMDF glue is checked against the project's KMDF declarations (check/KmdfSubset.h); WDM glue ignores the define. */
const DEFINES = [...KERNEL_TARGET_DEFINES, '-DINVERTED_CALL_KMDF_SUBSET'];

/** The file only a rendered WDM driver folder has. */
const TEST_BUILD_MARKER = 'InvertedCallTest.h';

/**
 * The configurations a folder is checked in. A folder with test-build code (it has
 * InvertedCallTest.h: every render of either flavour) is checked twice: as a WDK build
 * (IoCreateDeviceSecure, no test code) and as the Wine bed's mingw test build
 * (INVERTED_CALL_NO_WDMSEC, INVERTED_CALL_TEST_BUILD), so no line of it goes unchecked.
 */
function configurationsOf(directory: string): string[][] {
  if (!existsSync(join(directory, TEST_BUILD_MARKER))) return [[]];
  return [[], ['-DINVERTED_CALL_NO_WDMSEC', '-DINVERTED_CALL_TEST_BUILD']];
}

const INSTALL_HINT: Record<CompileTool, string> = {
  gcc: MINGW_X64.installHint,
  'clang-analyze': CLANG_MINGW_X64.installHint,
  cppcheck: 'apt-get install cppcheck',
};

function run(command: string, args: readonly string[], cwd: string): { status: number | null; output: string; missing: boolean } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') return { status: null, output: '', missing: true };
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim(), missing: false };
}

function sourcesOf(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.c'))
    .sort();
}

/**
 * What cppcheck analyses of one source: its preprocessed code with these defines (`-E`, a tenth of
 * a second where the analysis takes seconds). The defines act on the analysis only through it, so
 * it stands for them in the source's key; the comments cppcheck reads for inline suppressions are
 * in the key already (the folder's files). Undefined when cppcheck cannot preprocess the source.
 */
function preprocessedByCppcheck(args: readonly string[], source: string, directory: string): string | undefined {
  const result = spawnSync('cppcheck', [...args, '-E', source], { cwd: directory, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return result.status === 0 && !result.error ? result.stdout : undefined;
}

/**
 * One tool over the sources in one configuration. `configurationsShare`: the folder has more than
 * one configuration, so cppcheck keys each source by its preprocessed code rather than the
 * configuration's defines, and a source both preprocess alike is analysed once.
 */
function checkWith(tool: CompileTool, directory: string, sources: readonly string[], configuration: readonly string[], configurationsShare: boolean): DriverCheckResult {
  const defines = [...DEFINES, ...configuration];
  let command: string;
  let args: string[];
  /** cppcheck's options but -j: what it preprocesses with. */
  let analysis: string[] = [];
  switch (tool) {
    case 'gcc':
      // -c -o /dev/null, not -fsyntax-only: gcc skips -Wunused-result without code generation.
      command = MINGW_X64.command;
      args = [...MINGW_X64.args, ...KERNEL_C_FLAGS, ...defines, `-I${MINGW_DDK_INCLUDE}`, '-I.', '-c', '-o', '/dev/null'];
      break;
    case 'clang-analyze':
      command = CLANG_MINGW_X64.command;
      args = ['--analyze', ...CLANG_MINGW_X64.args, '-std=c11', ...defines, '-isystem', MINGW_DDK_INCLUDE, '-isystem', MINGW_INCLUDE, '-I.', '-Xanalyzer', '-analyzer-output=text', '-Werror', '-o', '/dev/null'];
      break;
    case 'cppcheck':
      // cppcheck does not know mingw's predefined macros: name the target's. Findings inside the
      // system headers are not ours to fix.
      command = 'cppcheck';
      analysis = [
        '--platform=win64', '--enable=warning,style,performance,portability', '--error-exitcode=1', '--inline-suppr', '-q', '--std=c11',
        ...defines, '-D_WIN32', '-D_WIN64', '-D_M_AMD64', '-D_AMD64_', '-D__x86_64__', '-D__GNUC__=12',
        '-I.', `-I${MINGW_DDK_INCLUDE}`, `-I${MINGW_INCLUDE}`,
        '--suppress=missingIncludeSystem', `--suppress=*:${MINGW_INCLUDE}/*`, `--suppress=*:${MINGW_DDK_INCLUDE}/*`,
        // Headers do not change what is reported here.
        `--config-exclude=${MINGW_INCLUDE}`,
      ];
      // Two jobs halve the time on two cores.
      args = [...analysis, '-j', '2'];
      break;
  }
  // A source this process already found clean with the same inputs is not run again.
  const keys = tool === 'cppcheck' && configurationsShare
    ? sourceKeys(directory, sources, [command, ...args.filter((arg) => !configuration.includes(arg))], (source) => preprocessedByCppcheck(analysis, source, directory))
    : sourceKeys(directory, sources, [command, ...args]);
  const reused = sources.filter((source) => isKnownClean(keys.get(source)!));
  const toRun = sources.filter((source) => !reused.includes(source));
  // gcc and clang take one file per -o /dev/null run; cppcheck takes them all.
  const batches = toRun.length === 0 ? [] : tool === 'cppcheck' ? [toRun] : toRun.map((source) => [source]);
  const outputs: string[] = [];
  let ok = true;
  for (const batch of batches) {
    const result = run(command, [...args, ...batch], directory);
    if (result.missing) {
      return { tool, command: `${command} ...`, ok: false, output: `${command} is not installed (${INSTALL_HINT[tool]}; npm test installs it)`, reused: [] };
    }
    const batchOk = result.status === 0 && !(tool === 'clang-analyze' && result.output.length > 0);
    if (!batchOk) ok = false;
    if (result.output) outputs.push(result.output);
    // Only a clean batch vouches for each of its sources: cppcheck (with -j, no whole-program
    // analysis) checks each source on its own, so its result does not depend on the others.
    else if (batchOk) for (const source of batch) rememberClean(keys.get(source)!);
  }
  return { tool, command: `${command} ${args.join(' ')} ${sources.join(' ')}`, ok, output: outputs.join('\n'), reused };
}

/** Both results of one tool (the two configurations of a rendered folder) as one. */
function mergeResults(results: readonly DriverCheckResult[]): DriverCheckResult {
  if (results.length === 1) return results[0]!;
  return {
    tool: results[0]!.tool,
    command: results.map((result) => result.command).join('\n'),
    ok: results.every((result) => result.ok),
    output: results.map((result) => result.output).filter(Boolean).join('\n'),
    reused: results.flatMap((result) => result.reused),
  };
}

/**
 * Runs the chosen tools (default: all four) over every .c file of a rendered driver folder, KMDF
 * or WDM; one result per tool. The link is one: the Wine test build when the folder has one (its
 * second configuration), else the Wine build.
 */
export function checkDriver(directory: string, tools: readonly DriverCheckTool[] = DRIVER_CHECK_TOOLS): DriverCheckResult[] {
  const sources = sourcesOf(directory);
  if (sources.length === 0) throw new Error(`checkDriver: no .c files in ${directory}; render a driver there first`);
  const configurations = configurationsOf(directory);
  return tools.map((tool) =>
    tool === 'link'
      ? linkDriver(directory, configurations.length > 1)
      : mergeResults(configurations.map((configuration) => checkWith(tool, directory, sources, configuration, configurations.length > 1))),
  );
}
