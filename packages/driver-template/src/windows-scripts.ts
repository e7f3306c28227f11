/**
 * The PowerShell scripts a driver developer runs on Windows (build, test-sign, install,
 * uninstall), and the module they share. They are the same in every project: each takes the
 * driver's name from the one `.vcxproj` in its `-DriverDir`, so nothing is filled in. A project
 * keeps them in `scripts/windows/` (`inverted-call-driver scripts --out scripts/windows`).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { templateRoot } from './template-files.js';

/** Where a generated project keeps the scripts, from its root. */
export const WINDOWS_SCRIPTS_FOLDER = 'scripts/windows';

export interface WindowsScriptFile {
  /** Relative to the scripts folder: `build-driver.ps1`. */
  path: string;
  content: string;
}

/** The scripts and their shared module, sorted by path. */
export function windowsScriptFiles(): WindowsScriptFile[] {
  const root = templateRoot('windows-scripts');
  return readdirSync(root)
    .filter((name) => name.endsWith('.ps1') || name.endsWith('.psm1'))
    .sort()
    .map((path) => ({ path, content: readFileSync(join(root, path), 'utf8') }));
}

export interface StaleWindowsScript {
  path: string;
  reason: 'missing' | 'different';
}

/** Line endings aside: git may check the scripts out with CRLF on Windows, which PowerShell reads alike. */
function sameScript(a: string, b: string): boolean {
  return a.replace(/\r\n/g, '\n') === b.replace(/\r\n/g, '\n');
}

/** The scripts a folder lacks or holds in another version; [] when it is current. */
export function staleWindowsScripts(folder: string): StaleWindowsScript[] {
  const stale: StaleWindowsScript[] = [];
  for (const file of windowsScriptFiles()) {
    const target = join(folder, file.path);
    if (!existsSync(target)) stale.push({ path: file.path, reason: 'missing' });
    else if (!sameScript(readFileSync(target, 'utf8'), file.content)) stale.push({ path: file.path, reason: 'different' });
  }
  return stale;
}

/** Writes every script into the folder (created when needed); returns the paths written. */
export function writeWindowsScripts(folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  const files = windowsScriptFiles();
  for (const file of files) writeFileSync(join(folder, file.path), file.content);
  return files.map((file) => file.path);
}
