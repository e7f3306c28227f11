/**
 * The driver compile check: what can be verified about a rendered driver on a machine without the
 * WDK. Every .c file of the driver folder is compiled for Windows x64 kernel mode by mingw-w64 gcc
 * against its DDK headers and the project's own KMDF declarations (check/), with -DSTRICT -Wall
 * -Wextra -Werror; then clang's static analyser and cppcheck look at the same sources. It proves
 * the code compiles against documented signatures and is clean for these analysers; it does not
 * prove IRQL rules, multiprocessor behaviour, MSVC-only warnings or that the WDK build succeeds.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

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

/** Debian's mingw-w64 DDK headers (package mingw-w64-x86-64-dev / mingw-w64-common). */
export const MINGW_DDK_INCLUDE = '/usr/share/mingw-w64/include/ddk';
export const MINGW_INCLUDE = '/usr/share/mingw-w64/include';

/** The target: Windows 10 x64 kernel mode, checked against the project's KMDF declarations. */
const DEFINES = ['-DSTRICT', '-DINVERTED_CALL_KMDF_SUBSET', '-D_WIN32_WINNT=0x0A00', '-DNTDDI_VERSION=0x0A000000'];

const INSTALL_HINT: Record<DriverCheckTool, string> = {
  gcc: 'apt-get install gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev',
  'clang-analyze': 'apt-get install clang',
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

function checkWith(tool: DriverCheckTool, directory: string, sources: readonly string[]): DriverCheckResult {
  let command: string;
  let args: string[];
  switch (tool) {
    case 'gcc':
      // -c -o /dev/null, not -fsyntax-only: gcc skips -Wunused-result without code generation.
      command = 'x86_64-w64-mingw32-gcc';
      args = ['-std=c11', '-Wall', '-Wextra', '-Werror', ...DEFINES, `-I${MINGW_DDK_INCLUDE}`, '-I.', '-c', '-o', '/dev/null'];
      break;
    case 'clang-analyze':
      command = 'clang';
      args = ['--analyze', '-target', 'x86_64-w64-mingw32', '-std=c11', ...DEFINES, '-isystem', MINGW_DDK_INCLUDE, '-isystem', MINGW_INCLUDE, '-I.', '-Xanalyzer', '-analyzer-output=text', '-Werror', '-o', '/dev/null'];
      break;
    case 'cppcheck':
      // cppcheck does not know mingw's predefined macros: name the target's. Findings inside the
      // system headers are not ours to fix.
      command = 'cppcheck';
      args = [
        '--platform=win64', '--enable=warning,style,performance,portability', '--error-exitcode=1', '--inline-suppr', '-q', '--std=c11',
        ...DEFINES, '-D_WIN32', '-D_WIN64', '-D_M_AMD64', '-D_AMD64_', '-D__x86_64__', '-D__GNUC__=12',
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

/** Runs the chosen tools (default: all three) over every .c file of a rendered driver folder. */
export function checkDriver(directory: string, tools: readonly DriverCheckTool[] = DRIVER_CHECK_TOOLS): DriverCheckResult[] {
  const sources = sourcesOf(directory);
  if (sources.length === 0) throw new Error(`checkDriver: no .c files in ${directory}; render a driver there first`);
  return tools.map((tool) => checkWith(tool, directory, sources));
}
