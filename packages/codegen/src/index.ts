export { emitCHeader } from './c-header.js';
export { emitTsModule } from './ts-module.js';
export { sanitizeComment } from './comment-text.js';
export { generate, renderOutputs, defaultOutputs, staleFiles, writeFiles, type GeneratedFile, type OutputPaths } from './generate.js';
export { GENERATOR_NAME, GENERATOR_VERSION, generatedBanner, type GeneratedFileInfo } from './banner.js';
