/**
 * The service (src/service.ts) against the simulator: it reports events and, when the driver had
 * to drop some, exactly how many; and it stops cleanly when its signal is aborted.
 */
import { createSimulator } from '@inverted-call/simulator';
import { describe, expect, it, vi } from 'vitest';
import { runService } from '../src/service.js';
import { <%- deviceConst %> } from '<%- testModuleImport %>';

describe('the service', () => {
<%_ if (testChannel) { _%>
  it('reports events and loss notices, and stops when its signal is aborted', async () => {
    const simulator = createSimulator(<%- deviceConst %>);
<%_ for (const call of calls) { _%>
<%_   if (call.shape === 'version') { _%>
    simulator.handle('<%- call.name %>', () => ({ major: 1, minor: 0, patch: 0, flags: 0 }));
<%_   } else { _%>
    simulator.handle('<%- call.name %>', (input) => ({ value: input.value }));
<%_   } _%>
<%_ } _%>
    // A small ring, so that a held-back burst overflows it.
    simulator.setChannel('<%- testChannel.name %>', { capacity: 4 });
    const lines: string[] = [];
    const controller = new AbortController();
    const service = runService({ backend: simulator.backend, signal: controller.signal, report: (line) => lines.push(line) });
    await vi.waitFor(() => expect(simulator.state().subscriptions.filter((subscription) => subscription.channel === '<%- testChannel.name %>' && subscription.parked > 0)).toHaveLength(1));

    // Held back, 10 events meet a ring of 4: the driver keeps 4 and drops 6.
    simulator.stall();
    simulator.emitBurst('<%- testChannel.name %>', Array.from({ length: 10 }, (_, index) => (<%- sampleEvent(testChannel, 'index') %>)));
    simulator.release();
    // The next event shows the gap, and the service reports it.
    simulator.emitBurst('<%- testChannel.name %>', [<%- sampleEvent(testChannel, '10') %>]);
    await vi.waitFor(() => expect(lines).toContain('<%- testChannel.name %>: the driver dropped 6 event(s), sequences 4-9'));
    expect(lines.filter((line) => line.startsWith('<%- testChannel.name %> #'))).toHaveLength(5);

    controller.abort();
    await service;
    await simulator.settle();
    expect(simulator.state().handles).toEqual([]);
  });
<%_ } else { _%>
  it('makes each call once and reports it', async () => {
    const simulator = createSimulator(<%- deviceConst %>);
    const lines: string[] = [];
    const controller = new AbortController();
    await runService({ backend: simulator.backend, signal: controller.signal, report: (line) => lines.push(line) });
    // With no channel to watch, the service makes its calls and ends.
    expect(lines).toHaveLength(<%- calls.length + 1 %>);
    expect(simulator.state().handles).toEqual([]);
  });
<%_ } _%>
});
