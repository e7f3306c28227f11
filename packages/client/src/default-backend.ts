/**
 * The backend used when `openDevice` is given none: the Win32 backend on Windows, loaded lazily
 * so that importing the client never loads native code; elsewhere a clear refusal.
 */
import type { DeviceBackendV1 } from '@inverted-call/backend';

const WIN32_BACKEND_PACKAGE = '@inverted-call/win32';

export async function resolveDefaultBackend(): Promise<DeviceBackendV1> {
  if (process.platform !== 'win32') {
    throw new Error(
      `openDevice: no backend given, and the Win32 backend only runs on Windows (this is ${process.platform}). ` +
        'In tests, pass the simulator: openDevice(descriptor, { backend: createSimulator(descriptor).backend }) from @inverted-call/simulator.',
    );
  }
  let loaded: { createWin32Backend?: () => DeviceBackendV1 };
  try {
    // A variable specifier keeps bundlers from resolving an optional dependency at build time.
    const specifier = WIN32_BACKEND_PACKAGE;
    loaded = (await import(specifier)) as typeof loaded;
  } catch (error) {
    throw new Error(`openDevice: install ${WIN32_BACKEND_PACKAGE} to talk to a real driver (npm install ${WIN32_BACKEND_PACKAGE}), or pass { backend }`, { cause: error });
  }
  if (typeof loaded.createWin32Backend !== 'function') throw new Error(`openDevice: ${WIN32_BACKEND_PACKAGE} does not export createWin32Backend()`);
  return loaded.createWin32Backend();
}
