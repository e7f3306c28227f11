/**
 * Writing a rendered driver into a folder, owning what render made and nothing more: template and
 * generated files are (re)written, a user-owned file only when it does not exist yet; a file the
 * last render made (RENDERED.json) that this render no longer makes is removed if it still has
 * the content render gave it, and reported otherwise. The flavour recorded there is kept unless
 * the caller switches deliberately.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RenderedFile } from './render-common.js';
import { RENDER_RECORD_FILE, contentHash, formatRenderRecord, parseRenderRecord, readRenderRecord, type DriverFlavourName, type RecordedFile, type RenderRecord } from './render-record.js';

export interface WriteReport {
  written: string[];
  /** User-owned files left as they were because they exist. */
  kept: string[];
  /** Files the last render made, which this one no longer makes, removed because they were unchanged. */
  removed: string[];
  /** Files this render no longer makes but kept because they were changed since render made them. */
  leftovers: string[];
  /** With `switchFlavour`: user-owned files rewritten for the new flavour because they were as render made them. */
  replaced: string[];
  /** With `switchFlavour`: user-owned files made for the old flavour but changed since, so kept. */
  keptFromOtherFlavour: string[];
}

export interface WriteOptions {
  /**
   * Allow the rendered flavour to differ from the one recorded in the folder. Files of the old
   * flavour that this render does not make go by the usual rule; user-owned files still as render
   * made them for the old flavour (the README, the .vcxproj) are rewritten for the new one.
   */
  switchFlavour?: boolean;
}

/** The flavour recorded in a render's own RENDERED.json. */
export function renderedFlavour(files: readonly RenderedFile[]): DriverFlavourName {
  return recordOf(files).flavour;
}

function recordOf(files: readonly RenderedFile[]): RenderRecord {
  const file = files.find((candidate) => candidate.path === RENDER_RECORD_FILE);
  if (!file) throw new Error(`internal: the rendered files have no ${RENDER_RECORD_FILE}`);
  return parseRenderRecord(file.content, RENDER_RECORD_FILE);
}

/** The refusal when a render of one flavour meets a folder recorded as the other; names the fix. */
export function flavourMismatchMessage(directory: string, recorded: DriverFlavourName, requested: DriverFlavourName, from: 'record' | 'files' = 'record'): string {
  const known = from === 'record' ? `recorded in ${RENDER_RECORD_FILE}` : `told by its files: it has no ${RENDER_RECORD_FILE} yet, and ${recorded === 'kmdf' ? 'has' : 'no'} check/KmdfSubset.h`;
  return `${directory} holds a ${recorded.toUpperCase()} driver (${known}), not ${requested.toUpperCase()}. ` +
    `Leave out --flavour to render it as ${recorded}; to turn it into a ${requested.toUpperCase()} driver on purpose, render with --switch-flavour ${requested}.`;
}

/** The files a record names that a render no longer makes: the last render's files and the leftovers it kept. */
function noLongerRendered(record: RenderRecord | undefined, files: readonly RenderedFile[]): RecordedFile[] {
  if (!record) return [];
  const rendered = new Set(files.map((file) => file.path));
  const seen = new Set<string>();
  return [...record.files, ...record.leftovers].filter((entry) => {
    if (rendered.has(entry.path) || entry.path === RENDER_RECORD_FILE || seen.has(entry.path)) return false;
    seen.add(entry.path);
    return true;
  });
}

function isUnchanged(target: string, entry: RecordedFile): boolean {
  return contentHash(readFileSync(target)) === entry.sha256;
}

/** Removes a folder the removal left empty (check/ after switching to WDM), up to the driver folder. */
function removeEmptyFolders(directory: string, path: string): void {
  for (let folder = dirname(path); folder !== '.' && folder !== ''; folder = dirname(folder)) {
    const absolute = join(directory, folder);
    if (!existsSync(absolute) || readdirSync(absolute).length > 0) return;
    rmdirSync(absolute);
  }
}

export function writeRenderedDriver(directory: string, files: readonly RenderedFile[], options: WriteOptions = {}): WriteReport {
  const report: WriteReport = { written: [], kept: [], removed: [], leftovers: [], replaced: [], keptFromOtherFlavour: [] };
  const previous = readRenderRecord(directory);
  const next = recordOf(files);
  if (previous && previous.flavour !== next.flavour && !options.switchFlavour) throw new Error(flavourMismatchMessage(directory, previous.flavour, next.flavour));
  // Without a record, a switch cannot tell render's own user files from the user's: it keeps and reports them.
  const switching = options.switchFlavour === true && previous?.flavour !== next.flavour;
  const previousEntry = new Map((previous?.files ?? []).map((entry) => [entry.path, entry]));

  for (const file of files) {
    if (file.path === RENDER_RECORD_FILE) continue;
    const target = join(directory, file.path);
    if (file.owner === 'user' && existsSync(target)) {
      const current = readFileSync(target, 'utf8');
      const entry = previousEntry.get(file.path);
      if (switching && current !== file.content) {
        if (entry && isUnchanged(target, entry)) {
          writeFileSync(target, file.content);
          report.replaced.push(file.path);
        } else {
          report.keptFromOtherFlavour.push(file.path);
        }
        continue;
      }
      report.kept.push(file.path);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    report.written.push(file.path);
  }

  const leftovers: RecordedFile[] = [];
  for (const entry of noLongerRendered(previous, files)) {
    const target = join(directory, entry.path);
    if (!existsSync(target)) continue;
    if (isUnchanged(target, entry)) {
      unlinkSync(target);
      removeEmptyFolders(directory, entry.path);
      report.removed.push(entry.path);
    } else {
      leftovers.push(entry);
      report.leftovers.push(entry.path);
    }
  }
  // Last, so that a render that stops half-way leaves the old record, which still names every file.
  writeFileSync(join(directory, RENDER_RECORD_FILE), formatRenderRecord({ ...next, leftovers }));
  report.written.push(RENDER_RECORD_FILE);
  return report;
}

export type StaleReason = 'missing' | 'different' | 'no-longer-rendered' | 'changed-no-longer-rendered';

/**
 * What `render --check` finds: template and generated files missing or different from what the
 * schema renders now (a user-owned file only when missing), and files the folder's record says a
 * render made that this render no longer makes, still present (changed by the user or not).
 * RENDERED.json itself is compared by what it records (flavour and files), not its leftovers.
 */
export function staleDriverFiles(directory: string, files: readonly RenderedFile[]): { path: string; reason: StaleReason }[] {
  const stale: { path: string; reason: StaleReason }[] = [];
  const record = readRenderRecord(directory);
  for (const file of files) {
    const target = join(directory, file.path);
    if (!existsSync(target)) {
      stale.push({ path: file.path, reason: 'missing' });
    } else if (file.path === RENDER_RECORD_FILE) {
      if (formatRenderRecord({ ...record!, leftovers: [] }) !== file.content) stale.push({ path: file.path, reason: 'different' });
    } else if (file.owner !== 'user' && readFileSync(target, 'utf8') !== file.content) {
      stale.push({ path: file.path, reason: 'different' });
    }
  }
  for (const entry of noLongerRendered(record, files)) {
    const target = join(directory, entry.path);
    if (existsSync(target)) stale.push({ path: entry.path, reason: isUnchanged(target, entry) ? 'no-longer-rendered' : 'changed-no-longer-rendered' });
  }
  return stale;
}
