/**
 * Relative links of the docs: each must point at an existing file or folder of the repository,
 * and a `#fragment` into a Markdown page must name one of its anchors.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { anchors, isExternal, links, readPage, repoPath, repoRoot } from './markdown.js';

export interface LinkCheck {
  checked: number;
  problems: string[];
}

export function checkLinks(pages: readonly string[], root = repoRoot): LinkCheck {
  const problems: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let found = anchorCache.get(file);
    if (!found) anchorCache.set(file, (found = anchors(readPage(file))));
    return found;
  };
  let checked = 0;
  for (const page of pages) {
    for (const link of links(readPage(page), page)) {
      if (isExternal(link.target)) continue;
      checked++;
      const where = `${repoPath(page)}:${link.line}`;
      const hash = link.target.indexOf('#');
      const pathPart = decodeURIComponent(hash === -1 ? link.target : link.target.slice(0, hash));
      const fragment = hash === -1 ? undefined : decodeURIComponent(link.target.slice(hash + 1));
      const target = pathPart === '' ? page : pathPart.startsWith('/') ? join(root, pathPart) : resolve(dirname(page), pathPart.split('?')[0]!);
      if (!existsSync(target)) {
        problems.push(`${where}: "${link.target}" points at ${repoPath(target)}, which does not exist`);
        continue;
      }
      if (fragment !== undefined && fragment !== '' && statSync(target).isFile() && target.endsWith('.md') && !anchorsOf(target).has(fragment)) {
        problems.push(`${where}: "${link.target}": ${repoPath(target)} has no heading or anchor "${fragment}"`);
      }
    }
  }
  return { checked, problems };
}
