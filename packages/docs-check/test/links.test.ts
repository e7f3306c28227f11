/** Every relative link and image of README.md, docs/*.md and each package README resolves, anchors included; every page they name exists. */
import { expect, it } from 'vitest';
import { checkLinks } from '../src/links.js';
import { checkMentions } from '../src/mentions.js';
import { docPages } from '../src/markdown.js';

const pages = docPages();

it(`every relative link in README.md, docs/*.md and packages/*/README.md (${pages.length} pages) points at something that exists`, () => {
  const { checked, problems } = checkLinks(pages);
  console.log(`docs-check: ${checked} relative links checked in ${pages.length} pages`);
  expect(checked).toBeGreaterThan(30);
  expect(problems).toEqual([]);
});

it(`every Markdown page named in the text of those ${pages.length} pages exists in the repository`, () => {
  const { checked, problems } = checkMentions(pages);
  console.log(`docs-check: ${checked} named Markdown pages checked`);
  expect(checked).toBeGreaterThan(30);
  expect(problems).toEqual([]);
});
