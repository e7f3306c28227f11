// The compile check does not run a tool again on a source it already found clean with identical
// inputs in this process (src/clean-sources.ts). These tests show the key follows content, not
// folders: a changed source, header or included .c file runs again and fails; a copy elsewhere
// is reused; in a WDM folder cppcheck's key is its preprocessed code, not the configuration's
// defines. A small folder without the DDK headers keeps the three tools to a second or so.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceKeys } from '../src/clean-sources.js';
import { checkDriver, DRIVER_CHECK_TOOLS } from '../src/index.js';
import { INDEX_OUT_OF_BOUNDS } from './support/negative-controls.js';

// Time limit, from a measurement at load average 5-17 on the 2-core machine: the slowest test here
// (three tools, five checks of two sources) took 6 s; 60 s is ten times that.
const REUSE_MS = 60_000;

/** The tools that look at each source on its own: these two files are no driver, so the link is left out (link-check.test.ts). */
const COMPILE_TOOLS = DRIVER_CHECK_TOOLS.filter((tool) => tool !== 'link');

const SHARED_H = '#ifndef SHARED_H\n#define SHARED_H\nint SharedValue(int Index);\n#endif\n';
const SOURCES: Record<string, string> = {
  'First.c': '#include "Shared.h"\nint SharedValue(int Index)\n{\n    return Index + 1;\n}\n',
  'Second.c': '#include "Shared.h"\nint SecondValue(int Index);\nint SecondValue(int Index)\n{\n    return SharedValue(Index) * 2;\n}\n',
};

let folders: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'inverted-call-clean-sources-'));
  folders.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
function copyOf(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'inverted-call-clean-sources-copy-'));
  folders.push(copy);
  cpSync(dir, copy, { recursive: true });
  return copy;
}

beforeEach(() => {
  folders = [];
});
afterEach(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('source keys follow content', () => {
  const keysOf = (dir: string, args: readonly string[] = ['-x']) => sourceKeys(dir, ['First.c', 'Second.c'], ['tool', ...args]);

  it('a copy in another folder has the same keys; other arguments give other keys', () => {
    const dir = folder({ 'Shared.h': SHARED_H, ...SOURCES });
    expect(keysOf(copyOf(dir))).toEqual(keysOf(dir));
    const other = keysOf(dir, ['-y']);
    expect(other.get('First.c')).not.toBe(keysOf(dir).get('First.c'));
  });

  it('a changed source changes its own key only; a changed header changes every key', () => {
    const dir = folder({ 'Shared.h': SHARED_H, ...SOURCES });
    const before = keysOf(dir);
    writeFileSync(join(dir, 'Second.c'), `${SOURCES['Second.c']}/* changed */\n`);
    const afterSource = keysOf(dir);
    expect(afterSource.get('First.c')).toBe(before.get('First.c'));
    expect(afterSource.get('Second.c')).not.toBe(before.get('Second.c'));
    writeFileSync(join(dir, 'Shared.h'), `${SHARED_H}/* changed */\n`);
    const afterHeader = keysOf(dir);
    expect(afterHeader.get('First.c')).not.toBe(afterSource.get('First.c'));
    expect(afterHeader.get('Second.c')).not.toBe(afterSource.get('Second.c'));
  });

  it('a .c file that an #include names is part of every key; files in subfolders are too', () => {
    const dir = folder({ 'Shared.h': SHARED_H, ...SOURCES, 'First.c': `${SOURCES['First.c']}#include "Second.c"\n` });
    const before = keysOf(dir);
    writeFileSync(join(dir, 'Second.c'), `${SOURCES['Second.c']}/* changed */\n`);
    expect(keysOf(dir).get('First.c')).not.toBe(before.get('First.c'));

    const nested = folder({ 'Shared.h': SHARED_H, ...SOURCES });
    mkdirSync(join(nested, 'check'));
    writeFileSync(join(nested, 'check', 'Extra.h'), '/* extra */\n');
    const withExtra = keysOf(nested);
    writeFileSync(join(nested, 'check', 'Extra.h'), '/* changed */\n');
    expect(keysOf(nested).get('First.c')).not.toBe(withExtra.get('First.c'));
  });
});

describe('checkDriver reuses clean results within a process', { timeout: REUSE_MS }, () => {
  it('runs each tool once per identical source, also in a copy, and again on any change', () => {
    const dir = folder({ 'Shared.h': SHARED_H, ...SOURCES });
    const first = checkDriver(dir, COMPILE_TOOLS);
    expect(first.map((result) => [result.tool, result.ok, result.output, result.reused])).toEqual(COMPILE_TOOLS.map((tool) => [tool, true, '', []]));

    // The same inputs, here and in a copy elsewhere: nothing runs again.
    for (const again of [checkDriver(dir, COMPILE_TOOLS), checkDriver(copyOf(dir), COMPILE_TOOLS)]) {
      expect(again.map((result) => [result.tool, result.ok, result.reused])).toEqual(COMPILE_TOOLS.map((tool) => [tool, true, ['First.c', 'Second.c']]));
    }

    // Negative control: a fault in one source. That source runs again and fails; the other is reused.
    const faultySource = copyOf(dir);
    writeFileSync(join(faultySource, 'Second.c'), `${SOURCES['Second.c']}${INDEX_OUT_OF_BOUNDS}`);
    const [cppcheck] = checkDriver(faultySource, ['cppcheck']);
    expect(cppcheck!.reused).toEqual(['First.c']);
    expect(cppcheck!.ok).toBe(false);
    expect(cppcheck!.output).toMatch(/Second\.c.*arrayIndexOutOfBounds/s);

    // Negative control: a fault in the header both include. Nothing is reused, and it fails.
    const faultyHeader = copyOf(dir);
    writeFileSync(join(faultyHeader, 'Shared.h'), SHARED_H.replace('#endif', `static int HeaderControl(void)\n{\n    int values[4] = { 0, 1, 2, 3 };\n    return values[4];\n}\n#endif`));
    const [fromHeader] = checkDriver(faultyHeader, ['cppcheck']);
    expect(fromHeader!.reused).toEqual([]);
    expect(fromHeader!.ok).toBe(false);
    expect(fromHeader!.output).toMatch(/Shared\.h.*arrayIndexOutOfBounds/s);

    // A failure is never remembered: the same faulty folder fails again, running the tool.
    const [still] = checkDriver(faultyHeader, ['cppcheck']);
    expect([still!.ok, still!.reused]).toEqual([false, []]);
  });

  it('cppcheck analyses a source once when both WDM configurations preprocess it alike, twice when not', () => {
    // InvertedCallTest.h marks a WDM folder: checked as a WDK build and as the Wine test build.
    const testBuildOnly = `#ifdef INVERTED_CALL_TEST_BUILD\n${INDEX_OUT_OF_BOUNDS}#endif\n`;
    const dir = folder({ 'Shared.h': SHARED_H, 'InvertedCallTest.h': '/* marker */\n', ...SOURCES, 'Second.c': `${SOURCES['Second.c']}${testBuildOnly}` });
    const [cppcheck] = checkDriver(dir, ['cppcheck']);
    // First.c reads no configuration macro: the test build reuses the WDK build's result.
    expect(cppcheck!.reused).toEqual(['First.c']);
    // Negative control: Second.c differs in the test build, so it ran there, and its fault is found.
    expect(cppcheck!.ok).toBe(false);
    expect(cppcheck!.output).toMatch(/Second\.c.*arrayIndexOutOfBounds/s);
    expect(cppcheck!.command.split('\n')[1]).toContain('-DINVERTED_CALL_TEST_BUILD');
  });
});
