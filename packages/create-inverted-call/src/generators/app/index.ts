/**
 * The project generator. Its steps follow yeoman's run loop:
 *
 * - initializing: check every answer given as an option, before asking anything;
 * - prompting: ask for the answers not given (only when interactive and without `yes`);
 * - configuring: settle the answers and the target folder, refusing a folder that is not empty
 *   unless `allowNonEmpty`;
 * - writing: render every file into yeoman's in-memory file system, then protect the user's
 *   files (below); yeoman commits the rest to disk;
 * - end: say what was written and what to run next (progress, on stdout when run by the CLI),
 *   and warn about the files kept (on stderr).
 *
 * Existing files: a file the project would write that already exists with other content is the
 * user's. Non-interactively it is kept as it is and reported; interactively yeoman's conflicter
 * asks about each one (overwrite, skip, show the difference). Nothing is overwritten silently.
 *
 * Only methods named after run-loop steps live on the class: yeoman runs every public method of
 * a generator as a task, so helpers are plain functions.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { handlerName } from '@inverted-call/driver-template';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { givenAnswers, resolveAnswers, type ProjectAnswers, type RawAnswers } from '../../answers.js';
import { CreateError } from '../../errors.js';
import { templatesRoot } from '../../package-root.js';
import { layoutOf, modelOf, packageJsonOf, schemaAndGeneratedFiles, type ProjectFile } from '../../project-files.js';
import { preflight, type CreateOptions } from '../../preflight.js';
import { questionsFor } from '../../prompts.js';
import { sampleHandlers } from '../../sample-handlers.js';
import { checkTargetFolder, targetDirectory } from '../../target-folder.js';
import { templateContext } from '../../template-context.js';
import { WARN_METHOD } from '../../terminal-output.js';
import { loadVersions } from '../../versions.js';

export type { CreateOptions } from '../../preflight.js';

/** Template files and where they go: dotfiles are stored without their dot. */
const TEMPLATES: readonly { from: string; to: string }[] = [
  { from: 'README.md', to: 'README.md' },
  { from: 'gitignore', to: '.gitignore' },
  { from: 'github/workflows/ci.yml', to: '.github/workflows/ci.yml' },
  { from: 'tsconfig.json', to: 'tsconfig.json' },
  { from: 'tsconfig.build.json', to: 'tsconfig.build.json' },
  { from: 'src/service.ts', to: 'src/service.ts' },
  { from: 'src/main.ts', to: 'src/main.ts' },
  { from: 'src/simulation.ts', to: 'src/simulation.ts' },
  { from: 'src/windows-service.ts', to: 'src/windows-service.ts' },
  { from: 'test/device.test.ts', to: 'test/device.test.ts' },
  { from: 'test/conformance.test.ts', to: 'test/conformance.test.ts' },
  { from: 'test/service.test.ts', to: 'test/service.test.ts' },
];

/** What happened to each file of the project. */
export interface WriteReport {
  /** Files new on disk. */
  created: string[];
  /** Files that existed with the same content. */
  unchanged: string[];
  /** Existing files with other content, left as they were. */
  kept: string[];
  /** Existing files with other content, handed to yeoman's conflicter to ask about. */
  asked: string[];
}

export default class InvertedCallGenerator extends Generator<Record<string, never>, BaseOptions & CreateOptions> {
  given: RawAnswers = {};
  answers: ProjectAnswers | undefined;
  report: WriteReport = { created: [], unchanged: [], kept: [], asked: [] };

  constructor(args?: string[], options?: BaseOptions & CreateOptions) {
    // customInstallTask: the generator installs nothing itself; the user runs npm install (the
    // next steps say so), which keeps creating a project fast and offline.
    super(args, options, { customInstallTask: true });
    this.sourceRoot(templatesRoot);
  }

  initializing(): void {
    // Every answer given is checked now, so a bad flag fails before any question.
    this.given = preflight(this.options, this.contextRoot);
  }

  async prompting(): Promise<void> {
    if (this.options.yes || !this.options.interactive) return;
    const questions = questionsFor(this.given, { cwd: this.contextRoot, directory: this.options.directory, allowNonEmpty: this.options.allowNonEmpty === true });
    if (questions.length === 0) return;
    const answers = (await this.prompt(questions as never)) as Record<string, unknown>;
    this.given = { ...this.given, ...givenAnswers(answers) };
  }

