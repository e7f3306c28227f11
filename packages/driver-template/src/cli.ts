#!/usr/bin/env node
/**
 * inverted-call-driver: render the KMDF or WDM driver for a schema, run the driver compile check,
 * or write the Windows PowerShell scripts.
 * Exit codes: 0 done, 1 `--check` found stale files or the compile check failed, 2 bad schema or usage.
 */
import { relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { describeSchemaLoadError, loadDeviceSchema } from '@inverted-call/schema';
import { DRIVER_CHECK_TOOLS, checkDriver, type DriverCheckTool } from './check.js';
import { missingHandlerWarnings } from './handler-scan.js';
import type { ProcessNotifyMapping } from './process-notify.js';
import type { RenderedFile } from './render-common.js';
import { renderKmdfDriver } from './render-kmdf.js';
import { DRIVER_FLAVOURS, RENDER_RECORD_FILE, flavourOfFolder, type DriverFlavourName } from './render-record.js';
import { renderWdmDriver } from './render-wdm.js';
import { staleWindowsScripts, writeWindowsScripts } from './windows-scripts.js';
import { flavourMismatchMessage, staleDriverFiles, writeRenderedDriver, type StaleReason, type WriteReport } from './write.js';

const USAGE = `Usage:
  inverted-call-driver render <schema.json|.yaml> --out <dir> [options]
  inverted-call-driver check <dir> [--tool gcc|clang-analyze|cppcheck|link ...]
  inverted-call-driver scripts --out <dir> [--check]

render writes the driver for the schema into <dir>: the template's code and the files
generated from the schema are (re)written; your files (Handlers.c, the .inf, the .vcxproj,
the .sln, README.md) are written only if they do not exist yet. <dir>/${RENDER_RECORD_FILE} records what
render made and the flavour: a file render made that it no longer makes (Notify.c once the
schema has no process channel) is removed if unchanged, and reported if you changed it. render
then warns about each handler Handlers.h declares that Handlers.c does not define yet (add it:
see the driver's README).
  --out <dir>                 the driver folder (required)
  --flavour kmdf|wdm          kmdf: a KMDF driver; wdm: a WDM driver, which also builds with
                              mingw-w64 and runs under Wine (see its README.md). Default: the
                              flavour recorded in <dir>, else kmdf. A flavour other than the
                              recorded one is refused: switch with --switch-flavour
  --switch-flavour kmdf|wdm   turn the folder into the other flavour on purpose: the old
                              flavour's files go (if unchanged); the .inf, .vcxproj, .sln and
                              README are rewritten if you never changed them, and reported if
                              you did
  --process-notify <value>    auto (default): a channel with ProcessCreated/ProcessExited events;
                              off; or Channel:CreatedKind:ExitedKind
  --provider <name>           provider and manufacturer in the INF (default: the device name)
  --check                     write nothing; exit 1 if a generated or template file is missing
                              or out of date, or a file render no longer makes is still there
                              (for CI); each line says which

check compiles every .c file of <dir> for Windows x64 kernel mode with mingw-w64 gcc
(-DSTRICT -Wall -Wextra -Werror, the mingw DDK headers and, for KMDF, the project's KMDF
declarations), then runs clang --analyze and cppcheck on them, then links the Wine test build
(KMDF: with the KMDF-subset runtime; WDM: with ntoskrnl), which names any handler Handlers.c
lacks; exit 1 if any reports anything. A rendered folder (either flavour) is compiled and
analysed both as a WDK build and as the Wine test build.

scripts writes the PowerShell scripts that build, test-sign, install and uninstall the driver
on Windows (build-driver.ps1, enable-test-signing.ps1, install-driver.ps1, uninstall-driver.ps1
and the DriverScripts.psm1 they share) into <dir>, a project's scripts/windows. They are the
same in every project: each finds the driver's name from the one .vcxproj in its -DriverDir
(default: ..\..\driver from the script). With --check it writes nothing and exits 1 naming
each script that is missing or differs (for CI).

  -h, --help                  show this help`;

function fail(message: string): number {
  process.stderr.write(`inverted-call-driver: ${message}\n\n${USAGE}\n`);
  return 2;
}

function parseProcessNotify(value: string | undefined): { value: ProcessNotifyMapping | 'auto' | false } | { error: string } {
  if (value === undefined || value === 'auto') return { value: 'auto' };
  if (value === 'off') return { value: false };
  const parts = value.split(':');
  if (parts.length !== 3 || parts.some((part) => part.length === 0)) return { error: `--process-notify takes auto, off or Channel:CreatedKind:ExitedKind, got "${value}"` };
  return { value: { channel: parts[0]!, created: parts[1]!, exited: parts[2]! } };
}

const RENDERERS = { kmdf: renderKmdfDriver, wdm: renderWdmDriver } as const;

interface RenderValues {
  out?: string;
  flavour?: string;
  'switch-flavour'?: string;
  'process-notify'?: string;
  provider?: string;
  check?: boolean;
}

/** The folder as the user named it, with one trailing slash: "driver/". */
function folderName(out: string): string {
  return `${out.replace(/[\\/]+$/, '')}/`;
}

function isFlavour(value: string): value is DriverFlavourName {
  return (DRIVER_FLAVOURS as readonly string[]).includes(value);
}

/** What each --check finding means, and what to do. */
function describeStale(path: string, reason: StaleReason, files: readonly RenderedFile[]): string {
  switch (reason) {
    case 'missing':
      return `${path}: missing (render writes it)`;
    case 'different': {
      if (path === RENDER_RECORD_FILE) return `${path}: records other files or another flavour than this render makes (render rewrites it)`;
      const owner = files.find((file) => file.path === path)?.owner;
      return owner === 'template'
        ? `${path}: differs from the template (edited, or made by another template version); render rewrites it`
        : `${path}: differs from what the schema generates (the schema changed, or the file was edited); render rewrites it`;
    }
    case 'no-longer-rendered':
      return `${path}: stale extra file: the schema and template no longer make it (render removes it, since it is unchanged)`;
    case 'changed-no-longer-rendered':
      return `${path}: stale extra file that you changed: the schema and template no longer make it, and render keeps it because of your changes; move what you need into Handlers.c (or a source of your own), then delete it`;
  }
}

function reportWrite(report: WriteReport, folder: string, flavour: DriverFlavourName, schemaFile: string): void {
  const kept = report.kept.length ? `; kept your ${report.kept.join(', ')}` : '';
  process.stdout.write(`${folder}: wrote ${report.written.length} file(s) for ${schemaFile} (${flavour})${kept}\n`);
  if (report.replaced.length) process.stdout.write(`${folder}: rewrote ${report.replaced.join(', ')} for ${flavour} (you had not changed them)\n`);
  if (report.removed.length) process.stdout.write(`${folder}: removed ${report.removed.join(', ')} (no longer rendered, unchanged)\n`);
  for (const path of report.keptFromOtherFlavour) {
    process.stderr.write(`${folder}${path}: yours, changed since render made it for the other flavour, so kept as it is; to see the ${flavour} one, render the schema into an empty folder with --flavour ${flavour}, then adapt yours\n`);
  }
  for (const path of report.leftovers) {
    process.stderr.write(`${folder}${path}: no longer rendered, but you changed it, so it stays (the project no longer lists it; check still compiles a .c file); move what you need into Handlers.c, then delete it\n`);
  }
}

function render(positionals: string[], values: RenderValues): number {
  if (positionals.length !== 1) return fail(`render expects exactly one schema file, got ${positionals.length}`);
  if (!values.out) return fail('render needs --out <dir>');
  const requested = values.flavour;
  if (requested !== undefined && !isFlavour(requested)) return fail(`--flavour takes kmdf or wdm, got "${requested}"`);
  const switchTo = values['switch-flavour'];
  if (switchTo !== undefined && !isFlavour(switchTo)) return fail(`--switch-flavour takes kmdf or wdm, got "${switchTo}"`);
  if (switchTo !== undefined && requested !== undefined && switchTo !== requested) return fail(`--flavour ${requested} and --switch-flavour ${switchTo} disagree; give only --switch-flavour ${switchTo}`);
  if (switchTo !== undefined && values.check) return fail('--switch-flavour writes files; run it without --check, then --check');
  const processNotify = parseProcessNotify(values['process-notify']);
  if ('error' in processNotify) return fail(processNotify.error);
  const schemaFile = positionals[0]!;
  const outDir = resolve(values.out);
  const folder = folderName(values.out);
  let existing;
  try {
    existing = flavourOfFolder(outDir);
  } catch (error) {
    process.stderr.write(`inverted-call-driver: ${(error as Error).message}\n`);
    return 2;
  }
  const recorded = existing?.from === 'record' ? existing.flavour : undefined;
  const flavour: DriverFlavourName = switchTo ?? requested ?? existing?.flavour ?? 'kmdf';
  // Refused whether the flavour is recorded or told by the files: only a switch changes it.
  if (switchTo === undefined && existing !== undefined && existing.flavour !== flavour) {
    const refusal = `inverted-call-driver: ${flavourMismatchMessage(folder, existing.flavour, flavour, existing.from)}\n`;
    if (values.check) {
      const where = existing.from === 'record' ? `${RENDER_RECORD_FILE} records` : 'its files say';
      process.stderr.write(`${folder}: flavour differs: ${where} ${existing.flavour}, --flavour asks for ${flavour}\n${refusal}`);
      return 1;
    }
    process.stderr.write(refusal);
    return 2;
  }
  let files;
  try {
    const model = loadDeviceSchema(schemaFile);
    const schemaPath = relative(outDir, resolve(schemaFile)).split(sep).join('/');
    files = RENDERERS[flavour](model, { schemaPath, processNotify: processNotify.value, provider: values.provider });
  } catch (error) {
    const message = describeSchemaLoadError(error, schemaFile, 'inverted-call-driver');
    if (message === undefined) throw error;
    process.stderr.write(`${message}\n`);
    return 2;
  }
  if (values.check) {
    const stale = staleDriverFiles(outDir, files);
    for (const { path, reason } of stale) process.stderr.write(`${folder}${describeStale(path, reason, files)}\n`);
    if (stale.length > 0) {
      // Without a record, name the flavour: a folder rendered before records needs it once.
      const flavourOption = recorded === undefined && flavour !== 'kmdf' ? ` --flavour ${flavour}` : '';
      const fix = stale.every(({ reason }) => reason === 'changed-no-longer-rendered')
        ? 'delete the changed files render no longer makes, once what you need of them is in Handlers.c'
        : `run inverted-call-driver render ${schemaFile} --out ${values.out}${flavourOption}`;
      process.stderr.write(`inverted-call-driver: ${folder} is out of date with ${schemaFile} (${flavour}): ${stale.length} finding(s) above; ${fix}\n`);
      return 1;
    }
    process.stdout.write(`${folder}: up to date with ${schemaFile} (${flavour})\n`);
    return 0;
  }
  const report = writeRenderedDriver(outDir, files, { switchFlavour: switchTo !== undefined });
  reportWrite(report, folder, flavour, schemaFile);
  for (const warning of missingHandlerWarnings(outDir, values.out)) process.stderr.write(`${warning}\n`);
  return 0;
}

function check(positionals: string[], tools: string[] | undefined): number {
  if (positionals.length !== 1) return fail(`check expects exactly one driver folder, got ${positionals.length}`);
  const chosen = tools && tools.length > 0 ? tools : [...DRIVER_CHECK_TOOLS];
  const unknown = chosen.filter((tool) => !(DRIVER_CHECK_TOOLS as readonly string[]).includes(tool));
  if (unknown.length > 0) return fail(`unknown --tool ${unknown.join(', ')} (known: ${DRIVER_CHECK_TOOLS.join(', ')})`);
  let results;
  try {
    results = checkDriver(positionals[0]!, chosen as DriverCheckTool[]);
  } catch (error) {
    return fail((error as Error).message);
  }
  for (const result of results) {
    process.stdout.write(`${result.ok ? 'ok  ' : 'FAIL'} ${result.tool}\n`);
    if (!result.ok) process.stdout.write(`     ${result.command}\n${result.output}\n`);
  }
  return results.every((result) => result.ok) ? 0 : 1;
}

function scripts(positionals: string[], values: { out?: string; check?: boolean }): number {
  if (positionals.length !== 0) return fail(`scripts takes no positional arguments, got ${positionals.join(' ')}`);
  if (!values.out) return fail('scripts needs --out <dir> (a project keeps them in scripts/windows)');
  const folder = folderName(values.out);
  if (values.check) {
    const stale = staleWindowsScripts(resolve(values.out));
    for (const { path, reason } of stale) {
      process.stderr.write(`${folder}${path}: ${reason === 'missing' ? 'missing' : `differs from the kit's script (edited, or from another kit version)`}\n`);
    }
    if (stale.length > 0) {
      process.stderr.write(`inverted-call-driver: ${folder} is out of date: ${stale.length} script(s) above; run inverted-call-driver scripts --out ${values.out}\n`);
      return 1;
    }
    process.stdout.write(`${folder}: the Windows scripts are up to date\n`);
    return 0;
  }
  const written = writeWindowsScripts(resolve(values.out));
  process.stdout.write(`${folder}: wrote ${written.join(', ')}\n`);
  return 0;
}

export function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        flavour: { type: 'string' },
        'switch-flavour': { type: 'string' },
        'process-notify': { type: 'string' },
        provider: { type: 'string' },
        check: { type: 'boolean', default: false },
        tool: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (command === 'render') return render(rest, values);
  if (command === 'check') return check(rest, values.tool);
  if (command === 'scripts') return scripts(rest, values);
  return fail(command ? `unknown command "${command}"` : 'missing command');
}

process.exitCode = main(process.argv.slice(2));
