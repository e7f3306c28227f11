/**
 * The driver compile check: what can be verified about a rendered driver on a machine without the
 * WDK. Every .c file of the driver folder is compiled for Windows x64 kernel mode by mingw-w64 gcc
 * against its DDK headers (and, for the KMDF flavour, the project's own KMDF declarations in
 * check/), with -DSTRICT -Wall -Wextra -Werror; then clang's static analyser and cppcheck look at
 * the same sources. A WDM folder is checked in both of its configurations (configurationsOf). It proves
 * the code compiles against documented signatures and is clean for these analysers; it does not
 * prove IRQL rules, multiprocessor behaviour, MSVC-only warnings or that the WDK build succeeds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLANG_MINGW_X64, KERNEL_C_FLAGS, KERNEL_TARGET_DEFINES, MINGW_DDK_INCLUDE, MINGW_INCLUDE, MINGW_X64 } from '@inverted-call/codegen';

export type DriverCheckTool = 'gcc' | 'clang-analyze' | 'cppcheck';
export const DRIVER_CHECK_TOOLS: readonly DriverCheckTool[] = ['gcc', 'clang-analyze', 'cppcheck'];

export interface DriverCheckResult {
  tool: DriverCheckTool;
  /** The command line, for a reader to rerun it. */
  command: string;
  ok: boolean;
  /** What the tool printed (diagnostics). */
  output: string;
}

/** KMDF glue is checked against the project's KMDF declarations (check/KmdfSubset.h); WDM glue ignores the define. */
const DEFINES = [...KERNEL_TARGET_DEFINES, '-DINVERTED_CALL_KMDF_SUBSET'];

/** The file only a rendered WDM driver folder has. */
const WDM_MARKER = 'InvertedCallTest.h';
/** The file a driver folder with the process-notify callback has, in either flavour. */
const NOTIFY_TEST_MARKER = 'NotifyTest.h';

/**
 * The configurations a folder is checked in. A WDM folder (it has InvertedCallTest.h) is checked
 * twice: as a WDK build (IoCreateDeviceSecure, no test code) and as the Wine bed's mingw test build
 * (INVERTED_CALL_NO_WDMSEC, INVERTED_CALL_TEST_BUILD). A KMDF folder with the process callback is
 * checked as a test build too, for its process IOCTL (NotifyTest.h). So no line goes unchecked.
 */
function configurationsOf(directory: string): string[][] {
  if (existsSync(join(directory, WDM_MARKER))) return [[], ['-DINVERTED_CALL_NO_WDMSEC', '-DINVERTED_CALL_TEST_BUILD']];
  if (existsSync(join(directory, NOTIFY_TEST_MARKER))) return [[], ['-DINVERTED_CALL_TEST_BUILD']];
  return [[]];
}

const INSTALL_HINT: Record<DriverCheckTool, string> = {
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

function checkWith(tool: DriverCheckTool, directory: string, sources: readonly string[], configuration: readonly string[]): DriverCheckResult {
  const defines = [...DEFINES, ...configuration];
  let command: string;
  let args: string[];
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
      args = [
        '--platform=win64', '--enable=warning,style,performance,portability', '--error-exitcode=1', '--inline-suppr', '-q', '--std=c11',
        ...defines, '-D_WIN32', '-D_WIN64', '-D_M_AMD64', '-D_AMD64_', '-D__x86_64__', '-D__GNUC__=12',
        '-I.', `-I${MINGW_DDK_INCLUDE}`, `-I${MINGW_INCLUDE}`,
        '--suppress=missingIncludeSystem', `--suppress=*:${MINGW_INCLUDE}/*`, `--suppress=*:${MINGW_DDK_INCLUDE}/*`,
        // Headers do not change what is reported here; two jobs halve the time on two cores.
        `--config-exclude=${MINGW_INCLUDE}`, '-j', '2',
      ];
      break;
  }
  // gcc and clang take one file per -o /dev/null run; cppcheck takes them all.
  const batches = tool === 'cppcheck' ? [sources] : sources.map((source) => [source]);
  const outputs: string[] = [];
  let ok = true;
  for (const batch of batches) {
    const result = run(command, [...args, ...batch], directory);
    if (result.missing) {
      return { tool, command: `${command} ...`, ok: false, output: `${command} is not installed (${INSTALL_HINT[tool]}; npm test installs it)` };
    }
    if (result.status !== 0 || (tool === 'clang-analyze' && result.output.length > 0)) ok = false;
    if (result.output) outputs.push(result.output);
  }
  return { tool, command: `${command} ${args.join(' ')} ${sources.join(' ')}`, ok, output: outputs.join('\n') };
}

/** Both results of one tool (two configurations of a WDM folder) as one. */
function mergeResults(results: readonly DriverCheckResult[]): DriverCheckResult {
  if (results.length === 1) return results[0]!;
  return {
    tool: results[0]!.tool,
    command: results.map((result) => result.command).join('\n'),
    ok: results.every((result) => result.ok),
    output: results.map((result) => result.output).filter(Boolean).join('\n'),
  };
}

/**
 * Runs the chosen tools (default: all three) over every .c file of a rendered driver folder, KMDF
 * or WDM; one result per tool.
 */
export function checkDriver(directory: string, tools: readonly DriverCheckTool[] = DRIVER_CHECK_TOOLS): DriverCheckResult[] {
  const sources = sourcesOf(directory);
  if (sources.length === 0) throw new Error(`checkDriver: no .c files in ${directory}; render a driver there first`);
  const configurations = configurationsOf(directory);
  return tools.map((tool) => mergeResults(configurations.map((configuration) => checkWith(tool, directory, sources, configuration))));
}
