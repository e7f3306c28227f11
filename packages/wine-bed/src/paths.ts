/**
 * Path conversion between Linux and the Windows view of it under Wine: Wine maps drive Z: to the
 * Linux root, so /work/main/x.js is Z:\work\main\x.js, and C: to <prefix>/drive_c.
 */
import { posix } from 'node:path';

/** A Linux path as a Windows program under Wine sees it: `/tmp/a b/x.js` -> `Z:\tmp\a b\x.js`. */
export function toWindowsPath(linuxPath: string): string {
  if (/^[A-Za-z]:[\\/]/.test(linuxPath)) return linuxPath.replace(/\//g, '\\'); // already a Windows path
  const absolute = posix.resolve(linuxPath);
  return `Z:${absolute.replace(/\//g, '\\')}`;
}

/** The Linux path of a Windows path: Z:\... maps to /..., C:\... to <prefix>/drive_c/... */
export function toLinuxPath(windowsPath: string, prefixDir?: string): string {
  const match = /^([A-Za-z]):[\\/]?(.*)$/.exec(windowsPath);
  if (!match) throw new Error(`not an absolute Windows path: ${windowsPath}`);
  const drive = match[1]!.toUpperCase();
  const rest = match[2]!.replace(/\\/g, '/');
  if (drive === 'Z') return `/${rest}`;
  if (drive === 'C') {
    if (!prefixDir) throw new Error(`${windowsPath}: a C: path needs the prefix directory`);
    return posix.join(prefixDir, 'drive_c', rest);
  }
  throw new Error(`${windowsPath}: only drives C: and Z: are mapped in a Wine bed prefix`);
}
