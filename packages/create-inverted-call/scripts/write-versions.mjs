// Writes dist/versions.json, the one manifest of every version a scaffold names: the @inverted-call
// packages as this workspace has them, and the exact tool versions the workspace itself builds
// and tests with (root package.json), so a generated project uses what this repository checked.
// Run by `build` after tsup (which empties dist/); the generator reads nothing else (src/versions.ts).
// It lives in dist/ so a cached build (turbo restores dist/**) always brings it back.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (/** @type {string} */ path) => fileURLToPath(new URL(path, import.meta.url));
const readJson = (/** @type {string} */ path) => JSON.parse(readFileSync(here(path), 'utf8'));

/**
 * Packages a generated project depends on, directly or through another @inverted-call package
 * (wine-bed, for the driver under Wine, brings conformance and conformance-device).
 */
const KIT_PACKAGES = ['backend', 'client', 'codec', 'codegen', 'conformance', 'conformance-device', 'driver-template', 'schema', 'simulator', 'win32', 'wine-bed'];
/** Tools the generated project installs at exactly the workspace's versions. */
const TOOLS = ['typescript', 'vitest', '@types/node'];
/** GitHub Actions the CI workflow uses: not in the workspace, so pinned here, in one place. */
const ACTIONS = { checkout: 'actions/checkout@v4', setupNode: 'actions/setup-node@v4' };

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

const manifest = {
  generator: readJson('../package.json').version,
  node: { engines, ci: lowest[1] },
  packages,
  tools,
  actions: ACTIONS,
};
mkdirSync(here('../dist'), { recursive: true });
writeFileSync(here('../dist/versions.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log('wrote dist/versions.json');
