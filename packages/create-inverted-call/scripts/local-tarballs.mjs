// The kit before its first publish: this repository's public packages packed as tarballs
// (pnpm pack, which turns `workspace:^` ranges into versions), create-inverted-call installed from
// its tarball the way `npm create` installs it, and a generated project pointed at the tarballs.
// The one owner of that route: scripts/local-pack.mjs (for people) and test/scaffold.e2e.test.ts
// (for CI) both go through it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GENERATOR_PACKAGE = 'create-inverted-call';
/** The dependency fields of a manifest that can name a kit package. */
const DEPENDENCY_FIELDS = ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies'];

/**
 * @typedef {{ name: string, version: string, dir: string }} WorkspacePackage
 * @typedef {{ code: number | null, output: string }} CommandResult
 * @typedef {{ cwd: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} CommandOptions
 */

/** Runs a command without a terminal (stdin closed), collecting both streams. */
export function runCommand(/** @type {string} */ command, /** @type {readonly string[]} */ args, /** @type {CommandOptions} */ options) {
  return /** @type {Promise<CommandResult>} */ (
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    })
  );
}

/** Runs a command and throws, naming the step and showing its output, unless it exits 0. */
async function step(/** @type {string} */ what, /** @type {string} */ command, /** @type {readonly string[]} */ args, /** @type {CommandOptions} */ options) {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) throw new Error(`${what} failed (exit code ${result.code}):\n${result.output}`);
  return result;
}

/** The environment of a user's shell: none of the npm_* settings pnpm and npm pass to their scripts. */
export function userEnvironment(/** @type {NodeJS.ProcessEnv} */ env = process.env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_/i.test(name)));
}

/** pnpm (it rewrites `workspace:^` when packing): the one running us, else the repository's (.tools, from bootstrap), else the one on PATH. */
export function pnpmCommand(/** @type {string} */ repositoryRoot, /** @type {NodeJS.ProcessEnv} */ env = process.env) {
  const running = env.npm_execpath;
  /** @type {[string, string[]]} */
  let command;
  if (running && /pnpm/.test(running)) command = /\.[cm]?js$/.test(running) ? [process.execPath, [running]] : [running, []];
  else {
    const tools = join(repositoryRoot, '.tools', 'node_modules', '.bin', 'pnpm');
    command = [existsSync(tools) ? tools : 'pnpm', []];
  }
  return command;
}

/** Every package a user could install: each packages/* folder whose package.json is not private. */
export function publicWorkspacePackages(/** @type {string} */ repositoryRoot) {
  const root = join(repositoryRoot, 'packages');
  /** @type {WorkspacePackage[]} */
  const found = [];
  for (const folder of readdirSync(root).sort()) {
    const manifestPath = join(root, folder, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.private !== true) found.push({ name: manifest.name, version: manifest.version, dir: join(root, folder) });
  }
  return found;
}

/** The file pnpm pack writes for a package: `@scope/name` 1.2.3 -> `scope-name-1.2.3.tgz`. */
export function tarballName(/** @type {string} */ name, /** @type {string} */ version) {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * Packs every public package into `destination` (emptied first) and returns the npm specs of
 * the tarballs by package name, `file:<absolute path>`. Needs the packages built.
 */
export async function packWorkspace(/** @type {{ repositoryRoot: string, destination: string, timeoutMs?: number }} */ settings) {
  const { repositoryRoot, destination, timeoutMs } = settings;
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  const [pnpm, prefix] = pnpmCommand(repositoryRoot);
  const packages = publicWorkspacePackages(repositoryRoot);
  if (!packages.some((entry) => entry.name === GENERATOR_PACKAGE)) throw new Error(`no public ${GENERATOR_PACKAGE} package under ${join(repositoryRoot, 'packages')}`);
  await Promise.all(packages.map((entry) => step(`pnpm pack in ${entry.dir}`, pnpm, [...prefix, 'pack', '--pack-destination', destination], { cwd: entry.dir, timeoutMs })));
  /** @type {Record<string, string>} */
  const tarballs = {};
  for (const entry of packages) {
    const file = join(destination, tarballName(entry.name, entry.version));
    if (!existsSync(file)) throw new Error(`pnpm pack left no ${file} for ${entry.name} ${entry.version}`);
    tarballs[entry.name] = `file:${file}`;
  }
  return tarballs;
}

/**
 * The manifest with every kit package it names pointed at its tarball, and `overrides` pointing
 * the kit packages reached through other ones there too. npm wants a direct dependency's spec to
 * equal its override, hence both. The generator's own tarball is left out of the overrides: a
 * project does not depend on it.
 */
export function pointAtTarballs(/** @type {Record<string, any>} */ manifest, /** @type {Record<string, string>} */ tarballs) {
  const kit = Object.fromEntries(Object.entries(tarballs).filter(([name]) => name !== GENERATOR_PACKAGE));
  const result = { ...manifest };
  for (const field of DEPENDENCY_FIELDS) {
    if (!manifest[field]) continue;
    result[field] = Object.fromEntries(Object.entries(manifest[field]).map(([name, spec]) => [name, kit[name] ?? spec]));
  }
  result.overrides = { ...(manifest.overrides ?? {}), ...kit };
  return result;
}

/** Rewrites a generated project's package.json with pointAtTarballs. */
export function pointProjectAtTarballs(/** @type {string} */ project, /** @type {Record<string, string>} */ tarballs) {
  const path = join(project, 'package.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  writeFileSync(path, `${JSON.stringify(pointAtTarballs(manifest, tarballs), null, 2)}\n`);
}

/**
 * What `npm create inverted-call` does, minus the registry: installs create-inverted-call from
 * its tarball into `runner` (a folder of its own) and returns the path of its bin.
 */
export async function installGenerator(/** @type {{ runner: string, tarballs: Record<string, string>, timeoutMs?: number }} */ settings) {
  const { runner, tarballs, timeoutMs } = settings;
  const generator = tarballs[GENERATOR_PACKAGE];
  if (!generator) throw new Error(`no ${GENERATOR_PACKAGE} tarball among ${Object.keys(tarballs).join(', ')}`);
  rmSync(runner, { recursive: true, force: true });
  mkdirSync(runner, { recursive: true });
  const manifest = pointAtTarballs({ name: 'create-inverted-call-runner', private: true, dependencies: { [GENERATOR_PACKAGE]: generator } }, tarballs);
  writeFileSync(join(runner, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await step(`npm install ${GENERATOR_PACKAGE} in ${runner}`, 'npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: runner, env: userEnvironment(), timeoutMs });
  return join(runner, 'node_modules', '.bin', GENERATOR_PACKAGE);
}
