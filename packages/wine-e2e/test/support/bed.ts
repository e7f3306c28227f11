/** Where this package's Windows-side scripts are, and the bed they run in. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { startConformanceBed as startBed, type ConformanceBed as Bed } from '@inverted-call/wine-bed';
export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const WINDOWS_SCRIPTS = join(PACKAGE_DIR, 'dist-windows');
