/**
 * Just enough Markdown for the docs checks: which files are docs, their fenced code blocks (with
 * line numbers, so a failure points at the page), their relative links, and the anchors each
 * page offers (GitHub's heading slugs and explicit `<a id>`s).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is packages/docs-check/src/markdown.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Forward-slash path relative to the repository root, for messages. */
export function repoPath(path: string): string {
  return relative(repoRoot, path).split(sep).join('/');
}

/**
 * The pages whose snippets and links are checked: README.md, ARCHITECTURE.md, docs/*.md,
 * templates/README.md and packages/<name>/README.md.
 * Sorted, so counts and messages are stable.
 */
export function docPages(root = repoRoot): string[] {
  const pages = [join(root, 'README.md'), join(root, 'ARCHITECTURE.md')];
  const docs = join(root, 'docs');
  for (const name of readdirSync(docs).sort()) if (name.endsWith('.md')) pages.push(join(docs, name));
  const packages = join(root, 'packages');
  for (const name of readdirSync(packages).sort()) {
    const readme = join(packages, name, 'README.md');
    if (existsSync(readme)) pages.push(readme);
  }
  pages.push(join(root, 'templates', 'README.md'));
  return pages;
}

export function readPage(file: string): string {
  return readFileSync(file, 'utf8');
}

export interface CodeBlock {
  /** The page, absolute. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word, lower case (`ts`, `json`, `mermaid`, ...); '' when none. */
  lang: string;
  /** The rest of the info string. */
  meta: string;
  /** The block's text, without the fences, ending in a newline when not empty. */
  code: string;
}

const OPEN_FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/;
const CLOSE_FENCE = /^\s*(`{3,}|~{3,})\s*$/;

function closes(line: string, fence: string): boolean {
  const close = CLOSE_FENCE.exec(line);
  return Boolean(close && close[1]![0] === fence[0] && close[1]!.length >= fence.length);
}

/** Per line: inside a fenced block (the fences included) or not. */
function fencedLines(lines: readonly string[]): boolean[] {
  const fenced: boolean[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    if (fence) {
      fenced.push(true);
      if (closes(line, fence)) fence = undefined;
      continue;
    }
    const open = OPEN_FENCE.exec(line);
    if (open) fence = open[2]!;
    fenced.push(Boolean(open));
  }
  return fenced;
}

/** Every fenced code block of a page, those in lists included (the fence's indentation is removed). */
export function codeBlocks(text: string, file = ''): CodeBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = OPEN_FENCE.exec(lines[index]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const fence = open[2]!;
    const body: string[] = [];
    let end = index + 1;
    for (; end < lines.length && !closes(lines[end]!, fence); end++) {
      const line = lines[end]!;
      body.push(line.slice(Math.min(indent, line.length - line.trimStart().length)));
    }
    blocks.push({ file, line: index + 1, lang: open[3]!.toLowerCase(), meta: open[4]!.trim(), code: body.length ? `${body.join('\n')}\n` : '' });
    index = end;
  }
  return blocks;
}

/** The page with every fenced block blanked out (line count kept); inline code stays. */
export function outsideFences(text: string): string {
  const lines = text.split(/\r?\n/);
  const fenced = fencedLines(lines);
  return lines.map((line, index) => (fenced[index] ? '' : line)).join('\n');
}

/** The page with every fenced block and inline code span blanked out (line count kept), so links in code are not links. */
export function proseOnly(text: string): string {
  const lines = text.split(/\r?\n/);
  const fenced = fencedLines(lines);
  return lines.map((line, index) => (fenced[index] ? '' : line.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length)))).join('\n');
}

export interface Link {
  file: string;
  line: number;
  /** The target as written. */
  target: string;
}

/** Inline links and images `[text](target)` / `![alt](target)`, reference definitions `[x]: target`, and `src`/`href` attributes. */
export function links(text: string, file = ''): Link[] {
  const found: Link[] = [];
  proseOnly(text)
    .split('\n')
    .forEach((line, index) => {
      const add = (target: string) => found.push({ file, line: index + 1, target: target.trim().replace(/^<|>$/g, '') });
      for (const match of line.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) add(match[1]!);
      const definition = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(line);
      if (definition) add(definition[1]!);
      for (const match of line.matchAll(/\b(?:src|href)="([^"]+)"/g)) add(match[1]!);
    });
  return found;
}

/** Whether a link leaves the repository (a scheme such as https: or mailto:). */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

/** Anchors a page offers: GitHub's slug of every heading (with -1, -2 for repeats) and every `id="..."`/`name="..."`. */
export function anchors(text: string): Set<string> {
  const result = new Set<string>();
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  const fenced = fencedLines(lines);
  lines.forEach((line, index) => {
    if (fenced[index]) return;
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const slug = githubSlug(heading[1]!);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      result.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const match of line.matchAll(/\b(?:id|name)="([^"]+)"/g)) result.add(match[1]!);
  });
  return result;
}

/** GitHub's heading anchor: lower case, markup and punctuation removed, spaces to hyphens. */
export function githubSlug(heading: string): string {
  return heading
    .replace(/<[^>]+>/g, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

