/**
 * The <%- deviceName %> client against the simulator, the reference model of the driver: it
 * keeps the driver's rules (parked requests, rings, sequence numbers, cancellation), so these
 * tests run anywhere, with no driver installed.
 */
import { openDevice } from '@inverted-call/client';
import { createSimulator } from '@inverted-call/simulator';
import { describe, expect, it } from 'vitest';
import { <%- deviceConst %> } from '<%- testModuleImport %>';

async function connect() {
  const simulator = createSimulator(<%- deviceConst %>);
  const device = await openDevice(<%- deviceConst %>, { backend: simulator.backend });
  return { simulator, device };
}

describe('<%- deviceName %>', () => {
<%_ if (testCall) { _%>
  it('answers <%- testCall.name %> through the handler that stands in for the driver', async () => {
    const { simulator, device } = await connect();
<%_   if (testCall.shape === 'version') { _%>
    simulator.handle('<%- testCall.name %>', () => ({ major: 1, minor: 2, patch: 3, flags: 0 }));
    expect(await device.call.<%- testCall.name %>()).toEqual({ major: 1, minor: 2, patch: 3, flags: 0 });
<%_   } else { _%>
    simulator.handle('<%- testCall.name %>', (input) => ({ value: input.value * 2 }));
    expect(await device.call.<%- testCall.name %>(<%- sampleInput(testCall) %>)).toEqual({ value: 42 });
<%_   } _%>
    await device.close();
  });
<%_ } _%>
<%_ if (testChannel) { _%>

  it('delivers a burst of <%- testChannel.name %> events in order, each with its sequence number', async () => {
    const { simulator, device } = await connect();
    const subscription = device.subscribe.<%- testChannel.name %>({ depth: 4 });
    // The driver keeps events only for a subscription that exists: wait until it has ours.
    await subscription.ready;
    const burst = Array.from({ length: 50 }, (_, index) => (<%- sampleEvent(testChannel, 'index') %>));
    simulator.emitBurst('<%- testChannel.name %>', burst);

    const received = [];
    for await (const item of subscription) {
      received.push(item);
      if (received.length === burst.length) break;
    }
    expect(received).toEqual(burst.map((event, index) => ({ type: 'event', ...event, sequence: BigInt(index) })));
    await device.close();
  });

  it('cancels a subscription when its signal is aborted, and close() ends the others', async () => {
    const { simulator, device } = await connect();
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
    await simulator.settle();
    expect(simulator.state().handles).toEqual([]);
  });
<%_ } _%>
});
