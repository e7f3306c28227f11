// The conformance device's committed generated files, and what codegen renders for them now.
// One place for the file names, used by the golden test and by `pnpm run golden:update`.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, staleFiles } from '@inverted-call/codegen';

/** The folder holding the schema and its committed header and TS module. */
export const DEVICE_DIR = fileURLToPath(new URL('../device/', import.meta.url));

/** The header and TS module codegen renders from `<dir>/conformance.device.json`, at their committed paths. */
export function renderGolden(dir = DEVICE_DIR) {
  return generate(join(dir, 'conformance.device.json'), { header: join(dir, 'conformance-device.h'), ts: join(dir, 'conformance-device.ts') });
}

/** The committed files under `dir` that differ from what codegen renders now (or are missing). */
export function staleGolden(dir = DEVICE_DIR) {
  return staleFiles(renderGolden(dir)).map((stale) => stale.file.path);
}
