/**
 * The docs' TypeScript snippets, compiled (and some run) against the workspace packages.
 *
 * Every ```ts / ```typescript block of a page is written to a folder inside this package as its
 * own module, next to copies of the generated modules the docs import (`./generated/...`), and
 * compiled with the TypeScript compiler API under the repository's strict settings. The package's
 * node_modules links every @inverted-call/* package, so imports resolve to the built packages
 * exactly as they do for a user.
 *
 * A block's first line may carry one marker:
 * - `// docs-check: skip (reason)` leaves it out; the reason is required;
 * - `// docs-check: run` also executes it with node after compiling; it must exit 0.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { codeBlocks, readPage, repoPath, repoRoot, type CodeBlock } from './markdown.js';

/** This package: its node_modules links every @inverted-call/* package it depends on. */
const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..');

export const SNIPPET_LANGS = new Set(['ts', 'typescript', 'mts']);

/**
 * Generated modules a snippet may import as `./generated/<name>.js`: copies of committed
 * outputs of inverted-call-codegen, so the docs follow the examples when their schemas change.
 */
export const GENERATED_MODULES: Record<string, string> = {
  'process-monitor.ts': 'examples/process-monitor/generated/process-monitor.ts',
  'conformance-device.ts': 'packages/conformance-device/device/conformance-device.ts',
};

export type SnippetMode = 'check' | 'run' | 'skip';

export interface Snippet extends CodeBlock {
  mode: SnippetMode;
  /** Why a skipped block is skipped. */
  reason?: string;
  /** File name in the workspace, derived from page and line: `docs-client-md-L8.ts`. */
  fileName: string;
}

export interface Collected {
  snippets: Snippet[];
  /** Bad markers: a skip without a reason, an unknown directive. */
  problems: string[];
}

const MARKER = /^\s*\/\/\s*docs-check:\s*(\S+)\s*(.*)$/;

export function collectSnippets(pages: readonly string[]): Collected {
  const snippets: Snippet[] = [];
  const problems: string[] = [];
  for (const page of pages) {
    for (const block of codeBlocks(readPage(page), page)) {
      if (!SNIPPET_LANGS.has(block.lang)) continue;
      const where = `${repoPath(page)}:${block.line}`;
      const first = block.code.split('\n')[0] ?? '';
      const marker = MARKER.exec(first);
      let mode: SnippetMode = 'check';
      let reason: string | undefined;
      if (marker) {
        const directive = marker[1]!;
        if (directive === 'run') mode = 'run';
        else if (directive === 'skip') {
          mode = 'skip';
          reason = /^\((.+)\)$/.exec(marker[2]!.trim())?.[1]?.trim();
          if (!reason) problems.push(`${where}: "// docs-check: skip" needs a reason in parentheses, e.g. "// docs-check: skip (Windows only)"`);
        } else {
          problems.push(`${where}: unknown marker "docs-check: ${directive}" (use "run" or "skip (reason)")`);
        }
      }
      for (const [index, line] of block.code.split('\n').entries()) {
        if (index > 0 && MARKER.test(line)) problems.push(`${where}: a docs-check marker must be the block's first line (found on line ${index + 1} of the block)`);
      }
      const slug = repoPath(page).replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
      snippets.push({ ...block, mode, ...(reason ? { reason } : {}), fileName: `${slug}-L${block.line}.ts` });
    }
  }
  return { snippets, problems };
}

/** Writes the workspace: tsconfig.json, the generated modules and one .ts file per checked snippet. */
export function prepareWorkspace(directory: string, snippets: readonly Snippet[]): void {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(join(directory, 'generated'), { recursive: true });
  const base = relative(directory, join(repoRoot, 'tsconfig.base.json')).split('\\').join('/');
  const tsconfig = {
    extends: base,
    compilerOptions: {
      rootDir: '.',
      outDir: 'out',
      noEmit: false,
      declaration: false,
      sourceMap: false,
      // A snippet without imports is still its own module: top-level await, no clashes between snippets.
      moduleDetection: 'force',
      paths: unlinkedWorkspacePackages(directory),
    },
    include: ['*.ts', 'generated/*.ts'],
  };
  writeFileSync(join(directory, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  for (const [name, source] of Object.entries(GENERATED_MODULES)) copyFileSync(join(repoRoot, source), join(directory, 'generated', name));
  for (const snippet of snippets) if (snippet.mode !== 'skip') writeFileSync(join(directory, snippet.fileName), snippet.code);
}

/**
 * Workspace packages this package does not depend on (private ones such as the Wine bed, whose
 * README has snippets too), mapped to their type declarations so their snippets compile as well.
 * They are compiled only: a snippet that runs may import only what node_modules links.
 */
function unlinkedWorkspacePackages(directory: string): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  const packages = join(repoRoot, 'packages');
  for (const name of readdirSync(packages).sort()) {
    const manifest = join(packages, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name: packageName, types } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; types?: string };
    if (!packageName || !types || existsSync(join(packageDirectory, 'node_modules', packageName))) continue;
    paths[packageName] = [relative(directory, join(packages, name, types)).split('\\').join('/')];
  }
  return paths;
}

export interface Problem {
  /** `page.md:line` (the line in the page), or a workspace file for the generated modules. */
  where: string;
  message: string;
}

/**
 * Compiles the workspace (`tsc -p <directory>` would do the same) and, when it compiles, emits
 * JavaScript to `<directory>/out` for the snippets to run. Each error is mapped back to its page and line.
 */
export function compileWorkspace(directory: string, snippets: readonly Snippet[]): Problem[] {
  const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => { throw new Error(flatten(diagnostic)); } };
  const config = ts.getParsedCommandLineOfConfigFile(join(directory, 'tsconfig.json'), undefined, host);
  if (!config) throw new Error(`docs-check: cannot read ${join(directory, 'tsconfig.json')}`);
  if (config.errors.length) throw new Error(config.errors.map(flatten).join('\n'));
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const byFile = new Map(snippets.map((snippet) => [join(directory, snippet.fileName), snippet]));
  const problems = ts.getPreEmitDiagnostics(program).map((diagnostic): Problem => {
    const message = flatten(diagnostic);
    if (!diagnostic.file || diagnostic.start === undefined) return { where: repoPath(directory), message };
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const snippet = byFile.get(diagnostic.file.fileName) ?? byFile.get(join(directory, basename(diagnostic.file.fileName)));
    if (snippet) return { where: `${repoPath(snippet.file)}:${snippet.line + 1 + line}`, message };
    return { where: `${repoPath(diagnostic.file.fileName)}:${line + 1}`, message };
  });
  if (problems.length === 0) {
    const emitted = program.emit();
    problems.push(...emitted.diagnostics.map((diagnostic) => ({ where: repoPath(directory), message: flatten(diagnostic) })));
  }
  return problems;
}

function flatten(diagnostic: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
}

export interface RunResult {
  status: number | null;
  output: string;
  timedOut: boolean;
}

/** Runs one compiled snippet with node from the workspace folder. */
export function runSnippet(directory: string, snippet: Snippet, timeoutMs = 60_000): RunResult {
  const script = join(directory, 'out', snippet.fileName.replace(/\.ts$/, '.js'));
  const result = spawnSync(process.execPath, [script], { cwd: directory, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, NODE_OPTIONS: '' } });
  return {
    status: result.status,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`,
    timedOut: (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT',
  };
}
