/**
 * Every TypeScript snippet of the docs compiles against the workspace packages, and those marked
 * `// docs-check: run` also run and exit 0. See src/snippets.ts for the markers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docPages, repoPath } from '../src/markdown.js';
import { collectSnippets, compileWorkspace, prepareWorkspace, runSnippet } from '../src/snippets.js';

const workspace = join(import.meta.dirname, '..', '.snippets');
const pages = docPages();
const { snippets, problems } = collectSnippets(pages);
const compiled = snippets.filter((snippet) => snippet.mode !== 'skip');
const run = snippets.filter((snippet) => snippet.mode === 'run');
const skipped = snippets.filter((snippet) => snippet.mode === 'skip');
const where = (snippet: { file: string; line: number }) => `${repoPath(snippet.file)}:${snippet.line}`;

describe(`docs snippets: ${snippets.length} TypeScript blocks in ${pages.length} pages`, () => {
  it('markers are well formed (a skip always gives its reason)', () => {
    expect(problems).toEqual([]);
  });

  it('the docs have snippets to check', () => {
    // A regression in the extractor would otherwise pass silently with nothing checked.
    expect(compiled.length).toBeGreaterThanOrEqual(8);
    expect(run.length).toBeGreaterThanOrEqual(3);
  });

  let compileOk = false;
  it(`${compiled.length} compile with the repository's strict settings (${skipped.length} skipped)`, () => {
    prepareWorkspace(workspace, snippets);
    const errors = compileWorkspace(workspace, snippets);
    console.log(
      [
        `docs-check: ${snippets.length} TypeScript snippets in ${pages.length} pages: ${compiled.length} compiled, ${run.length} of them also run, ${skipped.length} skipped`,
        ...skipped.map((snippet) => `  skipped ${where(snippet)}: ${snippet.reason}`),
      ].join('\n'),
    );
    expect(errors.map((error) => `${error.where}: ${error.message}`)).toEqual([]);
    compileOk = true;
  });

  for (const snippet of run) {
    it(`runs ${where(snippet)} and exits 0`, () => {
      if (!compileOk) throw new Error('the snippets did not compile (see above)');
      const result = runSnippet(workspace, snippet);
      expect(result.timedOut, `timed out:\n${result.output}`).toBe(false);
      expect(result.status, result.output).toBe(0);
    });
  }
});
