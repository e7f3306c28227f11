// Render owns what it made and nothing more: RENDERED.json records each file and the flavour, a
// file render no longer makes goes only if unchanged, the flavour stays unless switched on
// purpose, and the project's source list is the generated sources.props.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateDeviceSchema } from '@inverted-call/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RENDER_RECORD_FILE,
  flavourOfFolder,
  readRenderRecord,
  renderKmdfDriver,
  renderWdmDriver,
  sourcesPropsFile,
  staleDriverFiles,
  writeRenderedDriver,
  type RenderedFile,
} from '../src/index.js';
import { SCHEMAS, model, render, renderWdm } from './support/schemas.js';

/** The process-monitor schema without its Process channel: nothing feeds a process callback. */
function withoutProcessChannel(): RenderedFile[] {
  const schema = JSON.parse(readFileSync(SCHEMAS.processMonitor, 'utf8')) as { channels: Record<string, unknown>; verdicts?: unknown };
  schema.channels = {};
  delete schema.verdicts; // its verdict is asked on process creation, which needs the process channel
  return renderKmdfDriver(validateDeviceSchema(schema, { source: 'process-monitor.device.json' }), { schemaPath: '../schema/processMonitor.json' });
}

const NOTIFY_FILES = ['Notify.c', 'Notify.h', 'NotifyTest.c', 'NotifyTest.h', 'NotifyTestInput.c'];
const sorted = (paths: readonly string[]) => [...paths].sort();

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'inverted-call-record-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the render record', () => {
  it('lists every other rendered file with its owner and the hash of its content, and the flavour', () => {
    for (const [flavour, files] of [['kmdf', render('processMonitor')], ['wdm', renderWdm('processMonitor')]] as const) {
      writeRenderedDriver(dir, files);
      const record = readRenderRecord(dir)!;
      expect(record.flavour).toBe(flavour);
      expect(record.files.map((file) => file.path)).toEqual(files.map((file) => file.path).filter((path) => path !== RENDER_RECORD_FILE));
      for (const entry of record.files) expect(readFileSync(join(dir, entry.path), 'utf8').length, entry.path).toBeGreaterThan(0);
      expect(staleDriverFiles(dir, files)).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a malformed record is refused with the file and the fix', () => {
    writeFileSync(join(dir, RENDER_RECORD_FILE), '{"flavour": "umdf", "files": []}');
    expect(() => readRenderRecord(dir)).toThrow(/"flavour" must be kmdf or wdm, got "umdf"; delete .*RENDERED\.json and render again with --flavour/);
  });

  it('a folder from before records: its flavour is told by its files', () => {
    expect(flavourOfFolder(dir)).toBeUndefined();
    writeRenderedDriver(dir, renderWdm('minimal'));
    rmSync(join(dir, RENDER_RECORD_FILE));
    expect(flavourOfFolder(dir)).toEqual({ flavour: 'wdm', from: 'files' });
    writeRenderedDriver(dir, render('minimal'));
    expect(flavourOfFolder(dir)).toEqual({ flavour: 'kmdf', from: 'record' });
    rmSync(join(dir, RENDER_RECORD_FILE));
    expect(flavourOfFolder(dir)).toEqual({ flavour: 'kmdf', from: 'files' });
  });
});

describe('files render no longer makes', () => {
  it('removing the Process channel removes the unchanged Notify files; the folder is then up to date', () => {
    writeRenderedDriver(dir, render('processMonitor'));
    const next = withoutProcessChannel();
    // Before the render, --check names each as a stale extra file.
    const before = staleDriverFiles(dir, next).filter(({ reason }) => reason === 'no-longer-rendered');
    expect(sorted(before.map(({ path }) => path))).toEqual(NOTIFY_FILES);
    const report = writeRenderedDriver(dir, next);
    expect(sorted(report.removed)).toEqual(NOTIFY_FILES);
    expect(report.leftovers).toEqual([]);
    for (const path of NOTIFY_FILES) expect(existsSync(join(dir, path)), path).toBe(false);
    expect(staleDriverFiles(dir, next)).toEqual([]);
    expect(readFileSync(join(dir, sourcesPropsFile('ProcessMonitor')), 'utf8')).not.toContain('Notify');
  });

  it('a Notify.c the user changed is kept and reported, and --check keeps failing on it until it is gone', () => {
    writeRenderedDriver(dir, render('processMonitor'));
    writeFileSync(join(dir, 'Notify.c'), '/* my changes */\n', { flag: 'a' });
    const next = withoutProcessChannel();
    const report = writeRenderedDriver(dir, next);
    expect(report.leftovers).toEqual(['Notify.c']);
    expect(report.removed).not.toContain('Notify.c');
    expect(readFileSync(join(dir, 'Notify.c'), 'utf8')).toContain('/* my changes */');
    expect(staleDriverFiles(dir, next)).toEqual([{ path: 'Notify.c', reason: 'changed-no-longer-rendered' }]);
    // A second render still knows it (the record keeps it as a leftover).
    expect(writeRenderedDriver(dir, next).leftovers).toEqual(['Notify.c']);
    expect(staleDriverFiles(dir, next)).toEqual([{ path: 'Notify.c', reason: 'changed-no-longer-rendered' }]);
    rmSync(join(dir, 'Notify.c'));
    expect(staleDriverFiles(dir, next)).toEqual([]);
    writeRenderedDriver(dir, next);
    expect(readRenderRecord(dir)!.leftovers).toEqual([]);
  });

  it('a file render never made is not its to remove or report', () => {
    writeRenderedDriver(dir, render('processMonitor'));
    writeFileSync(join(dir, 'MyHelpers.c'), '/* mine */\n');
    const next = withoutProcessChannel();
    expect(writeRenderedDriver(dir, next).leftovers).toEqual([]);
    expect(existsSync(join(dir, 'MyHelpers.c'))).toBe(true);
    expect(staleDriverFiles(dir, next)).toEqual([]);
  });
});

