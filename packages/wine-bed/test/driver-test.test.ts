// `inverted-call-wine test` (runDriverTests) as a project runs it, on the conformance device's
// driver folder rendered the way a project's `generate` renders it. The command it runs reaches
// the driver through the bridge address in its environment, and its exit code decides the run:
// the negative control (a failing test command fails the run) and the positive one in one go.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderWdmDriver, writeRenderedDriver } from '@inverted-call/driver-template';
import { loadDeviceSchema } from '@inverted-call/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { driverFlavourOf, runDriverTests } from '../src/driver-test.js';
import { CONFORMANCE_HANDLERS, CONFORMANCE_SCHEMA } from '../src/index.js';

const CLI = fileURLToPath(new URL('../bin/inverted-call-wine.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'wine-bed-driver-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A project's driver folder: the conformance device rendered as WDM, with its Handlers.c. */
function projectDriver(): string {
  const driverDir = join(work, 'driver');
  mkdirSync(driverDir, { recursive: true });
  writeRenderedDriver(driverDir, renderWdmDriver(loadDeviceSchema(CONFORMANCE_SCHEMA), { schemaPath: CONFORMANCE_SCHEMA }));
  writeFileSync(join(driverDir, 'Handlers.c'), readFileSync(CONFORMANCE_HANDLERS));
  return driverDir;
}

describe('inverted-call-wine test', () => {
  it('refuses a bad command line with the usage, exit 2', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    expect(run().stderr).toContain('inverted-call-wine: missing command');
    expect(run('test').stderr).toContain('missing the schema file');
    expect(run('test', 'x.device.json').stderr).toContain('missing the test command after -- (for example: -- npm test)');
    const flavour = run('test', 'x.device.json', '--flavour', 'wdf', '--', 'true');
    expect(flavour.status).toBe(2);
    expect(flavour.stderr).toContain('--flavour takes kmdf or wdm, got "wdf"');
  });

  it('names the fix when the folder holds no rendered driver, or another flavour than asked', async () => {
    expect(() => driverFlavourOf(join(work, 'nothing'))).toThrow(/holds no rendered driver: run your project's generate script first/);
    const driverDir = projectDriver();
    expect(driverFlavourOf(driverDir)).toBe('wdm');
    await expect(runDriverTests({ schemaFile: CONFORMANCE_SCHEMA, driverDir, flavour: 'kmdf', testCommand: ['true'], log: () => {} })).rejects.toThrow(
      /--flavour kmdf, but driver\/ was rendered as wdm: drop --flavour, or switch the folder first/,
    );
  });

  it('runs the test command against the driver under Wine through the bridge, and fails when it fails', async () => {
    const driverDir = projectDriver();
    const seen = join(work, 'seen.json');
    // A "test" that opens the device through the bridge, records what the driver said, then fails.
    const script = join(work, 'failing-test.mjs');
    const target = new URL('../dist/target.js', import.meta.url).href;
    const device = new URL('../../conformance-device/dist/index.js', import.meta.url).href;
    writeFileSync(
      script,
      [
        `import { openTestTarget } from ${JSON.stringify(target)};`,
        `import { conformanceDevice } from ${JSON.stringify(device)};`,
        `import { writeFileSync } from 'node:fs';`,
        `const target = await openTestTarget(conformanceDevice);`,
        `await target.emit('Events', 'Small', { tag: 7n, value: 7, flag: true }, 3);`,
        `const state = await target.state();`,
        `writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ kind: target.kind, openHandles: state.openHandles }));`,
        `await target.dispose();`,
        `process.exit(5);`,
      ].join('\n'),
    );
    const lines: string[] = [];
    const code = await runDriverTests({ schemaFile: CONFORMANCE_SCHEMA, driverDir, testCommand: [process.execPath, script], log: (line) => lines.push(line) });
    const log = lines.join('\n');
    expect(code, log).toBe(1);
    expect(log).toMatch(/driver driver\/ as WDM \(test build\)/);
    expect(log).toContain('ConformanceDevice loaded under Wine');
    expect(log).toMatch(/exited with 5\n/);
    expect(log).toMatch(/inverted-call-wine: FAILED \(1 step\(s\)\)$/);
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual({ kind: 'driver', openHandles: 1 });
  }, 240_000);
});
