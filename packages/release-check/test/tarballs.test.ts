// Release hygiene: every public package is packed as it would be published (pnpm pack, which
// also rewrites workspace: ranges), and its tarball must hold exactly what the manifest names:
// publint reports nothing (warnings included), every entry point (exports, main, module, types,
// bin) is in the tarball, and nothing outside the `files` list (sources, tests) slips in.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, describe, expect, it } from 'vitest';
import { PNPM, entryPoints, publicPackages } from './packages.js';

const packDir = mkdtempSync(join(tmpdir(), 'inverted-call-pack-'));
process.env.PATH = `${dirname(PNPM)}:${process.env.PATH ?? ''}`;
afterAll(() => rmSync(packDir, { recursive: true, force: true }));

/** Files always published, whatever `files` says. */
const ALWAYS = /^(package\.json|README(\.md)?|LICEN[CS]E(\.md|\.txt)?|CHANGELOG\.md)$/i;

function pack(dir: string): string {
  const result = spawnSync(PNPM, ['pack', '--pack-destination', packDir], { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pnpm pack failed in ${dir}:\n${result.stdout}\n${result.stderr}`);
  const tarball = result.stdout.trim().split('\n').filter((line) => line.endsWith('.tgz')).at(-1);
  if (!tarball) throw new Error(`pnpm pack printed no tarball:\n${result.stdout}`);
  return tarball.startsWith('/') ? tarball : join(packDir, tarball);
}

function listTarball(tarball: string): string[] {
  const result = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tar -tzf ${tarball} failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''));
}

describe('published tarballs', () => {
  const packages = publicPackages();

  it('there are public packages to check', () => {
    expect(packages.length).toBeGreaterThanOrEqual(10);
  });

  it.each(packages.map((entry) => [entry.name, entry] as const))('%s: publint is clean and the tarball holds exactly the files it names', async (_name, entry) => {
    const tarball = pack(entry.dir);
    const files = listTarball(tarball);
    // publint packs the package itself, with the repository's pnpm (first on PATH, see below).
    const { messages, pkg } = await publint({ pkgDir: entry.dir, pack: 'pnpm', level: 'warning', strict: true });
    expect(messages.map((message) => `${message.type}: ${formatMessage(message, pkg) ?? message.code}`)).toEqual([]);
    for (const entryPoint of entryPoints(entry.manifest)) expect(files, `${entryPoint} is named by the manifest`).toContain(entryPoint);
    const allowed = (entry.manifest.files ?? []).map((path) => path.replace(/^\.\//, '').replace(/\/$/, ''));
    const stray = files.filter((file) => !ALWAYS.test(file) && !allowed.some((prefix) => file === prefix || file.startsWith(`${prefix}/`)));
    expect(stray).toEqual([]);
    expect(files.some((file) => file.startsWith('src/') || file.startsWith('test/'))).toBe(false);
  });
});
