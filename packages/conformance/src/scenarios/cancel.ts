/** R4: a parked request is cancelable, exactly that request is cancelled, and a cancel never costs an event. */
import { check, equal, within } from '../assert.js';
import { scenario } from '../scenario.js';
import { expectDeviceError, expectEvents, parkedOf, range, readBatch, sequencesOf, subscribeRaw, subscriptionOf, tagsOf, watch, type BatchRecord } from './support.js';

export const cancelScenarios = [
  scenario('R4', 'cancelling one of four parked requests cancels only that one, and the other three still get every event in order', async (context) => {
    const handle = await context.raw();
    const controllers = [0, 1, 2, 3].map(() => new AbortController());
    const requests = controllers.map((controller) => watch(subscribeRaw(handle, 'Events', { signal: controller.signal })));
    await context.settle();
    controllers[1]!.abort();
    await expectDeviceError(requests[1]!.done, 'ERROR_OPERATION_ABORTED', 'the aborted request');
    await context.settle();
    check(!requests[0]!.settled && !requests[2]!.settled && !requests[3]!.settled, 'a request that was not aborted completed with no event');
    equal(subscriptionOf(await context.state(), 'client', 'Events').parked, 3, 'requests still parked');
    const tags = await context.emit('Events', 3);
    const batches = await within(Promise.all([requests[0]!.done, requests[2]!.done, requests[3]!.done]), 'the three other requests');
    const records = batches.flatMap((result) => readBatch(result, 'Events').records);
    equal(sequencesOf(records), range(0, 3), 'sequences, contiguous');
    expectEvents(records, 'Small', tags, 'events');
  }),

  scenario('R4', 'a cancelled subscribe request rejects with ERROR_OPERATION_ABORTED (995) and canceled set', async (context) => {
    const handle = await context.raw();
    const controller = new AbortController();
    const request = subscribeRaw(handle, 'Events', { signal: controller.signal });
    await context.settle();
    controller.abort();
    const error = await expectDeviceError(request, 'ERROR_OPERATION_ABORTED', 'the aborted request');
    equal({ errno: error.errno, canceled: error.canceled }, { errno: 995, canceled: true }, 'error number and flag');
    await context.settle();
    equal(parkedOf(await context.state(), 'client'), 0, 'requests parked afterwards');
  }),

  scenario('R4', 'a cancel ends only the request, not the subscription: later events wait in its ring with the next sequence numbers', async (context) => {
    const handle = await context.raw();
    const controller = new AbortController();
    const request = subscribeRaw(handle, 'Events', { signal: controller.signal });
    await context.settle();
    controller.abort();
    await expectDeviceError(request, 'ERROR_OPERATION_ABORTED', 'the aborted request');
    const tags = await context.emit('Events', 2);
    const state = subscriptionOf(await context.state(), 'client', 'Events');
    equal({ parked: state.parked, ringFill: state.ringFill, nextSequence: state.nextSequence }, { parked: 0, ringFill: 2, nextSequence: 2n }, 'subscription after the cancel and two events');
    const batch = readBatch(await within(subscribeRaw(handle, 'Events'), 'the next request'), 'Events');
    equal(sequencesOf(batch.records), [0n, 1n], 'sequences');
    expectEvents(batch.records, 'Small', tags, 'events');
  }),

  scenario('R4', 'a cancel racing an emit loses nothing: each event is either in the request or still in the ring', async (context) => {
    const handle = await context.raw();
    const emitted: bigint[] = [];
    const received: BatchRecord[] = [];
    for (let round = 0; round < 6; round++) {
      const controller = new AbortController();
      const request = watch(subscribeRaw(handle, 'Events', { signal: controller.signal }));
      await context.settle();
      // Alternate which one the driver sees first; either way the event must survive.
      if (round % 2 === 0) {
        controller.abort();
        emitted.push(...(await context.emit('Events', 1)));
      } else {
        const emitting = context.emit('Events', 1);
        controller.abort();
        emitted.push(...(await emitting));
      }
      try {
        const batch = readBatch(await within(request.done, `round ${round}`), 'Events');
        check(batch.count > 0, `round ${round}: a request completed without an event`);
        received.push(...batch.records);
      } catch (error) {
        if ((error as { canceled?: boolean }).canceled !== true) throw error;
        // Cancelled before the event came, so the event must be waiting in the ring: the next
        // request gets it at once, and the next round starts with an empty ring again.
        received.push(...readBatch(await within(subscribeRaw(handle, 'Events'), `round ${round}: collecting the ring`), 'Events').records);
      }
    }
    equal(sequencesOf(received), range(0, emitted.length), 'sequences received, contiguous');
    equal(tagsOf(received), emitted, 'tags received');
    const state = subscriptionOf(await context.state(), 'client', 'Events');
    equal({ ringFill: state.ringFill, dropped: state.dropped }, { ringFill: 0, dropped: 0n }, 'subscription at the end');
  }),

  scenario('R4', 'aborting a request after the driver completed it leaves its result', async (context) => {
    const handle = await context.raw();
    const controller = new AbortController();
    const request = subscribeRaw(handle, 'Events', { signal: controller.signal });
    await context.settle();
    const tags = await context.emit('Events', 1);
    controller.abort();
    const batch = readBatch(await within(request, 'the completed request'), 'Events');
    expectEvents(batch.records, 'Small', tags, 'events');
  }),

  scenario('R4', 'a subscribe with an already aborted signal is cancelled and parks nothing', async (context) => {
    const handle = await context.raw();
    await expectDeviceError(subscribeRaw(handle, 'Events', { signal: AbortSignal.abort() }), 'ERROR_OPERATION_ABORTED', 'subscribe with an aborted signal');
    await context.settle();
    equal(parkedOf(await context.state(), 'client'), 0, 'requests parked');
  }),

  scenario('R4', "aborting a client subscription's signal cancels its requests and ends the iterator with a canceled DeviceError", async (context) => {
    const controller = new AbortController();
    const subscription = (await context.client()).subscribe.Events({ depth: 3, signal: controller.signal });
    await context.settle();
    equal(subscriptionOf(await context.state(), 'client', 'Events').parked, 3, 'requests parked');
    const pending = subscription.next();
    controller.abort();
    await expectDeviceError(within(pending, 'the pending next()'), 'ERROR_OPERATION_ABORTED', 'next() after the abort');
    await context.settle();
    equal(subscription.stats.inFlight, 0, 'requests in flight');
    equal(subscriptionOf(await context.state(), 'client', 'Events').parked, 0, 'requests parked afterwards');
    const after = await within(subscription.next(), 'next() once ended');
    equal(after.done, true, 'the iterator is done after its error');
  }),
];
