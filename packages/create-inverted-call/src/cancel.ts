/**
 * Ctrl+C at a question. Inquirer, which asks yeoman's questions, reads the terminal in raw mode,
 * so Ctrl+C arrives as a key and the question fails with its ExitPromptError instead of the
 * process getting SIGINT. The CLI ends the way a shell expects of a command stopped by Ctrl+C
 * (128 + SIGINT) and says in one line what is on disk.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';

/** 128 + 2 (SIGINT): what a shell reports for a command that Ctrl+C stopped. */
export const CANCELLED_EXIT_CODE = 130;

/** Whether an error is a question the user cancelled (inquirer's ExitPromptError, by name: it is inquirer's class, not ours). */
export function isCancelledQuestion(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError';
}

/**
 * The one line for a cancelled run. Nothing reaches the disk before yeoman's commit, which
 * follows every question but the conflicter's; a Ctrl+C at one of those (an existing file, with
 * --force at a terminal) can come after some new files were written, so the line checks.
 */
export function cancelledMessage(cwd: string, folder: string, newFiles: readonly string[]): string {
  const written = newFiles.filter((file) => existsSync(join(folder, file)));
  if (written.length === 0) return 'cancelled, nothing was written';
  const where = relative(cwd, folder) || '.';
  return `cancelled after writing ${written.length} new file(s) in ${where} (the files you already had are as they were): delete them, or run again with --force to finish`;
}
