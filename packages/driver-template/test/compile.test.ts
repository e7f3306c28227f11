// The driver compile check (DESIGN.md section 8, item 3) on the template rendered for four schemas:
// mingw-w64 gcc for Windows x64 kernel mode (-DSTRICT -Wall -Wextra -Werror, the DDK headers and
// the project's KMDF declarations), clang --analyze and cppcheck all report nothing. Negative
// controls prove each tool fails the check when the code is wrong in the way it is there to catch.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDriver, type DriverCheckTool } from '../src/index.js';
import { SCHEMAS, renderToTemp } from './support/schemas.js';
import { INDEX_OUT_OF_BOUNDS, NULL_DEREFERENCE } from './support/negative-controls.js';

const rendered: Partial<Record<keyof typeof SCHEMAS, ReturnType<typeof renderToTemp>>> = {};

// Time limits, from measurements with load average 6-9 on the 2-core machine (the whole suite beside other builds):
// rendering the four schemas took 0.4 s; the compile check of one schema (three tools) took up to
// 50 s (conformance); a negative control up to 39 s (cppcheck). Since the process monitor's folder
// is also checked as a test build (its process IOCTL), its check runs every tool twice: at load
// 11-14 it took 270 s where the conformance device took 91 s, and the cppcheck negative control
// (on that folder) 120 s. Each limit is 3x or more of the slowest.
const RENDER_MS = 30_000;
const CHECK_MS = 900_000;
const NEGATIVE_CONTROL_MS = 400_000;

beforeAll(() => {
  for (const schema of Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[]) rendered[schema] = renderToTemp(schema);
}, RENDER_MS);

afterAll(() => {
  for (const entry of Object.values(rendered)) entry?.dispose();
});

/**
 * The schemas analysed by clang and cppcheck as well: together they take every branch the
 * templates have on the schema (a process channel and verdicts, channels and calls without them,
 * neither). The others compile and link; analysing them again would cost about a minute and a
 * half of CPU each on the 2-core machine, where the whole suite must stay under 15 minutes.
 */
const ANALYSED: readonly (keyof typeof SCHEMAS)[] = ['processMonitor', 'conformance', 'minimal'];

describe('the rendered driver passes the compile check', { timeout: CHECK_MS }, () => {
  it.each(Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[])('%s: gcc (and clang --analyze and cppcheck where analysed) report nothing, and it links with the KMDF-subset runtime', (schema) => {
    const tools: DriverCheckTool[] = ANALYSED.includes(schema) ? ['gcc', 'clang-analyze', 'cppcheck', 'link'] : ['gcc', 'link'];
    const results = checkDriver(rendered[schema]!.dir, tools);
    for (const result of results) expect(result.output, `${result.tool}: ${result.command}`).toBe('');
    expect(results.map((result) => [result.tool, result.ok])).toEqual(tools.map((tool) => [tool, true]));
  });
});

/** A copy of the process monitor's driver with one file changed; the tool must fail on it. */
function failsWith(tool: DriverCheckTool, file: string, change: (source: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'inverted-call-negative-'));
  try {
    cpSync(rendered.processMonitor!.dir, dir, { recursive: true });
    const path = join(dir, file);
    const before = readFileSync(path, 'utf8');
    const after = change(before);
    expect(after, 'the negative control must change the file').not.toBe(before);
    writeFileSync(path, after);
    const [result] = checkDriver(dir, [tool]);
    expect(result!.ok).toBe(false);
    // The changed file ran again (a changed header: every source did), whatever ran before it.
    if (file.endsWith('.c')) expect(result!.reused).not.toContain(file);
    else expect(result!.reused).toEqual([]);
    return result!.output;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('negative controls: each check can fail', { timeout: NEGATIVE_CONTROL_MS }, () => {
  it('gcc: an ignored NTSTATUS of a must-inspect KMDF method', () => {
    const output = failsWith('gcc', 'Queue.c', (source) =>
      source.replace('status = WdfIoQueueCreate(Device, &config, WDF_NO_OBJECT_ATTRIBUTES, &queue);', 'WdfIoQueueCreate(Device, &config, WDF_NO_OBJECT_ATTRIBUTES, &queue);\n    status = STATUS_SUCCESS;'),
    );
    expect(output).toMatch(/unused-result/);
  });

  it('gcc: a queue handle passed where a request handle belongs', () => {
    const output = failsWith('gcc', 'Queue.c', (source) => source.replaceAll('WdfRequestForwardToIoQueue(request,', 'WdfRequestForwardToIoQueue((WDFQUEUE)(void *)request,'));
    expect(output).toMatch(/incompatible-pointer-types|incompatible pointer type/);
  });

  it('gcc: a handler whose signature drifted from Handlers.h', () => {
    const output = failsWith('gcc', 'Handlers.c', (source) => source.replace('NTSTATUS HandleGetVersion(const CORE_CALL_CONTEXT *Context, PROCESS_MONITOR_DRIVER_VERSION *Output)', 'NTSTATUS HandleGetVersion(const CORE_CALL_CONTEXT *Context, UINT32 *Output)'));
    expect(output).toMatch(/conflicting types for .HandleGetVersion./);
  });

  it('gcc: a fault inside the KMDF glue\'s test-build process IOCTL (the folder is also checked as a test build)', () => {
    const output = failsWith('gcc', 'Queue.c', (source) => source.replace('QueueDispatchWork(context, Request, OutputBufferLength, InputBufferLength, NotifyTestStart)', 'QueueDispatchWork(context, Request, OutputBufferLength, NotifyTestStart)'));
    expect(output).toMatch(/too few arguments to function .QueueDispatchWork./);
  });

  it('clang --analyze: a null pointer dereference', () => {
    const output = failsWith('clang-analyze', 'Handlers.c', (source) => `${source}${NULL_DEREFERENCE}`);
    expect(output).toMatch(/core\.NullDereference/);
  });

  it('cppcheck: an array index out of bounds', () => {
    const output = failsWith('cppcheck', 'Handlers.c', (source) => `${source}${INDEX_OUT_OF_BOUNDS}`);
    expect(output).toMatch(/arrayIndexOutOfBounds/);
  });
});
