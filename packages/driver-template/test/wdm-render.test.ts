// The WDM flavour's renderer: the same owners and shared files as the KMDF flavour, WDM glue
// instead of KMDF glue, nothing of the KMDF compile-check declarations, and project files whose
// framework parts are WDM's.
import { describe, expect, it } from 'vitest';
import { renderKmdfDriver, renderWdmDriver } from '../src/index.js';
import { SCHEMAS, model, render, renderWdm } from './support/schemas.js';

const withoutComments = (source: string): string => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
const byPath = (files: ReturnType<typeof renderWdm>) => new Map(files.map((file) => [file.path, file]));
const RENDERED = ['processMonitor', 'conformance', 'fileAudit', 'minimal'] as const;

describe('renderWdmDriver', () => {
  it.each(RENDERED)('%s: every file once, each with its owner, no placeholder left', (schema) => {
    const files = renderWdm(schema);
    const paths = files.map((file) => file.path);
    expect(new Set(paths).size).toBe(paths.length);
    const name = model(schema).name;
    const owners = byPath(files);
    for (const path of ['Driver.c', 'Device.c', 'Queue.c', 'InvertedCallTest.c', 'Driver.h', 'InvertedCallTest.h', 'CoreConfig.h', 'Core.c', 'Core.h', 'CoreInternal.h', 'Verdict.c', 'Verdict.h', 'packages.config', 'Directory.Build.props']) {
      expect(owners.get(path)?.owner, path).toBe('template');
    }
    for (const path of ['DeviceTable.c', 'DeviceTable.h', 'Handlers.h', `${name}.sources.props`, 'RENDERED.json']) expect(owners.get(path)?.owner, path).toBe('generated');
    for (const path of ['Handlers.c', `${name}.inf`, `${name}.vcxproj`, `${name}.sln`, 'README.md']) expect(owners.get(path)?.owner, path).toBe('user');
    for (const file of files) expect(file.content, file.path).not.toMatch(/\{\{[A-Za-z]+\}\}/);
    expect(renderWdm(schema)).toEqual(files); // deterministic
  });

  it('needs nothing of KMDF: no check/ declarations, no wdf.h, no KMDF call', () => {
    for (const schema of RENDERED) {
      const files = renderWdm(schema);
      expect(files.filter((file) => file.path.startsWith('check/'))).toEqual([]);
      for (const file of files.filter((candidate) => /\.[ch]$/.test(candidate.path))) {
        // Code only: the shared core's comments name the KMDF objects it stands in for.
        expect(withoutComments(file.content), file.path).not.toMatch(/KmdfSubset|#include <wdf\.h>|\bWdf[A-Z]\w*\(|WDFREQUEST/);
      }
    }
  });

  it('shares the core, the generated C and Notify.c with the KMDF flavour, byte for byte', () => {
    const kmdf = byPath(render('processMonitor'));
    const wdm = byPath(renderWdm('processMonitor'));
    for (const path of ['Core.c', 'Core.h', 'CoreInternal.h', 'Verdict.c', 'Verdict.h', 'CoreConfig.h', 'Notify.c', 'Notify.h', 'NotifyTest.c', 'NotifyTestInput.c', 'NotifyTest.h', 'DeviceTable.c', 'DeviceTable.h', 'Handlers.h', 'Handlers.c', 'process-monitor.h']) {
      expect(wdm.get(path)?.content, path).toBe(kmdf.get(path)?.content);
    }
    // Notify.c includes the small shared header, never a glue's Driver.h.
    expect(wdm.get('Notify.c')!.content).toContain('#include "Notify.h"');
    expect(wdm.get('Notify.c')!.content).not.toContain('#include "Driver.h"');
    expect(byPath(renderWdm('conformance')).has('Notify.c')).toBe(false);
    expect(byPath(renderWdm('processMonitor', { processNotify: false })).has('Notify.h')).toBe(false);
  });

  it('the device table names the device type the glue passes to IoCreateDevice', () => {
    expect(byPath(renderWdm('conformance')).get('DeviceTable.h')!.content).toContain('#define DEVICE_TYPE_VALUE CONFORMANCE_DEVICE_DEVICE_TYPE');
    expect(byPath(renderWdm('fileAudit')).get('DeviceTable.h')!.content).toContain('#define DEVICE_TYPE_VALUE FILE_AUDIT_DEVICE_TYPE');
    const device = byPath(renderWdm('conformance')).get('Device.c')!.content;
    expect(device).toMatch(/IoCreateDevice\(DriverObject, \(ULONG\)sizeof\(DRIVER_DEVICE\), &name, DEVICE_TYPE_VALUE, FILE_DEVICE_SECURE_OPEN/);
    expect(device).toMatch(/IoCreateDeviceSecure\([^;]*DEVICE_TYPE_VALUE,\s*FILE_DEVICE_SECURE_OPEN, FALSE, &sddl, NULL, &device\)/);
  });

  it('the glue parks in the system cancel-safe queue, sets no cancel routine itself, and keeps the state IOCTL on function 0xFFE', () => {
    const files = byPath(renderWdm('conformance'));
    for (const [path, file] of files) if (/\.[ch]$/.test(path)) expect(withoutComments(file.content), path).not.toMatch(/IoSetCancelRoutine|DRIVER_CANCEL/);
    const queue = withoutComments(files.get('Queue.c')!.content);
    expect(queue).toContain('IoCsqInsertIrpEx(&Device->Csq, (PIRP)Request->GlueRequest, NULL, (PVOID)(ULONG_PTR)InsertContext)');
    expect(queue).toContain('IoCsqRemoveNextIrp(&device->Csq, &peek)');
    expect(queue).toMatch(/IoCsqInitializeEx\(&Device->Csq, QueueCsqInsert, QueueCsqRemove, QueueCsqPeek, QueueCsqAcquireLock, QueueCsqReleaseLock,\s+QueueCsqCompleteCanceled\)/);
    expect(files.get('InvertedCallTest.h')!.content).toMatch(/CTL_CODE\(DEVICE_TYPE_VALUE, INVERTED_CALL_TEST_STATE_FUNCTION, METHOD_BUFFERED, FILE_ANY_ACCESS\)/);
    expect(files.get('InvertedCallTest.h')!.content).toContain('#define INVERTED_CALL_TEST_STATE_FUNCTION 0xFFE');
  });

  it('the project files: WDM driver type, wdmsec.lib, /INTEGRITYCHECK, no KMDF section', () => {
    const files = byPath(renderWdm('processMonitor'));
    const project = files.get('ProcessMonitor.vcxproj')!.content;
    expect(project).toContain('<DriverType>WDM</DriverType>');
    expect(project).not.toMatch(/KMDF/);
    expect(project).toContain('wdmsec.lib');
    expect(project).toContain('/INTEGRITYCHECK');
    const sources = files.get('ProcessMonitor.sources.props')!.content;
    for (const source of ['Driver.c', 'Device.c', 'Queue.c', 'InvertedCallTest.c', 'Notify.c', 'Core.c', 'Verdict.c', 'DeviceTable.c', 'Handlers.c']) expect(sources).toContain(`<ClCompile Include="${source}" />`);
    for (const header of ['Driver.h', 'InvertedCallTest.h', 'Notify.h', 'CoreConfig.h']) expect(sources).toContain(`<ClInclude Include="${header}" />`);
    // A WDM project gets its own GUID: both flavours of one device can sit in one solution.
    expect(project).not.toBe(renderKmdfDriver(model('processMonitor'), { schemaPath: 'x' }).find((file) => file.path.endsWith('.vcxproj'))!.content);
    const inf = files.get('ProcessMonitor.inf')!.content;
    expect(inf).not.toMatch(/Kmdf|KMDF|\.Wdf\]/);
    expect(inf).toContain('(WDM, control device only)');
    expect(inf).toMatch(/AddService = ProcessMonitor,, ProcessMonitor_Service/);
  });

  it('the README: when to choose WDM, both builds, Wine install, the honest limits', () => {
    const readme = byPath(renderWdm('conformance')).get('README.md')!.content;
    expect(readme).toContain('# ConformanceDevice driver (WDM)');
    expect(readme).toContain('msbuild ConformanceDevice.sln');
    expect(readme).toMatch(/x86_64-w64-mingw32-gcc[\s\S]*-Wl,--subsystem,native[\s\S]*-lntoskrnl -lhal/);
    expect(readme).toContain('-o ConformanceDevice.sys');
    expect(readme).toContain('"ImagePath"="\\\\SystemRoot\\\\System32\\\\drivers\\\\ConformanceDevice.sys"');
    expect(readme).toContain('IoCsqInsertIrpEx');
    expect(readme).toContain('wine-runtime/IoCsq.c');
    expect(readme).toContain('\\\\.\\ConformanceDevice');
    expect(readme).toMatch(/Not proven here/);
  });

  it('the same process-notify mapping errors as the KMDF flavour', () => {
    expect(() => renderWdmDriver(model('conformance'), { schemaPath: 'x', processNotify: { channel: 'Events', created: 'Small', exited: 'Large' } })).toThrow(/structs\.Small\.fields/);
  });

  it('every schema the KMDF tests use renders in both flavours', () => {
    for (const schema of Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[]) expect(renderWdm(schema).length).toBeGreaterThan(10);
  });
});
