// The WDM flavour on the C side: the compile check (gcc, clang --analyze, cppcheck, each in the
// WDK configuration and in the Wine test configuration) reports nothing for the conformance device
// (the process monitor and the file audit device: wdm-check.test.ts, a file of its own so that
// the two run side by side; the negative controls here reuse this file's clean conformance
// check, which only a check in the same process can); the
// conformance device's driver links into a kernel image, normal and test build, whose subsystem is
// native and which imports no IoCsq* routine (Wine has none: the Wine build links the kit's own,
// wine-runtime/IoCsq.c); and negative controls show that the check and the import assertion fail
// when they should.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINGW_GCC } from '../src/build-wdm.js';
import { buildWdmDriverImage, checkDriver, WDM_WINE_RUNTIME_SOURCES, wdmBuildArguments, wdmBuildSources, type DriverCheckTool } from '../src/index.js';
import { CONFORMANCE_HANDLERS } from './support/native.js';
import { renderToTemp } from './support/schemas.js';
import { expectCleanWdmCheck } from './support/wdm-clean-check.js';
import { INDEX_OUT_OF_BOUNDS, NULL_DEREFERENCE } from './support/negative-controls.js';

const CHECKED = ['conformance'] as const;
/** Rendered here: the checked schema, and the process monitor for its link. */
const RENDERED = ['conformance', 'processMonitor'] as const;
const rendered: Partial<Record<(typeof RENDERED)[number], ReturnType<typeof renderToTemp>>> = {};
let scratch = '';

// Time limits, from measurements with load average 6-9 on the 2-core machine (the whole suite beside other builds):
// rendering the three schemas took 0.3 s. The compile check runs two configurations through three
// tools: the process monitor's (Notify.c, the largest header) took 171 s, and 293 s in an earlier
// run with more builds loading the machine. A link took up to 11 s, a negative control up to 88 s
// (cppcheck), telling the flavours apart 9 s. At load average 10-12 (the whole suite beside two
// CPU hogs and other builds) a link took up to 120 s and a flavour check 98 s, past the old 60 s
// limits. Each limit is 3x or more of the worst seen.
const RENDER_MS = 30_000;
const CHECK_MS = 900_000;
const LINK_MS = 360_000;
const NEGATIVE_CONTROL_MS = 300_000;
const FLAVOUR_MS = 300_000;

beforeAll(() => {
  for (const schema of RENDERED) rendered[schema] = renderToTemp(schema, 'wdm');
  scratch = mkdtempSync(join(tmpdir(), 'inverted-call-wdm-build-'));
}, RENDER_MS);

