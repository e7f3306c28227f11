export * from './input.js';
export * from './model.js';
export { SchemaError, type SchemaIssue } from './errors.js';
export { validateDeviceSchema, type ValidateOptions } from './validate.js';
export { loadDeviceSchema, parseSchemaText, formatOf, describeSchemaLoadError, type SchemaFormat } from './load.js';
export { alignUp, layoutStruct, typeLayout, VALID_PACKS, type LayoutLookup } from './layout.js';
export {
  ctlCode,
  splitCtlCode,
  hex,
  parseAccess,
  ACCESS_NAMES,
  METHOD_NAMES,
  METHOD_TEXT,
  METHODS,
  NAMED_DEVICE_TYPES,
  PROTOCOL_INFO_FUNCTION,
  VENDOR_DEVICE_TYPE_MIN,
  VENDOR_DEVICE_TYPE_MAX,
  VENDOR_FUNCTION_MIN,
  VENDOR_FUNCTION_MAX,
} from './ioctl.js';
export { PRIMITIVES, MAX_ARRAY_LENGTH, MAX_STRING_LENGTH, formatType, parseTypeText } from './types.js';
export { upperSnake, kebabCase, cFieldName, tsFieldName } from './names.js';
export * from './protocol.js';
export { DEFAULT_SDDL, checkSddl } from './sddl.js';
export { DEFAULT_BATCH_BYTES, DEFAULT_CAPACITY, MAX_BATCH_BYTES, MAX_CAPACITY } from './validate-interface.js';
export { MAX_STRUCT_SIZE } from './validate-types.js';
export { CHANNEL_MACRO_SUFFIXES, DEVICE_MACRO_SUFFIXES, channelMacro, deviceMacro, collectCIdentifiers } from './c-identifiers.js';
export { deviceJsonSchema } from './json-schema.js';
export { protocolModel } from './protocol-model.js';
