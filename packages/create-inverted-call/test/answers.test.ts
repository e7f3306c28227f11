/** The answer rules and the questions on their own, and the version manifest against the workspace it came from. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WDK_NUGET_PACKAGES } from '@inverted-call/driver-template';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDeviceName, checkProjectName, defaultDeviceName, loadVersions, parseDeviceType, parseNameList, resolveAnswers } from '../src/index.js';
import { questionsFor } from '../src/prompts.js';
import { readJson, repositoryRoot } from './support.js';

describe('answers', () => {
  it('accepts npm package names, scoped or not, and refuses the rest with the rule', () => {
    for (const name of ['my-device', '@acme/tank-monitor', 'a.b_c', '0day']) expect(checkProjectName(name), name).toBeUndefined();
    for (const name of ['My-Device', '.hidden', '_private', 'with space', '@scope', 'a/b', '', 'x'.repeat(215), 'node_modules', 'http']) {
      expect(checkProjectName(name), name).toBeDefined();
    }
  });

  it('derives a PascalCase device name from the project name', () => {
    expect(defaultDeviceName('acme-process-monitor')).toBe('AcmeProcessMonitor');
    expect(defaultDeviceName('@acme/tank.monitor_v2')).toBe('TankMonitorV2');
    expect(defaultDeviceName('0day')).toBe('Device0day');
    // "Device" and "Core" give C prefixes the driver template owns: the default steps around them.
    expect(defaultDeviceName('device')).toBe('DeviceDevice');
    expect(defaultDeviceName('core')).toBe('DeviceCore');
  });

  it('refuses a device name whose C prefix the Windows headers or the driver template own, naming one that works', () => {
    expect(checkDeviceName('Status')).toBe(
      'device name "Status" cannot be used: the C prefix STATUS puts every generated name into the STATUS_ family of names that the Windows headers define; choose another device name, e.g. StatusMonitor',
    );
    expect(checkDeviceName('StatusMonitor')).toBeUndefined();
    expect(checkDeviceName('Queue')).toMatch(/the C prefix QUEUE .* the driver template defines/);
  });

  it('reads device types as hex or decimal, and only vendor numbers', () => {
    expect(parseDeviceType('0x8337')).toEqual({ value: 0x8337 });
    expect(parseDeviceType('32768')).toEqual({ value: 0x8000 });
    expect(parseDeviceType('0x22')).toMatchObject({ problem: expect.stringContaining("Microsoft's range") });
  });

  it('splits name lists on commas and spaces', () => {
    expect(parseNameList(' Status, Level Alarm ', 'channel')).toEqual({ names: ['Status', 'Level', 'Alarm'] });
    expect(parseNameList('', 'call')).toEqual({ names: [] });
  });

  it('fills what is not given with the defaults', () => {
    expect(resolveAnswers({})).toEqual({
      projectName: 'my-device',
      deviceName: 'MyDevice',
      deviceType: 0x8000,
      processNotify: true,
      calls: ['GetVersion'],
      channels: [],
      driver: 'kmdf',
    });
  });
});

describe('the version manifest', () => {
  it('holds the workspace’s package versions and the root’s exact tool versions', () => {
    const versions = loadVersions();
    const root = readJson(repositoryRoot, 'package.json');
    for (const tool of ['typescript', 'vitest', '@types/node']) expect(versions.tools[tool], tool).toBe(root.devDependencies[tool]);
    for (const [name, version] of Object.entries(versions.packages)) {
      expect(readJson(repositoryRoot, 'packages', name.replace('@inverted-call/', ''), 'package.json').version, name).toBe(version);
    }
    expect(Object.keys(versions.packages)).toEqual(expect.arrayContaining(['@inverted-call/client', '@inverted-call/codec', '@inverted-call/simulator', '@inverted-call/codegen', '@inverted-call/driver-template']));
    expect(versions.generator).toBe(readJson(repositoryRoot, 'packages', 'create-inverted-call', 'package.json').version);
  });

  it('copies the WDK NuGet pins from the driver template, their one owner', () => {
    const { wdk } = loadVersions();
    expect(wdk).toEqual(WDK_NUGET_PACKAGES.map(({ id, version }) => ({ id, version })));
    expect(wdk.map((pin) => pin.id)).toEqual(expect.arrayContaining(['Microsoft.Windows.WDK.x64', 'Microsoft.Windows.SDK.CPP']));
  });

  it('pins every GitHub Action the workflow uses as owner/name[/path]@ref', () => {
    const { actions } = loadVersions();
    expect(Object.keys(actions).sort()).toEqual(['checkout', 'codeqlAnalyze', 'codeqlInit', 'codeqlUploadSarif', 'setupMsbuild', 'setupNode', 'uploadArtifact']);
    for (const [name, ref] of Object.entries(actions)) expect(ref, name).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w.-]+)*@v\d+$/);
    // The three codeql-action steps come from one release line.
    expect(new Set([actions.codeqlInit, actions.codeqlAnalyze, actions.codeqlUploadSarif].map((ref) => ref.split('@')[1])).size).toBe(1);
  });

  /** The @inverted-call dependencies of the listed packages that the list lacks (the scaffold test overrides only listed ones). */
  function unlisted(names: readonly string[]): string[] {
    const missing = new Set<string>();
    for (const name of names) {
      const { dependencies = {} } = readJson(repositoryRoot, 'packages', name.replace('@inverted-call/', ''), 'package.json') as { dependencies?: Record<string, string> };
      for (const dependency of Object.keys(dependencies)) if (dependency.startsWith('@inverted-call/') && !names.includes(dependency)) missing.add(`${name} -> ${dependency}`);
    }
    return [...missing];
  }

  it('lists every @inverted-call package the listed ones depend on, the Wine bed included', () => {
    const names = Object.keys(loadVersions().packages);
    expect(names).toContain('@inverted-call/wine-bed');
    expect(unlisted(names)).toEqual([]);
    // Negative control: without conformance, the Wine bed's dependency on it is reported.
    expect(unlisted(names.filter((name) => name !== '@inverted-call/conformance'))).toEqual(['@inverted-call/wine-bed -> @inverted-call/conformance']);
  });
});

describe('prompts', () => {
  let cwd = '';
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'create-inverted-call-prompts-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('asks only for what was not given', () => {
    expect(questionsFor({ deviceName: 'Given', processNotify: false }, { cwd, allowNonEmpty: false }).map((question) => question.name)).toEqual([
      'projectName',
      'deviceType',
      'calls',
      'channels',
      'driver',
    ]);
  });

  it('refuses, at the project-name question, a bad name and a folder that is taken', () => {
    mkdirSync(join(cwd, 'taken'));
    writeFileSync(join(cwd, 'taken', 'notes.txt'), 'mine\n');
    const [projectName] = questionsFor({}, { cwd, allowNonEmpty: false });
    expect(projectName!.validate!('free')).toBe(true);
    expect(projectName!.validate!('Bad Name')).toContain('is not a valid npm package name');
    expect(projectName!.validate!('taken')).toContain('the folder taken is not empty (notes.txt)');
    expect(questionsFor({}, { cwd, allowNonEmpty: true })[0]!.validate!('taken')).toBe(true);
  });
});
