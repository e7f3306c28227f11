/**
 * Closing what a scenario opened, newest first, for both suites' contexts. Every failure is
 * reported (the first one thrown), except a handle already gone: one the scenario closed itself,
 * or one of a process that crashed.
 */
export async function runCleanups(cleanups: (() => Promise<unknown>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERROR_INVALID_HANDLE') errors.push(error);
    }
  }
  if (errors.length) throw errors[0];
}
