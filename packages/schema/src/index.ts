// The public API: what other packages, the docs and users import. Everything else in src is
// internal, reached by relative imports (tests included), so it can change without a release note.
export * from './input.js';
export * from './model.js';
export { SchemaError, type SchemaIssue } from './errors.js';
export { validateDeviceSchema, type ValidateOptions } from './validate.js';
export { loadDeviceSchema, describeSchemaLoadError } from './load.js';
export { layoutStruct, typeLayout, type LayoutLookup } from './layout.js';
export {
  hex,
  ACCESS_NAMES,
  METHOD_NAMES,
  METHOD_TEXT,
  VENDOR_DEVICE_TYPE_MIN,
  VENDOR_DEVICE_TYPE_MAX,
  RESERVED_FUNCTIONS,
  TEST_BUILD_EMIT_FUNCTION,
  TEST_BUILD_PROCESS_FUNCTION,
  TEST_BUILD_STATE_FUNCTION,
} from './ioctl.js';
export { PRIMITIVES, type PrimitiveInfo } from './types.js';
export { kebabCase, upperSnake } from './names.js';
export { PROTOCOL_C_PREFIX } from './protocol.js';
export { DEFAULT_SDDL } from './sddl.js';
export { DEFAULT_BATCH_BYTES, DEFAULT_CAPACITY } from './validate-interface.js';
export { DEFAULT_LIMITS, ringBytesOf } from './limits.js';
export { channelMacro, deviceMacro, verdictMacro, reservedCPrefixReason } from './c-identifiers.js';
export { DEFAULT_MAX_PENDING, MAX_DEADLINE_MS, MAX_PENDING_LIMIT, VERDICT_TRIGGERS } from './validate-verdicts.js';
export {
  PROCESS_CREATE_ALLOW_FIELD,
  PROCESS_CREATE_ALLOW_TYPES,
  PROCESS_CREATE_DEFAULT_ALLOW,
  PROCESS_CREATE_FIELDS,
  imageNameStatesOf,
  type ImageNameStates,
  type ProcessCreateField,
} from './process-create.js';
export { deviceJsonSchema } from './json-schema.js';
export { protocolModel } from './protocol-model.js';
