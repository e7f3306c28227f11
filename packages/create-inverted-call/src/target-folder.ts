/**
 * The folder a project goes into, and the rule that protects what is already there: a folder
 * with anything in it (a `.git` folder aside) is refused unless the user forces it, and even then
 * no file of theirs is overwritten without them deciding (see the generator's writing step).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { unscopedName } from './answers.js';
import { CreateError } from './errors.js';

/** Entries that do not make a folder "not empty": a fresh `git init` is a fine place to start. */
const IGNORED_ENTRIES = new Set(['.git']);

/** The folder a project goes into: `--directory`, or the project name without its scope. */
export function targetDirectory(cwd: string, projectName: string, directory?: string): string {
  return resolve(cwd, directory ?? unscopedName(projectName));
}

/** Throws (exit code 1) if the target is a file, or a folder with entries and no `--force`. */
export function checkTargetFolder(target: string, cwd: string, allowNonEmpty: boolean): void {
  if (!existsSync(target)) return;
  const shown = relative(cwd, target) || '.';
  if (!statSync(target).isDirectory()) {
    throw new CreateError(`${shown} is a file, not a folder: choose another folder with --directory or another project name`, 1);
  }
  const entries = readdirSync(target).filter((entry) => !IGNORED_ENTRIES.has(entry)).sort();
  if (entries.length === 0 || allowNonEmpty) return;
  const listed = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, and ${entries.length - 5} more` : '');
  throw new CreateError(
    `the folder ${shown} is not empty (${listed}): create the project in a new folder (--directory <dir> or another name), ` +
      'or pass --force to add the project to it; files you already have are kept, never overwritten',
    1,
  );
}
