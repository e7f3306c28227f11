/** From a schema file to the files to write, and the check that committed outputs are current. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { kebabCase, loadDeviceSchema, type DeviceModel } from '@inverted-call/schema';
import { emitCHeader } from './c-header.js';
import { emitTsModule } from './ts-module.js';

export interface OutputPaths {
  /** Where to write the C header; omit for none. */
  header?: string;
  /** Where to write the TypeScript module; omit for none. */
  ts?: string;
}

export interface GeneratedFile {
  kind: 'header' | 'ts';
  path: string;
  content: string;
}

/** Default outputs: `<device-name>.h` and `<device-name>.ts` in `outDir` (default: beside the schema). */
export function defaultOutputs(schemaFile: string, model: DeviceModel, outDir?: string): Required<OutputPaths> {
  const directory = outDir ?? dirname(schemaFile);
  const stem = kebabCase(model.name);
  return { header: join(directory, `${stem}.h`), ts: join(directory, `${stem}.ts`) };
}

/** The schema as a generated file names it: relative to the output, with forward slashes. */
function schemaPathFrom(output: string, schemaFile: string): string {
  return relative(dirname(resolve(output)), resolve(schemaFile)).split(sep).join('/');
}

export function renderOutputs(schemaFile: string, model: DeviceModel, outputs: OutputPaths): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  if (outputs.header) {
    files.push({ kind: 'header', path: outputs.header, content: emitCHeader(model, { schemaPath: schemaPathFrom(outputs.header, schemaFile), schemaHash: model.schemaHash }) });
  }
  if (outputs.ts) {
    files.push({ kind: 'ts', path: outputs.ts, content: emitTsModule(model, { schemaPath: schemaPathFrom(outputs.ts, schemaFile), schemaHash: model.schemaHash }) });
  }
  return files;
}

/** Loads, validates and renders; throws `SchemaError` for a bad schema. */
export function generate(schemaFile: string, outputs?: OutputPaths & { outDir?: string }): GeneratedFile[] {
  const model = loadDeviceSchema(schemaFile);
  const chosen = outputs?.header || outputs?.ts ? outputs : defaultOutputs(schemaFile, model, outputs?.outDir);
  return renderOutputs(schemaFile, model, chosen);
}

export function writeFiles(files: readonly GeneratedFile[]): void {
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content);
  }
}

/** Files whose content on disk differs from what the schema generates (or that are missing). */
export function staleFiles(files: readonly GeneratedFile[]): { file: GeneratedFile; reason: 'missing' | 'different' }[] {
  const stale: { file: GeneratedFile; reason: 'missing' | 'different' }[] = [];
  for (const file of files) {
    if (!existsSync(file.path)) stale.push({ file, reason: 'missing' });
    else if (readFileSync(file.path, 'utf8') !== file.content) stale.push({ file, reason: 'different' });
  }
  return stale;
}
