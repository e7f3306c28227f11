/** The device's limits on the driver model: STATUS_QUOTA_EXCEEDED at once, nothing created, places given back. */
import { describe, expect, it } from 'vitest';
import type { DeviceLimitsV1 } from '@inverted-call/codec';
import { DriverModel } from '../src/driver-model.js';
import { STATUS_QUOTA_EXCEEDED, STATUS_SUCCESS } from '../src/ntstatus.js';
import { IOCTL_TINY_SUBSCRIBE, READ, tinyDevice } from './helpers.js';

// Ticks: capacity 4, 24-byte records: one ring is 96 bytes; a request needs 48 bytes.
const RING = 96;
const TICK = new Uint8Array(5);

function modelWith(limits: Partial<DeviceLimitsV1>) {
  const model = new DriverModel({ ...tinyDevice, limits: { ...tinyDevice.limits, ...limits } });
  let nextRequest = 1;
  const subscribe = (handleId: number) => {
    const requestId = nextRequest++;
    return { requestId, result: model.submit({ requestId, handleId, code: IOCTL_TINY_SUBSCRIBE, input: null, outputLength: 48 }) };
  };
  const quota = { disposition: 'completed', status: STATUS_QUOTA_EXCEEDED };
  return { model, subscribe, quota };
}

describe('maxParkedPerHandle', () => {
  it('refuses a request that would park past it; a cancel or a completion gives a place back', () => {
    const { model, subscribe, quota } = modelWith({ maxParkedPerHandle: 2 });
    model.openHandle(1, READ);
    model.openHandle(2, READ);
    const first = subscribe(1);
    subscribe(1);
    expect(subscribe(1).result).toEqual(quota);
    expect(model.state().subscriptions[0]!.parked).toBe(2);
    expect(subscribe(2).result.disposition).toBe('parked'); // per handle
    expect(model.cancel(first.requestId)).toBe(true);
    expect(subscribe(1).result.disposition).toBe('parked');
    expect(subscribe(1).result).toEqual(quota);
    model.emit('Ticks', 7, TICK); // completes handle 1's oldest and handle 2's
    expect(subscribe(1).result.disposition).toBe('parked');
  });

  it('never refuses a request served at once from the ring, but counts one that parks behind a stall', () => {
    const { model, subscribe, quota } = modelWith({ maxParkedPerHandle: 1 });
    model.openHandle(1, READ);
    subscribe(1);
    model.emit('Ticks', 7, TICK); // completes it
    model.emit('Ticks', 7, TICK); // waits in the ring
    subscribe(1); // served at once from the ring, although the handle is at its limit
    expect(model.trace().at(-1)!.status).toBe(STATUS_SUCCESS);
    subscribe(1); // the ring is empty again: parks, the limit reached
    model.emit('Ticks', 7, TICK); // completes it
    model.stall('Ticks');
    model.emit('Ticks', 7, TICK); // into the ring: nothing completes while stalled
    expect(subscribe(1).result.disposition).toBe('parked'); // parks behind the stall: counted
    expect(subscribe(1).result).toEqual(quota);
  });
});

describe('maxSubscriptions and maxRingBytes', () => {
  it('refuse a new subscription past them and create nothing; an existing one takes more requests; a close frees them', () => {
    const cases: Partial<DeviceLimitsV1>[] = [{ maxSubscriptions: 1 }, { maxRingBytes: 2 * RING - 1 }];
    for (const limits of cases) {
      const { model, subscribe, quota } = modelWith(limits);
      model.openHandle(1, READ);
      model.openHandle(2, READ);
      expect(subscribe(1).result.disposition).toBe('parked');
      expect(subscribe(2).result).toEqual(quota);
      expect(model.state().subscriptions.map((entry) => entry.handleId)).toEqual([1]);
      expect(subscribe(1).result.disposition).toBe('parked');
      model.closeHandle(1);
      expect(subscribe(2).result.disposition).toBe('parked');
    }
  });

  it('refuse every subscription when one ring alone is larger than maxRingBytes', () => {
    const { model, subscribe, quota } = modelWith({ maxRingBytes: RING - 1 });
    model.openHandle(1, READ);
    expect(subscribe(1).result).toEqual(quota);
    expect(model.state().subscriptions).toEqual([]);
  });
});

describe('the descriptor check', () => {
  it('refuses missing limits and a limit below 1, naming the field', () => {
    const { limits: _dropped, ...withoutLimits } = tinyDevice;
    expect(() => new DriverModel(withoutLimits as unknown as typeof tinyDevice)).toThrow(/descriptor limits: is missing/);
    expect(() => new DriverModel({ ...tinyDevice, limits: { ...tinyDevice.limits, maxParkedPerHandle: 0 } })).toThrow(/limits\.maxParkedPerHandle: must be an integer from 1/);
  });
});
