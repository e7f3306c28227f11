// Writes dist/versions.json, the one manifest of every version a scaffold names: the @inverted-call
// packages as this workspace has them, the exact tool versions the workspace itself builds
// and tests with (root package.json), so a generated project uses what this repository checked,
// and what the Windows CI job pins: its GitHub Actions, the CodeQL driver queries, and the WDK
// NuGet packages (driver-template's WDK_NUGET_PACKAGES, the one owner of those pins).
// Run by `build` after tsup (which empties dist/); the generator reads nothing else (src/versions.ts).
// It lives in dist/ so a cached build (turbo restores dist/**) always brings it back.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WDK_NUGET_PACKAGES } from '@inverted-call/driver-template';

const here = (/** @type {string} */ path) => fileURLToPath(new URL(path, import.meta.url));
const readJson = (/** @type {string} */ path) => JSON.parse(readFileSync(here(path), 'utf8'));

/**
 * Packages a generated project depends on, directly or through another @inverted-call package
 * (wine-bed, for the driver under Wine, brings conformance and conformance-device).
 */
const KIT_PACKAGES = ['backend', 'client', 'codec', 'codegen', 'conformance', 'conformance-device', 'driver-template', 'schema', 'simulator', 'win32', 'wine-bed'];
/** Tools the generated project installs at exactly the workspace's versions. */
const TOOLS = ['typescript', 'vitest', '@types/node'];
/**
 * GitHub Actions the CI workflow uses: not in the workspace, so pinned here, in one place.
 * codeql-action v4 is the major line whose bundled CodeQL CLI the windows-drivers pack below needs.
 */
const ACTIONS = {
  checkout: 'actions/checkout@v4',
  setupNode: 'actions/setup-node@v4',
  setupMsbuild: 'microsoft/setup-msbuild@v2',
  codeqlInit: 'github/codeql-action/init@v4',
  codeqlAnalyze: 'github/codeql-action/analyze@v4',
  codeqlUploadSarif: 'github/codeql-action/upload-sarif@v4',
  uploadArtifact: 'actions/upload-artifact@v4',
};
/**
 * Microsoft's CodeQL queries for Windows drivers (the pack driver certification's Static Tools
 * Logo test reads), pinned, and the suites of it the Windows job runs: recommended, mustrun (what
 * certification requires to be run) and mustfix (what it requires to be fixed).
 */
const CODEQL_DRIVER_QUERIES = {
  pack: 'microsoft/windows-drivers@1.10.0',
  suites: ['windows-driver-suites/recommended.qls', 'windows-driver-suites/mustrun.qls', 'windows-driver-suites/mustfix.qls'],
};

const root = readJson('../../../package.json');
/** @type {Record<string, string>} */
const packages = {};
for (const name of KIT_PACKAGES) {
  const manifest = readJson(`../../${name}/package.json`);
  packages[manifest.name] = manifest.version;
}
/** @type {Record<string, string>} */
const tools = {};
for (const name of TOOLS) {
  const version = root.devDependencies?.[name];
  if (!version) throw new Error(`write-versions: the root package.json has no devDependency ${name}`);
  tools[name] = version;
}
// ">=20.19.0 <21 || >=22": the lowest supported Node line is the one CI runs.
const engines = root.engines?.node;
const lowest = /(\d+)\.(\d+)/.exec(engines ?? '');
if (!lowest) throw new Error(`write-versions: cannot read a Node version from the root engines.node "${engines}"`);

if (WDK_NUGET_PACKAGES.length === 0 || WDK_NUGET_PACKAGES.some((pin) => typeof pin.id !== 'string' || !/^\d+(\.\d+)+/.test(pin.version))) {
  throw new Error(`write-versions: @inverted-call/driver-template's WDK_NUGET_PACKAGES must list { id, version } pins with numeric versions; it is ${JSON.stringify(WDK_NUGET_PACKAGES)}`);
}

const manifest = {
  generator: readJson('../package.json').version,
  node: { engines, ci: lowest[1] },
  packages,
  tools,
  actions: ACTIONS,
  codeql: CODEQL_DRIVER_QUERIES,
  wdk: WDK_NUGET_PACKAGES.map(({ id, version }) => ({ id, version })),
};
mkdirSync(here('../dist'), { recursive: true });
writeFileSync(here('../dist/versions.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log('wrote dist/versions.json');
