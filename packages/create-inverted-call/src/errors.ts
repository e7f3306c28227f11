/**
 * The errors the generator reports to its user, each with the exit code the CLI ends with:
 * 2 for input the generator cannot use (a bad name or flag), 1 when it refuses to write (a
 * folder that is not empty) or writing failed. Anything else escaping is a bug.
 */
export class CreateError extends Error {
  override readonly name = 'CreateError';

  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/** Input the generator cannot use: every problem at once, one per line. */
export function invalidInput(problems: readonly string[]): CreateError {
  const heading = problems.length === 1 ? '' : `${problems.length} problems:\n`;
  return new CreateError(`${heading}${problems.map((problem) => (problems.length === 1 ? problem : `  ${problem}`)).join('\n')}`, 2);
}

export function isCreateError(error: unknown): error is CreateError {
  return error instanceof CreateError;
}
