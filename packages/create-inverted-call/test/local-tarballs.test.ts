/**
 * The pieces of the route before the first publish (scripts/local-tarballs.mjs) that need no
 * packing: which packages are packed, the names pnpm gives their tarballs, and how a project's
 * manifest is pointed at them. The whole route runs in scaffold.e2e.test.ts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pnpmCommand, pointAtTarballs, publicWorkspacePackages, tarballName, userEnvironment } from '../scripts/local-tarballs.mjs';
import { loadVersions } from '../src/index.js';
import { repositoryRoot } from './support.js';

const tarballs = {
  '@inverted-call/client': 'file:/packs/inverted-call-client-0.1.0.tgz',
  '@inverted-call/codec': 'file:/packs/inverted-call-codec-0.1.0.tgz',
  '@inverted-call/simulator': 'file:/packs/inverted-call-simulator-0.1.0.tgz',
  '@inverted-call/win32': 'file:/packs/inverted-call-win32-0.1.0.tgz',
  'create-inverted-call': 'file:/packs/create-inverted-call-0.1.0.tgz',
};

describe('pointAtTarballs', () => {
  const project = {
    name: 'my-device',
    scripts: { test: 'vitest run' },
    dependencies: { '@inverted-call/client': '^0.1.0', 'left-pad': '1.3.0' },
    optionalDependencies: { '@inverted-call/win32': '^0.1.0' },
    devDependencies: { '@inverted-call/simulator': '^0.1.0', vitest: '4.1.12' },
    overrides: { 'left-pad': '1.3.0' },
  };

  it('points every kit dependency, in every field, at its tarball and leaves the others', () => {
    const pointed = pointAtTarballs(project, tarballs);
    expect(pointed.dependencies).toEqual({ '@inverted-call/client': tarballs['@inverted-call/client'], 'left-pad': '1.3.0' });
    expect(pointed.optionalDependencies).toEqual({ '@inverted-call/win32': tarballs['@inverted-call/win32'] });
    expect(pointed.devDependencies).toEqual({ '@inverted-call/simulator': tarballs['@inverted-call/simulator'], vitest: '4.1.12' });
    expect(pointed.scripts).toEqual(project.scripts);
  });

  it('overrides every kit package, those reached only through others too, keeping the project’s own overrides; not the generator', () => {
    const pointed = pointAtTarballs(project, tarballs);
    expect(pointed.overrides).toEqual({
      'left-pad': '1.3.0',
      '@inverted-call/client': tarballs['@inverted-call/client'],
      '@inverted-call/codec': tarballs['@inverted-call/codec'],
      '@inverted-call/simulator': tarballs['@inverted-call/simulator'],
      '@inverted-call/win32': tarballs['@inverted-call/win32'],
    });
    // npm refuses a direct dependency whose spec differs from its override.
    for (const [name, spec] of Object.entries(pointed.dependencies as Record<string, string>)) {
      if (name in pointed.overrides) expect(spec, name).toBe(pointed.overrides[name]);
    }
  });

  it('leaves the manifest it was given as it was', () => {
    const before = structuredClone(project);
    pointAtTarballs(project, tarballs);
    expect(project).toEqual(before);
  });
});

describe('what is packed', () => {
  it('every public package: each one a project can reach, and the generator; no private one', () => {
    const names = publicWorkspacePackages(repositoryRoot).map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining([...Object.keys(loadVersions().packages), 'create-inverted-call']));
    expect(names).not.toContain('@inverted-call/docs-check');
    expect(names).not.toContain('@inverted-call/release-check');
  });

  it('names each tarball as pnpm pack does', () => {
    expect(tarballName('@inverted-call/driver-template', '0.1.0')).toBe('inverted-call-driver-template-0.1.0.tgz');
    expect(tarballName('create-inverted-call', '1.2.3-rc.1')).toBe('create-inverted-call-1.2.3-rc.1.tgz');
  });
});

describe('the commands', () => {
  it('uses the pnpm running it, else the repository’s, else the one on PATH', () => {
    const repositoryPnpm = join(repositoryRoot, '.tools', 'node_modules', '.bin', 'pnpm');
    expect(pnpmCommand(repositoryRoot, { npm_execpath: '/opt/pnpm/bin/pnpm.cjs' })).toEqual([process.execPath, ['/opt/pnpm/bin/pnpm.cjs']]);
    expect(pnpmCommand(repositoryRoot, { npm_execpath: '/usr/local/bin/pnpm' })).toEqual(['/usr/local/bin/pnpm', []]);
    expect(pnpmCommand(repositoryRoot, { npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js' })).toEqual([repositoryPnpm, []]);
    expect(pnpmCommand(repositoryRoot, {})).toEqual([repositoryPnpm, []]);
    expect(pnpmCommand('/nowhere', {})).toEqual(['pnpm', []]);
  });

  it('runs npm with a user’s environment: none of the npm_* settings of the script that started it', () => {
    expect(userEnvironment({ PATH: '/bin', npm_config_registry: 'http://x', NPM_TOKEN: 'y', HOME: '/root' })).toEqual({ PATH: '/bin', HOME: '/root' });
  });
});
