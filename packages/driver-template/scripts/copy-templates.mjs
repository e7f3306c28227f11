// Copies the repository's templates/ (core/, shared/, kmdf/, wdm/: one folder per owner) into
// this package's templates/ folder, so the published package carries the files the renderer reads
// (the repository keeps one copy). The core's native tests (test/ folders) and the folder READMEs
// stay behind: no rendered driver uses them. check-headers/ is this package's own and needs no copy.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../../../templates', import.meta.url));
const target = fileURLToPath(new URL('../templates', import.meta.url));
rmSync(target, { recursive: true, force: true });
cpSync(source, target, {
  recursive: true,
  filter: (path) => {
    const relative = path.slice(source.length);
    return !/[\\/]test([\\/]|$)/.test(relative) && !/^[\\/]README\.md$/.test(relative);
  },
});
