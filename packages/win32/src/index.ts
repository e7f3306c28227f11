/**
 * @inverted-call/win32: the real backend. `createWin32Backend()` gives a DeviceBackendV1 over
 * CreateFileW, overlapped DeviceIoControl, an I/O completion port and CancelIoEx, through koffi.
 * Windows only; elsewhere it throws and names the simulator. The service functions run a node
 * process as a Windows service (runAsWindowsService) and install, start, stop and uninstall it.
 */
export { createWin32Backend, type Win32BackendOptions } from './backend.js';
export type { CompletionEntries, NativeBuffer, Win32Api, Win32Handle } from './win32-api.js';
export { loadKoffiWin32Api } from './koffi-api.js';
export { ERROR_IO_PENDING, ERROR_NOT_FOUND, FILE_FLAG_OVERLAPPED, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, OPEN_EXISTING, OVERLAPPED_BYTES, OVERLAPPED_ENTRY_BYTES, ENTRY_OVERLAPPED_OFFSET, readOverlapped } from './win32-api.js';
export { runAsWindowsService, SERVICE_RUN_FAILED_EXIT_CODE, SERVICE_PENDING_WAIT_HINT_MS, type WindowsServiceOptions } from './windows-service.js';
export {
  installWindowsService,
  uninstallWindowsService,
  startWindowsService,
  stopWindowsService,
  queryWindowsService,
  type InstallWindowsServiceOptions,
  type ServiceControlOptions,
  type WindowsServiceState,
} from './service-control.js';
export { WindowsServiceError, isServiceError, ERROR_SERVICE_DOES_NOT_EXIST, ERROR_SERVICE_EXISTS, ERROR_FAILED_SERVICE_CONTROLLER_CONNECT } from './service-errors.js';
export { SERVICE_STATES, ERROR_SERVICE_SPECIFIC_ERROR, serviceCommandLine, quoteWindowsArgument, serviceStateName, type ServiceStatus, type ServiceStateName } from './service-status.js';
export type { ServiceDispatcherApi, ServiceManagerApi, CreateServiceRequest, ScHandle } from './service-api.js';
