// The verdict benchmark's TypeScript decider under Wine: Windows node.exe with the Win32 backend.
//   verdict-decider.mjs CONCURRENCY STOP_FILE
// Reports {"ready":true} once its ask requests are at the driver, decides until STOP_FILE exists,
// then reports the decider's stats, the same lines as bench/verdict-decider.c.
import { existsSync } from 'node:fs';
import { createWin32Backend } from '@inverted-call/win32';
import { startAllowDecider } from '../verdict-decider.js';
import { report } from './shared.js';

const POLL_MS = 50;
const concurrency = Number(process.argv[2]);
const stopFile = process.argv[3];
if (!Number.isInteger(concurrency) || concurrency < 1 || !stopFile) {
  report({ error: 'usage: verdict-decider.mjs CONCURRENCY STOP_FILE' });
  process.exit(2);
}

const decider = await startAllowDecider(createWin32Backend(), concurrency);
await decider.ready;
report({ ready: true });
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    if (!existsSync(stopFile)) return;
    clearInterval(timer);
    resolve();
  }, POLL_MS);
});
const stats = await decider.close();
report({ decider: 'typescript', received: stats.received, answered: stats.answered, refused: stats.refusedByDriver, late: stats.late, failed: stats.failed });
