// local-pack's arguments and folders (the packing route itself is tested in
// packages/create-inverted-call: test/local-tarballs.test.ts, and end to end in scaffold.e2e.test.ts).
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outProblem, parseLocalPackArgs, projectFolder } from '../local-pack.mjs';

const repository = resolve(import.meta.dirname, '..', '..');

describe('parseLocalPackArgs', () => {
  it('defaults: my-device, built first, next to the repository, nothing for the generator', () => {
    expect(parseLocalPackArgs([], '/work/out')).toEqual({ projectName: 'my-device', out: '/work/out', build: true, help: false, generatorArgs: [] });
  });

  it('takes the project name first and passes every other flag to the generator', () => {
    const parsed = parseLocalPackArgs(['tank-monitor', '--driver', 'wdm', '--out', '/tmp/kit', '--calls', 'GetVersion,Reset', '--skip-build', '--yes'], '/work/out');
    expect(parsed).toEqual({ projectName: 'tank-monitor', out: '/tmp/kit', build: false, help: false, generatorArgs: ['--driver', 'wdm', '--calls', 'GetVersion,Reset', '--yes'] });
    expect(parseLocalPackArgs(['--out=/tmp/kit', '--yes'], '/work/out')).toMatchObject({ projectName: 'my-device', out: '/tmp/kit', generatorArgs: ['--yes'] });
    // pnpm passes the `--` of `pnpm local-pack -- tank-monitor` on; npm does not.
    expect(parseLocalPackArgs(['--', 'tank-monitor', '--yes'], '/work/out')).toMatchObject({ projectName: 'tank-monitor', generatorArgs: ['--yes'] });
  });

  it('refuses the flags that decide the folder, and --out without a folder, saying what to do', () => {
    expect(parseLocalPackArgs(['--directory', 'x'])).toEqual({ problem: expect.stringContaining('--directory is decided here: give the project name first') });
    expect(parseLocalPackArgs(['--name=x'])).toEqual({ problem: expect.stringContaining('--name is decided here') });
    expect(parseLocalPackArgs(['--out'])).toEqual({ problem: '--out needs a folder: --out <folder>' });
    expect(parseLocalPackArgs(['--out', '--yes'])).toEqual({ problem: '--out needs a folder: --out <folder>' });
  });
});

describe('folders', () => {
  it('puts the project in <out>/<name without its scope>', () => {
    expect(projectFolder('/tmp/kit', '@acme/tank-monitor')).toBe(join('/tmp/kit', 'tank-monitor'));
    expect(projectFolder('/tmp/kit', 'my-device')).toBe(join('/tmp/kit', 'my-device'));
  });

  it('refuses an out folder inside the repository, and takes one beside it', () => {
    expect(outProblem(join(repository, 'local'), repository)).toMatch(/inside the repository, where the project would resolve the workspace's node_modules/);
    expect(outProblem(repository, repository)).toMatch(/inside the repository/);
    expect(outProblem(join(repository, '..', 'inverted-call-local'), repository)).toBeUndefined();
    expect(outProblem(join(repository, '..', `${repository.split('/').at(-1)}-local`), repository)).toBeUndefined();
  });
});
