/**
 * The scaffold end to end, as a user gets it. This repository's public packages are packed (pnpm
 * pack, no registry publish), create-inverted-call included, and it is installed with npm the way
 * `npm create inverted-call` installs it; its bin creates a project non-interactively in a
 * temporary folder; the project installs the packed packages too (typescript and vitest come
 * from the npm registry); then the project's own scripts run: the codegen check, the typecheck,
 * its tests, the driver compile check on its rendered driver, and (KMDF and WDM) its tests
 * against its own driver under Wine (`test:driver`), and its Windows files (the .sln, the
 * NuGet pins, the PowerShell scripts) are checked, since nothing here builds them. Once per driver flavour, plus
 * a device with calls only, the three at once. Slow: a minute or two.
 *
 * Packing, installing the generator and pointing a project at the tarballs go through
 * scripts/local-tarballs.mjs, the same route `npm run local-pack` gives people before the first
 * publish.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWindowsBuildFiles } from '@inverted-call/driver-template';
import { checkPowerShellScript, describe as describeProblem } from '@inverted-call/driver-template/powershell-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installGenerator, packWorkspace, pointProjectAtTarballs, userEnvironment } from '../scripts/local-tarballs.mjs';
import { loadVersions } from '../src/index.js';
import { repositoryRoot, run, type Spawned } from './support.js';

const MINUTE = 60_000;
// Limits from measurements with two CPU hogs beside the whole suite (npm run test:under-load):
// a project's whole check took 244 s (KMDF) and over 300 s (WDM), one driver:check alone up to
// 240 s (cppcheck over the DDK headers), installing the packed packages about a minute. Each limit
// is about 3x what was seen. The three projects now run at once: each takes longer, but about
// no longer than the three did one after another (the same CPU work, with the waits overlapping),
// some 10 minutes under load against the 20-minute limit; two driver checks side by side, twice
// the 240 s, against the 12-minute one.
const COMMAND_LIMIT = 12 * MINUTE;
const PROJECT_LIMIT = 20 * MINUTE;
let work = '';
/** Package name -> `file:<tarball>`. */
let tarballs: Record<string, string> = {};
/** The create-inverted-call bin as npm installed it from its tarball. */
let installedBin = '';

/** Without colour codes, whatever the environment asked for. */
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

function expectSuccess(step: string, result: Spawned): void {
  expect(result.code, `${step} failed:\n${result.output}`).toBe(0);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'create-inverted-call-e2e-'));
  tarballs = await packWorkspace({ repositoryRoot, destination: join(work, 'tarballs'), timeoutMs: COMMAND_LIMIT });
  // Every @inverted-call package a project can reach, directly or through another one, is packed.
  expect(Object.keys(tarballs)).toEqual(expect.arrayContaining([...Object.keys(loadVersions().packages), 'create-inverted-call']));
  installedBin = await installGenerator({ runner: join(work, 'runner'), tarballs, timeoutMs: COMMAND_LIMIT });
}, PROJECT_LIMIT);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Creates a project with the bin and installs it against the tarballs. */
/** npm run in a generated project. */
type Npm = (...args: string[]) => Promise<Spawned>;

async function createAndInstall(name: string, flags: readonly string[]): Promise<{ project: string; npm: Npm }> {
  const cwd = mkdtempSync(join(work, `${name}-`));
  expectSuccess('create-inverted-call', await run(installedBin, [name, '--yes', ...flags], { cwd, env: userEnvironment() }));
  const project = join(cwd, name);

  pointProjectAtTarballs(project, tarballs);

  const env = userEnvironment();
  const npm = (...args: string[]) => run('npm', args, { cwd: project, env, timeoutMs: COMMAND_LIMIT });
  expectSuccess('npm install', await npm('install', '--no-audit', '--no-fund', '--loglevel=error'));
  return { project, npm };
}

/** Runs the built service with --simulate until it reports a loss, then stops it with Ctrl+C. */
async function simulate(project: string): Promise<Spawned> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/main.js', '--simulate'], { cwd: project, env: userEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let interrupted = false;
    // One Ctrl+C: a second one would end the process at once, as it should.
    const stopWhenLossSeen = () => {
      if (!interrupted && /the driver dropped \d+ event/.test(output)) interrupted = child.kill('SIGINT');
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      stopWhenLossSeen();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: output, stderr: '', output });
    });
  });
}

/**
 * The project's tests against its own driver under Wine (`npm run test:driver`): the driver folder
 * as generated (the project's flavour, its Handlers.c) built for Wine, loaded, and the same
 * vitest files that ran on the simulator run through the device bridge, conformance included.
 */
async function expectDriverTestsPass(npm: Npm, simulatorTests: number): Promise<void> {
  const result = await npm('run', 'test:driver');
  expectSuccess('npm run test:driver', result);
  const output = plain(result.output);
  expect(output).toMatch(/inverted-call-wine: .* loaded under Wine/);
  // The same tests as on the simulator, every one passed against the driver.
  expect(passedTests(output, 'npm run test:driver')).toBe(simulatorTests);
  expect(output).toMatch(/inverted-call-wine: ok\n/);
}

/** How many tests vitest said passed. */
function passedTests(output: string, step: string): number {
  const match = /Tests\s+(\d+) passed/.exec(plain(output));
  expect(match, `${step}: no vitest summary in\n${output}`).not.toBeNull();
  return Number(match![1]);
}