  configuring(): void {
    this.answers = resolveAnswers(this.given);
    const target = targetDirectory(this.contextRoot, this.answers.projectName, this.options.directory);
    checkTargetFolder(target, this.contextRoot, this.options.allowNonEmpty === true);
    this.destinationRoot(target);
  }

  writing(): void {
    const answers = this.answers!;
    const versions = loadVersions();
    const layout = layoutOf(answers);
    const model = modelOf(answers, layout);
    const made = [...schemaAndGeneratedFiles(answers, layout, model, this.destinationRoot()), packageJsonOf(answers, layout, versions)];
    const tsModule = made.find((file) => file.path === layout.tsModule)!.content;
    const context = templateContext(answers, layout, model, tsModule, handlerName, versions);

    const handlers = `${layout.driverFolder}/Handlers.c`;
    for (const file of made) {
      const content = file.path === handlers ? sampleHandlers(file.content, context.calls, context.handlerNames) : file.content;
      this.fs.write(this.destinationPath(file.path), content);
    }
    for (const { from, to } of TEMPLATES) this.fs.copyTpl(this.templatePath(from), this.destinationPath(to), context as never);

    const paths = [...made.map((file: ProjectFile) => file.path), ...TEMPLATES.map((template) => template.to)];
    const askAboutConflicts = this.options.interactive === true && this.options.yes !== true;
    this.report = protectExistingFiles(this, paths, askAboutConflicts);
  }

  end(): void {
    const answers = this.answers!;
    const { created, kept, asked } = this.report;
    const folder = this.destinationRoot();
    this.log(`\nCreated ${answers.projectName} in ${folder}: device ${answers.deviceName}, ${answers.driver.toUpperCase()} driver, ${created.length} new file(s).`);
    if (kept.length > 0) {
      warn(this, `Kept ${kept.length} file(s) you already had, unchanged (the project's version differs; compare with a project created in an empty folder to merge): ${kept.join(', ')}`);
    }
    if (asked.length > 0) this.log(`You decided about ${asked.length} existing file(s): ${asked.join(', ')}`);
    this.log(['', 'Next:', `  cd ${shellPath(this.contextRoot, folder)}`, '  npm install', '  npm test', '  npm start -- --simulate', ''].join('\n'));
  }
}

/**
 * Puts back the user's version of every file that exists with other content, so yeoman commits
 * nothing over it, unless the conflicts are to be asked about (yeoman's conflicter then asks).
 * Buffers, not text: a file that is not UTF-8 must come back byte for byte.
 */
function protectExistingFiles(generator: InvertedCallGenerator, paths: readonly string[], askAboutConflicts: boolean): WriteReport {
  const report: WriteReport = { created: [], unchanged: [], kept: [], asked: [] };
  for (const path of paths) {
    const target = generator.destinationPath(path);
    const blocking = blockingEntry(generator.destinationRoot(), path);
    if (blocking) {
      // Nothing is on disk yet: yeoman commits after this step, and an error stops it.
      throw new CreateError(`${blocking} is in the way of the project's ${path}: move or rename it, then run again`, 1);
    }
    if (!existsSync(target)) {
      report.created.push(path);
      continue;
    }
    const theirs = readFileSync(target);
    const ours = Buffer.from(generator.fs.read(target) ?? '', 'utf8');
    if (theirs.equals(ours)) {
      report.unchanged.push(path);
    } else if (askAboutConflicts) {
      report.asked.push(path);
    } else {
      generator.fs.write(target, theirs);
      report.kept.push(path);
    }
  }
  return report;
}

/** A folder where the project writes a file, or a file where it needs a folder, if there is one. */
function blockingEntry(root: string, path: string): string | undefined {
  const parts = path.split('/');
  for (let count = 1; count <= parts.length; count++) {
    const entry = parts.slice(0, count).join('/');
    const full = join(root, entry);
    if (!existsSync(full)) return undefined;
    const isLast = count === parts.length;
    if (statSync(full).isDirectory() === isLast) return entry;
  }
  return undefined;
}

/** A warning through the CLI's logger (stderr); a logger without that method (yeoman-test's) logs it. */
function warn(generator: InvertedCallGenerator, message: string): void {
  const log = generator.log as unknown as Record<string, unknown>;
  const method = log[WARN_METHOD];
  if (typeof method === 'function') method.call(log, message);
  else generator.log(message);
}

/** The folder as the user would type it after `cd`. */
function shellPath(cwd: string, folder: string): string {
  const path = relative(cwd, folder) || '.';
  return /^[\w./@-]+$/.test(path) ? path : JSON.stringify(path);
}
