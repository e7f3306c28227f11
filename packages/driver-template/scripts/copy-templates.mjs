// Copies the repository's templates/kmdf-driver and templates/wdm-driver sources into this
// package's templates/ folder, so the published package carries the files the renderer reads
// (the repository keeps one copy). The WDM flavour also reads the shared files of kmdf-driver.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

for (const folder of ['kmdf-driver', 'wdm-driver']) {
  const source = fileURLToPath(new URL(`../../../templates/${folder}`, import.meta.url));
  const target = fileURLToPath(new URL(`../templates/${folder}`, import.meta.url));
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true, filter: (path) => !/[\\/]test([\\/]|$)/.test(path.slice(source.length)) });
}