/**
 * What every generated project must pass: its codegen check, typecheck, tests (on the simulator),
 * the driver compile check, and the same tests against the driver under Wine.
 *
 * `driverCheck: false` leaves out `npm run driver:check` (gcc, clang --analyze and cppcheck in two
 * configurations, then the link: the costliest step here) for the KMDF defaults: its folder is the
 * process-monitor example's plus the example calls' handlers, which driver-template's own tests
 * analyse as the example, and `test:driver` still compiles it with warnings as errors, links and
 * runs it. The WDM project, with more calls and channels, runs the check through the script.
 */
async function expectProjectPasses(npm: Npm, { driverCheck }: { driverCheck: boolean }): Promise<void> {
  expectSuccess('npm run check', await npm('run', 'check'));
  expectSuccess('npm run typecheck', await npm('run', 'typecheck'));
  const tests = await npm('test');
  expectSuccess('npm test', tests);
  // The project's own 4 tests, plus the device conformance scenarios its schema gives.
  const simulatorTests = passedTests(tests.output, 'npm test');
  expect(simulatorTests).toBeGreaterThan(4);
  if (driverCheck) {
    const driver = await npm('run', 'driver:check');
    expectSuccess('npm run driver:check', driver);
    expect(driver.stdout).toMatch(/ok\s+gcc[\s\S]*ok\s+clang-analyze[\s\S]*ok\s+cppcheck[\s\S]*ok\s+link/);
  }
  await expectDriverTestsPass(npm, simulatorTests);
}

/**
 * The Windows side of a project as generated, which nothing here can build: the .sln names the
 * .vcxproj with its GUID and every configuration, the project compiles exactly the rendered
 * sources (checkWindowsBuildFiles), packages.config pins the manifest's WDK packages, and every
 * script in scripts/windows parses with the PowerShell grammar.
 */
async function expectWindowsFiles(project: string): Promise<void> {
  expect(checkWindowsBuildFiles(join(project, 'driver'))).toEqual([]);
  const packagesConfig = readFileSync(join(project, 'driver', 'packages.config'), 'utf8');
  const pinned = [...packagesConfig.matchAll(/<package\s+id="([^"]+)"\s+version="([^"]+)"/g)].map(([, id, version]) => ({ id, version }));
  expect(pinned).toEqual(loadVersions().wdk);
  const scripts = readdirSync(join(project, 'scripts', 'windows')).filter((name) => /\.psm?1$/.test(name));
  expect(scripts).toEqual(expect.arrayContaining(['build-driver.ps1', 'enable-test-signing.ps1', 'install-driver.ps1', 'uninstall-driver.ps1']));
  for (const script of scripts) {
    const problems = await checkPowerShellScript(readFileSync(join(project, 'scripts', 'windows', script), 'utf8'));
    expect(problems.map(describeProblem), `scripts/windows/${script}`).toEqual([]);
  }
}

// The three projects run side by side: most of a project's time is npm waiting on the registry
// and the disk, which one project alone leaves the CPUs idle for. Each has its own folder; npm's
// cache is safe for concurrent installs.
describe.concurrent('a generated project, installed from this repository’s packed packages', () => {
  it('KMDF (the defaults): codegen check, typecheck, tests, the tests against the driver under Wine, and the simulated service', async () => {
    const { project, npm } = await createAndInstall('kmdf-monitor', []);
    await expectWindowsFiles(project);
    await expectProjectPasses(npm, { driverCheck: false });

    expectSuccess('npm run build', await npm('run', 'build'));
    const service = await simulate(project);
    expect(service.code, service.output).toBe(0);
    expect(service.output).toContain('GetVersion: 0.1.0');
    expect(service.output).toMatch(/Process #0 created 4000/);
    expect(service.output).toMatch(/Process: the driver dropped \d+ event\(s\), sequences \d+-\d+/);
    expect(service.output).toMatch(/SIGINT: stopping\nstopped\n/);
  }, PROJECT_LIMIT);

  it('WDM, with more calls and channels: codegen check, typecheck, tests, driver compile check, the tests against the driver under Wine', async () => {
    const { project, npm } = await createAndInstall('wdm-monitor', ['--driver', 'wdm', '--calls', 'GetVersion,Reset', '--channels', 'Status,Temperature']);
    await expectWindowsFiles(project);
    await expectProjectPasses(npm, { driverCheck: true });
  }, PROJECT_LIMIT);

  it('calls only, no process notifications: typecheck and tests pass; check fails on a stale file until generate', async () => {
    const { project, npm } = await createAndInstall('calls-only', ['--no-process-notify', '--calls', 'Ping,GetVersion']);
    expectSuccess('npm run typecheck', await npm('run', 'typecheck'));
    expectSuccess('npm test', await npm('test'));
    expectSuccess('npm run check', await npm('run', 'check'));

    const schemaFile = join(project, 'schema', 'calls-only.device.json');
    writeFileSync(schemaFile, readFileSync(schemaFile, 'utf8').replace('"Ping: describe what it does."', '"Ping: answers at once."'));
    // The description lands in the C header's comments.
    const stale = await npm('run', 'check');
    expect(stale.code, stale.output).not.toBe(0);
    expect(stale.output).toContain('driver/calls-only.h: differs from what the schema generates');
    expectSuccess('npm run generate', await npm('run', 'generate'));
    expectSuccess('npm run check after generate', await npm('run', 'check'));
  }, PROJECT_LIMIT);
});
