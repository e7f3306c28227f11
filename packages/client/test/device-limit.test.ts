/**
 * A subscribe request the driver refuses for one of the device's limits (ERROR_NOT_ENOUGH_QUOTA)
 * ends the subscription with a DeviceLimitError naming the limits; other driver errors stay
 * DeviceErrors.
 */
import { afterEach, expect, it } from 'vitest';
import { DeviceError, DeviceLimitError } from '../src/index.js';
import { device, expectSimulatorsClean, openOnSimulator } from './support.js';

afterEach(expectSimulatorsClean);

it('a subscription deeper than maxParkedPerHandle fails with DeviceLimitError, its cause the DeviceError', async () => {
  const { simulator, opened } = await openOnSimulator();
  const subscription = opened.subscribe.Latest({ depth: device.limits.maxParkedPerHandle + 1 });
  const error: unknown = await subscription.next().then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(DeviceLimitError);
  const limitError = error as DeviceLimitError;
  expect({ code: limitError.code, limits: limitError.limits, operation: limitError.operation }).toEqual({ code: 'DEVICE_LIMIT', limits: device.limits, operation: expect.stringContaining('Latest') });
  expect(limitError.cause).toBeInstanceOf(DeviceError);
  expect(limitError.cause).toMatchObject({ code: 'ERROR_NOT_ENOUGH_QUOTA', errno: 1816, ntstatus: 0xc0000044 });
  expect(limitError.message).toMatch(/raise device\.limits/);
  // The requests it had parked are cancelled as the subscription ends.
  await subscription.return?.();
  expect(simulator.state().subscriptions.every((entry) => entry.parked === 0)).toBe(true);
  await opened.close();
});

it('another driver error on a subscribe request stays a DeviceError', async () => {
  const { simulator, opened } = await openOnSimulator();
  simulator.injectError('Latest', 'ERROR_NO_SYSTEM_RESOURCES');
  const subscription = opened.subscribe.Latest();
  const error: unknown = await subscription.next().then(() => undefined, (caught: unknown) => caught);
  expect(error).not.toBeInstanceOf(DeviceLimitError);
  expect(error).toMatchObject({ name: 'DeviceError', code: 'ERROR_NO_SYSTEM_RESOURCES' });
  await opened.close();
});
