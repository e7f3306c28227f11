#!/usr/bin/env node
/**
 * inverted-call-codegen: schema -> C header and TypeScript module.
 * Exit codes: 0 done (or up to date), 1 `--check` found stale outputs, 2 bad schema or usage.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { describeSchemaLoadError, deviceJsonSchema } from '@inverted-call/schema';
import { GENERATOR_VERSION } from './banner.js';
import { generate, staleFiles, writeFiles } from './generate.js';

const USAGE = `Usage: inverted-call-codegen <schema.json|.yaml> [options]

Generates a C header (kernel and user mode) and a TypeScript module from a device schema.

Options:
  --header <file>       write the C header here
  --ts <file>           write the TypeScript module here
  --out-dir <dir>       write <device-name>.h and <device-name>.ts here
                        (default when no --header/--ts: beside the schema)
  --check               write nothing; exit 1 if any output is missing or stale (for CI)
  --json-schema <file>  also write the JSON Schema of the schema format (for editors)
  -h, --help            show this help
  -v, --version         show the version`;

export function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        header: { type: 'string' },
        ts: { type: 'string' },
        'out-dir': { type: 'string' },
        check: { type: 'boolean', default: false },
        'json-schema': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`inverted-call-codegen: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${GENERATOR_VERSION}\n`);
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`inverted-call-codegen: expected exactly one schema file, got ${positionals.length}\n\n${USAGE}\n`);
    return 2;
  }
  const schemaFile = positionals[0]!;
  let files;
  try {
    files = generate(schemaFile, { header: values.header, ts: values.ts, outDir: values['out-dir'] });
  } catch (error) {
    const message = describeSchemaLoadError(error, schemaFile, 'inverted-call-codegen');
    if (message === undefined) throw error;
    process.stderr.write(`${message}\n`);
    return 2;
  }
  if (values.check) {
    const stale = staleFiles(files);
    for (const { file, reason } of stale) {
      process.stderr.write(`${relative(process.cwd(), file.path)}: ${reason === 'missing' ? 'missing' : 'out of date with the schema'}\n`);
    }
    if (stale.length) {
      process.stderr.write(`Regenerate with: inverted-call-codegen ${argv.filter((arg) => arg !== '--check').join(' ')}\n`);
      return 1;
    }
    process.stdout.write(`up to date: ${files.map((file) => relative(process.cwd(), file.path)).join(', ')}\n`);
    return 0;
  }
  writeFiles(files);
  if (values['json-schema']) writeFileSync(values['json-schema'], `${JSON.stringify(deviceJsonSchema, null, 2)}\n`);
  for (const file of files) process.stdout.write(`wrote ${relative(process.cwd(), file.path)}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
