/**
 * Run by Windows node.exe under Wine (bundled into dist-windows/notify-client.mjs): subscribes to
 * the process monitor's Process channel with the real client over the Win32 backend, then, for
 * each case of notify-cases.ts, sends the test-build process IOCTL and reports the next item the
 * subscription yields. Then the bad inputs, each reporting the error it got, and one more good
 * case, whose event must be the next item (so no bad input reached the callback). One JSON line
 * per report on stdout; the vitest file checks them.
 */
import { isDeviceError, openDevice, type EventItem } from '@inverted-call/client';
import { encodeNotifyTestProcess, notifyTestIoctlCode } from '@inverted-call/driver-template/notify-test';
import { createWin32Backend } from '@inverted-call/win32';
import { processMonitorDevice } from '../../generated/process-monitor.js';
import { BAD_INPUTS, NOTIFY_CASES } from '../support/notify-cases.js';

type ProcessItem = EventItem<typeof processMonitorDevice.channels.Process> | { type: 'loss'; count: number };

function report(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? `${item}n` : item))}\n`);
}

const ITEM_TIMEOUT_MS = 30_000;

const backend = createWin32Backend();
const device = await openDevice(processMonitorDevice, { backend });
report({ version: await device.call.GetVersion() });
const events = device.subscribe.Process({ depth: 2 });
await events.ready;
const items = events[Symbol.asyncIterator]();
const control = await backend.open(processMonitorDevice.devicePath, { access: 'read' });
const code = notifyTestIoctlCode(processMonitorDevice.deviceType);

async function nextItem(): Promise<ProcessItem> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no item within ${ITEM_TIMEOUT_MS} ms`)), ITEM_TIMEOUT_MS);
  });
  try {
    const next = await Promise.race([items.next(), timeout]);
    if (next.done) throw new Error('the subscription ended');
    return next.value as ProcessItem;
  } finally {
    clearTimeout(timer);
  }
}

for (const [index, entry] of NOTIFY_CASES.entries()) {
  const sent = await control.ioctl(code, encodeNotifyTestProcess(entry.input), 0);
  report({ case: index, bytesReturned: sent.bytesReturned, item: await nextItem() });
}
for (const [index, bad] of BAD_INPUTS.entries()) {
  try {
    await control.ioctl(code, bad.bytes, 0);
    report({ bad: index, error: null });
  } catch (error) {
    report({ bad: index, error: isDeviceError(error) ? error.code : String(error) });
  }
}
await control.ioctl(code, encodeNotifyTestProcess(NOTIFY_CASES[0]!.input), 0);
report({ after: 'bad inputs', item: await nextItem() });

await control.close();
await device.close();
report({ done: true });
