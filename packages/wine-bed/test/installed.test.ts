/**
 * The Wine bed as a user gets it: this package and the @inverted-call packages it depends on are
 * packed (pnpm pack, as they would be published), installed with npm into a fresh project, and
 * imported from there. The installed package has no Windows-side project beside it, so
 * windowsSide() provisions node.exe and koffi into WINE_BED_CACHE; the conformance files it names
 * come from the installed packages. No Wine needed: wine-bed.test.ts runs a provisioned side.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isProvisioned, windowsSideFolderName } from '../src/index.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'wine-bed-installed-'));
const project = join(work, 'project');
const cacheRoot = join(work, 'cache');
const INSTALL_LIMIT = 10 * 60_000;
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The repository's package folders by package name. */
function workspaceFolders(): Map<string, string> {
  const folders = new Map<string, string>();
  for (const folder of readdirSync(join(REPO, 'packages'))) {
    const manifest = join(REPO, 'packages', folder, 'package.json');
    if (existsSync(manifest)) folders.set((JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name, join(REPO, 'packages', folder));
  }
  return folders;
}

/** This package and every workspace package it reaches through `dependencies`. */
function reachedPackages(): Map<string, string> {
  const folders = workspaceFolders();
  const reached = new Map<string, string>();
  const visit = (name: string): void => {
    const folder = folders.get(name);
    if (!folder || reached.has(name)) return;
    reached.set(name, folder);
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) if (range.startsWith('workspace:')) visit(dependency);
  };
  visit('@inverted-call/wine-bed');
  return reached;
}

/** pnpm (it turns `workspace:^` into versions when packing): the one running us, or the repository's. */
function pnpm(): [string, string[]] {
  const running = process.env.npm_execpath;
  if (running && /pnpm/.test(running)) return /\.[cm]?js$/.test(running) ? [process.execPath, [running]] : [running, []];
  return [join(REPO, '.tools', 'node_modules', '.bin', 'pnpm'), []];
}

/** A user's shell: none of the npm_* settings a package manager passes to its scripts. */
function userEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))), ...extra };
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = userEnvironment()): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: INSTALL_LIMIT, maxBuffer: 64 * 1024 * 1024 });
  expect(result.status, `${command} ${args.join(' ')} in ${cwd}:\n${result.stdout}\n${result.stderr}\n${result.error ?? ''}`).toBe(0);
  return result.stdout;
}

beforeAll(() => {
  const packs = join(work, 'tarballs');
  const [command, prefix] = pnpm();
  const tarballs: Record<string, string> = {};
  for (const [name, folder] of reachedPackages()) {
    const printed = run(command, [...prefix, 'pack', '--pack-destination', packs], folder, process.env).trim().split('\n').filter((line) => line.endsWith('.tgz')).at(-1)!;
    tarballs[name] = `file:${printed.startsWith('/') ? printed : join(packs, printed)}`;
  }
  mkdirSync(project);
  // npm wants a direct dependency's spec to equal its override.
  const manifest = { name: 'user-project', private: true, type: 'module', devDependencies: { '@inverted-call/wine-bed': tarballs['@inverted-call/wine-bed'] }, overrides: tarballs };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
}, INSTALL_LIMIT);

it('packs with its dependencies, all of them public', () => {
  const reached = reachedPackages();
  expect([...reached.keys()]).toEqual(expect.arrayContaining(['@inverted-call/wine-bed', '@inverted-call/conformance', '@inverted-call/conformance-device', '@inverted-call/driver-template', '@inverted-call/schema']));
  for (const [name, folder] of reached) expect((JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { private?: boolean }).private, name).toBeUndefined();
});

it('installs with npm, and provisions the Windows side into WINE_BED_CACHE on first use', () => {
  const installed = join(project, 'node_modules', '@inverted-call', 'wine-bed');
  expect(existsSync(join(installed, 'dist', 'index.js'))).toBe(true);
  expect(existsSync(join(installed, 'windows'))).toBe(false);
  const script = [
    "import * as bed from '@inverted-call/wine-bed';",
    'const side = bed.windowsSide();',
    'console.log(JSON.stringify({ side, handlers: bed.CONFORMANCE_HANDLERS, schema: bed.CONFORMANCE_SCHEMA, header: bed.CONFORMANCE_DEVICE_HEADER }));',
  ].join('\n');
  const printed = run(process.execPath, ['--input-type=module', '-e', script], project, userEnvironment({ WINE_BED_CACHE: cacheRoot }));
  const report = JSON.parse(printed.trim().split('\n').at(-1)!) as { side: { source: string; nodeExe: string; koffiModulesDir: string }; handlers: string; schema: string; header: string };
  const dir = join(cacheRoot, windowsSideFolderName());
  expect(report.side).toMatchObject({ source: 'cache', nodeExe: join(dir, 'node.exe'), koffiModulesDir: join(dir, 'node_modules') });
  expect(isProvisioned(dir)).toBe(true);
  for (const file of [report.handlers, report.schema, report.header]) {
    expect(file.startsWith(join(project, 'node_modules', '@inverted-call')), file).toBe(true);
    expect(existsSync(file), file).toBe(true);
  }
  expect(dirname(report.handlers)).toBe(join(project, 'node_modules', '@inverted-call', 'conformance', 'driver'));
}, INSTALL_LIMIT);
