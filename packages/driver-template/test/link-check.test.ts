// The driver check's link (src/link-check.ts) and render's handler warning (src/handler-scan.ts).
// The story they exist for: a call is added to the schema, generate re-renders the driver, and
// Handlers.h now declares HandleGetStats while the user's Handlers.c (never rewritten) lacks it.
// Compiling with -c passes; render must warn at once, and the check's link must fail naming the
// handler and the file it belongs in, in both flavours. Negative controls: that missing handler,
// a misspelt handler and a misspelt helper; positive: the same folders link once the handler is
// written, and a clean link is not run again.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDriver, declaredHandlers, driverFolderFlavour, missingHandlers, undefinedSymbols } from '../src/index.js';
import { definesFunction } from '../src/handler-scan.js';
import { SCHEMAS } from './support/schemas.js';

const CLI = fileURLToPath(new URL('../bin/inverted-call-driver.mjs', import.meta.url));

function cli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Time limits, from measurements at load average 9-18 on the 2-core machine: one link of the
// conformance device took 6.5 s (WDM) to 10 s (KMDF, which also compiles the KMDF-subset
// runtime); the slowest test here links twice. Each limit is 5x or more of the slowest.
const SETUP_MS = 60_000;
const LINK_MS = 120_000;

const FLAVOURS = ['kmdf', 'wdm'] as const;
type Flavour = (typeof FLAVOURS)[number];

const scratch = mkdtempSync(join(tmpdir(), 'inverted-call-link-check-'));
/** The conformance device's schema with one more call, GetStats. */
const withGetStats = join(scratch, 'conformance-with-get-stats.device.json');
/** Per flavour: the folder rendered from the conformance device, then re-rendered with GetStats added. */
const folders = {} as Record<Flavour, { dir: string; firstRender: ReturnType<typeof cli>; secondRender: ReturnType<typeof cli> }>;

const GET_STATS_MESSAGE = (dir: string) =>
  `HandleGetStats is declared in Handlers.h (the GetStats call of the schema) but not defined: add it to ${join(dir, 'Handlers.c')} (see the README's 'Adding a call')`;

const GET_STATS_HANDLER = `
NTSTATUS HandleGetStats(const CORE_CALL_CONTEXT *Context, CONFORMANCE_DEVICE_COUNTER *Output)
{
    (void)Context;
    (void)Output;
    return STATUS_NOT_IMPLEMENTED;
}
`;

/** A copy of a folder with Handlers.c changed; the caller's scratch holds it. */
function copyWithHandlers(from: string, change: (source: string) => string): string {
  const dir = mkdtempSync(join(scratch, 'copy-'));
  cpSync(from, dir, { recursive: true });
  const path = join(dir, 'Handlers.c');
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  expect(after, 'the control must change Handlers.c').not.toBe(before);
  writeFileSync(path, after);
  return dir;
}

beforeAll(() => {
  const schema = JSON.parse(readFileSync(SCHEMAS.conformance, 'utf8')) as { calls: Record<string, unknown> };
  schema.calls.GetStats = { function: '0x805', access: 'FILE_READ_ACCESS', output: 'Counter' };
  writeFileSync(withGetStats, JSON.stringify(schema, null, 2));
  for (const flavour of FLAVOURS) {
    const dir = join(scratch, flavour);
    const firstRender = cli(['render', SCHEMAS.conformance, '--out', dir, '--flavour', flavour]);
    const secondRender = cli(['render', withGetStats, '--out', dir, '--flavour', flavour]);
    folders[flavour] = { dir, firstRender, secondRender };
  }
}, SETUP_MS);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('render warns about a handler Handlers.c lacks', () => {
  it.each(FLAVOURS)('%s: no warning for the first render; after a call is added, one warning naming it, and render still succeeds', (flavour) => {
    const { dir, firstRender, secondRender } = folders[flavour];
    expect(firstRender.status).toBe(0);
    expect(firstRender.stderr).toBe('');
    expect(secondRender.status, secondRender.stderr).toBe(0);
    expect(secondRender.stdout).toContain('kept your Handlers.c');
    expect(secondRender.stderr).toBe(`warning: ${GET_STATS_MESSAGE(dir)}\n`);
  });

  it('the warning goes once the handler is written', () => {
    const dir = copyWithHandlers(folders.wdm.dir, (source) => `${source}${GET_STATS_HANDLER}`);
    expect(missingHandlers(dir)).toEqual([]);
    const again = cli(['render', withGetStats, '--out', dir, '--flavour', 'wdm']);
    expect(again.status).toBe(0);
    expect(again.stderr).toBe('');
  });
});

