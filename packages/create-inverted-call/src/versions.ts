/**
 * The one manifest of versions a scaffold names (dist/versions.json, written at build time by
 * scripts/write-versions.mjs from the workspace). Nothing else in the generator names a version.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

export interface VersionManifest {
  /** This generator's version. */
  generator: string;
  /** Node: the engines range the project declares, and the major version its CI runs. */
  node: { engines: string; ci: string };
  /** Every @inverted-call package a project can depend on, by full name. */
  packages: Record<string, string>;
  /** Exact versions of the tools the project installs (typescript, vitest, @types/node). */
  tools: Record<string, string>;
  /** The GitHub Actions the CI workflow uses, as `owner/name@ref`. */
  actions: {
    checkout: string;
    setupNode: string;
    setupMsbuild: string;
    codeqlInit: string;
    codeqlAnalyze: string;
    codeqlUploadSarif: string;
    uploadArtifact: string;
  };
  /** The CodeQL driver queries the Windows job runs: the pack as `scope/name@version`, and its suites' paths inside it. */
  codeql: { pack: string; suites: string[] };
  /** The WDK and SDK NuGet packages the driver folder's packages.config pins (from driver-template's WDK_NUGET_PACKAGES). */
  wdk: { id: string; version: string }[];
}

export const VERSIONS_FILE = join(packageRoot, 'dist', 'versions.json');

let cached: VersionManifest | undefined;

export function loadVersions(): VersionManifest {
  if (cached) return cached;
  if (!existsSync(VERSIONS_FILE)) {
    throw new Error(`create-inverted-call: ${VERSIONS_FILE} is missing; build the package first (pnpm build), which writes it`);
  }
  cached = JSON.parse(readFileSync(VERSIONS_FILE, 'utf8')) as VersionManifest;
  return cached;
}

/** The version of a package or tool from the manifest; a name it lacks is a bug here, not user input. */
export function versionOf(manifest: VersionManifest, name: string): string {
  const version = manifest.packages[name] ?? manifest.tools[name];
  if (!version) throw new Error(`create-inverted-call: versions.json names no version for ${name}`);
  return version;
}
