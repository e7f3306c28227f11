/**
 * Compares the Windows side's pins (src/windows-side.ts, their owner) with the repository's own
 * install of it: the workspace project's package.json, pnpm-lock.yaml, and the win32 part koffi
 * itself asks for. Each difference is one line naming the file and the fix.
 */
import type { WindowsSidePins } from '../../src/windows-side.js';

export interface WindowsSideSources {
  /** packages/wine-bed/windows/package.json */
  workspaceManifest: { devDependencies?: Record<string, string>; dependencies?: Record<string, string> };
  /** pnpm-lock.yaml's text. */
  lockfile: string;
  /** The pinned koffi's own package.json. */
  koffiManifest: { version?: string; optionalDependencies?: Record<string, string> };
}

function lockedIntegrity(lockfile: string, name: string, version: string): string | undefined {
  // A packages entry: `  koffi@3.3.4:` or `  '@koromix/koffi-win32-x64@3.3.4':`, then its resolution.
  const key = `${name}@${version}`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^  '?${key}'?:\\n    resolution: \\{integrity: ([^,}\\s]+)`, 'm').exec(lockfile)?.[1];
}

export function windowsSideDrift(pins: WindowsSidePins, sources: WindowsSideSources): string[] {
  const drift: string[] = [];
  const declared = { ...sources.workspaceManifest.dependencies, ...sources.workspaceManifest.devDependencies };
  for (const pinned of [pins.node, pins.koffi]) {
    if (declared[pinned.name] !== pinned.version) {
      drift.push(`packages/wine-bed/windows/package.json declares ${pinned.name} ${declared[pinned.name] ?? '(nothing)'}, the pins say ${pinned.version}: make them equal`);
    }
  }
  for (const pinned of [pins.node, pins.koffi, pins.koffiNative]) {
    const integrity = lockedIntegrity(sources.lockfile, pinned.name, pinned.version);
    if (integrity !== pinned.integrity) {
      drift.push(`pnpm-lock.yaml locks ${pinned.name}@${pinned.version} with integrity ${integrity ?? '(no entry)'}, the pins say ${pinned.integrity}: copy the lockfile's`);
    }
  }
  if (sources.koffiManifest.version !== pins.koffi.version) drift.push(`the installed koffi is ${sources.koffiManifest.version}, the pins say ${pins.koffi.version}: run pnpm install`);
  const wanted = sources.koffiManifest.optionalDependencies?.[pins.koffiNative.name];
  if (wanted !== pins.koffiNative.version) {
    drift.push(`koffi ${pins.koffi.version} asks for ${pins.koffiNative.name} ${wanted ?? '(nothing)'}, the pins say ${pins.koffiNative.version}: pin what koffi asks for`);
  }
  return drift;
}
