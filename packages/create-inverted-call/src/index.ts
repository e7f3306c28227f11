/**
 * create-inverted-call: the project generator (a yeoman generator) and what it is made of. Most
 * users run the `create-inverted-call` bin (`npm create inverted-call`); the exports serve tests
 * and tools that run the generator themselves.
 */
export { default as InvertedCallGenerator, type CreateOptions, type WriteReport } from './generators/app/index.js';
export {
  resolveAnswers,
  checkProjectName,
  checkDeviceName,
  parseDeviceType,
  parseNameList,
  defaultDeviceName,
  DEFAULT_PROJECT_NAME,
  DEFAULT_DEVICE_TYPE,
  DEFAULT_CALLS,
  DEFAULT_DRIVER,
  PROCESS_CHANNEL,
  type ProjectAnswers,
  type RawAnswers,
  type DriverFlavour,
} from './answers.js';
export { schemaOf, VERSION_CALL } from './schema-of.js';
export { layoutOf, scriptsOf, type ProjectLayout } from './project-files.js';
export { loadVersions, type VersionManifest } from './versions.js';
export { CreateError } from './errors.js';
export { runCli, GENERATOR_NAMESPACE } from './run.js';
