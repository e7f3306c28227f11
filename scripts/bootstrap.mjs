#!/usr/bin/env node
// One entry for a fresh machine that has only Node 20 and npm: installs what the project needs
// (pnpm into .tools/, the C toolchain through apt when run as root), installs the workspace,
// builds it, then runs one job: `test` (the whole suite), `demo` (the main job) or `bench`.
//
// Usage: node scripts/bootstrap.mjs <test|demo|bench>
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

/** Debian packages the tests need, and how to tell each is present. */
const SYSTEM_TOOLS = [
  { check: 'x86_64-w64-mingw32-gcc', packages: ['gcc-mingw-w64-x86-64', 'mingw-w64-x86-64-dev'] },
  { check: 'i686-w64-mingw32-gcc', packages: ['gcc-mingw-w64-i686', 'mingw-w64-i686-dev'] },
  { check: 'x86_64-w64-mingw32-g++', packages: ['g++-mingw-w64-x86-64'] },
  { check: 'clang', packages: ['clang'] },
  // The driver compile check runs cppcheck on the rendered KMDF driver.
  { check: 'cppcheck', packages: ['cppcheck'] },
  // Native gcc with ASan/UBSan runs the driver core's unit tests and differential harness.
  { check: 'gcc', packages: ['gcc', 'libc6-dev'] },
  { check: '/usr/share/mingw-w64/include/ddk/ntddk.h', packages: ['mingw-w64-common', 'mingw-w64-tools'] },
  // The Wine bed (packages/wine-bed) runs a Windows node.exe against a real driver under Wine 8:
  // 64-bit only (no i386, no X server). Debian puts the wine64 loader in /usr/lib/wine, not on PATH.
  { check: '/usr/lib/wine/wine64', packages: ['wine64', 'wine'] },
  { check: 'wineserver', packages: ['wine'] },
];

const job = process.argv[2];
const JOBS = {
  test: ['turbo', 'run', 'build', 'typecheck', 'test'],
  demo: ['--filter', '@inverted-call/example-process-monitor', 'run', 'demo'],
  // One benchmark at a time: two running side by side on a 2-core machine disturb each other.
  bench: ['turbo', 'run', 'bench', '--concurrency=1'],
};
if (!JOBS[job]) fail(`usage: node scripts/bootstrap.mjs <${Object.keys(JOBS).join('|')}>`);

const env = {
  ...process.env,
  PATH: `${join(root, '.tools', 'node_modules', '.bin')}:${process.env.PATH}`,
  TURBO_TELEMETRY_DISABLED: '1',
  TURBO_NO_UPDATE_NOTIFIER: '1',
  DO_NOT_TRACK: '1',
  NPM_CONFIG_UPDATE_NOTIFIER: 'false',
};

checkNode();
ensurePnpm();
ensureSystemTools();
step('installing the workspace', 'pnpm', ['install', '--frozen-lockfile']);
if (job === 'demo') step('building', 'pnpm', ['turbo', 'run', 'build', '--output-logs=errors-only']);
if (job === 'test') removeOldReports();
const status = run('pnpm', JOBS[job]);
if (job === 'test') printTotals();
if (job === 'bench' && status === 0) process.exit(run('node', [join(root, 'scripts', 'bench-report.mjs')]));
process.exit(status);

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) fail(`Node ${process.versions.node} is too old: install Node 20.19 or newer.`);
}

function ensurePnpm() {
  const installed = run('pnpm', ['--version'], { capture: true });
  if (installed.status === 0 && installed.stdout.trim() === PNPM_VERSION) return;
  step(`installing pnpm ${PNPM_VERSION} into .tools/`, 'npm', ['install', '--prefix', join(root, '.tools'), `pnpm@${PNPM_VERSION}`, '--no-audit', '--no-fund', '--loglevel=error']);
}

function ensureSystemTools() {
  const missing = SYSTEM_TOOLS.filter((tool) => !hasTool(tool.check));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.flatMap((tool) => tool.packages))];
  const install = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const asRoot = process.getuid?.() === 0;
  const sudo = !asRoot && run('sudo', ['-n', 'true'], { capture: true }).status === 0;
  if (!hasTool('apt-get') || (!asRoot && !sudo)) {
    fail(`missing ${missing.map((tool) => tool.check).join(', ')}: the C compile checks and the Wine bed need them.\n` +
      `Install them (Debian/Ubuntu): sudo apt-get update && sudo ${install}`);
  }
  // As root call apt-get directly; otherwise through passwordless sudo.
  const apt = asRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  step('updating the apt package lists', apt[0], [...apt.slice(1), 'update', '-qq'], { env: aptEnv });
  step(`installing ${packages.join(', ')}`, apt[0], [...apt.slice(1), 'install', '-y', '-qq', '--no-install-recommends', ...packages], { env: aptEnv });
  const still = SYSTEM_TOOLS.filter((tool) => !hasTool(tool.check));
  if (still.length) fail(`still missing after apt-get: ${still.map((tool) => tool.check).join(', ')}`);
}

function hasTool(check) {
  if (check.startsWith('/')) return existsSync(check);
  return run('sh', ['-c', `command -v ${check}`], { capture: true }).status === 0;
}

function testReports() {
  const reports = [];
  for (const directory of ['packages', 'examples']) {
    const base = join(root, directory);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      reports.push(join(base, name, 'test-results', 'vitest.json'), join(base, name, 'test-results', 'node-test.tap'));
    }
  }
  return reports.filter((report) => existsSync(report));
}

function removeOldReports() {
  for (const report of testReports()) rmSync(report);
}

/** Adds up the vitest JSON reports so the run ends with one plain "N passed, N failed" line. */
function printTotals() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const report of testReports()) {
    const text = readFileSync(report, 'utf8');
    if (report.endsWith('.tap')) {
      // node:test's TAP summary: "# pass N", "# fail N", "# skipped N", "# todo N".
      const count = (label) => Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      passed += count('pass');
      failed += count('fail');
      skipped += count('skipped') + count('todo');
      continue;
    }
    const data = JSON.parse(text);
    passed += data.numPassedTests ?? 0;
    failed += data.numFailedTests ?? 0;
    skipped += (data.numPendingTests ?? 0) + (data.numTodoTests ?? 0);
  }
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}

function step(title, command, args, options = {}) {
  console.log(`\n> ${title}`);
  const status = run(command, args, options);
  if (status !== 0) fail(`${title} failed (${command} ${args.join(' ')} exited ${status})`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    env: options.env ?? env,
    stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
  });
  if (options.capture) return { status: result.status ?? 1, stdout: result.stdout ?? '' };
  if (result.error) console.error(`${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function fail(message) {
  console.error(`\nbootstrap: ${message}`);
  process.exit(1);
}

