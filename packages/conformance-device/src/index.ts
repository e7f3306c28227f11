/**
 * The conformance device's typed module. The module itself is generated from
 * device/conformance.device.json and committed beside it (with the C header), so the schema, the
 * header the conformance driver includes and this module are read from one folder.
 */
export * from '../device/conformance-device.js';
