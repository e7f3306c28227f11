/**
 * Everything that can be checked before a question is asked or a file written: the answers
 * given, whether the missing ones can be asked for, the schema they make (when all are known),
 * and the target folder (when known). The generator runs it first; the CLI runs it before
 * starting yeoman, so bad input gets one clear message and nothing else.
 */
import { ANSWER_KEYS, givenAnswers, resolveAnswers, type RawAnswers } from './answers.js';
import { CreateError } from './errors.js';
import { layoutOf, modelOf } from './project-files.js';
import { checkTargetFolder, targetDirectory } from './target-folder.js';

/** What the generator takes: the answers (see RawAnswers) and how to run. */
export interface CreateOptions extends RawAnswers {
  /** The folder to create the project in, relative to the working directory; default: the project name without its scope. */
  directory?: string;
  /** Add the project to a folder that is not empty (`--force`); existing files are still never overwritten silently. */
  allowNonEmpty?: boolean;
  /** Take the defaults for every answer not given, without asking. */
  yes?: boolean;
  /** A user is at a terminal: questions may be asked (missing answers, conflicting files). */
  interactive?: boolean;
}

/** Checks what can be checked now; returns the answers given. Throws a CreateError. */
export function preflight(options: CreateOptions, cwd: string): RawAnswers {
  const given = givenAnswers(options);
  // The answers not given take their defaults here, so every answer given is checked.
  const answers = resolveAnswers(given);
  const missing = ANSWER_KEYS.filter((key) => given[key] === undefined);
  if (missing.length > 0 && !options.yes && !options.interactive) {
    const which = missing.length === ANSWER_KEYS.length ? 'answers' : `answers not given (${missing.join(', ')})`;
    throw new CreateError(`no terminal to ask for the ${which}: pass them as flags (see --help), or --yes to take the defaults`, 2);
  }
  if (missing.length === 0 || options.yes) modelOf(answers, layoutOf(answers));
  if (given.projectName !== undefined || options.directory !== undefined) {
    checkTargetFolder(targetDirectory(cwd, answers.projectName, options.directory), cwd, options.allowNonEmpty === true);
  }
  return given;
}
