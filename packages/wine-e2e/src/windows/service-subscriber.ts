// A Windows service in the shape of a generated project's: runAsWindowsService runs a subscriber of
// the conformance device's Events channel (4 requests parked) until the service is stopped. The
// SCM starts it as `node.exe service-subscriber.mjs <name> <log file> [ok|fail]`; `fail` makes
// run() throw at once (the negative control). No console here: every line goes to the log file.
import { appendFileSync } from 'node:fs';
import { isCanceled, openDevice } from '@inverted-call/client';
import { createWin32Backend, runAsWindowsService } from '@inverted-call/win32';
import { device } from './shared.js';

const [name = '', logPath = '', mode = 'ok'] = process.argv.slice(2);
const log = (line: string): void => appendFileSync(logPath, `${new Date().toISOString()} ${line}\n`);

async function subscribeUntilStopped(signal: AbortSignal): Promise<void> {
  if (mode === 'fail') throw new Error('deliberate failure (the negative control)');
  const client = await openDevice(device, { backend: createWin32Backend(), access: 'read' });
  try {
    const subscription = client.subscribe.Events({ depth: 4, signal });
    await subscription.ready;
    log('subscribed to Events');
    try {
      for await (const item of subscription) log(`event ${item.type}`);
    } catch (error) {
      if (!isCanceled(error)) throw error;
    }
    log('subscription closed');
  } finally {
    await client.close();
    log('device closed');
  }
}

try {
  await runAsWindowsService({ name, run: subscribeUntilStopped, log });
  log('dispatcher returned');
} catch (error) {
  log(`service failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