afterAll(() => {
  for (const entry of Object.values(rendered)) entry?.dispose();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** `objdump -p`: the subsystem line and the imported names per DLL. */
function inspectImage(sys: string): { subsystem: string; imports: Map<string, string[]> } {
  const result = spawnSync('x86_64-w64-mingw32-objdump', ['-p', sys], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.error) throw new Error(`x86_64-w64-mingw32-objdump could not run: ${result.error.message} (apt-get install binutils-mingw-w64-x86-64)`);
  expect(result.status, result.stderr).toBe(0);
  const subsystem = /^Subsystem\s+(.*)$/m.exec(result.stdout)?.[1]?.trim() ?? '';
  const imports = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of result.stdout.split('\n')) {
    const dll = /^\s*DLL Name: (\S+)/.exec(line);
    if (dll) {
      current = [];
      imports.set(dll[1]!.toLowerCase(), current);
      continue;
    }
    const entry = /^\s+[0-9a-f]+\s+\d+\s+(\w+)\s*$/.exec(line);
    if (current && entry) current.push(entry[1]!);
    else if (line.trim() === '') current = undefined;
  }
  return { subsystem, imports };
}

const allImports = (image: ReturnType<typeof inspectImage>): string[] => [...image.imports.values()].flat();

describe('the WDM driver passes the compile check', { timeout: CHECK_MS }, () => {
  it.each(CHECKED)('%s: gcc, clang --analyze and cppcheck report nothing, as a WDK build and as the Wine test build, and the Wine test build links', (schema) => {
    expectCleanWdmCheck(rendered[schema]!.dir);
  });
});

describe('the conformance device links into a kernel image', { timeout: LINK_MS }, () => {
  it.each([false, true])('test build %s: native subsystem, DriverEntry, imports from ntoskrnl only, no IoCsq*', (testBuild) => {
    const sys = join(scratch, `conformance-${testBuild ? 'test' : 'release'}.sys`);
    const build = buildWdmDriverImage(rendered.conformance!.dir, sys, { testBuild, extraSources: [CONFORMANCE_HANDLERS] });
    expect(build.output).toBe('');
    expect(build.command).toMatch(/-shared -nostdlib -Wl,--subsystem,native -Wl,--entry,DriverEntry -Wl,--image-base,0x140000000 -lntoskrnl -lhal$/);
    expect(build.command).toContain('-DSTRICT');
    expect(build.command).toContain('-Wall -Wextra -Werror');
    expect(build.command.includes('-DINVERTED_CALL_TEST_BUILD')).toBe(testBuild);
    // The conformance Handlers.c stands in for the folder's stubs; the Wine runtime is linked in.
    expect(build.command).toContain(CONFORMANCE_HANDLERS);
    expect(build.command).not.toMatch(/ Handlers\.c /);
    expect(WDM_WINE_RUNTIME_SOURCES.map((source) => basename(source))).toEqual(['IoCsq.c']);
    for (const source of WDM_WINE_RUNTIME_SOURCES) expect(build.command).toContain(` ${source} `);

    const image = inspectImage(sys);
    expect(image.subsystem).toMatch(/\(NT native\)/);
    expect([...image.imports.keys()]).toEqual(['ntoskrnl.exe']);
    const names = allImports(image);
    expect(names.filter((name) => name.startsWith('IoCsq'))).toEqual([]);
    // What the cancel-safe queue (the runtime's) and the device are made of (IoSetCancelRoutine is an inline exchange).
    for (const name of ['IoCreateDevice', 'IoCreateSymbolicLink', 'IoReleaseCancelSpinLock', 'IofCompleteRequest', 'KeAcquireSpinLockRaiseToDpc', 'PsGetCurrentProcessId']) {
      expect(names, name).toContain(name);
    }
    expect(names).not.toContain('ExAllocatePool2'); // Wine 8 and Windows before 10 2004 lack it
  });

  it('the process monitor links too, with its process-notify callback', () => {
    const sys = join(scratch, 'process-monitor.sys');
    buildWdmDriverImage(rendered.processMonitor!.dir, sys, { testBuild: false });
    const names = allImports(inspectImage(sys));
    expect(names).toContain('PsSetCreateProcessNotifyRoutineEx');
    expect(names.filter((name) => name.startsWith('IoCsq'))).toEqual([]);
  });

  it('an extra source with a new name is added, not substituted', () => {
    const extra = join(scratch, 'Extra.c');
    writeFileSync(extra, '#include "Handlers.h"\nint ExtraValue(void);\nint ExtraValue(void)\n{\n    return 1;\n}\n');
    const sources = wdmBuildSources(rendered.conformance!.dir, [extra, CONFORMANCE_HANDLERS]);
    expect(sources).toContain(extra);
    expect(sources).toContain(CONFORMANCE_HANDLERS);
    expect(sources).not.toContain('Handlers.c');
    expect(sources).toContain('Queue.c');
  });
});

/** A copy of the conformance device's WDM driver with one file changed. */
function changedCopy(file: string, change: (source: string) => string): string {
  const dir = mkdtempSync(join(scratch, 'negative-'));
  cpSync(rendered.conformance!.dir, dir, { recursive: true });
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  expect(after, 'the negative control must change the file').not.toBe(before);
  writeFileSync(path, after);
  return dir;
}

function checkFails(tool: DriverCheckTool, file: string, change: (source: string) => string): string {
  const [result] = checkDriver(changedCopy(file, change), [tool]);
  expect(result!.ok).toBe(false);
  // The changed file ran again (a changed header: every source did), whatever ran before it.
  if (file.endsWith('.c')) expect(result!.reused).not.toContain(file);
  else expect(result!.reused).toEqual([]);
  return result!.output;
}

describe('negative controls: the WDM checks can fail', { timeout: NEGATIVE_CONTROL_MS }, () => {
  it('gcc: an ignored NTSTATUS of a must-inspect routine', () => {
    const output = checkFails('gcc', 'Driver.c', (source) => source.replace('status = DeviceCreate(DriverObject, &device);', '(void)status;\n    DeviceCreate(DriverObject, &device);'));
    expect(output).toMatch(/unused-result/);
  });

  it('gcc: a dispatch routine whose signature drifted from DRIVER_DISPATCH', () => {
    const output = checkFails('gcc', 'Device.c', (source) => source.replace('NTSTATUS NTAPI DeviceDispatchCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)', 'NTSTATUS NTAPI DeviceDispatchCleanup(PDEVICE_OBJECT DeviceObject, PFILE_OBJECT Irp)'));
    expect(output).toMatch(/conflicting types for .DeviceDispatchCleanup./);
  });

  it('gcc: a fault only the Wine test build compiles is caught (the second configuration runs)', () => {
    const output = checkFails('gcc', 'InvertedCallTest.c', (source) => source.replace('header.CallerFileId = File->Id;', 'header.CallerFileId = File->Identifier;'));
    expect(output).toMatch(/has no member named .Identifier./);
  });

  it('gcc: WDM code that reaches for the KMDF declarations does not compile (there are none in a WDM folder)', () => {
    const output = checkFails('gcc', 'Driver.h', (source) => source.replace('#include <ntddk.h>\n', '#include <ntddk.h>\n#include "check/KmdfSubset.h"\n'));
    expect(output).toMatch(/check\/KmdfSubset\.h: No such file/);
  });

  it('clang --analyze: a null pointer dereference in the glue', () => {
    const output = checkFails('clang-analyze', 'Queue.c', (source) => `${source}${NULL_DEREFERENCE}`);
    expect(output).toMatch(/core\.NullDereference/);
  });

  it('cppcheck: an array index out of bounds in the glue', () => {
    const output = checkFails('cppcheck', 'Device.c', (source) => `${source}${INDEX_OUT_OF_BOUNDS}`);
    expect(output).toMatch(/arrayIndexOutOfBounds/);
  });

  it('link: an undefined routine fails the build with the linker output', () => {
    const dir = changedCopy('Queue.c', (source) =>
      source
        .replace('#include "Driver.h"\n', '#include "Driver.h"\nVOID NoSuchKernelRoutine(VOID);\n')
        .replace('    IoMarkIrpPending(Irp);\n', '    IoMarkIrpPending(Irp);\n    NoSuchKernelRoutine();\n'),
    );
    expect(() => buildWdmDriverImage(dir, join(dir, 'out.sys'), { testBuild: false, extraSources: [CONFORMANCE_HANDLERS] })).toThrow(/undefined reference to .NoSuchKernelRoutine./);
  });

  it('the import assertion sees an IoCsq* routine when one is linked in', () => {
    const dir = changedCopy('Driver.c', (source) => source.replace('#include "Driver.h"\n', '#include "Driver.h"\n#include <csq.h>\nVOID DriverCsqControl(PIO_CSQ Csq, PIRP Irp);\nVOID DriverCsqControl(PIO_CSQ Csq, PIRP Irp)\n{\n    IoCsqInsertIrp(Csq, Irp, NULL);\n}\n'));
    const sys = join(dir, 'csq.sys');
    buildWdmDriverImage(dir, sys, { testBuild: false, extraSources: [CONFORMANCE_HANDLERS] });
    expect(allImports(inspectImage(sys)).filter((name) => name.startsWith('IoCsq'))).toEqual(['IoCsqInsertIrp']);
  });

  it('without the Wine runtime the glue imports the IoCsq routines Wine lacks', () => {
    // The same link with the runtime's sources left out: the glue's calls then resolve to ntoskrnl
    // imports, which the assertion above keeps out of a Wine build.
    const sources = wdmBuildSources(rendered.conformance!.dir, [CONFORMANCE_HANDLERS]).filter((source) => !WDM_WINE_RUNTIME_SOURCES.includes(source));
    expect(sources.some((source) => source.endsWith('IoCsq.c'))).toBe(false);
    const sys = join(scratch, 'no-runtime.sys');
    const result = spawnSync(MINGW_GCC, wdmBuildArguments(sources, sys, { testBuild: false }), { cwd: rendered.conformance!.dir, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(allImports(inspectImage(sys)).filter((name) => name.startsWith('IoCsq')).sort()).toEqual(['IoCsqInitializeEx', 'IoCsqInsertIrpEx', 'IoCsqRemoveNextIrp']);
  });
});

describe('checkDriver tells the flavours apart', { timeout: FLAVOUR_MS }, () => {
  it('a KMDF folder is checked in both configurations (its test-build code too), with its KMDF declarations', () => {
    const kmdf = renderToTemp('minimal');
    try {
      const [gcc] = checkDriver(kmdf.dir, ['gcc']);
      expect(gcc!.ok).toBe(true);
      expect(gcc!.command.split('\n')).toHaveLength(2);
      expect(gcc!.command).toContain('-DINVERTED_CALL_KMDF_SUBSET');
      expect(gcc!.command).toContain('-DINVERTED_CALL_TEST_BUILD');
      // The test-build header is what switches the second configuration on.
      rmSync(join(kmdf.dir, 'InvertedCallTest.h'));
      expect(checkDriver(kmdf.dir, ['gcc'])[0]!.command.split('\n')).toHaveLength(1);
    } finally {
      kmdf.dispose();
    }
  });
});
