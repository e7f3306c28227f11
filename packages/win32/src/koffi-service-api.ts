/**
 * ServiceDispatcherApi and ServiceManagerApi over advapi32, bound with koffi 3 (loaded on first
 * use, on Windows only). Handles as intptr_t, BOOL as int32_t, SERVICE_STATUS in one koffi.alloc
 * block per binding (encoded and decoded by service-status.ts, the layout's owner).
 */
import { importKoffi, type Koffi } from './koffi-api.js';
import type { ScHandle, ServiceDispatcherApi, ServiceManagerApi } from './service-api.js';
import { SERVICE_CONFIG_DESCRIPTION } from './service-api.js';
import {
  SERVICE_CONTROL_STOP,
  SERVICE_DEMAND_START,
  SERVICE_ERROR_NORMAL,
  SERVICE_STATUS_BYTES,
  SERVICE_WIN32_OWN_PROCESS,
  decodeServiceStatus,
  encodeServiceStatus,
} from './service-status.js';

const toHandle = (value: unknown): ScHandle => (typeof value === 'bigint' ? value : BigInt(value as number));

interface Bindings {
  koffi: Koffi;
  advapi32: ReturnType<Koffi['load']>;
  GetLastError: () => number;
  /** One SERVICE_STATUS block and a view of it. */
  statusBlock: unknown;
  statusBytes: Uint8Array;
}

let bindings: Promise<Bindings> | undefined;

// Loaded once per process: koffi registers struct and prototype names globally.
function load(): Promise<Bindings> {
  bindings ??= importKoffi().then((koffi) => {
    const kernel32 = koffi.load('kernel32.dll');
    const GetLastError = kernel32.func('uint32_t __stdcall GetLastError()') as () => number;
    const statusBlock = koffi.alloc('uint8_t', SERVICE_STATUS_BYTES);
    return { koffi, advapi32: koffi.load('advapi32.dll'), GetLastError, statusBlock, statusBytes: new Uint8Array(koffi.view(statusBlock, SERVICE_STATUS_BYTES)) };
  });
  return bindings;
}

export async function loadKoffiServiceDispatcherApi(): Promise<ServiceDispatcherApi> {
  const { koffi, advapi32, GetLastError, statusBlock, statusBytes } = await load();
  const ServiceMainProc = koffi.proto('void __stdcall ServiceMainProc(uint32_t argc, void *argv)');
  const HandlerExProc = koffi.proto('uint32_t __stdcall HandlerExProc(uint32_t control, uint32_t eventType, void *eventData, void *context)');
  koffi.struct('SERVICE_TABLE_ENTRYW', { lpServiceName: 'char16_t *', lpServiceProc: koffi.pointer(ServiceMainProc) });
  const StartServiceCtrlDispatcherW = advapi32.func('int32_t __stdcall StartServiceCtrlDispatcherW(SERVICE_TABLE_ENTRYW *table)');
  const RegisterServiceCtrlHandlerExW = advapi32.func('intptr_t __stdcall RegisterServiceCtrlHandlerExW(const char16_t *name, HandlerExProc *handler, void *context)');
  const SetServiceStatus = advapi32.func('int32_t __stdcall SetServiceStatus(intptr_t handle, void *status)');

  let registeredHandler: unknown = null;
  return {
    startDispatcher(name, serviceMain, handler, done) {
      // Registered (not transient) callbacks: the dispatcher thread calls them long after this
      // call began, and koffi queues each call onto the main thread while that thread waits.
      const main = koffi.register(() => serviceMain(), koffi.pointer(ServiceMainProc));
      registeredHandler = koffi.register((control: number) => handler(control), koffi.pointer(HandlerExProc));
      const table = [
        { lpServiceName: name, lpServiceProc: main },
        { lpServiceName: null, lpServiceProc: null },
      ];
      StartServiceCtrlDispatcherW.async(table, (error: Error | null, ok: unknown) => {
        const errno = error === null && ok !== 0 ? 0 : GetLastError();
        koffi.unregister(main);
        koffi.unregister(registeredHandler);
        registeredHandler = null;
        done(errno);
      });
    },
    registerHandler: (name) => toHandle(RegisterServiceCtrlHandlerExW(name, registeredHandler, null)),
    setStatus(handle, status) {
      encodeServiceStatus(status, statusBytes);
      return SetServiceStatus(handle, statusBlock) !== 0;
    },
    lastError: () => GetLastError(),
  };
}

export async function loadKoffiServiceManagerApi(): Promise<ServiceManagerApi> {
  const { koffi, advapi32, GetLastError, statusBlock, statusBytes } = await load();
  koffi.struct('SERVICE_DESCRIPTIONW', { lpDescription: 'char16_t *' });
  const OpenSCManagerW = advapi32.func('intptr_t __stdcall OpenSCManagerW(const char16_t *machine, const char16_t *database, uint32_t access)');
  const CreateServiceW = advapi32.func(
    'intptr_t __stdcall CreateServiceW(intptr_t manager, const char16_t *name, const char16_t *displayName, uint32_t access, uint32_t serviceType, uint32_t startType, uint32_t errorControl, const char16_t *binaryPath, const char16_t *loadOrderGroup, void *tagId, const char16_t *dependencies, const char16_t *startName, const char16_t *password)',
  );
  const ChangeServiceConfig2W = advapi32.func('int32_t __stdcall ChangeServiceConfig2W(intptr_t service, uint32_t level, SERVICE_DESCRIPTIONW *info)');
  const OpenServiceW = advapi32.func('intptr_t __stdcall OpenServiceW(intptr_t manager, const char16_t *name, uint32_t access)');
  const StartServiceW = advapi32.func('int32_t __stdcall StartServiceW(intptr_t service, uint32_t argc, void *argv)');
  const ControlService = advapi32.func('int32_t __stdcall ControlService(intptr_t service, uint32_t control, void *status)');
  const QueryServiceStatus = advapi32.func('int32_t __stdcall QueryServiceStatus(intptr_t service, void *status)');
  const DeleteService = advapi32.func('int32_t __stdcall DeleteService(intptr_t service)');
  const CloseServiceHandle = advapi32.func('int32_t __stdcall CloseServiceHandle(intptr_t handle)');

  return {
    openManager: (access) => toHandle(OpenSCManagerW(null, null, access)),
    // lpServiceStartName NULL: the service runs as LocalSystem.
    createService: (manager, request, access) =>
      toHandle(CreateServiceW(manager, request.name, request.displayName, access, SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, request.commandLine, null, null, null, null, null)),
    setDescription: (service, description) => ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, { lpDescription: description }) !== 0,
    openService: (manager, name, access) => toHandle(OpenServiceW(manager, name, access)),
    startService: (service) => StartServiceW(service, 0, null) !== 0,
    stopService: (service) => ControlService(service, SERVICE_CONTROL_STOP, statusBlock) !== 0,
    queryStatus: (service) => (QueryServiceStatus(service, statusBlock) !== 0 ? decodeServiceStatus(statusBytes) : null),
    deleteService: (service) => DeleteService(service) !== 0,
    closeHandle: (handle) => CloseServiceHandle(handle) !== 0,
    lastError: () => GetLastError(),
  };
}
