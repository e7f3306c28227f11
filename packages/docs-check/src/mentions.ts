/**
 * Markdown pages the docs name in their text without linking them ("see DESIGN.md, section 4").
 * The link check cannot see such a citation, yet a reader looks for the file all the same: each
 * one must name a page of this repository. A name counts when it exists next to the page, at the
 * root, or as the tail of a path in the repository (`driver/README.md` names the example's
 * driver README), so only a page the repository does not have at all is reported. Fenced blocks
 * are left out: they show files of a user's project, not citations.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { outsideFences, readPage, repoPath, repoRoot } from './markdown.js';

export interface MentionCheck {
  checked: number;
  problems: string[];
}

/** Folders that hold no pages of the repository's own. */
const NOT_SOURCES = new Set(['node_modules', '.git', 'dist', '.tools', '.turbo', '.snippets']);

/** Every Markdown file of the repository, as forward-slash paths from the root. */
function markdownFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!NOT_SOURCES.has(entry.name)) walk(join(folder, entry.name));
      } else if (entry.name.endsWith('.md')) {
        found.push(relative(root, join(folder, entry.name)).split(sep).join('/'));
      }
    }
  };
  walk(root);
  return found;
}

/** `NAME.md` or `some/path/NAME.md`, not inside a longer word or path, nor part of a URL. */
const MENTION = /(?<![\w./-])((?:\.{1,2}\/)?[\w-]+(?:[./][\w-]+)*\.md)\b(?!\w)/g;
const URL = /[a-z][a-z0-9+.-]*:\/\/[^\s)>\]]+/gi;

export function checkMentions(pages: readonly string[], root = repoRoot): MentionCheck {
  const files = markdownFiles(root);
  const names = (mention: string, page: string) => {
    const tail = mention.replace(/^(\.{1,2}\/)+/, '');
    return existsSync(join(dirname(page), mention)) || existsSync(join(root, mention)) || files.some((file) => file === tail || file.endsWith(`/${tail}`));
  };
  const problems: string[] = [];
  let checked = 0;
  for (const page of pages) {
    outsideFences(readPage(page))
      .split('\n')
      .forEach((line, index) => {
        for (const match of line.replace(URL, ' ').matchAll(MENTION)) {
          checked++;
          const mention = match[1]!;
          if (!names(mention, page)) {
            problems.push(`${repoPath(page)}:${index + 1}: names ${mention}, which this repository does not have: link the page that holds what it cites, or drop the reference`);
          }
        }
      });
  }
  return { checked, problems };
}
