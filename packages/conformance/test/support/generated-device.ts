/**
 * A device descriptor made the way a user's project makes one: a schema through the code
 * generator, the module written inside this package (so that its codec import resolves to this
 * package's dependencies), imported and removed. Each call writes a file of its own: test files
 * run in parallel and may generate the same schema at once.
 */
import { generate, writeFiles } from '@inverted-call/codegen';
import type { DeviceDescriptorV1 } from '@inverted-call/codec';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDirectory = fileURLToPath(new URL('../..', import.meta.url));

/** The descriptor generated from `schemaFile` (a path relative to this package). */
export async function generatedDescriptor(schemaFile: string): Promise<DeviceDescriptorV1> {
  const outDirectory = join(packageDirectory, 'test-results', 'generated');
  mkdirSync(outDirectory, { recursive: true });
  const ts = join(outDirectory, `${basename(schemaFile).replace(/\.device\.json$/, '')}-${randomUUID()}.ts`);
  writeFiles(generate(join(packageDirectory, schemaFile), { ts }));
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(ts).href)) as Record<string, unknown>;
  } finally {
    rmSync(ts);
  }
  const descriptors = Object.values(module).filter((value): value is DeviceDescriptorV1 => (value as { specificationVersion?: unknown } | null)?.specificationVersion === 'v1');
  if (descriptors.length !== 1) throw new Error(`${ts}: expected one device descriptor, found ${descriptors.length}`);
  return descriptors[0]!;
}
