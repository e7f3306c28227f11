/**
 * The <%- deviceName %> client against its target, written once for two of them:
 * - `npm test`: the simulator, the reference model of the driver, answering the calls as
 *   src/simulation.ts does. It keeps the driver's rules (parked requests, rings, sequence
 *   numbers, cancellation), so these tests run anywhere, with no driver installed;
 * - `npm run test:driver`: the driver itself (driver/, your Handlers.c), built for Wine and loaded
 *   by Wine's kernel, through the real Win32 client path.
 * `openTestTarget` picks the target (the driver when INVERTED_CALL_DEVICE_BRIDGE is set);
 * `target.emit` puts an event in through the simulator or through the driver's own CoreEmit.
 */
import { openDevice } from '@inverted-call/client';
import { openTestTarget } from '@inverted-call/wine-bed/target';
import { describe, expect, it } from 'vitest';
import { answerCalls } from '../src/simulation.js';
import { <%- deviceConst %> } from '<%- testModuleImport %>';

async function connect() {
  const target = await openTestTarget(<%- deviceConst %>, { simulate: answerCalls });
  const handlesBefore = (await target.state()).openHandles;
  const device = await openDevice(<%- deviceConst %>, { backend: target.process('test') });
  return { target, device, handlesBefore };
}

describe('<%- deviceName %>', () => {
<%_ if (testCall) { _%>
  it('answers <%- testCall.name %> as driver/Handlers.c does', async () => {
    const { target, device } = await connect();
<%_   if (testCall.shape === 'version') { _%>
    expect(await device.call.<%- testCall.name %>()).toEqual({ major: 0, minor: 1, patch: 0, flags: 0 });
<%_   } else { _%>
    expect(await device.call.<%- testCall.name %>(<%- sampleInput(testCall) %>)).toEqual({ value: 42 });
<%_   } _%>
    await device.close();
    await target.dispose();
  });
<%_ } _%>
<%_ if (testChannel) { _%>

  it('delivers a burst of <%- testChannel.name %> events in order, each with its sequence number', async () => {
    const { target, device } = await connect();
    const subscription = device.subscribe.<%- testChannel.name %>({ depth: 4 });
    // The driver keeps events only for a subscription that exists: wait until it has ours.
    await subscription.ready;
    const burst = Array.from({ length: 50 }, (_, index) => (<%- sampleEvent(testChannel, 'index') %>));
    for (const event of burst) await target.emit('<%- testChannel.name %>', event.kind, event.data);

    const received = [];
    for await (const item of subscription) {
      received.push(item);
      if (received.length === burst.length) break;
    }
    expect(received).toEqual(burst.map((event, index) => ({ type: 'event', ...event, sequence: BigInt(index) })));
    await device.close();
    await target.dispose();
  });

  it('cancels a subscription when its signal is aborted, and close() ends the others', async () => {
    const { target, device, handlesBefore } = await connect();
    const controller = new AbortController();
    const cancelled = device.subscribe.<%- testChannel.name %>({ signal: controller.signal });
    // A second subscription on the same channel reads through a handle of its own: both get every event.
    const other = device.subscribe.<%- testChannel.name %>();
    await Promise.all([cancelled.ready, other.ready]);

    const waiting = cancelled.next();
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ canceled: true, code: 'ERROR_OPERATION_ABORTED' });

    const pending = other.next();
    await device.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    // Nothing left behind: every handle the client opened is closed, no request is parked.
    await target.settle();
    const state = await target.state();
    expect(state.openHandles).toBe(handlesBefore);
    expect(state.subscriptions).toEqual([]);
    await target.dispose();
  });
<%_ } _%>
});
