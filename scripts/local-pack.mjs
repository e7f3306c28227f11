#!/usr/bin/env node
// The kit before its first publish (`npm create inverted-call` finds nothing on the registry yet):
// builds the workspace, packs every public package of this repository into <out>/tarballs,
// installs create-inverted-call from its tarball (as `npm create` would), runs it in <out>, and
// points the new project's package.json at the tarballs (dependencies and overrides). Then the
// project installs and runs as if the kit were published. The route itself lives in
// packages/create-inverted-call/scripts/local-tarballs.mjs, which the scaffold e2e test uses too.
//
// Usage: npm run local-pack -- [<project-name>] [--out <folder>] [--skip-build] [create-inverted-call flags]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { installGenerator, packWorkspace, pnpmCommand, pointProjectAtTarballs, userEnvironment } from '../packages/create-inverted-call/scripts/local-tarballs.mjs';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_PROJECT = 'my-device';
const DEFAULT_OUT = join(repositoryRoot, '..', 'inverted-call-local');

export const USAGE = `Usage: npm run local-pack -- [<project-name>] [--out <folder>] [--skip-build] [create-inverted-call flags]

Packs this repository's public packages and creates a project that installs them from those
tarballs, for use before the kit is published.

  <project-name>     the project, created in <out>/<name> (default ${DEFAULT_PROJECT}); first, if given
  --out <folder>     where the tarballs, the installed generator and the project go
                     (default ../inverted-call-local, beside the repository; not inside it)
  --skip-build       pack what is built now (default: build the workspace first)
  -h, --help         show this help

Every other flag goes to create-inverted-call (--driver wdm, --calls A,B, --yes, ...): see
packages/create-inverted-call/README.md. At a terminal it asks for what the flags leave out.`;

/**
 * The script's settings from its arguments, or a problem. The project name is the first
 * argument when it is not a flag; the generator's own flags pass through, except the two that
 * decide the project's folder, which this script owns.
 */
export function parseLocalPackArgs(/** @type {readonly string[]} */ argv, /** @type {string} */ defaultOut = DEFAULT_OUT) {
  // `pnpm local-pack -- x` passes its `--` on (npm run drops it).
  const rest = argv[0] === '--' ? argv.slice(1) : [...argv];
  const projectName = rest[0] !== undefined && !rest[0].startsWith('-') ? /** @type {string} */ (rest.shift()) : DEFAULT_PROJECT;
  let out = defaultOut;
  let build = true;
  let help = false;
  /** @type {string[]} */
  const generatorArgs = [];
  for (let index = 0; index < rest.length; index++) {
    const argument = /** @type {string} */ (rest[index]);
    if (argument === '-h' || argument === '--help') help = true;
    else if (argument === '--skip-build') build = false;
    else if (argument === '--out') {
      const value = rest[++index];
      if (value === undefined || value.startsWith('-')) return { problem: '--out needs a folder: --out <folder>' };
      out = value;
    } else if (argument.startsWith('--out=')) out = argument.slice('--out='.length);
    else if (/^--(name|directory)(=|$)/.test(argument)) {
      return { problem: `${argument.split('=')[0]} is decided here: give the project name first (npm run local-pack -- <project-name>) and the folder with --out` };
    } else generatorArgs.push(argument);
  }
  return { projectName, out: resolve(out), build, help, generatorArgs };
}

/** The project's folder: its name without the npm scope, as the generator does. */
export function projectFolder(/** @type {string} */ out, /** @type {string} */ projectName) {
  return join(out, projectName.replace(/^@[^/]+\//, ''));
}

/** Why `out` cannot be used, if it cannot: inside the repository, node would resolve the workspace's packages. */
export function outProblem(/** @type {string} */ out, /** @type {string} */ root = repositoryRoot) {
  const inside = relative(resolve(root), out);
  if (inside === '' || (!inside.startsWith('..') && !inside.startsWith(sep) && !/^[a-z]:/i.test(inside))) {
    return `--out ${out} is inside the repository, where the project would resolve the workspace's node_modules instead of its own: choose a folder outside it`;
  }
  return undefined;
}

function fail(/** @type {string} */ message) {
  process.stderr.write(`local-pack: ${message}\n`);
  process.exit(1);
}

async function main() {
  const parsed = parseLocalPackArgs(process.argv.slice(2));
  if ('problem' in parsed) return fail(`${parsed.problem}\nRun npm run local-pack -- --help for the options.`);
  if (parsed.help) return void process.stdout.write(`${USAGE}\n`);
  const { projectName, out, build, generatorArgs } = parsed;
  const badOut = outProblem(out);
  if (badOut) return fail(badOut);
  const project = projectFolder(out, projectName);
  if (existsSync(project) && readdirSync(project).length > 0) fail(`${project} exists and is not empty: remove it, or give another project name or --out`);

  const [pnpm, prefix] = pnpmCommand(repositoryRoot);
  if (build) {
    process.stdout.write('local-pack: building the workspace (turbo)\n');
    const built = spawnSync(pnpm, [...prefix, 'turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: repositoryRoot, stdio: 'inherit' });
    if (built.status !== 0) fail('the build failed (above): fix it, then run local-pack again');
  }
  const tarballs = await packWorkspace({ repositoryRoot, destination: join(out, 'tarballs') });
  process.stdout.write(`local-pack: packed ${Object.keys(tarballs).length} packages into ${join(out, 'tarballs')}\n`);
  const bin = await installGenerator({ runner: join(out, 'generator'), tarballs });
  process.stdout.write(`local-pack: installed create-inverted-call from its tarball into ${join(out, 'generator')}\n`);

  const created = spawnSync(bin, [projectName, ...generatorArgs], { cwd: out, stdio: 'inherit', env: userEnvironment() });
  if (created.status !== 0) process.exit(created.status ?? 1);
  pointProjectAtTarballs(project, tarballs);
  // The generator printed its next steps (relative to <out>); this says why they work unpublished.
  process.stdout.write(
    [
      '',
      `local-pack: ${project} installs this repository's packages from ${join(out, 'tarballs')}`,
      '(file: dependencies and overrides in its package.json), so the steps above work before the',
      'first publish:',
      `  cd ${project} && npm install && npm test`,
      'Run local-pack again after changing the kit, with another project name or after removing this one.',
      '',
    ].join('\n'),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
}
