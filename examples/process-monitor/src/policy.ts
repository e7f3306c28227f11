/**
 * Policy mode's rules: which process images a rule names, matched the way Windows compares file
 * names (case-insensitively) against the image name the driver reports for a new process.
 *
 * A rule is a glob or, between slashes, a regular expression:
 *
 *   cl.exe                      a glob without "\": the image's base name (any folder)
 *   C:\Users\*\Downloads\**     a glob with "\" (or "/"): the whole path, from the drive on
 *   /^C:\\Temp\\.*\.exe$/       a JavaScript regular expression: searched in the whole path
 *
 * In a glob, `*` is any run of characters inside one folder name, `**` any run across folders,
 * `?` one character other than "\"; everything else is itself. The kernel reports NT paths
 * (`\??\C:\Windows\System32\cmd.exe`): the `\??\` or `\\?\` in front is removed before matching,
 * so rules are written as the paths users see. A name the driver had to truncate (longer than 259
 * UTF-16 units) has lost its end: base-name globs never match it, whole-path rules see what was
 * kept. A process without an image name matches nothing.
 */
import type { ProcessCreated } from '../generated/process-monitor.js';

/** A rule the policy cannot use; the message names the option, the rule and the fix. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

/** The fields of a new process that a rule looks at. */
export type ImageOf = Pick<ProcessCreated, 'imageName' | 'imageNameState'>;

export interface ImageRule {
  /** As written on the command line. */
  readonly pattern: string;
  readonly syntax: 'glob' | 'regex';
  /** What it is matched against: the base name (a glob without "\") or the whole path. */
  readonly scope: 'base name' | 'path';
  /** Whether it names this image. */
  test(image: ImageOf): boolean;
}

/** The ways an NT or Win32 path starts before the drive, removed before matching. */
const PATH_PREFIXES = ['\\??\\', '\\\\?\\'];
/** Characters no Windows file name holds (besides "\", ":" and the wildcards). */
const NOT_IN_PATHS = /["<>|\u0000-\u001f]/u;

/** The image's path as users write it: without the NT prefix. */
export function displayPath(imageName: string): string {
  const prefix = PATH_PREFIXES.find((candidate) => imageName.startsWith(candidate));
  return prefix ? imageName.slice(prefix.length) : imageName;
}

/** The last component of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('\\') + 1);
}

/**
 * Compiles the rules given with `option` (named in errors, e.g. `--deny`). Throws PolicyError on
 * the first rule it cannot use.
 */
export function compileRules(patterns: readonly string[], option: string): ImageRules {
  return new ImageRules(patterns.map((pattern) => compileRule(pattern, option)));
}

/** A list of rules: an image matches when any rule names it. */
export class ImageRules {
  constructor(readonly rules: readonly ImageRule[]) {}

  get size(): number {
    return this.rules.length;
  }

  /** The first rule that names this image, if any. */
  match(image: ImageOf): ImageRule | undefined {
    if (image.imageNameState === 'Unavailable' || image.imageName === '') return undefined;
    return this.rules.find((rule) => rule.test(image));
  }
}

function compileRule(pattern: string, option: string): ImageRule {
  const refuse = (why: string): never => {
    throw new PolicyError(`${option} ${JSON.stringify(pattern)}: ${why}`);
  };
  if (pattern.trim() === '') refuse('the rule is empty; give an image name such as "notepad.exe", a path glob such as "C:\\Users\\*\\Downloads\\**", or a regular expression between slashes such as "/\\\\Temp\\\\/"');
  if (pattern.length >= 2 && pattern.startsWith('/') && pattern.endsWith('/')) return compileRegex(pattern, refuse);
  return compileGlob(pattern, refuse);
}

function compileRegex(pattern: string, refuse: (why: string) => never): ImageRule {
  const source = pattern.slice(1, -1);
  if (source === '') refuse('the regular expression between the slashes is empty');
  let regex: RegExp;
  try {
    // Unicode mode, case-insensitive: the flags are ours, not the rule's.
    regex = new RegExp(source, 'iu');
  } catch (error) {
    return refuse(`not a valid regular expression (${(error as Error).message}); write it without flags, e.g. "/^C:\\\\Temp\\\\.*\\.exe$/", or drop the slashes for a glob`);
  }
  return { pattern, syntax: 'regex', scope: 'path', test: (image) => regex.test(displayPath(image.imageName)) };
}

function compileGlob(pattern: string, refuse: (why: string) => never): ImageRule {
  const glob = pattern.replaceAll('/', '\\');
  if (NOT_IN_PATHS.test(glob)) refuse('a Windows path never holds ", <, >, | or control characters; quote the rule for your shell, not inside it');
  if (/\*{3,}/u.test(glob)) refuse('three or more "*" in a row; use "*" inside one folder name or "**" across folders');
  if (glob.endsWith('\\')) refuse('it ends with "\\", so it names a folder; an image is a file: add its name, or "**" for anything below the folder');
  const scope = glob.includes('\\') ? 'path' : 'base name';
  const regex = new RegExp(`^${globToRegexSource(glob)}$`, 'iu');
  return {
    pattern,
    syntax: 'glob',
    scope,
    test: (image) => {
      const path = displayPath(image.imageName);
      if (scope === 'path') return regex.test(path);
      // A truncated name lost its end: its last component is not the image's base name.
      return image.imageNameState !== 'Truncated' && regex.test(baseName(path));
    },
  };
}

function globToRegexSource(glob: string): string {
  let source = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (char === '*' && glob[index + 1] === '*') {
      source += '.*';
      index++;
    } else if (char === '*') source += '[^\\\\]*';
    else if (char === '?') source += '[^\\\\]';
    else source += char.replace(/[.+^${}()|[\]\\]/u, '\\$&');
  }
  return source;
}
