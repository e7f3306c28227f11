export { emitCHeader } from './c-header.js';
export { emitTsModule } from './ts-module.js';
export { sanitizeComment } from './comment-text.js';
export { generate, renderOutputs, defaultOutputs, staleFiles, writeFiles, type GeneratedFile, type OutputPaths } from './generate.js';
export { GENERATOR_NAME, GENERATOR_VERSION, generatedBanner, type GeneratedFileInfo } from './banner.js';
export {
  CLANG_MINGW_X64,
  CLANG_MSVC_X64,
  CLANG_MSVC_X86,
  KERNEL_C_FLAGS,
  KERNEL_PRELUDE,
  KERNEL_TARGET_DEFINES,
  MINGW_CXX_X64,
  MINGW_DDK_INCLUDE,
  MINGW_INCLUDE,
  MINGW_X64,
  MINGW_X86,
  STRICT_DEFINE,
  STRICT_FLAGS,
  USER_PRELUDE,
  WARNINGS_AS_ERRORS,
  type CompilerTarget,
} from './toolchain.js';
