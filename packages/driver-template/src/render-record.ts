/**
 * The render record: `RENDERED.json` in the driver folder, written by every render. It lists each
 * file the render made, with its owner and the SHA-256 of what it wrote, and the flavour. It is
 * how a later render knows which files are its own: a file the template no longer makes is
 * removed only if it still has the recorded content, and the flavour is kept unless a switch is
 * asked for. Visible rather than a dotfile, so that copying the folder (`cp driver/*`) or
 * listing it does not lose it, and the README can point at it; the user commits it.
 *
 * `leftovers` are files a render no longer makes but could not remove because the user changed
 * them: recorded so that `render --check` keeps failing on them until they are gone.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileOwner } from './render-common.js';

/** The record's file name, in the driver folder. */
export const RENDER_RECORD_FILE = 'RENDERED.json';

export type DriverFlavourName = 'kmdf' | 'wdm';
export const DRIVER_FLAVOURS: readonly DriverFlavourName[] = ['kmdf', 'wdm'];

export interface RecordedFile {
  path: string;
  owner: FileOwner;
  /** SHA-256 (hex) of the content the render made for this path. */
  sha256: string;
}

export interface RenderRecord {
  flavour: DriverFlavourName;
  files: RecordedFile[];
  leftovers: RecordedFile[];
}

const ABOUT = 'Written by inverted-call-driver render: the files it made here and their SHA-256, and the flavour. A later render removes a file the template no longer makes only if it is unchanged, and keeps the flavour. Commit it; do not edit it.';

export function contentHash(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The record's text: stable (no dates), so re-rendering the same schema gives the same file. */
export function formatRenderRecord(record: RenderRecord): string {
  // One line per file, so a diff of the record reads as a list of files.
  const list = (files: readonly RecordedFile[]) => `[\n${files.map(({ path, owner, sha256 }) => `    ${JSON.stringify({ path, owner, sha256 })}`).join(',\n')}\n  ]`;
  const lines = [`  "about": ${JSON.stringify(ABOUT)}`, `  "flavour": ${JSON.stringify(record.flavour)}`, `  "files": ${list(record.files)}`];
  if (record.leftovers.length > 0) lines.push(`  "leftovers": ${list(record.leftovers)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

function isRecordedFile(value: unknown): value is RecordedFile {
  const file = value as RecordedFile;
  return typeof file === 'object' && file !== null && typeof file.path === 'string' && typeof file.sha256 === 'string' && ['template', 'generated', 'user'].includes(file.owner);
}

/** Reads a record's text; `where` names the file in the error. */
export function parseRenderRecord(text: string, where: string): RenderRecord {
  const fix = `delete ${where} and render again with --flavour kmdf or --flavour wdm (the flavour this folder is)`;
  let value: { flavour?: unknown; files?: unknown; leftovers?: unknown };
  try {
    value = JSON.parse(text) as typeof value;
  } catch (error) {
    throw new Error(`${where} is not valid JSON (${(error as Error).message}); ${fix}`);
  }
  if (!DRIVER_FLAVOURS.includes(value.flavour as DriverFlavourName)) throw new Error(`${where}: "flavour" must be kmdf or wdm, got ${JSON.stringify(value.flavour)}; ${fix}`);
  const list = (name: 'files' | 'leftovers'): RecordedFile[] => {
    const items = value[name] ?? [];
    if (!Array.isArray(items) || !items.every(isRecordedFile)) throw new Error(`${where}: "${name}" must be a list of { path, owner, sha256 }; ${fix}`);
    return items;
  };
  return { flavour: value.flavour as DriverFlavourName, files: list('files'), leftovers: list('leftovers') };
}

/** The record in a driver folder, or undefined if it has none. */
export function readRenderRecord(directory: string): RenderRecord | undefined {
  const path = join(directory, RENDER_RECORD_FILE);
  if (!existsSync(path)) return undefined;
  return parseRenderRecord(readFileSync(path, 'utf8'), path);
}

/**
 * The flavour of a driver folder: recorded, or for a folder rendered before records existed,
 * told by its files (only the KMDF flavour has check/KmdfSubset.h; both have Core.c).
 * Undefined for a folder with no driver in it.
 */
export function flavourOfFolder(directory: string): { flavour: DriverFlavourName; from: 'record' | 'files' } | undefined {
  const record = readRenderRecord(directory);
  if (record) return { flavour: record.flavour, from: 'record' };
  if (existsSync(join(directory, 'check', 'KmdfSubset.h'))) return { flavour: 'kmdf', from: 'files' };
  if (existsSync(join(directory, 'Core.c'))) return { flavour: 'wdm', from: 'files' };
  return undefined;
}
