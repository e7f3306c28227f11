/** Test fixtures of the Wine bed; the conformance driver build itself is part of the package. */
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export { buildConformanceDriver, CONFORMANCE_DEVICE_HEADER } from '../../src/conformance-driver.js';
