/**
 * The `create-inverted-call` bin as a user runs it, without a terminal: bad input ends with a
 * clear message and a non-zero exit code, and a user's folder is never written over.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesUnder, runBin } from './support.js';

let cwd = '';
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'create-inverted-call-cli-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe('create-inverted-call', () => {
  it('--help prints the usage with every flag and exits 0', async () => {
    const result = await runBin(['--help'], cwd);
    expect(result.code).toBe(0);
    for (const flag of ['--device', '--device-type', '--calls', '--channels', '--no-process-notify', '--driver kmdf|wdm', '--directory', '--force', '--yes']) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('creates a project non-interactively with --yes and says what to run next, all on stdout', async () => {
    const result = await runBin(['sensor-hub', '--yes', '--device', 'SensorHub'], cwd);
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toMatch(/create sensor-hub\/schema\/sensor-hub\.device\.json/);
    expect(result.stdout).toContain('Created sensor-hub');
    expect(result.stdout).toMatch(/Next:\n {2}cd sensor-hub\n {2}npm install/);
    expect(result.stderr).toBe('');
    expect(filesUnder(join(cwd, 'sensor-hub'))).toContain('schema/sensor-hub.device.json');
  });

  it.each([
    ['an unknown option', ['--yes', '--frobnicate'], "Unknown option '--frobnicate'"],
    ['an option without its value', ['--yes', '--device'], "Option '--device <value>' argument missing"],
    ['two project names', ['one', 'two', '--yes'], 'expected at most one project name, got 2'],
    ['an invalid project name', ['My Device', '--yes'], '"My Device" is not a valid npm package name: use lower case letters'],
    ['an invalid device name', ['--yes', '--device', 'my-device'], '--device: "my-device" is not a valid device name: use PascalCase'],
    ['a device type in Microsoft’s range', ['--yes', '--device-type', '0x22'], "--device-type: device type 0x0022 is in Microsoft's range: use a vendor number from 0x8000 to 0xFFFF"],
    ['an unknown driver flavour', ['--yes', '--driver', 'kmdf2'], '--driver: driver "kmdf2" is not a flavour'],
    ['missing answers without a terminal', ['only-a-name'], 'no terminal to ask for the answers not given'],
  ])('refuses %s: exit code 2, a message saying what to do, nothing written', async (_case, args, message) => {
    const result = await runBin(args, cwd);
    expect(result.code, result.output).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toMatch(/^create-inverted-call: /);
    expect(filesUnder(cwd)).toEqual([]);
  });

  it('refuses a folder that is not empty without --force: exit code 1, the folder untouched', async () => {
    mkdirSync(join(cwd, 'busy'));
    writeFileSync(join(cwd, 'busy', 'notes.txt'), 'mine\n');
    const result = await runBin(['busy', '--yes'], cwd);
    expect(result.code, result.output).toBe(1);
    expect(result.stderr).toContain('the folder busy is not empty (notes.txt)');
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('pass --force');
    expect(filesUnder(join(cwd, 'busy'))).toEqual(['notes.txt']);
  });

  it('stops on a file where the project needs a folder: exit code 1, one line on stderr, nothing written', async () => {
    mkdirSync(join(cwd, 'busy'));
    writeFileSync(join(cwd, 'busy', 'src'), 'mine\n');
    const result = await runBin(['busy', '--yes', '--force'], cwd);
    expect(result.code, result.output).toBe(1);
    // yeoman's own "An error occured while running ..." line is held back: ours says it all.
    expect(result.stderr).toMatch(/^create-inverted-call: src is in the way of the project's src\/\S+: move or rename it, then run again\n$/);
    expect(result.stdout).toBe('');
    expect(filesUnder(join(cwd, 'busy'))).toEqual(['src']);
  });

  it('with --force adds the project and keeps the user’s files, warning on stderr which', async () => {
    mkdirSync(join(cwd, 'busy'));
    writeFileSync(join(cwd, 'busy', 'README.md'), '# mine\n');
    const result = await runBin(['busy', '--yes', '--force'], cwd);
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(join(cwd, 'busy', 'README.md'), 'utf8')).toBe('# mine\n');
    expect(result.stderr).toMatch(/^create-inverted-call: warning: Kept 1 file\(s\) you already had, unchanged .*: README\.md\n$/);
    expect(result.stdout).toContain('Created busy');
    expect(result.stdout).not.toContain('Kept');
    expect(filesUnder(join(cwd, 'busy'))).toContain('src/service.ts');
  });
});
