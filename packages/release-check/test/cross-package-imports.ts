/**
 * Finds test, bench and script files that reach into another workspace package's `src/` by path
 * (a relative `../../<other>/src/...`, or a `packages/<other>/src` string). Such a file compiles
 * against sources instead of what the package publishes, and hides a dependency the workspace
 * graph (and turbo's build order) does not know about: it must import the package by name, and a
 * test belongs in the package that owns what it tests.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** The workspace folders holding packages (pnpm-workspace.yaml's `packages/*` and `examples/*`). */
export const PACKAGE_ROOTS = ['packages', 'examples'];
/** The folders of a package whose files are checked: code that runs from the repository only. */
export const CHECKED_FOLDERS = ['test', 'test-node', 'bench', 'scripts'];
const SOURCE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'test-results', 'bench-results']);

export interface Violation {
  /** The file, relative to the repository root, with `/` separators. */
  file: string;
  /** The string that names the other package's sources. */
  path: string;
  /** The package folder reached into, e.g. `packages/simulator`. */
  target: string;
}

/** The package folder (`packages/<name>` or `examples/<name>`) a repository path lies in, if any. */
function packageOf(repoPath: string): string | undefined {
  const [root, name] = repoPath.split('/');
  return root && name && PACKAGE_ROOTS.includes(root) ? `${root}/${name}` : undefined;
}

/** Every string the file spells out: literals whole, template literals with each `${}` as a NUL. */
export function stringsOf(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push(node.text);
    else if (ts.isTemplateExpression(node)) found.push(node.head.text + node.templateSpans.map((span) => `\0${span.literal.text}`).join(''));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The violations in one file. `file` is its path relative to the repository root (`/` separators);
 * only strings that look like a path (no white space) are considered.
 */
export function findViolations(file: string, text: string): Violation[] {
  const owner = packageOf(file);
  const violations: Violation[] = [];
  for (const path of stringsOf(file, text)) {
    if (/\s/.test(path)) continue;
    let target: string | undefined;
    if (path.startsWith('./') || path.startsWith('../')) {
      const resolved = posix.normalize(posix.join(posix.dirname(file), path));
      const reached = packageOf(resolved);
      if (reached && (resolved === `${reached}/src` || resolved.startsWith(`${reached}/src/`))) target = reached;
    } else {
      const named = /(?:^|[/\0])((?:packages|examples)\/[^/\0]+)\/src(?:\/|$)/.exec(path);
      target = named?.[1];
    }
    if (target && target !== owner) violations.push({ file, path, target });
  }
  return violations;
}

/** The checked files of every package under `repo`, as repository-relative paths. */
export function checkedFiles(repo: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry)) walk(path);
      } else if (SOURCE_EXTENSIONS.has(extname(entry))) files.push(relative(repo, path).split(sep).join('/'));
    }
  };
  for (const root of PACKAGE_ROOTS) {
    for (const name of readdirSync(join(repo, root)).sort()) {
      for (const folder of CHECKED_FOLDERS) {
        const dir = join(repo, root, name, folder);
        if (existsSync(dir) && statSync(dir).isDirectory()) walk(dir);
      }
    }
  }
  return files;
}

/**
 * Files whose strings name other packages' sources as data, never to import or read them: the
 * owned-facts guard says which file may hold which fact, and tries its patterns on samples
 * placed in named files.
 */
export const NAMES_FILES_AS_DATA = ['packages/release-check/test/owned-facts.ts', 'packages/release-check/test/owned-facts.test.ts'];

/** Every violation in the workspace under `repo`. */
export function workspaceViolations(repo: string): Violation[] {
  return checkedFiles(repo)
    .filter((file) => !NAMES_FILES_AS_DATA.includes(file))
    .flatMap((file) => findViolations(file, readFileSync(join(repo, file), 'utf8')));
}
