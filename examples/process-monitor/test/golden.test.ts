// The committed header and TS module are exactly what codegen renders from the committed schema.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_DIR, renderGolden, staleGolden } from '../scripts/golden.mjs';

const FILES = ['schema/process-monitor.device.json', 'driver/process-monitor.h', 'generated/process-monitor.ts'];

describe("the example's generated files", () => {
  it('renders the header and the TS module', () => {
    expect(renderGolden().map((file) => file.kind).sort()).toEqual(['header', 'ts']);
  });

  it('the committed header and TS module are current', () => {
    expect(staleGolden(), 'stale: run `pnpm --filter @inverted-call/example-process-monitor golden:update` and review the diff').toEqual([]);
  });
});

describe('negative controls: a stale file is reported', () => {
  let copy: string | undefined;
  afterEach(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
    copy = undefined;
  });

  /** A copy of the schema and the two files in the example's layout, so the committed files are never touched. */
  function copyExample(): string {
    copy = mkdtempSync(join(tmpdir(), 'process-monitor-golden-'));
    for (const file of FILES) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(join(EXAMPLE_DIR, file), join(copy, file));
    }
    return copy;
  }

  it('an unchanged copy is current (the copy itself changes nothing)', () => {
    expect(staleGolden(copyExample())).toEqual([]);
  });

  it('a changed schema makes both committed files stale', () => {
    const dir = copyExample();
    const schemaFile = join(dir, FILES[0]!);
    const schema = readFileSync(schemaFile, 'utf8');
    // A field no verdict or callback relies on (renaming imageName breaks the ProcessCreate rules first).
    const changed = schema.replace('"patch"', '"build"');
    expect(changed).not.toBe(schema);
    writeFileSync(schemaFile, changed);
    expect(staleGolden(dir).map((path) => path.slice(dir.length + 1)).sort()).toEqual(['driver/process-monitor.h', 'generated/process-monitor.ts']);
  });

  it('a hand edit of the TS module is reported', () => {
    const dir = copyExample();
    const module = join(dir, FILES[2]!);
    writeFileSync(module, `${readFileSync(module, 'utf8')}// edited\n`);
    expect(staleGolden(dir)).toEqual([module]);
  });
});
