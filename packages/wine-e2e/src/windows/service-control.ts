// Installs, starts, stops, queries and uninstalls a service with @inverted-call/win32's control
// functions, run by Windows node.exe: one JSON report per command, `{ error, errno }` on failure.
import { installWindowsService, isServiceError, queryWindowsService, startWindowsService, stopWindowsService, uninstallWindowsService } from '@inverted-call/win32';
import { report } from './shared.js';

const [command, name = '', ...rest] = process.argv.slice(2);

async function perform(): Promise<unknown> {
  switch (command) {
    case 'install': {
      const [script = '', ...args] = rest;
      return installWindowsService({ name, displayName: `${name} (wine-e2e)`, description: 'A conformance-device subscriber run as a service', command: process.execPath, args: [script, ...args] });
    }
    case 'start':
      return startWindowsService(name, { timeoutMs: 30_000 });
    case 'stop':
      return stopWindowsService(name, { timeoutMs: 30_000 });
    case 'query':
      return queryWindowsService(name);
    case 'uninstall':
      return uninstallWindowsService(name, { timeoutMs: 30_000 });
    default:
      throw new Error(`unknown command ${command}: install|start|stop|query|uninstall`);
  }
}

try {
  report({ command, result: await perform() });
} catch (error) {
  report({ command, error: (error as Error).message, errno: isServiceError(error) ? error.errno : null });
}
