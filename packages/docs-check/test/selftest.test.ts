/**
 * Negative controls: each docs check fails on the fault it is there for, and says where.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSchemaReference, readJsonSchema } from '../scripts/schema-reference.mjs';
import { checkMermaid } from '../src/diagrams.js';
import { checkLinks } from '../src/links.js';
import { checkMentions } from '../src/mentions.js';
import { codeBlocks, githubSlug } from '../src/markdown.js';
import { collectSnippets, compileWorkspace, prepareWorkspace, runSnippet } from '../src/snippets.js';
import { checkScriptCommands, scriptCommands, shippedScripts } from '../src/windows-scripts.js';

const scratch = join(import.meta.dirname, '..', '.snippets-selftest');
const pages = join(scratch, 'pages');
rmSync(scratch, { recursive: true, force: true });
mkdirSync(pages, { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function page(name: string, text: string): string {
  const file = join(pages, name);
  writeFileSync(file, text);
  return file;
}

const fence = '```';

describe('the snippet check', () => {
  it('reports a type error at its line in the page', () => {
    const file = page(
      'broken.md',
      ['# Broken', '', `${fence}ts`, "import { openDevice } from '@inverted-call/client';", "const n: number = 'not a number';", 'void openDevice;', fence, ''].join('\n'),
    );
    const { snippets, problems } = collectSnippets([file]);
    expect(problems).toEqual([]);
    const workspace = join(scratch, 'broken');
    prepareWorkspace(workspace, snippets);
    const errors = compileWorkspace(workspace, snippets);
    expect(errors.map((error) => error.where)).toEqual(['packages/docs-check/.snippets-selftest/pages/broken.md:5']);
    expect(errors[0]!.message).toMatch(/not assignable to type 'number'/);
  });

  it('reports a call that does not exist on the device, from the generated types', () => {
    const file = page(
      'wrong-call.md',
      [`${fence}typescript`, "import { openDevice } from '@inverted-call/client';", "import { processMonitorDevice } from './generated/process-monitor.js';", 'const device = await openDevice(processMonitorDevice);', 'await device.call.GetVersoin();', fence, ''].join('\n'),
    );
    const { snippets } = collectSnippets([file]);
    const workspace = join(scratch, 'wrong-call');
    prepareWorkspace(workspace, snippets);
    const errors = compileWorkspace(workspace, snippets);
    expect(errors.map((error) => error.where)).toEqual(['packages/docs-check/.snippets-selftest/pages/wrong-call.md:5']);
    expect(errors[0]!.message).toMatch(/GetVersoin/);
  });

  it('refuses a skip without a reason, an unknown marker and a marker below the first line', () => {
    const file = page(
      'markers.md',
      [`${fence}ts`, '// docs-check: skip', fence, `${fence}ts`, '// docs-check: maybe', fence, `${fence}ts`, 'const a = 1;', '// docs-check: run', fence, `${fence}ts`, '// docs-check: skip (needs Windows)', fence, ''].join('\n'),
    );
    const { snippets, problems } = collectSnippets([file]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/markers\.md:1: .*needs a reason/);
    expect(problems[1]).toMatch(/markers\.md:4: unknown marker/);
    expect(problems[2]).toMatch(/markers\.md:7: .*first line/);
    expect(snippets.at(-1)).toMatchObject({ mode: 'skip', reason: 'needs Windows' });
  });

  it('fails a run block that exits non-zero', () => {
    const file = page('fails.md', [`${fence}ts`, '// docs-check: run', "import assert from 'node:assert/strict';", 'assert.equal(1 + 1, 3);', fence, ''].join('\n'));
    const { snippets } = collectSnippets([file]);
    const workspace = join(scratch, 'fails');
    prepareWorkspace(workspace, snippets);
    expect(compileWorkspace(workspace, snippets)).toEqual([]);
    const result = runSnippet(workspace, snippets[0]!);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/AssertionError/);
  });
});

describe('the link check', () => {
  it('reports a missing file and a missing anchor', () => {
    page('target.md', '# A heading\n\n## `code` (2): in a heading\n');
    const file = page('links.md', ['[ok](target.md#a-heading)', '[ok too](target.md#code-2-in-a-heading)', '[gone](nowhere.md)', '[bad anchor](target.md#no-such-heading)', '`[in code](nowhere.md)`', ''].join('\n'));
    const { checked, problems } = checkLinks([file]);
    expect(checked).toBe(4);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/links\.md:3: "nowhere\.md" points at .*which does not exist/);
    expect(problems[1]).toMatch(/links\.md:4: .*no heading or anchor "no-such-heading"/);
  });

  it('reports a page named in the text that the repository does not have, and nothing else', () => {
    page('present.md', '# Present\n');
    const file = page(
      'mentions.md',
      [
        '# Mentions',
        '',
        'The protocol is in DESIGN.md, section 4.',
        'See present.md, `README.md`, docs/concepts.md and https://example.com/NOTES.md.',
        `${fence}text`,
        'my-device/',
        '  PLAN.md     a file of a user project, not a citation',
        fence,
        'And `ABSENT.md` in code is a citation too.',
        '',
      ].join('\n'),
    );
    const { checked, problems } = checkMentions([file]);
    expect(checked).toBe(5);
    expect(problems).toEqual([
      expect.stringMatching(/mentions\.md:3: names DESIGN\.md, which this repository does not have: link the page/),
      expect.stringMatching(/mentions\.md:9: names ABSENT\.md, which this repository does not have/),
    ]);
  });

  it('slugs headings as GitHub does', () => {
    expect(githubSlug('`ERROR_ACCESS_DENIED` (5): who may open')).toBe('error_access_denied-5-who-may-open');
    expect(githubSlug('Sizing `depth`, `batchBytes`')).toBe('sizing-depth-batchbytes');
  });
});

describe('the Windows script check', () => {
  it('reports a script the kit does not ship and a parameter the script does not declare, and accepts the rest', async () => {
    const file = page(
      'scripts.md',
      [
        '# Scripts',
        '',
        'Run `scripts/windows/build-driver.ps1 -Configuration Debug -Platfrom ARM64` first.',
        `${fence}powershell`,
        '.\\scripts\\windows\\sign-driver.ps1 -Configuration Release',
        '.\\scripts\\windows\\install-driver.ps1 -configuration Release -NoStart -WhatIf -Verbose   # -Bogus in a comment is not an argument',
        '.\\scripts\\windows\\uninstall-driver.ps1 -Platform x64',
        fence,
        '',
      ].join('\n'),
    );
    const { checked, problems } = checkScriptCommands([file], await shippedScripts());
    expect(checked).toBe(4);
    expect(problems).toEqual([
      expect.stringMatching(/scripts\.md:3: build-driver\.ps1 has no parameter -Platfrom \(it declares -DriverDir, -Configuration, -Platform, -UseNuGetWdk\)$/),
      expect.stringMatching(/scripts\.md:5: scripts\/windows\/sign-driver\.ps1 is not one of the kit's scripts \(build-driver\.ps1, enable-test-signing\.ps1, install-driver\.ps1, uninstall-driver\.ps1\)$/),
      expect.stringMatching(/scripts\.md:7: uninstall-driver\.ps1 has no parameter -Platform \(it declares -DriverDir, -StopTimeoutSeconds\)$/),
    ]);
  });

  it('reads the parameters up to the end of the code span, and the -Name:value form', () => {
    expect(scriptCommands('see `scripts/windows/build-driver.ps1 -UseNuGetWdk:$true` and then -NotAParameter\n').map(({ script, parameters }) => ({ script, parameters }))).toEqual([
      { script: 'build-driver.ps1', parameters: ['UseNuGetWdk'] },
    ]);
  });
});

describe('the diagram check', () => {
  it('reports a semicolon in text, an undeclared participant and an unclosed block', () => {
    const problems = checkMermaid(['sequenceDiagram', '    participant A as Client', '    participant B as Driver', '    A->>B: park; complete', '    A->>C: typo', '    alt open', '    B-->>A: done', ''].join('\n'));
    expect(problems).toEqual([
      'line 4: ";" and "#" break Mermaid text: "park; complete"',
      'line 6: "alt" is never closed with "end"',
      'line 5: "C" is not a declared participant (declared: A, B)',
    ]);
  });

  it('accepts a well-formed diagram', () => {
    expect(checkMermaid('sequenceDiagram\n  autonumber\n  participant A\n  participant B\n  A->>+B: go\n  alt yes\n    B-->>-A: ok\n  else no\n    Note over A,B: nothing\n  end\n')).toEqual([]);
  });
});

describe('the schema reference', () => {
  it('changes when the JSON Schema gains a key, so a stale page fails the test', () => {
    const schema = readJsonSchema();
    const before = renderSchemaReference(schema);
    schema.properties.channels.additionalProperties.properties.latencyBudget = { type: 'integer', minimum: 0, description: 'Made up for this test. Default 5.' };
    const after = renderSchemaReference(schema);
    expect(after).not.toBe(before);
    expect(after).toContain('| `latencyBudget` | integer | no | `5` | at least 0 | Made up for this test. Default 5. |');
  });
});

describe('the block extractor', () => {
  it('finds fenced blocks in lists and with tildes, with their lines', () => {
    const blocks = codeBlocks(['text', '- item', '  ```ts', '  const a = 1;', '  ```', '~~~json', '{}', '~~~', ''].join('\n'));
    expect(blocks.map(({ line, lang, code }) => ({ line, lang, code }))).toEqual([
      { line: 3, lang: 'ts', code: 'const a = 1;\n' },
      { line: 6, lang: 'json', code: '{}\n' },
    ]);
  });
});
