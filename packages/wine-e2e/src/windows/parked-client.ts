// A client that parks `depth` subscribe requests on Events and then does nothing, until it is
// killed: the driver must then cancel them all and forget the client.
import { open, report, subscribeOnce, waitForever } from './shared.js';

const depth = Number(process.argv[2] ?? 4);
const handle = await open('read');
for (let index = 0; index < depth; index++) void subscribeOnce(handle).catch(() => undefined);
report({ ready: true, pid: process.pid, depth });
waitForever();
