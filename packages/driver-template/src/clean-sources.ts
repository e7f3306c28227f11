/**
 * Which compile-check inputs a tool has already found clean in this process, so an identical
 * translation unit is not analysed twice. A negative control copies a checked folder and changes
 * one file: the other sources of the copy are the same inputs, and cppcheck spends about 4 s of
 * CPU per source on the DDK headers alone.
 *
 * The key of a source is everything its result can depend on, by content: the tool, its command
 * line but the source list, the source's own relative path and text, and every other file of the
 * folder (headers, check/ declarations, any .c file an #include names) with its relative path.
 * Only the sibling .c files no #include names are left out: each is its own translation unit. In
 * a folder checked in two configurations cppcheck's key holds its preprocessed code of the source in place of the
 * configuration's defines (check.ts), so a source both configurations preprocess alike is
 * analysed once. The system headers and the tools are not in the key: they do not change while
 * a process runs, and the memory goes with the process, so a new run (a fresh clone in CI) checks
 * everything. Only clean results are kept (exit status 0, nothing printed); a finding always runs
 * again.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const clean = new Set<string>();

/** Every file under a folder: relative path with forward slashes, and its bytes, in path order. */
function filesUnder(directory: string): { path: string; content: Buffer }[] {
  const files: { path: string; content: Buffer }[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push({ path: relative(directory, path).split(sep).join('/'), content: readFileSync(path) });
    }
  };
  walk(directory);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The last path segment of every file an #include directive of these files names. */
function includedNames(files: readonly { content: Buffer }[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    for (const match of file.content.toString('latin1').matchAll(/#\s*include\s*[<"]([^>"]+)[>"]/g)) names.add(match[1]!.split(/[\\/]/).pop()!);
  }
  return names;
}

/**
 * The content key of each source of a folder for one command line (tool and arguments).
 * `alsoKeyedBy` adds what else a source's result depends on (cppcheck: its preprocessed code);
 * when it returns undefined for a source, that source gets no key and always runs.
 */
export function sourceKeys(
  directory: string,
  sources: readonly string[],
  commandLine: readonly string[],
  alsoKeyedBy?: (source: string) => string | undefined,
): Map<string, string | undefined> {
  const files = filesUnder(directory);
  const included = includedNames(files);
  const ownTranslationUnits = new Set(sources.filter((source) => !included.has(source.split('/').pop()!)));
  const keys = new Map<string, string | undefined>();
  for (const source of sources) {
    const extra = alsoKeyedBy ? alsoKeyedBy(source) : '';
    if (extra === undefined) {
      keys.set(source, undefined);
      continue;
    }
    const hash = createHash('sha256').update(JSON.stringify(commandLine)).update('\0').update(source).update('\0');
    for (const file of files) {
      if (file.path !== source && ownTranslationUnits.has(file.path)) continue;
      hash.update(`${file.path}\0${file.content.length}\0`).update(file.content);
    }
    keys.set(source, hash.update('\0').update(extra).digest('hex'));
  }
  return keys;
}

export function isKnownClean(key: string | undefined): boolean {
  return key !== undefined && clean.has(key);
}

export function rememberClean(key: string | undefined): void {
  if (key !== undefined) clean.add(key);
}

/**
 * The content key of a source outside the folder that is compiled in it, with the folder on its
 * include path (a runtime the kit links in, by absolute path): the command line, the source's
 * path and text, every file of its own folder (its headers), and every file of the driver folder
 * but the folder's own translation units (`folderSources` that no #include names).
 */
export function outsideSourceKey(directory: string, folderSources: readonly string[], source: string, commandLine: readonly string[]): string {
  const files = filesUnder(directory);
  const included = includedNames(files);
  const ownTranslationUnits = new Set(folderSources.filter((name) => !included.has(name.split('/').pop()!)));
  const hash = createHash('sha256').update(JSON.stringify(commandLine)).update('\0').update(source).update('\0');
  for (const file of filesUnder(dirname(source))) hash.update(`${file.path}\0${file.content.length}\0`).update(file.content);
  hash.update('\0');
  for (const file of files) {
    if (ownTranslationUnits.has(file.path)) continue;
    hash.update(`${file.path}\0${file.content.length}\0`).update(file.content);
  }
  return hash.digest('hex');
}
