export type { AccessMode, DeviceBackendV1, DeviceHandleV1, IoctlOptions, IoctlResult, OpenOptions } from './backend-v1.js';
export { accessBitsOf } from './backend-v1.js';
export { DeviceError, WIN32_ERRORS, isCanceled, isDeviceError, type DeviceErrorOptions, type Win32ErrorInfo, type Win32ErrorName } from './errors.js';
