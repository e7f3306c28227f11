// The renderer: which files a driver folder gets, who owns each, and what the schema decides in them.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaError, validateDeviceSchema } from '@inverted-call/schema';
import { describe, expect, it } from 'vitest';
import { planProcessNotify, poolTag, renderKmdfDriver, staleDriverFiles, writeRenderedDriver } from '../src/index.js';
import { SCHEMAS, model, render, renderWdm } from './support/schemas.js';

const byPath = (files: ReturnType<typeof render>) => new Map(files.map((file) => [file.path, file]));

describe('renderKmdfDriver', () => {
  it.each(Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[])('%s: every file once, each with its owner, no placeholder left', (schema) => {
    const files = render(schema);
    const paths = files.map((file) => file.path);
    expect(new Set(paths).size).toBe(paths.length);
    const name = model(schema).name;
    for (const path of ['Driver.c', 'Device.c', 'Queue.c', 'Driver.h', 'CoreConfig.h', 'Core.c', 'Core.h', 'CoreInternal.h', 'Verdict.c', 'Verdict.h', 'check/KmdfSubset.h', 'check/WdmAdditions.h', 'packages.config', 'Directory.Build.props']) {
      expect(byPath(files).get(path)?.owner, path).toBe('template');
    }
    for (const path of ['DeviceTable.c', 'DeviceTable.h', 'Handlers.h', `${name}.sources.props`, 'RENDERED.json']) expect(byPath(files).get(path)?.owner, path).toBe('generated');
    for (const path of ['Handlers.c', `${name}.inf`, `${name}.vcxproj`, `${name}.sln`, 'README.md']) expect(byPath(files).get(path)?.owner, path).toBe('user');
    for (const file of files) expect(file.content, file.path).not.toMatch(/\{\{[A-Za-z]+\}\}/);
    expect(render(schema)).toEqual(files); // deterministic: re-rendering changes nothing
  });

  it('renders Notify.c and the process macros only for a schema with process events', () => {
    const monitor = byPath(render('processMonitor'));
    expect(monitor.has('Notify.c')).toBe(true);
    expect(monitor.get('Notify.h')?.owner).toBe('template'); // shared with the WDM flavour
    expect(monitor.get('Driver.h')!.content).toContain('#include "Notify.h"');
    expect(monitor.get('ProcessMonitor.sources.props')!.content).toContain('<ClInclude Include="Notify.h" />');
    expect(monitor.get('DeviceTable.h')!.content).toContain('#define DEVICE_PROCESS_NOTIFY 1');
    expect(monitor.get('DeviceTable.h')!.content).toContain('typedef PROCESS_MONITOR_PROCESS_CREATED DEVICE_PROCESS_CREATED;');
    expect(monitor.get('ProcessMonitor.sources.props')!.content).toContain('<ClCompile Include="Notify.c" />');
    const conformance = byPath(render('conformance'));
    expect(conformance.has('Notify.c')).toBe(false);
    expect(conformance.has('Notify.h')).toBe(false);
    expect(conformance.get('DeviceTable.h')!.content).toContain('#define DEVICE_PROCESS_NOTIFY 0');
    expect(conformance.get('ConformanceDevice.sources.props')!.content).not.toContain('Notify.c');
    expect(byPath(render('processMonitor', { processNotify: false })).has('Notify.c')).toBe(false);
  });

  it('a verdict asked on process creation: Notify.c asks it (DeviceTable.h names it), only with a process channel', () => {
    const table = byPath(render('processMonitor')).get('DeviceTable.h')!.content;
    expect(table).toContain('#define DEVICE_PROCESS_VERDICT 1');
    expect(table).toContain('#define DEVICE_PROCESS_VERDICT_INDEX 0u');
    expect(table).toContain('#define DEVICE_PROCESS_ANSWER_ALLOWS(Answer) ((Answer)->Allow != 0)');
    expect(byPath(render('conformance')).get('DeviceTable.h')!.content).toContain('#define DEVICE_PROCESS_VERDICT 0');
    // Turned off on purpose: no callback, so nothing asks it (the driver's own code may).
    expect(byPath(render('processMonitor', { processNotify: false })).get('DeviceTable.h')!.content).toContain('#define DEVICE_PROCESS_VERDICT 0');
    // Without a process channel the callback does not exist: a SchemaError names the fix.
    const schema = JSON.parse(readFileSync(SCHEMAS.processMonitor, 'utf8')) as { channels: Record<string, unknown> };
    schema.channels = {};
    let error: unknown;
    try {
      renderKmdfDriver(validateDeviceSchema(schema, { source: 'process-monitor.device.json' }), { schemaPath: 'x.json' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).issues[0]).toMatchObject({ path: 'verdicts.ProcessCreate.on', fix: expect.stringContaining('add a channel with ProcessCreated and ProcessExited events') });
  });

  it('renders the test-build process IOCTL (NotifyTest.c, NotifyTestInput.c, NotifyTest.h) exactly with Notify.c', () => {
    const monitor = byPath(render('processMonitor'));
    for (const path of ['NotifyTest.c', 'NotifyTestInput.c', 'NotifyTest.h']) expect(monitor.get(path)?.owner, path).toBe('template');
    for (const source of ['NotifyTest.c', 'NotifyTestInput.c']) expect(monitor.get('ProcessMonitor.sources.props')!.content).toContain(`<ClCompile Include="${source}" />`);
    expect(monitor.get('ProcessMonitor.sources.props')!.content).toContain('<ClInclude Include="NotifyTest.h" />');
    expect(monitor.get('Queue.c')!.content).toContain('NotifyTestStart');
    for (const files of [render('conformance'), render('processMonitor', { processNotify: false })]) {
      expect(files.filter((file) => file.path.startsWith('NotifyTest'))).toEqual([]);
      expect(files.find((file) => file.path.endsWith('.sources.props'))!.content).not.toContain('NotifyTest');
    }
  });

  it.each(['kmdf', 'wdm'] as const)('%s: every template C file says in its opening comment that it is the template\'s, not to be edited', (flavour) => {
    const files = flavour === 'kmdf' ? render('processMonitor') : renderWdm('processMonitor');
    const marked = (content: string) => /^\/\*[^]*?Part of the template: do not edit[^]*?\*\//.test(content.slice(0, content.indexOf('*/') + 2));
    const templateC = files.filter((file) => file.owner === 'template' && /\.[ch]$/.test(file.path) && !file.path.startsWith('check/'));
    expect(templateC.length).toBeGreaterThan(7);
    expect(templateC.filter((file) => !marked(file.content)).map((file) => file.path)).toEqual([]);
    // Negative control: a file whose opening comment lacks the marker is caught.
    expect(marked('/*\n * Queue.c - request dispatch.\n */\n/* Part of the template: do not edit. */\n')).toBe(false);
  });

  it('the device table lists every call and channel with the sizes of their structs', () => {
    const files = byPath(render('conformance'));
    const table = files.get('DeviceTable.c')!.content;
    expect(table).toContain('{ IOCTL_CONFORMANCE_DEVICE_ECHO, (UINT32)sizeof(CONFORMANCE_DEVICE_ECHO_DATA), (UINT32)sizeof(CONFORMANCE_DEVICE_ECHO_DATA), DeviceCallEcho },');
    expect(table).toContain('{ IOCTL_CONFORMANCE_DEVICE_PING, (UINT32)0u, (UINT32)0u, DeviceCallPing },');
    expect(table).toContain('{ IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, CONFORMANCE_DEVICE_LATEST_CAPACITY, CONFORMANCE_DEVICE_LATEST_OVERFLOW_POLICY, CONFORMANCE_DEVICE_LATEST_BATCH_BYTES, CONFORMANCE_DEVICE_LATEST_MAX_RECORD_BYTES },');
    const handlers = files.get('Handlers.h')!.content;
    expect(handlers).toContain('NTSTATUS HandleInject(const CORE_CALL_CONTEXT *Context, const CONFORMANCE_DEVICE_EMIT_REQUEST *Input, CONFORMANCE_DEVICE_COUNTER *Output);');
    expect(handlers).toContain('NTSTATUS HandlePing(const CORE_CALL_CONTEXT *Context);');
    // A schema without channels gets NULL tables, not empty arrays (which C does not have).
    const minimal = byPath(render('minimal')).get('DeviceTable.c')!.content;
    expect(minimal).toMatch(/DeviceSchemaHash,\n {4}NULL,\n {4}\w+_CHANNEL_COUNT,/);
  });

  it.each(Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[])('%s: every upper-case name the device table takes from the schema is one the generated header defines', (schema) => {
    const files = byPath(render(schema));
    const header = files.get(`${files.get('DeviceTable.h')!.content.match(/#include "([^"]+)"/)![1]}`)!.content;
    const defined = new Set([...header.matchAll(/^#define (\w+)/gm)].map((match) => match[1]!));
    for (const entry of model(schema).enums) for (const member of entry.members) defined.add(member.cName);
    const used = (text: string) => [...text.matchAll(/\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b/g)].map((match) => match[1]!);
    // The table's own names (DEVICE_*), the core's (CORE_*) and C's are not the header's to define.
    const notFromSchema = /^(DEVICE_\w+|CORE_\w+|UINT\d+)$/;
    const fromSchema = [...used(files.get('DeviceTable.h')!.content), ...used(files.get('DeviceTable.c')!.content)].filter((name) => !notFromSchema.test(name));
    expect(fromSchema.length).toBeGreaterThan(3);
    const missing = (names: readonly string[]) => [...new Set(names)].filter((name) => !defined.has(name) && !header.includes(`typedef struct _${name} `) && !header.includes(`} ${name},`));
    expect(missing(fromSchema)).toEqual([]);
    // Negative control: a name the header never defines is reported.
    expect(missing([`${model(schema).cPrefix}_NO_SUCH_MACRO`])).toHaveLength(1);
  });

  it('the project files: /INTEGRITYCHECK, KMDF version, every source, SDDL and device path', () => {
    const files = byPath(render('processMonitor'));
    const project = files.get('ProcessMonitor.vcxproj')!.content;
    expect(project).toContain('/INTEGRITYCHECK');
    expect(project).toMatch(/<KMDF_VERSION_MAJOR>1<\/KMDF_VERSION_MAJOR>/);
    const sources = files.get('ProcessMonitor.sources.props')!.content;
    for (const source of ['Driver.c', 'Device.c', 'Queue.c', 'Notify.c', 'Core.c', 'Verdict.c', 'DeviceTable.c', 'Handlers.c']) expect(sources).toContain(`<ClCompile Include="${source}" />`);
    expect(sources).not.toMatch(/Include="check/); // the compile-check headers stay out of the build
    const inf = files.get('ProcessMonitor.inf')!.content;
    expect(inf).toMatch(/KmdfService\s*=\s*ProcessMonitor/);
    expect(inf).toContain('ProcessMonitor.sys');
    expect(files.get('README.md')!.content).toContain('\\\\.\\ProcessMonitor');
    expect(files.get('process-monitor.h')!.content).toContain('#define PROCESS_MONITOR_SDDL L"D:P(A;;GA;;;SY)(A;;GA;;;BA)"');
  });

  it('pool tag: the first four letters as pool tools show them', () => {
    expect(poolTag(model('processMonitor'))).toEqual({ value: 0x636f7250, text: 'Proc' });
    expect(byPath(render('processMonitor')).get('DeviceTable.h')!.content).toContain('#define DEVICE_POOL_TAG 0x636F7250u');
  });
});

describe('process-notify mapping errors name the field and the fix', () => {
  it('an unknown channel', () => {
    const error = (() => {
      try {
        planProcessNotify(model('conformance'), { channel: 'Processes', created: 'Created', exited: 'Exited' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).issues[0]).toMatchObject({ path: 'channels.Processes', fix: expect.stringContaining('processNotify') });
  });

  it('event structs without the fields Notify.c writes, or with other types', () => {
    let error: SchemaError | undefined;
    try {
      renderKmdfDriver(model('conformance'), { schemaPath: 'x', processNotify: { channel: 'Events', created: 'Small', exited: 'Large' } });
    } catch (caught) {
      error = caught as SchemaError;
    }
    expect(error).toBeInstanceOf(SchemaError);
    const messages = error!.issues.map((issue) => `${issue.path}: ${issue.message} / ${issue.fix}`);
    expect(messages).toContainEqual(expect.stringMatching(/^structs\.Small\.fields: .*"processId" \(u64\).*lacks/));
    expect(messages).toContainEqual(expect.stringMatching(/^structs\.Large\.fields: .*"exitTime" \(i64\)/));
    expect(messages.length).toBeGreaterThanOrEqual(9);
  });

  it('a kind the channel lacks', () => {
    expect(() => planProcessNotify(model('processMonitor'), { channel: 'Process', created: 'Started', exited: 'Exited' })).toThrow(/channels\.Process\.events\.Started: processNotify\.created names event kind "Started"/);
  });
});

describe('writing into a driver folder', () => {
  it('rewrites template and generated files, never a user file that exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inverted-call-write-'));
    try {
      const files = render('conformance');
      expect(writeRenderedDriver(dir, files).kept).toEqual([]);
      writeFileSync(join(dir, 'Handlers.c'), '/* mine */\n');
      writeFileSync(join(dir, 'DeviceTable.c'), '/* stale */\n');
      expect(staleDriverFiles(dir, files)).toEqual([{ path: 'DeviceTable.c', reason: 'different' }]);
      const report = writeRenderedDriver(dir, files);
      expect(report.kept).toEqual(['Handlers.c', 'ConformanceDevice.inf', 'ConformanceDevice.vcxproj', 'ConformanceDevice.sln', 'README.md']);
      expect(readFileSync(join(dir, 'Handlers.c'), 'utf8')).toBe('/* mine */\n');
      expect(staleDriverFiles(dir, files)).toEqual([]);
      rmSync(join(dir, 'Core.h'));
      expect(staleDriverFiles(dir, files)).toEqual([{ path: 'Core.h', reason: 'missing' }]);
      expect(existsSync(join(dir, 'check', 'KmdfSubset.h'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
