/**
 * Where the templates' own files are: `templates/kmdf-driver` and `templates/wdm-driver` of the
 * repository, or the copies the build puts into this package (`templates/` beside `dist`),
 * whichever exists. The KMDF folder also holds what both flavours share: the portable core,
 * CoreConfig.h, Notify.c and Notify.h, and the INF and vcxproj templates.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** A template folder: `kmdf-driver` (KMDF glue and the shared files) or `wdm-driver` (WDM glue). */
export type TemplateFolder = 'kmdf-driver' | 'wdm-driver';

/** A file a folder must have, to tell a complete copy from a stale or partial one. */
const MARKERS: Record<TemplateFolder, string> = {
  'kmdf-driver': join('core', 'Core.c'),
  'wdm-driver': join('driver', 'Queue.c'),
};

const REPOSITORY_MARKER = new URL('../../../pnpm-workspace.yaml', import.meta.url);

function candidates(folder: TemplateFolder): URL[] {
  return [
    // In this repository (src or dist of packages/driver-template): the sources themselves, never
    // the build's copy, which may be older.
    ...(existsSync(fileURLToPath(REPOSITORY_MARKER)) ? [new URL(`../../../templates/${folder}`, import.meta.url)] : []),
    // Published package: <package>/dist/index.js -> <package>/templates/<folder>
    new URL(`../templates/${folder}`, import.meta.url),
  ];
}

const cachedRoots = new Map<TemplateFolder, string>();

/** The folder holding one template's files. */
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

/** The folder holding `core/`, `driver/`, `include/` and `project/` of the KMDF template. */
export function kmdfTemplateRoot(): string {
  return templateRoot('kmdf-driver');
}

/** The folder holding `driver/`, `project/` and `InvertedCallTest.h` of the WDM template. */
export function wdmTemplateRoot(): string {
  return templateRoot('wdm-driver');
}

export function readTemplateFile(relativePath: string, folder: TemplateFolder = 'kmdf-driver'): string {
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
