// The WDM flavour's compile check (gcc, clang --analyze, cppcheck, each in the WDK configuration
// and in the Wine test configuration) reports nothing for the process monitor (with the
// process-notify callback, its verdict and its test-build IOCTLs). The conformance device's check,
// which the negative controls reuse, is in wdm-build.test.ts; the two files run side by side.
// The file audit device is analysed in the KMDF flavour only (compile.test.ts): its schema changes
// nothing in the glue, and each analysis of a folder costs about a minute and a half of CPU on the
// 2-core machine, where the whole suite must stay under 15 minutes.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { renderToTemp } from './support/schemas.js';
import { expectCleanWdmCheck } from './support/wdm-clean-check.js';

const CHECKED = ['processMonitor'] as const;
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
