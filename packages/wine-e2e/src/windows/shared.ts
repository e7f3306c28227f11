/**
 * What the Windows-side scripts share: the device's codes, raw subscribe requests, reading the
 * driver's state, and one JSON line per report on stdout (a file: the bed redirects it).
 */
import type { DeviceHandleV1 } from '@inverted-call/backend';
import { decodeBatch, kindsById } from '@inverted-call/client';
import { EmitRequestCodec, conformanceDevice } from '@inverted-call/conformance';
import { createWin32Backend } from '@inverted-call/win32';

export { readDriverState } from '../wine-target.js';

export const device = conformanceDevice;
export const EVENTS = device.channels.Events;
const EVENT_KINDS = kindsById(EVENTS);

export function report(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item))}\n`);
}

export function open(access: 'read' | 'read-write' = 'read'): Promise<DeviceHandleV1> {
  return createWin32Backend().open(device.devicePath, { access });
}

/** A subscribe request on Events with a full batch buffer: its records' sequence numbers. */
export async function subscribeOnce(handle: DeviceHandleV1, signal?: AbortSignal): Promise<{ sequences: bigint[]; dropped: bigint }> {
  const { output } = await handle.ioctl(EVENTS.code, null, EVENTS.batchBytes, { signal });
  const batch = decodeBatch(output, EVENTS, EVENT_KINDS);
  return { sequences: batch.records.map((record) => record.sequence), dropped: batch.droppedTotal };
}

/** Emits `count` Small events on Events through the driver's event path (the Inject call). */
export async function inject(control: DeviceHandleV1, count: number, firstTag = 1n): Promise<void> {
  const input = EmitRequestCodec.encode({ channel: 0, kind: EVENTS.events.Small.id, reserved: 0, count, firstTag });
  await control.ioctl(device.calls.Inject.code, input, 8);
}

/** Keeps the process alive until it is killed. */
export function waitForever(): void {
  setInterval(() => {}, 1 << 30);
}
