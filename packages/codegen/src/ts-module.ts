/**
 * The TypeScript module emitter: the banner, one import of the runtime subpath
 * `@inverted-call/codec/codegen-v1`, then the device constants, the codecs (ts-codec.ts) and the
 * device descriptor the client runtime consumes (ts-descriptor.ts).
 */
import type { DeviceModel } from '@inverted-call/schema';
import { generatedBanner, type GeneratedFileInfo } from './banner.js';
import { CODEC_RUNTIME_MODULE, ImportTracker } from './imports.js';
import { codecSections } from './ts-codec.js';
import { deviceConstants, deviceDescriptor } from './ts-descriptor.js';

export function emitTsModule(model: DeviceModel, info: GeneratedFileInfo): string {
  const imports = new ImportTracker(CODEC_RUNTIME_MODULE);
  const body = [...deviceConstants(model), ...codecSections(model, imports), ...deviceDescriptor(model, imports)];
  const banner = generatedBanner(info).map((line) => `// ${line}`);
  return [...banner, '/* eslint-disable */', imports.render(), '', ...body].join('\n');
}
