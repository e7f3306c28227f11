// The TypeScript client's side of the Wine benchmark: the same workload as bench/native-client.c.
// Each round injects BURST Large events with one Inject call and reads until each is delivered or
// counted as dropped by the driver. Two designs: the seed thread's (one request in flight, one
// event per completion) and DESIGN.md's (8 requests in flight, batches). One JSON line each.
import { openDevice, type SubscribeOptions } from '@inverted-call/client';
import { createWin32Backend } from '@inverted-call/win32';
import { EmitRequestCodec } from '@inverted-call/conformance';
import { EVENTS, device, open, report } from './shared.js';

const rounds = Number(process.argv[2] ?? 500);
const burst = Number(process.argv[3] ?? 16);
const LARGE_RECORD_BYTES = EVENTS.events.Large.recordBytes;

const DESIGNS: { name: string; options: SubscribeOptions }[] = [
  { name: 'naive', options: { depth: 1, batchBytes: EVENTS.minimumOutputBytes, highWaterMark: 1 } },
  { name: 'batched', options: { depth: 8, batchBytes: 24 + 32 * LARGE_RECORD_BYTES, highWaterMark: 1024 } },
];

const control = await open('read-write');
let tag = 1n;
for (const design of DESIGNS) {
  const client = await openDevice(device, { backend: createWin32Backend(), access: 'read' });
  const subscription = client.subscribe.Events(design.options);
  // The first next() starts the subscription: its requests are at the driver when it returns.
  let pending: Promise<unknown> | null = subscription.next();
  const started = process.hrtime.bigint();
  let target = 0;
  for (let round = 0; round < rounds; round++) {
    const input = EmitRequestCodec.encode({ channel: 0, kind: EVENTS.events.Large.id, reserved: 0, count: burst, firstTag: tag });
    tag += BigInt(burst);
    await control.ioctl(device.calls.Inject.code, input, 8);
    target += burst;
    while (subscription.stats.delivered + Number(subscription.stats.driverDropped) < target) {
      await (pending ?? subscription.next());
      pending = null;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  report({ client: 'typescript', design: design.name, depth: design.options.depth, batchBytes: design.options.batchBytes, delivered: subscription.stats.delivered, dropped: Number(subscription.stats.driverDropped), injected: target, seconds });
  await client.close();
}
await control.close();
