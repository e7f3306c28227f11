// Changesets are configured and in order: `changeset status` must pass on the branch CI builds.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PNPM, REPO, publicPackages } from './packages.js';

it('changeset status passes', () => {
  const result = spawnSync(PNPM, ['exec', 'changeset', 'status'], { cwd: REPO, encoding: 'utf8' });
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/error/i);
  expect(result.status).toBe(0);
});

it('the changesets config names no package that does not exist, and publishes publicly', () => {
  const config = JSON.parse(readFileSync(join(REPO, '.changeset', 'config.json'), 'utf8')) as { access: string; baseBranch: string; ignore: string[] };
  expect(config.access).toBe('public');
  expect(config.baseBranch).toBe('main');
  const names = new Set(publicPackages().map((entry) => entry.name));
  for (const ignored of config.ignore) expect(names.has(ignored) || existsSync(join(REPO, 'packages', ignored))).toBe(true);
});