describe('the flavour', () => {
  it('a render of the other flavour is refused, naming the switch', () => {
    writeRenderedDriver(dir, render('minimal'));
    expect(() => writeRenderedDriver(dir, renderWdm('minimal'))).toThrow(/holds a KMDF driver \(recorded in RENDERED\.json\), not WDM\..*--switch-flavour wdm/);
    expect(readFileSync(join(dir, 'Queue.c'), 'utf8')).toBe(render('minimal').find((file) => file.path === 'Queue.c')!.content);
  });

  it('a switch removes the old flavour\'s unchanged files, rewrites unchanged user files, and reports changed ones', () => {
    writeRenderedDriver(dir, render('minimal'));
    writeFileSync(join(dir, 'README.md'), '\nmy notes\n', { flag: 'a' });
    const wdm = renderWdm('minimal');
    const report = writeRenderedDriver(dir, wdm, { switchFlavour: true });
    expect(report.removed).toEqual(['check/KmdfSubset.h', 'check/WdmAdditions.h']);
    expect(existsSync(join(dir, 'check'))).toBe(false); // the folder the removal emptied goes too
    expect(report.leftovers).toEqual([]);
    expect(sorted(report.replaced)).toEqual(['Echo.inf', 'Echo.sln', 'Echo.vcxproj']);
    expect(report.keptFromOtherFlavour).toEqual(['README.md']);
    expect(readFileSync(join(dir, 'Echo.vcxproj'), 'utf8')).toContain('<DriverType>WDM</DriverType>');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('my notes');
    expect(flavourOfFolder(dir)).toEqual({ flavour: 'wdm', from: 'record' });
    expect(staleDriverFiles(dir, wdm)).toEqual([]);
    // From now on a render without a flavour is a WDM render, and a KMDF one is refused.
    expect(() => writeRenderedDriver(dir, render('minimal'))).toThrow(/holds a WDM driver.*--switch-flavour kmdf/);
  });
});

describe('the project takes its sources from the generated sources.props', () => {
  const withoutXmlComments = (text: string) => text.replace(/<!--[\s\S]*?-->/g, '');
  const items = (text: string, kind: string) => [...withoutXmlComments(text).matchAll(new RegExp(`<${kind} Include="([^"]+)" />`, 'g'))].map((match) => match[1]!);

  it.each(['kmdf', 'wdm'] as const)('%s: the .vcxproj imports it and lists no rendered source; it lists exactly the rendered sources', (flavour) => {
    for (const schema of Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[]) {
      const files = (flavour === 'kmdf' ? renderKmdfDriver : renderWdmDriver)(model(schema), { schemaPath: 'x' });
      const name = model(schema).name;
      const get = (path: string) => files.find((file) => file.path === path)!.content;
      const project = withoutXmlComments(get(`${name}.vcxproj`));
      expect(project).toContain(`<Import Project="${name}.sources.props" />`);
      expect(items(project, 'ClCompile')).toEqual([]);
      expect(items(project, 'ClInclude')).toEqual([]);
      const built = files.filter((file) => !file.path.startsWith('check/'));
      const props = get(sourcesPropsFile(name));
      expect(sorted(items(props, 'ClCompile')), schema).toEqual(sorted(built.filter((file) => file.path.endsWith('.c')).map((file) => file.path)));
      expect(sorted(items(props, 'ClInclude')), schema).toEqual(sorted(built.filter((file) => file.path.endsWith('.h')).map((file) => file.path)));
    }
  });

  it('stays well-formed XML when the schema path holds "--" (not allowed inside an XML comment)', () => {
    const files = renderKmdfDriver(model('minimal'), { schemaPath: '../my--schemas/echo.json' });
    const props = files.find((file) => file.path === sourcesPropsFile('Echo'))!.content;
    const commentBodies = [...props.matchAll(/<!--([\s\S]*?)-->/g)].map((match) => match[1]!);
    expect(commentBodies.join('')).toContain('my- -schemas');
    expect(commentBodies.filter((body) => body.includes('--'))).toEqual([]);
  });
});