describe('the textual scan', () => {
  it('reads the declarations of Handlers.h and the call each serves', () => {
    expect(declaredHandlers(readFileSync(join(folders.kmdf.dir, 'Handlers.h'), 'utf8')).map((declared) => `${declared.call}:${declared.handler}`)).toEqual([
      'Echo:HandleEcho',
      'ReadCounter:HandleReadCounter',
      'WriteCounter:HandleWriteCounter',
      'Ping:HandlePing',
      'Inject:HandleInject',
      'GetStats:HandleGetStats',
    ]);
  });

  it('a definition counts; a prototype, a comment or a call does not', () => {
    const body = '(const CORE_CALL_CONTEXT *Context)\n{\n    return 0;\n}\n';
    expect(definesFunction(`NTSTATUS HandlePing${body}`, 'HandlePing')).toBe(true);
    expect(definesFunction(`NTSTATUS\nHandlePing (const CORE_CALL_CONTEXT *Context, void (*Callback)(int)) {}`, 'HandlePing')).toBe(true);
    expect(definesFunction('NTSTATUS HandlePing(const CORE_CALL_CONTEXT *Context);\n', 'HandlePing')).toBe(false);
    expect(definesFunction(`/* NTSTATUS HandlePing${body} */`, 'HandlePing')).toBe(false);
    expect(definesFunction(`// NTSTATUS HandlePing(const CORE_CALL_CONTEXT *Context) {`, 'HandlePing')).toBe(false);
    expect(definesFunction(`NTSTATUS HandlePingSlowly${body}`, 'HandlePing')).toBe(false);
    expect(definesFunction('void Other(void)\n{\n    (void)HandlePing(0);\n}\n', 'HandlePing')).toBe(false);
  });

  it("reads GNU ld's undefined references, with and without debug information", () => {
    const output = [
      "/usr/bin/x86_64-w64-mingw32-ld: /tmp/cc1.o:DeviceTable.c:(.text+0x11): undefined reference to `HandlePing'",
      "/usr/bin/x86_64-w64-mingw32-ld: /tmp/cc1.o:DeviceTable.c:(.text+0x41): undefined reference to `HandlePing'",
      "/usr/bin/x86_64-w64-mingw32-ld: /tmp/cc2.o: in function `HandleEcho':",
      "Handlers.c:12:(.text+0x5): undefined reference to `__imp_KeNotAThing'",
      "/usr/bin/x86_64-w64-mingw32-ld: Queue.o:(.text+0x9): undefined reference to `Helper'",
      'collect2: error: ld returned 1 exit status',
    ].join('\n');
    expect(undefinedSymbols(output)).toEqual([
      { symbol: 'HandlePing', referencedBy: ['DeviceTable.c'] },
      { symbol: '__imp_KeNotAThing', referencedBy: ['Handlers.c'] },
      { symbol: 'Helper', referencedBy: ['Queue.o'] },
    ]);
  });
});

describe('the check links the driver', { timeout: LINK_MS }, () => {
  it.each(FLAVOURS)('%s: a handler Handlers.h declares and Handlers.c lacks fails the link with the named message, the raw output below', (flavour) => {
    const { dir } = folders[flavour];
    expect(driverFolderFlavour(dir)).toBe(flavour);
    const [link] = checkDriver(dir, ['link']);
    expect(link!.ok).toBe(false);
    const [message, raw] = link!.output.split('\n\n');
    expect(message).toBe(GET_STATS_MESSAGE(dir));
    expect(raw).toContain("undefined reference to `HandleGetStats'");
    expect(link!.command).toContain(flavour === 'kmdf' ? '-Wl,--entry,KmdfRuntimeEntry' : '-Wl,--entry,DriverEntry');
    expect(link!.command).toContain('-DINVERTED_CALL_TEST_BUILD');

    // The CLI prints it as the other tools' lines, and exits 1 (one flavour: it is a process of its own, which compiles everything again).
    if (flavour === 'wdm') {
      const cliCheck = cli(['check', dir, '--tool', 'link']);
      expect(cliCheck.status).toBe(1);
      expect(cliCheck.stdout).toMatch(/^FAIL link\n/);
      expect(cliCheck.stdout).toContain(`\n${GET_STATS_MESSAGE(dir)}\n\n`);
    }
  });

  it.each(FLAVOURS)('%s: once the handler is written it links, compiling only Handlers.c again; the same inputs are not linked again', (flavour) => {
    const dir = copyWithHandlers(folders[flavour].dir, (source) => `${source}${GET_STATS_HANDLER}`);
    const [link] = checkDriver(dir, ['link']);
    expect(link!.output).toBe('');
    expect([link!.tool, link!.ok]).toEqual(['link', true]);
    // The objects of the unchanged sources come from the failed link above (same headers, same flags).
    expect(link!.reused).toContain('Core.c');
    expect(link!.reused).not.toContain('Handlers.c');
    const [again] = checkDriver(dir, ['link']);
    expect(again!.ok).toBe(true);
    expect(again!.reused).toContain('Handlers.c');
  });

  it('wdm: a misspelt handler leaves the one it should have been undefined', () => {
    const dir = copyWithHandlers(folders.wdm.dir, (source) => `${source.replace('NTSTATUS HandleEcho(', 'NTSTATUS HandleEcoh(')}${GET_STATS_HANDLER}`);
    const [link] = checkDriver(dir, ['link']);
    expect(link!.ok).toBe(false);
    expect(link!.output.split('\n\n')[0]).toBe(
      `HandleEcho is declared in Handlers.h (the Echo call of the schema) but not defined: add it to ${join(dir, 'Handlers.c')} (see the README's 'Adding a call')`,
    );
  });

  it('kmdf: a misspelt helper is named with the file that calls it', () => {
    const dir = copyWithHandlers(folders.kmdf.dir, (source) =>
      `${source}\nULONG CountEvents(void);\nULONG CountEvnets(void)\n{\n    return 0;\n}\n${GET_STATS_HANDLER.replace('(void)Output;', 'Output->Value = CountEvents();')}`,
    );
    const [link] = checkDriver(dir, ['link']);
    expect(link!.ok).toBe(false);
    expect(link!.output.split('\n\n')[0]).toBe(
      "CountEvents is referenced by Handlers.c but defined nowhere in the driver folder or in the KMDF-subset runtime and mingw-w64's ntoskrnl and hal import libraries: define it, or correct the name where it is misspelt",
    );
  });

  it('a missing mingw-w64 gcc fails the link (in CI as anywhere), naming the package to install', () => {
    const result = cli(['check', folders.wdm.dir, '--tool', 'link'], { PATH: join(scratch, 'no-tools'), CI: 'true' });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^FAIL link\n/);
    expect(result.stdout).toMatch(/x86_64-w64-mingw32-gcc is not installed \(.*apt-get install.*\)/);
  });
});
