/**
 * The <%- deviceName %> service as a Windows service, run by the service control manager as
 * LocalSystem (the account the device's default security admits, with Administrators):
 *
 *   node dist/windows-service.js install     registers it (demand start); from an elevated prompt
 *   node dist/windows-service.js start       starts it and waits until it runs
 *   node dist/windows-service.js stop        stops it and waits until it has stopped
 *   node dist/windows-service.js uninstall   stops it if it runs, then removes it
 *   node dist/windows-service.js run         what the service control manager starts; not by hand
 *
 * (`npm run service:install` and friends build first.) A service has no console: what it reports
 * goes to logs/service.log in this project's folder.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_FAILED_SERVICE_CONTROLLER_CONNECT, installWindowsService, isServiceError, runAsWindowsService, startWindowsService, stopWindowsService, uninstallWindowsService } from '@inverted-call/win32';
import { runService } from './service.js';

const SERVICE_NAME = '<%- windowsServiceName %>';
const SCRIPT = fileURLToPath(import.meta.url);
const LOG_FILE = fileURLToPath(new URL('../logs/service.log', import.meta.url));

const USAGE = `Usage: node dist/windows-service.js install|start|stop|uninstall|run
  install     register ${SERVICE_NAME} (LocalSystem, demand start); needs an elevated prompt
  start       start it and wait until it runs
  stop        stop it and wait until it has stopped
  uninstall   stop it if it runs, then remove it
  run         what the service control manager starts (not by hand)
The service writes to ${LOG_FILE}.`;

function log(line: string): void {
  mkdirSync(dirname(LOG_FILE), { recursive: true });
  appendFileSync(LOG_FILE, `${new Date().toISOString()} ${line}\n`);
}

/** Under the service control manager: the service until it is stopped; every line to the log. */
async function runUnderServiceControlManager(): Promise<void> {
  try {
    await runAsWindowsService({ name: SERVICE_NAME, log, run: (signal) => runService({ signal, report: log }) });
  } catch (error) {
    log(`${(error as Error).message}`);
    // Run by hand there is a console to say it on; under the service control manager there is none.
    if (isServiceError(error, ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)) console.error(`${(error as Error).message}\nStart the installed service instead: npm run service:start`);
    process.exitCode = 1;
  }
  // The service has reported STOPPED: end the process now, so a reinstall never waits for it.
  process.exit();
}

const command = process.argv[2];
if (process.platform !== 'win32') {
  console.error(`Windows services exist only on Windows (this is ${process.platform}). To run the service here, against the simulator: npm start -- --simulate`);
  process.exit(1);
}
try {
  switch (command) {
    case 'run':
      await runUnderServiceControlManager();
      break;
    case 'install': {
      const { commandLine } = await installWindowsService({
        name: SERVICE_NAME,
        displayName: '<%- deviceName %> service (<%- projectName %>)',
        description: 'Receives the events of the <%- deviceName %> driver (<%- projectName %>)',
        command: process.execPath,
        args: [SCRIPT, 'run'],
      });
      console.log(`installed ${SERVICE_NAME} (LocalSystem, demand start): ${commandLine}\nit will write to ${LOG_FILE}\nnext: npm run service:start`);
      break;
    }
    case 'start':
      await startWindowsService(SERVICE_NAME);
      console.log(`${SERVICE_NAME} is running; it writes to ${LOG_FILE}`);
      break;
    case 'stop':
      await stopWindowsService(SERVICE_NAME);
      console.log(`${SERVICE_NAME} is stopped`);
      break;
    case 'uninstall':
      await uninstallWindowsService(SERVICE_NAME);
      console.log(`${SERVICE_NAME} is removed`);
      break;
    default:
      console.error(USAGE);
      process.exit(2);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
