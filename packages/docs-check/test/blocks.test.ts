/**
 * The docs' other blocks: device schemas in ```json blocks validate, and ```mermaid diagrams are
 * well formed (see src/diagrams.ts).
 */
import { validateDeviceSchema } from '@inverted-call/schema';
import { describe, expect, it } from 'vitest';
import { checkMermaid } from '../src/diagrams.js';
import { codeBlocks, docPages, readPage, repoPath } from '../src/markdown.js';

const blocks = docPages().flatMap((page) => codeBlocks(readPage(page), page));
const where = (block: { file: string; line: number }) => `${repoPath(block.file)}:${block.line}`;

const schemas = blocks.filter((block) => {
  if (block.lang !== 'json' && block.lang !== 'jsonc') return false;
  try {
    const value: unknown = JSON.parse(block.code);
    return typeof value === 'object' && value !== null && 'device' in value;
  } catch {
    return false;
  }
});
const diagrams = blocks.filter((block) => block.lang === 'mermaid');

describe('docs blocks', () => {
  it(`${schemas.length} device schemas in json blocks are valid`, () => {
    expect(schemas.length).toBeGreaterThanOrEqual(1);
    const problems: string[] = [];
    for (const block of schemas) {
      try {
        validateDeviceSchema(JSON.parse(block.code), { source: where(block) });
      } catch (error) {
        problems.push(`${where(block)}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it(`${diagrams.length} mermaid diagrams are well formed`, () => {
    expect(diagrams.length).toBeGreaterThanOrEqual(5);
    const problems = diagrams.flatMap((block) => checkMermaid(block.code).map((problem) => `${where(block)}: ${problem}`));
    expect(problems).toEqual([]);
  });
});
