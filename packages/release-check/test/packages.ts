/** The repository's public packages: every packages/* folder whose package.json is not private. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const PNPM = join(REPO, '.tools', 'node_modules', '.bin', 'pnpm');

export interface PublicPackage {
  name: string;
  dir: string;
  manifest: PackageManifest;
}

export interface PackageManifest {
  name: string;
  private?: boolean;
  files?: string[];
  main?: string;
  module?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
}

export function publicPackages(): PublicPackage[] {
  const root = join(REPO, 'packages');
  return readdirSync(root)
    .sort()
    .map((folder) => ({ dir: join(root, folder), manifest: JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')) as PackageManifest }))
    .filter((entry) => entry.manifest.private !== true)
    .map((entry) => ({ ...entry, name: entry.manifest.name }));
}

/** Every file path the manifest names as an entry point: exports targets, main, module, types, bin. */
export function entryPoints(manifest: PackageManifest): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') found.add(value);
    else if (value && typeof value === 'object') for (const inner of Object.values(value)) walk(inner);
  };
  walk(manifest.exports);
  for (const field of [manifest.main, manifest.module, manifest.types]) if (field) found.add(field);
  if (typeof manifest.bin === 'string') found.add(manifest.bin);
  else if (manifest.bin) for (const target of Object.values(manifest.bin)) found.add(target);
  return [...found].map((path) => path.replace(/^\.\//, '')).sort();
}
