// The committed header and TS module are exactly what codegen renders from the committed schema.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEVICE_DIR, renderGolden, staleGolden } from '../scripts/golden.mjs';

const FILES = ['conformance.device.json', 'conformance-device.h', 'conformance-device.ts'];

describe('the conformance device goldens', () => {
  it('renders the header and the TS module', () => {
    expect(renderGolden().map((file) => file.kind).sort()).toEqual(['header', 'ts']);
  });

  it('the committed header and TS module are current', () => {
    expect(staleGolden(), 'stale: run `pnpm --filter @inverted-call/conformance-device golden:update` and review the diff').toEqual([]);
  });
});

describe('negative controls: a stale golden is reported', () => {
  let copy: string | undefined;
  afterEach(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
    copy = undefined;
  });

  /** A copy of the device folder, so the committed files are never touched. */
  function copyDevice(): string {
    copy = mkdtempSync(join(tmpdir(), 'conformance-device-golden-'));
    for (const file of FILES) copyFileSync(join(DEVICE_DIR, file), join(copy, file));
    return copy;
  }

  it('an unchanged copy is current (the copy itself changes nothing)', () => {
    expect(staleGolden(copyDevice())).toEqual([]);
  });

  it('a changed schema makes both committed files stale', () => {
    const dir = copyDevice();
    const schemaFile = join(dir, 'conformance.device.json');
    const schema = readFileSync(schemaFile, 'utf8');
    const changed = schema.replace('"firstTag"', '"firstLabel"');
    expect(changed).not.toBe(schema);
    writeFileSync(schemaFile, changed);
    expect(staleGolden(dir).map((path) => path.slice(dir.length + 1)).sort()).toEqual(['conformance-device.h', 'conformance-device.ts']);
  });

  it('a hand edit of the header is reported', () => {
    const dir = copyDevice();
    const header = join(dir, 'conformance-device.h');
    writeFileSync(header, `${readFileSync(header, 'utf8')}/* edited */\n`);
    expect(staleGolden(dir)).toEqual([header]);
  });
});
