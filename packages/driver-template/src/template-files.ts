/**
 * Where the template's own files are: `templates/kmdf-driver` of the repository, or the copy the
 * build puts into this package (`templates/kmdf-driver` beside `dist`), whichever exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const REPOSITORY_MARKER = new URL('../../../pnpm-workspace.yaml', import.meta.url);
const CANDIDATES = [
  // In this repository (src or dist of packages/driver-template): the sources themselves, never
  // the build's copy, which may be older.
  ...(existsSync(fileURLToPath(REPOSITORY_MARKER)) ? [new URL('../../../templates/kmdf-driver', import.meta.url)] : []),
  // Published package: <package>/dist/index.js -> <package>/templates/kmdf-driver
  new URL('../templates/kmdf-driver', import.meta.url),
];

let cachedRoot: string | undefined;

/** The folder holding `core/`, `driver/`, `include/` and `project/` of the KMDF template. */
export function kmdfTemplateRoot(): string {
  if (cachedRoot) return cachedRoot;
  for (const candidate of CANDIDATES) {
    const path = fileURLToPath(candidate);
    if (existsSync(join(path, 'core', 'Core.c'))) {
      cachedRoot = path;
      return path;
    }
  }
  throw new Error(`@inverted-call/driver-template: the KMDF template files are missing (looked in ${CANDIDATES.map((url) => fileURLToPath(url)).join(' and ')}); reinstall the package or run its build`);
}

export function readTemplateFile(relativePath: string): string {
  return readFileSync(join(kmdfTemplateRoot(), relativePath), 'utf8');
}

/** Replaces every `{{Name}}`; a placeholder without a value is an error, not an empty string. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>, fileName: string): string {
  return text.replace(/\{\{([A-Za-z]+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`internal: template ${fileName} uses {{${name}}}, which the renderer does not define`);
    return value;
  });
}
