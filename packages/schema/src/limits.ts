/**
 * The device's resource limits (`device.limits`): their defaults, ranges and validation. Every
 * subscription's ring comes from non-paged pool and every parked request pins its caller's output
 * buffer, so without limits any handle allowed to open the device could exhaust both. The driver
 * (Core.c), the simulator and the client's error all take these numbers from the model.
 */
import { IssueList, joinPath } from './errors.js';
import type { ChannelModel, DeviceLimits } from './model.js';
import { describeValue, isObject, readInteger, readObject } from './validate-helpers.js';

/**
 * The ring budget of one subscription. Core.c allocates each subscription's ring as one block of
 * non-paged pool (capacity x largest record) when the subscription opens, and holds it until the
 * handle closes. 4 MiB keeps that block an ordinary allocation, lets the default 64 MiB device
 * budget hold 16 of the largest rings before maxRingBytes refuses the next one, and still holds
 * 4096 records of 1 KiB (the template's process channel, 4096 x 584 bytes, uses 2.3 MiB). A deeper
 * ring mostly queues for a reader that has stopped; a schema that needs one says so explicitly.
 */
export const DEFAULT_RING_BYTES_PER_SUBSCRIPTION = 4 * 1024 * 1024;

/** Used for every limit the schema leaves out. */
export const DEFAULT_LIMITS: Readonly<DeviceLimits> = Object.freeze({
  maxSubscriptions: 256,
  maxParkedPerHandle: 64,
  maxRingBytes: 64 * 1024 * 1024,
  maxRingBytesPerSubscription: DEFAULT_RING_BYTES_PER_SUBSCRIPTION,
});

/** Each limit fits a UINT32: the driver holds the first three in CORE_LIMITS. */
export const MAX_LIMIT = 0xffff_ffff;

const LIMIT_KEYS = ['maxSubscriptions', 'maxParkedPerHandle', 'maxRingBytes', 'maxRingBytesPerSubscription'] as const;

const WHAT: Record<(typeof LIMIT_KEYS)[number], string> = {
  maxSubscriptions: 'maxSubscriptions (open subscriptions of the device)',
  maxParkedPerHandle: 'maxParkedPerHandle (parked subscribe and ask requests of one handle)',
  maxRingBytes: 'maxRingBytes (ring memory of all subscriptions, in bytes)',
  maxRingBytesPerSubscription: 'maxRingBytesPerSubscription (ring memory of one subscription, in bytes)',
};

/** The bytes one subscription's ring of this channel takes: capacity slots of its largest record. */
export const ringBytesOf = (channel: Pick<ChannelModel, 'capacity' | 'maxRecordBytes'>): number => channel.capacity * channel.maxRecordBytes;

/** Reads `device.limits`; undefined when it has a problem (reported to `issues`). */
export function readLimits(issues: IssueList, value: unknown): DeviceLimits | undefined {
  if (value === undefined) return { ...DEFAULT_LIMITS };
  const path = 'device.limits';
  if (!isObject(value)) {
    const defaults = LIMIT_KEYS.map((key) => `"${key}": ${DEFAULT_LIMITS[key]}`).join(', ');
    issues.add(path, `device.limits must be an object, found ${describeValue(value)}`, `write it as { ${defaults} }, or leave it out for these defaults`);
    return undefined;
  }
  const entry = readObject(issues, value, path, { required: [], optional: [...LIMIT_KEYS] }, 'device.limits');
  if (!entry) return undefined;
  const limits: DeviceLimits = { ...DEFAULT_LIMITS };
  let ok = true;
  for (const key of LIMIT_KEYS) {
    if (entry[key] === undefined) continue;
    const read = readInteger(issues, entry[key], joinPath(path, key), WHAT[key], { min: 1, max: MAX_LIMIT });
    if (read === undefined) ok = false;
    else limits[key] = read;
  }
  return ok ? limits : undefined;
}

/**
 * The ring budget of each channel: one subscription's ring must fit maxRingBytesPerSubscription
 * (the kernel-memory budget of one subscriber) and maxRingBytes (else nobody could subscribe). The
 * driver enforces only the device total at run time; the ring of a channel is fixed by the schema,
 * so its budget is checked here. One issue per channel, with fixes that pass both limits.
 */
export function checkRingBudget(issues: IssueList, limits: DeviceLimits, channels: readonly ChannelModel[]): void {
  for (const channel of channels) {
    const bytes = ringBytesOf(channel);
    const path = joinPath('channels', channel.name);
    const largest = channel.events.find((event) => event.recordBytes === channel.maxRecordBytes)!;
    const slots = `${channel.capacity} slots of ${channel.maxRecordBytes} bytes = ${bytes}`;
    if (bytes > limits.maxRingBytesPerSubscription) {
      const raise = bytes > MAX_LIMIT
        ? []
        : [`raise device.limits.maxRingBytesPerSubscription to ${bytes}${bytes > limits.maxRingBytes ? ` and device.limits.maxRingBytes to ${bytes}` : ''}`];
      issues.add(
        joinPath(path, 'capacity'),
        `one subscription's ring of channel ${channel.name} is ${slots} bytes of non-paged memory, over the per-subscription limit of ${limits.maxRingBytesPerSubscription} (device.limits.maxRingBytesPerSubscription)`,
        orList([...lowerCapacity(channel, Math.min(limits.maxRingBytesPerSubscription, limits.maxRingBytes)), smallerRecord(largest.struct), ...raise]),
      );
    } else if (bytes > limits.maxRingBytes) {
      issues.add(
        'device.limits.maxRingBytes',
        `maxRingBytes ${limits.maxRingBytes} is below the ring of channel ${channel.name} alone (${slots}), so nobody could subscribe to it`,
        orList([`raise device.limits.maxRingBytes to at least ${bytes}`, ...lowerCapacity(channel, limits.maxRingBytes), smallerRecord(largest.struct)]),
      );
    }
  }
}

/** "lower the capacity to N", when some capacity of at least 1 fits `budget`. */
function lowerCapacity(channel: ChannelModel, budget: number): string[] {
  const capacity = Math.floor(budget / channel.maxRecordBytes);
  return capacity >= 1 ? [`lower channels.${channel.name}.capacity to ${capacity}`] : [];
}

const smallerRecord = (struct: string) => `make struct ${struct} (the largest record) smaller`;

function orList(options: readonly string[]): string {
  return options.length <= 1 ? options.join('') : `${options.slice(0, -1).join(', ')}, or ${options.at(-1)}`;
}
