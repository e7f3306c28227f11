/**
 * The device's resource limits (`device.limits`): their defaults, ranges and validation. Every
 * subscription's ring comes from non-paged pool and every parked request pins its caller's output
 * buffer, so without limits any handle allowed to open the device could exhaust both. The driver
 * (Core.c), the simulator and the client's error all take these numbers from the model.
 */
import { IssueList, joinPath } from './errors.js';
import type { ChannelModel, DeviceLimits } from './model.js';
import { describeValue, isObject, readInteger, readObject } from './validate-helpers.js';

/** Used for every limit the schema leaves out. */
export const DEFAULT_LIMITS: Readonly<DeviceLimits> = Object.freeze({
  maxSubscriptions: 256,
  maxParkedPerHandle: 64,
  maxRingBytes: 64 * 1024 * 1024,
});

/** Each limit is a UINT32 in the driver (CORE_LIMITS). */
export const MAX_LIMIT = 0xffff_ffff;

const LIMIT_KEYS = ['maxSubscriptions', 'maxParkedPerHandle', 'maxRingBytes'] as const;

const WHAT: Record<(typeof LIMIT_KEYS)[number], string> = {
  maxSubscriptions: 'maxSubscriptions (open subscriptions of the device)',
  maxParkedPerHandle: 'maxParkedPerHandle (parked subscribe requests of one handle)',
  maxRingBytes: 'maxRingBytes (ring memory of all subscriptions, in bytes)',
};

/** The bytes one subscription's ring of this channel takes: capacity slots of its largest record. */
export const ringBytesOf = (channel: Pick<ChannelModel, 'capacity' | 'maxRecordBytes'>): number => channel.capacity * channel.maxRecordBytes;

/** Reads `device.limits`; undefined when it has a problem (reported to `issues`). */
export function readLimits(issues: IssueList, value: unknown): DeviceLimits | undefined {
  if (value === undefined) return { ...DEFAULT_LIMITS };
  const path = 'device.limits';
  if (!isObject(value)) {
    issues.add(path, `device.limits must be an object, found ${describeValue(value)}`, `write it as { "maxSubscriptions": ${DEFAULT_LIMITS.maxSubscriptions}, "maxParkedPerHandle": ${DEFAULT_LIMITS.maxParkedPerHandle}, "maxRingBytes": ${DEFAULT_LIMITS.maxRingBytes} }, or leave it out for these defaults`);
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

/** A channel whose one ring is larger than maxRingBytes could never be subscribed to. */
export function checkRingFits(issues: IssueList, limits: DeviceLimits, channels: readonly ChannelModel[]): void {
  for (const channel of channels) {
    const bytes = ringBytesOf(channel);
    if (bytes > limits.maxRingBytes) {
      issues.add(
        'device.limits.maxRingBytes',
        `maxRingBytes ${limits.maxRingBytes} is below the ring of channel ${channel.name} alone (${channel.capacity} slots of ${channel.maxRecordBytes} bytes = ${bytes}), so nobody could subscribe to it`,
        `raise device.limits.maxRingBytes to at least ${bytes}, or lower channels.${channel.name}.capacity`,
      );
    }
  }
}
