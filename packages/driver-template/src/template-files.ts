/**
 * Where the templates' own files are. The repository's `templates/` is laid out by owner:
 * `core/` (the portable core), `shared/` (what both flavours render: CoreConfig.h, the
 * process-notify callback, the INF and vcxproj templates), `kmdf/` and `wdm/` (each flavour's glue
 * and README), `windows-scripts/` (the PowerShell scripts a project keeps in scripts/windows). The renderer reads those sources in this repository, or the copies the build puts
 * into this package (`templates/` beside `dist`) once published. `check-headers/` is this
 * package's own: the declarations only the Linux compile check uses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** A folder of template files, named for who owns what is in it. */
export type TemplateFolder = 'core' | 'shared' | 'kmdf' | 'wdm' | 'windows-scripts' | 'check-headers';

/** A file a folder must have, to tell a complete copy from a stale or partial one. */
const MARKERS: Record<TemplateFolder, string> = {
  core: 'Core.c',
  shared: 'CoreConfig.h',
  kmdf: 'Queue.c',
  wdm: 'Queue.c',
  'windows-scripts': 'build-driver.ps1',
  'check-headers': 'KmdfSubset.h',
};

const REPOSITORY_MARKER = new URL('../../../pnpm-workspace.yaml', import.meta.url);

function candidates(folder: TemplateFolder): URL[] {
  // The package's own folder: <package>/src or <package>/dist -> <package>/check-headers.
  if (folder === 'check-headers') return [new URL('../check-headers', import.meta.url)];
  return [
    // In this repository (src or dist of packages/driver-template): the sources themselves, never
    // the build's copy, which may be older.
    ...(existsSync(fileURLToPath(REPOSITORY_MARKER)) ? [new URL(`../../../templates/${folder}`, import.meta.url)] : []),
    // Published package: <package>/dist/index.js -> <package>/templates/<folder>
    new URL(`../templates/${folder}`, import.meta.url),
  ];
}

const cachedRoots = new Map<TemplateFolder, string>();

/** The folder holding one owner's template files. */
export function templateRoot(folder: TemplateFolder): string {
  const cached = cachedRoots.get(folder);
  if (cached) return cached;
  const tried = candidates(folder);
  for (const candidate of tried) {
    const path = fileURLToPath(candidate);
    if (existsSync(join(path, MARKERS[folder]))) {
      cachedRoots.set(folder, path);
      return path;
    }
  }
  throw new Error(`@inverted-call/driver-template: the ${folder} template files are missing (looked in ${tried.map((url) => fileURLToPath(url)).join(' and ')}); reinstall the package or run its build`);
}

export function readTemplateFile(relativePath: string, folder: TemplateFolder): string {
  return readFileSync(join(templateRoot(folder), relativePath), 'utf8');
}

/** Replaces every `{{Name}}`; a placeholder without a value is an error, not an empty string. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>, fileName: string): string {
  return text.replace(/\{\{([A-Za-z]+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`internal: template ${fileName} uses {{${name}}}, which the renderer does not define`);
    return value;
  });
}
