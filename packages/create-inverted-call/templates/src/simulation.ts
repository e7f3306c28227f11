/**
 * `--simulate`: the simulator stands in for the <%- deviceName %> driver. It answers the calls
 * the way driver/Handlers.c should once you write it, and plays a small scripted workload on
 * every channel: one event per round, and every tenth round a burst too big for the ring, held
 * back until it overflows, so the service shows you a loss notice.
 */
import { createSimulator } from '@inverted-call/simulator';
import type { SimulatedBackend, Simulator } from '@inverted-call/simulator';
import { <%- deviceConst %> } from '<%- moduleImport %>';

const ROUND_MS = 500;
/** Smaller rings than the schema's, so a burst of BURST events overflows them. */
const RING_CAPACITY = 16;
const BURST = 40;

export interface Simulation {
  backend: SimulatedBackend;
  stop(): void;
}

/**
 * The calls, answered as driver/Handlers.c answers them: the tests run against both (see
 * test/device.test.ts), so keep the two in step when you change either.
 */
export function answerCalls(simulator: Simulator<typeof <%- deviceConst %>>): void {
<%_ for (const call of calls) { _%>
<%_   if (call.shape === 'version') { _%>
  simulator.handle('<%- call.name %>', () => ({ major: 0, minor: 1, patch: 0, flags: 0 }));
<%_   } else { _%>
  // u32 arithmetic, as in C: wraps at 2^32.
  simulator.handle('<%- call.name %>', (input) => ({ value: (input.value * 2) >>> 0 }));
<%_   } _%>
<%_ } _%>
<%_ if (calls.length === 0) { _%>
  void simulator; // the device has no calls yet
<%_ } _%>
}

export function startSimulation(signal: AbortSignal): Simulation {
  const simulator = createSimulator(<%- deviceConst %>);
  answerCalls(simulator);
<%_ for (const channel of channels) { _%>
  simulator.setChannel('<%- channel.name %>', { capacity: RING_CAPACITY });
<%_ } _%>

  let round = 0;
  let next = 0;
  const timer = setInterval(() => {
    round += 1;
    const count = round % 10 === 4 ? BURST : 1;
    // Holding delivery makes the burst land in the rings, which drop (and count) what does not fit.
    if (count > 1) simulator.stall();
    for (let index = 0; index < count; index++, next++) {
<%_ for (const channel of channels) { _%>
<%_   if (channel.shape === 'process') { _%>
      simulator.emitBurst('<%- channel.name %>', [processCreated(next), { kind: 'Exited', data: { processId: BigInt(4000 + next), exitTime: 0n } }]);
<%_   } else { _%>
      simulator.emit('<%- channel.name %>', '<%- channel.kinds[0] %>', { time: 0n, value: next });
<%_   } _%>
<%_ } _%>
    }
    if (count > 1) simulator.release();
  }, ROUND_MS);

  const stop = () => clearInterval(timer);
  signal.addEventListener('abort', stop, { once: true });
  return { backend: simulator.backend, stop };
}
<%_ if (processNotify) { _%>

function processCreated(index: number) {
  const imageName = `C:\\Windows\\System32\\notepad-${index}.exe`;
  return {
    kind: 'Created' as const,
    data: {
      processId: BigInt(4000 + index),
      parentProcessId: 4n,
      creatingProcessId: 4n,
      creatingThreadId: 8n,
      createTime: 0n,
      imageNameLength: imageName.length,
      imageNameState: 'Complete' as const,
      imageName,
    },
  };
}
<%_ } _%>
