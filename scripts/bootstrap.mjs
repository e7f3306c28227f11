#!/usr/bin/env node
// One entry for a fresh machine that has only Node 20 and npm: installs what the project needs
// (pnpm into .tools/, the system tools of the job through apt when run as root), installs the
// workspace, builds it, then runs one job: `test` (the whole suite), `demo` (the main job) or
// `bench`. Each job's command and system tools are in jobs.mjs.
//
// Usage: node scripts/bootstrap.mjs <test|demo|bench>
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JOBS, toolsFor } from './jobs.mjs';
import { countTestTotals, findTestReports, formatTestTotals } from './test-totals.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

const job = process.argv[2];
// Anything after the job goes to its command, e.g. `test --force` to run every task afresh.
const extraArguments = process.argv.slice(3);
if (!Object.hasOwn(JOBS, job ?? '')) fail(`usage: node scripts/bootstrap.mjs <${Object.keys(JOBS).join('|')}> [arguments for the job's command]`);
const systemTools = toolsFor(job);

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
const status = run('pnpm', [...JOBS[job].command, ...extraArguments]);
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

/** Installs the job's missing system tools with apt-get, or fails saying how: never a skipped check. */
function ensureSystemTools() {
  const missing = systemTools.filter((tool) => !hasTool(tool.check));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.flatMap((tool) => tool.packages))];
  const install = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const asRoot = process.getuid?.() === 0;
  const sudo = !asRoot && run('sudo', ['-n', 'true'], { capture: true }).status === 0;
  if (!hasTool('apt-get') || (!asRoot && !sudo)) {
    fail(`missing ${missing.map((tool) => tool.check).join(', ')}: \`${job}\` needs them (the C compile checks, the Wine bed).\n` +
      `Install them (Debian/Ubuntu): sudo apt-get update && sudo ${install}`);
  }
  // As root call apt-get directly; otherwise through passwordless sudo.
  const apt = asRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  step('updating the apt package lists', apt[0], [...apt.slice(1), 'update', '-qq'], { env: aptEnv });
  step(`installing ${packages.join(', ')}`, apt[0], [...apt.slice(1), 'install', '-y', '-qq', '--no-install-recommends', ...packages], { env: aptEnv });
  const still = systemTools.filter((tool) => !hasTool(tool.check));
  if (still.length) fail(`still missing after apt-get: ${still.map((tool) => tool.check).join(', ')}`);
}

function hasTool(check) {
  if (check.startsWith('/')) return existsSync(check);
  return run('sh', ['-c', `command -v ${check}`], { capture: true }).status === 0;
}

function removeOldReports() {
  for (const report of findTestReports(root)) rmSync(report);
}

/** Adds up the test reports so the run ends with one plain "N passed, N failed" line. */
function printTotals() {
  console.log(`\n${formatTestTotals(countTestTotals(findTestReports(root)))}`);
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

