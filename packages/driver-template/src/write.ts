/**
 * Writing a rendered driver into a folder without ever overwriting the user's files: template and
 * generated files are (re)written, a user-owned file only when it does not exist yet.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RenderedFile } from './render-common.js';

export interface WriteReport {
  written: string[];
  /** User-owned files left as they were because they exist. */
  kept: string[];
}

export function writeRenderedDriver(directory: string, files: readonly RenderedFile[]): WriteReport {
  const report: WriteReport = { written: [], kept: [] };
  for (const file of files) {
    const target = join(directory, file.path);
    if (file.owner === 'user' && existsSync(target)) {
      report.kept.push(file.path);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    report.written.push(file.path);
  }
  return report;
}

/** Template and generated files that are missing or differ from what the schema renders now. */
export function staleDriverFiles(directory: string, files: readonly RenderedFile[]): { path: string; reason: 'missing' | 'different' }[] {
  const stale: { path: string; reason: 'missing' | 'different' }[] = [];
  for (const file of files) {
    const target = join(directory, file.path);
    if (!existsSync(target)) {
      stale.push({ path: file.path, reason: 'missing' });
    } else if (file.owner !== 'user' && readFileSync(target, 'utf8') !== file.content) {
      stale.push({ path: file.path, reason: 'different' });
    }
  }
  return stale;
}
