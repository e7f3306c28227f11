// Copies the repository's templates/kmdf-driver sources into this package's templates/ folder,
// so the published package carries the files the renderer reads (the repository keeps one copy).
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../../../templates/kmdf-driver', import.meta.url));
const target = fileURLToPath(new URL('../templates/kmdf-driver', import.meta.url));
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true, filter: (path) => !/[\\/]test([\\/]|$)/.test(path.slice(source.length)) });
