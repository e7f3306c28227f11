// The test-build emit IOCTL (function 0xFFC, templates/shared/EmitTest.h) from a Windows client:
// events put into the conformance device's channels through it, read back with the real client
// (openDevice, subscribe) over the Win32 backend, and its refusals. The IOCTL goes through a
// read-only handle of its own (it asks for FILE_ANY_ACCESS), never through the device's Inject
// call. One JSON report at the end; the vitest file checks it.
import { isDeviceError, openDevice, type SubscriptionItem } from '@inverted-call/client';
import type { DeviceDescriptorV1 } from '@inverted-call/codec';
import { TEST_EMIT_FIXED_BYTES, TEST_EMIT_OFFSETS, encodeTestEmit, encodeTestEmitForEvent, testEmitIoctlCode } from '@inverted-call/driver-template/test-ioctls';
import { createWin32Backend } from '@inverted-call/win32';
import { device, readDriverState, report } from './shared.js';

const ITEM_TIMEOUT_MS = 20_000;
const descriptor = device as DeviceDescriptorV1;

const backend = createWin32Backend();
const client = await openDevice(device, { backend });
const control = await backend.open(device.devicePath, { access: 'read' });
const code = testEmitIoctlCode(device.deviceType);

/** The next `count` items of a subscription, each within ITEM_TIMEOUT_MS. */
async function take<Item>(items: AsyncIterator<Item>, count: number): Promise<Item[]> {
  const taken: Item[] = [];
  while (taken.length < count) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no item within ${ITEM_TIMEOUT_MS} ms after ${taken.length}`)), ITEM_TIMEOUT_MS);
    });
    try {
      const next = await Promise.race([items.next(), timeout]);
      if (next.done) throw new Error('the subscription ended');
      taken.push(next.value);
    } finally {
      clearTimeout(timer);
    }
  }
  return taken;
}

/** An item as the report shows it: an event's kind, sequence and data, or a loss notice's count. */
interface Brief {
  kind?: string;
  sequence?: bigint;
  data?: unknown;
  loss?: number;
}

const brief = (item: SubscriptionItem<typeof device.channels.Events> | SubscriptionItem<typeof device.channels.Latest>): Brief =>
  item.type === 'event' ? { kind: item.kind, sequence: item.sequence, data: item.data } : { loss: item.count };

// 1. Five Small events on Events in one request, then one Large: in order, with their payloads.
const events = client.subscribe.Events({ depth: 2 });
await events.ready;
const eventItems = events[Symbol.asyncIterator]();
await control.ioctl(code, encodeTestEmitForEvent(descriptor, 'Events', 'Small', { tag: 42n, value: 7, flag: true }, 5), 0);
await control.ioctl(code, encodeTestEmitForEvent(descriptor, 'Events', 'Large', { tag: 43n, text: 'from 0xFFC' }), 0);
const delivered = (await take(eventItems, 6)).map(brief);

// 2. The refusals, each with the error it got; then one good event, which must be the next item
// (no refused input reached the channel).
const small = descriptor.channels.Events!.events.Small!.codec.encode({ tag: 1n, value: 1, flag: false });
const badInputs: Record<string, Uint8Array> = {
  'unknown channel': encodeTestEmit({ channel: 3, kind: 1, count: 1, payload: small }),
  'unknown kind': encodeTestEmit({ channel: 0, kind: 7, count: 1, payload: small }),
  'kind of another channel': encodeTestEmit({ channel: 0, kind: 9, count: 1, payload: small }),
  'payload one byte long': encodeTestEmit({ channel: 0, kind: 1, count: 1, payload: Uint8Array.from([...small, 0]) }),
  'payload length past the input': (() => {
    const bytes = encodeTestEmit({ channel: 0, kind: 1, count: 1, payload: small });
    new DataView(bytes.buffer).setUint32(TEST_EMIT_OFFSETS.payloadBytes, small.byteLength + 8, true);
    return bytes;
  })(),
  'count 0': (() => {
    const bytes = encodeTestEmit({ channel: 0, kind: 1, count: 1, payload: small });
    new DataView(bytes.buffer).setUint32(TEST_EMIT_OFFSETS.count, 0, true);
    return bytes;
  })(),
  'header cut short': encodeTestEmit({ channel: 0, kind: 1, count: 1, payload: small }).slice(0, TEST_EMIT_FIXED_BYTES - 1),
};
const refusals: Record<string, string | null> = {};
for (const [name, bytes] of Object.entries(badInputs)) {
  try {
    await control.ioctl(code, bytes, 0);
    refusals[name] = null;
  } catch (error) {
    refusals[name] = isDeviceError(error) ? error.code : String(error);
  }
}
await control.ioctl(code, encodeTestEmitForEvent(descriptor, 'Events', 'Small', { tag: 99n, value: 9, flag: false }), 0);
const afterRefusals = brief((await take(eventItems, 1))[0]!);
await events.close();

// 3. One request overflows Latest (capacity 4, drop-oldest): what is not delivered is reported as
// lost, and the driver's own count agrees.
const overflowCount = 100;
const latest = client.subscribe.Latest({ depth: 1 });
await latest.ready;
const latestItems = latest[Symbol.asyncIterator]();
await control.ioctl(code, encodeTestEmitForEvent(descriptor, 'Latest', 'Small', { tag: 7n, value: 1, flag: true }, overflowCount), 0);
const overflow: Brief[] = [];
let accounted = 0;
while (accounted < overflowCount) {
  const item = brief((await take(latestItems, 1))[0]!);
  overflow.push(item);
  accounted += item.loss ?? 1;
}
const state = await readDriverState(control);
await latest.close();

await control.close();
await client.close();
report({ delivered, refusals, afterRefusals, overflow, latestState: state.subscriptions.filter((entry) => entry.channel === 1) });
