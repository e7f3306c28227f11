#!/usr/bin/env node
/**
 * inverted-call-driver: render the KMDF or WDM driver for a schema, or run the driver compile check.
 * Exit codes: 0 done, 1 `--check` found stale files or the compile check failed, 2 bad schema or usage.
 */
import { relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { describeSchemaLoadError, loadDeviceSchema } from '@inverted-call/schema';
import { DRIVER_CHECK_TOOLS, checkDriver, type DriverCheckTool } from './check.js';
import { missingHandlerWarnings } from './handler-scan.js';
import type { ProcessNotifyMapping } from './process-notify.js';
import { renderKmdfDriver } from './render-kmdf.js';
import { renderWdmDriver } from './render-wdm.js';
import { staleDriverFiles, writeRenderedDriver } from './write.js';

const USAGE = `Usage:
  inverted-call-driver render <schema.json|.yaml> --out <dir> [options]
  inverted-call-driver check <dir> [--tool gcc|clang-analyze|cppcheck|link ...]

render writes the driver for the schema into <dir>: the template's code and the files
generated from the schema are (re)written; your files (Handlers.c, the .inf, the .vcxproj,
README.md) are written only if they do not exist yet. render then warns about each handler
Handlers.h declares that Handlers.c does not define yet (add it: see the driver's README).
  --out <dir>                 the driver folder (required)
  --flavour kmdf|wdm          kmdf (default): a KMDF driver; wdm: a WDM driver, which also
                              builds with mingw-w64 and runs under Wine (see its README.md)
  --process-notify <value>    auto (default): a channel with ProcessCreated/ProcessExited events;
                              off; or Channel:CreatedKind:ExitedKind
  --provider <name>           provider and manufacturer in the INF (default: the device name)
  --check                     write nothing; exit 1 if a generated or template file is missing
                              or out of date (for CI)

check compiles every .c file of <dir> for Windows x64 kernel mode with mingw-w64 gcc
(-DSTRICT -Wall -Wextra -Werror, the mingw DDK headers and, for KMDF, the project's KMDF
declarations), then runs clang --analyze and cppcheck on them, then links the Wine test build
(KMDF: with the KMDF-subset runtime; WDM: with ntoskrnl), which names any handler Handlers.c
lacks; exit 1 if any reports anything. A rendered folder (either flavour) is compiled and
analysed both as a WDK build and as the Wine test build.

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

function render(positionals: string[], values: { out?: string; flavour?: string; 'process-notify'?: string; provider?: string; check?: boolean }): number {
  if (positionals.length !== 1) return fail(`render expects exactly one schema file, got ${positionals.length}`);
  if (!values.out) return fail('render needs --out <dir>');
  const flavour = values.flavour ?? 'kmdf';
  if (flavour !== 'kmdf' && flavour !== 'wdm') return fail(`--flavour takes kmdf or wdm, got "${flavour}"`);
  const processNotify = parseProcessNotify(values['process-notify']);
  if ('error' in processNotify) return fail(processNotify.error);
  const schemaFile = positionals[0]!;
  const outDir = resolve(values.out);
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
    for (const { path, reason } of stale) process.stderr.write(`${path}: ${reason === 'missing' ? 'missing' : 'out of date with the schema or the template'}\n`);
    if (stale.length > 0) {
      process.stderr.write(`inverted-call-driver: ${stale.length} file(s) stale; run inverted-call-driver render ${schemaFile} --out ${values.out}${flavour === 'kmdf' ? '' : ` --flavour ${flavour}`}\n`);
      return 1;
    }
    process.stdout.write(`driver in ${values.out} is up to date\n`);
    return 0;
  }
  const report = writeRenderedDriver(outDir, files);
  process.stdout.write(`wrote ${report.written.length} file(s) to ${values.out}${report.kept.length ? `; kept your ${report.kept.join(', ')}` : ''}\n`);
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

export function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        flavour: { type: 'string' },
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
  return fail(command ? `unknown command "${command}"` : 'missing command');
}

process.exitCode = main(process.argv.slice(2));
