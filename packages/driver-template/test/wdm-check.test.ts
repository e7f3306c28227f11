// The WDM flavour's compile check (gcc, clang --analyze, cppcheck, each in the WDK configuration
// and in the Wine test configuration) reports nothing for the process monitor (with the
// process-notify callback and its test-build IOCTL) and the file audit device. The conformance
// device's check, which the negative controls reuse, is in wdm-build.test.ts; the two files run
// side by side.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { renderToTemp } from './support/schemas.js';
import { expectCleanWdmCheck } from './support/wdm-clean-check.js';

const CHECKED = ['processMonitor', 'fileAudit'] as const;
const rendered: Partial<Record<(typeof CHECKED)[number], ReturnType<typeof renderToTemp>>> = {};

// Limits as in wdm-build.test.ts: the process monitor's check took 171 s to 318 s under load.
const RENDER_MS = 30_000;
const CHECK_MS = 900_000;

beforeAll(() => {
  for (const schema of CHECKED) rendered[schema] = renderToTemp(schema, 'wdm');
}, RENDER_MS);

afterAll(() => {
  for (const entry of Object.values(rendered)) entry?.dispose();
});

describe('the WDM driver passes the compile check', { timeout: CHECK_MS }, () => {
  it.each(CHECKED)('%s: gcc, clang --analyze and cppcheck report nothing, as a WDK build and as the Wine test build, and the Wine test build links', (schema) => {
    expectCleanWdmCheck(rendered[schema]!.dir);
  });
});
