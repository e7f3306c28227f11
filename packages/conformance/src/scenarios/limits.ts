/**
 * The device's limits (descriptor.limits, the schema's device.limits): a subscribe request that
 * would pass one fails at once with ERROR_NOT_ENOUGH_QUOTA (STATUS_QUOTA_EXCEEDED), is never
 * parked and creates nothing, and what is freed can be used again. The conformance device sets
 * small limits so that each is reached in a few requests; the numbers here come from its
 * descriptor, and each scenario first checks they still reach the limit it is about.
 */
import { DeviceLimitError } from '@inverted-call/client';
import { check, equal, rejects, within } from '../assert.js';
import { scenario } from '../scenario.js';
import { channels, expectDeviceError, parkedOf, readBatch, subscribeRaw, subscriptionsOf, watch, type Watched } from './support.js';
import { conformanceDevice } from '@inverted-call/conformance-device';
import type { IoctlResult } from '@inverted-call/backend';

const limits = conformanceDevice.limits;
const ringBytesOf = (channel: 'Events' | 'Latest' | 'Audit'): number => channels[channel].capacity * channels[channel].maxRecordBytes;
const QUOTA = 'ERROR_NOT_ENOUGH_QUOTA';

export const limitScenarios = [
  scenario('limits', 'a handle past maxParkedPerHandle gets ERROR_NOT_ENOUGH_QUOTA (1816) at once; a cancelled or completed request gives its place back', async (context) => {
    const handle = await context.raw();
    const controllers: AbortController[] = [];
    const parked: Watched<IoctlResult>[] = [];
    // Across two channels: the limit counts the handle's parked requests together.
    for (let index = 0; index < limits.maxParkedPerHandle; index++) {
      const controller = new AbortController();
      controllers.push(controller);
      parked.push(watch(subscribeRaw(handle, index % 2 === 0 ? 'Latest' : 'Events', { signal: controller.signal })));
    }
    await context.settle();
    equal(parkedOf(await context.state(), 'client'), limits.maxParkedPerHandle, 'requests parked at the limit');
    const error = await expectDeviceError(subscribeRaw(handle, 'Latest'), QUOTA, 'one request past the limit');
    equal({ errno: error.errno, canceled: error.canceled }, { errno: 1816, canceled: false }, 'error number and flag');
    // Per handle: another handle of the same process parks as usual.
    const other = watch(subscribeRaw(await context.raw(), 'Latest'));
    await context.settle();
    check(!other.settled, "another handle's request was not parked");
    // A cancel gives one place back...
    controllers[0]!.abort();
    await expectDeviceError(parked[0]!.done, 'ERROR_OPERATION_ABORTED', 'the cancelled request');
    await context.settle();
    const afterCancel = watch(subscribeRaw(handle, 'Latest'));
    await context.settle();
    check(!afterCancel.settled, 'the request after a cancel was not parked');
    await expectDeviceError(subscribeRaw(handle, 'Events'), QUOTA, 'past the limit again');
    // ...and so does a request an event completes (the oldest parked one on Latest).
    await context.emit('Latest', 1);
    readBatch(await within(parked[2]!.done, 'the oldest parked Latest request'), 'Latest');
    const afterEvent = watch(subscribeRaw(handle, 'Events'));
    await context.settle();
    check(!afterEvent.settled, 'the request after a completion was not parked');
    equal(parkedOf(await context.state(), 'client'), limits.maxParkedPerHandle, 'parked afterwards: the event also completed the other handle\'s request');
  }),

  scenario('limits', 'a subscription past maxSubscriptions is refused with ERROR_NOT_ENOUGH_QUOTA and creates nothing; a closed handle frees its subscriptions', async (context) => {
    check(limits.maxSubscriptions * ringBytesOf('Latest') <= limits.maxRingBytes, 'the device limits: maxSubscriptions Latest rings must fit maxRingBytes for this scenario');
    const handles = [];
    for (let index = 0; index < limits.maxSubscriptions; index++) {
      const handle = await context.raw();
      handles.push(handle);
      watch(subscribeRaw(handle, 'Latest'));
    }
    await context.settle();
    equal(subscriptionsOf(await context.state(), 'client').length, limits.maxSubscriptions, 'subscriptions at the limit');
    const extra = await context.raw();
    await expectDeviceError(subscribeRaw(extra, 'Latest'), QUOTA, 'one subscription past the limit');
    // An existing subscription takes more requests: that is no new subscription.
    const again = watch(subscribeRaw(handles[0]!, 'Latest'));
    await context.settle();
    check(!again.settled, 'a second request of an existing subscription was not parked');
    equal(subscriptionsOf(await context.state(), 'client').length, limits.maxSubscriptions, 'subscriptions after the refusal');
    await handles[1]!.close();
    await context.settle();
    const freed = watch(subscribeRaw(extra, 'Latest'));
    await context.settle();
    check(!freed.settled, 'the request after a close was not parked');
    equal(subscriptionsOf(await context.state(), 'client').length, limits.maxSubscriptions, 'subscriptions after the close and a new one');
  }),

  scenario('limits', 'a subscription whose ring would pass maxRingBytes is refused with ERROR_NOT_ENOUGH_QUOTA while a smaller ring still fits', async (context) => {
    const large = ringBytesOf('Events');
    const fit = Math.floor(limits.maxRingBytes / large);
    check(fit + 2 <= limits.maxSubscriptions && limits.maxRingBytes - fit * large >= ringBytesOf('Latest'), 'the device limits: maxRingBytes must be reached before maxSubscriptions, with room left for a Latest ring');
    const handles = [];
    for (let index = 0; index < fit; index++) {
      const handle = await context.raw();
      handles.push(handle);
      watch(subscribeRaw(handle, 'Events'));
    }
    const extra = await context.raw();
    await expectDeviceError(subscribeRaw(extra, 'Events'), QUOTA, `an Events ring past ${limits.maxRingBytes} bytes`);
    const small = watch(subscribeRaw(extra, 'Latest'));
    await context.settle();
    check(!small.settled, 'a Latest ring that fits was not parked');
    equal(subscriptionsOf(await context.state(), 'client', 'Events').length, fit, 'Events subscriptions');
    await handles[0]!.close();
    await context.settle();
    const freed = watch(subscribeRaw(extra, 'Events'));
    await context.settle();
    check(!freed.settled, 'the Events request after a close was not parked');
  }),

  scenario('limits', 'a client subscription deeper than maxParkedPerHandle fails with DeviceLimitError, its cause ERROR_NOT_ENOUGH_QUOTA', async (context) => {
    const device = await context.client();
    const subscription = device.subscribe.Latest({ depth: limits.maxParkedPerHandle + 1 });
    const error = await rejects(within(subscription.next(), 'the subscription'), 'the subscription');
    check(error instanceof DeviceLimitError, `expected a DeviceLimitError, got ${String(error)}`);
    equal({ code: error.code, cause: (error.cause as { code?: string }).code, limits: error.limits }, { code: 'DEVICE_LIMIT', cause: QUOTA, limits }, 'the error');
    await context.settle();
    equal(parkedOf(await context.state(), 'client'), 0, 'requests parked once the subscription has failed');
  }),
];
