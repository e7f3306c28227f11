/**
 * Where this package's own files are (templates/, dist/versions.json). The code runs from
 * dist/ when built and from src/ under vitest, so the root is found by walking up to our
 * package.json instead of by a fixed relative path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'create-inverted-call';

function findPackageRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return directory;
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`${PACKAGE_NAME}: cannot find its own package.json above ${fileURLToPath(import.meta.url)}`);
    directory = parent;
  }
}

export const packageRoot = findPackageRoot();
export const templatesRoot = join(packageRoot, 'templates');
