/**
 * @inverted-call/win32: the real backend. `createWin32Backend()` gives a DeviceBackendV1 over
 * CreateFileW, overlapped DeviceIoControl, an I/O completion port and CancelIoEx, through koffi.
 * Windows only; elsewhere it throws and names the simulator.
 */
export { createWin32Backend, type Win32BackendOptions } from './backend.js';
export type { CompletionEntries, NativeBuffer, Win32Api, Win32Handle } from './win32-api.js';
export { loadKoffiWin32Api } from './koffi-api.js';
export { ERROR_IO_PENDING, ERROR_NOT_FOUND, FILE_FLAG_OVERLAPPED, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, OPEN_EXISTING, OVERLAPPED_BYTES, OVERLAPPED_ENTRY_BYTES, ENTRY_OVERLAPPED_OFFSET, readOverlapped } from './win32-api.js';
