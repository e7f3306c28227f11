/**
 * The simulator as a ConformanceTarget: the conformance device, with handlers standing in for its
 * driver's calls, events sent through `simulator.emit`, and state, crash and settle through the
 * simulator's controls.
 *
 * It imports the built packages by name (the conformance package refers to itself), so that this one
 * file serves the vitest run as it is and the node:test run once compiled to plain JavaScript.
 */
import { DeviceError, type DeviceBackendV1 } from '@inverted-call/backend';
import { conformanceDevice, eventData, type ConformanceChannel, type ConformanceDriverState, type ConformanceTarget } from '@inverted-call/conformance';
import { simulatorDriverState } from '@inverted-call/conformance/simulator';
import { createSimulator, type SimulatedBackend, type Simulator } from '@inverted-call/simulator';

export type ConformanceSimulator = Simulator<typeof conformanceDevice>;

/** Channels by index, as the Inject call's `channel` field numbers them (descriptor order). */
const CHANNEL_NAMES = Object.keys(conformanceDevice.channels) as ConformanceChannel[];

export interface SimulatorTarget extends ConformanceTarget {
  readonly simulator: ConformanceSimulator;
}

export function createSimulatorTarget(): SimulatorTarget {
  // A manual clock: verdict deadlines pass only when a scenario elapses them, exactly.
  const simulator = createSimulator(conformanceDevice, { clock: 'manual' });

  const emitEvents = (channel: ConformanceChannel, kind: string, count: number, firstTag: bigint): void => {
    for (let index = 0; index < count; index++) {
      // The channel and kind are only known at run time here; the simulator checks both.
      simulator.emit(channel, kind as never, eventData(kind, firstTag + BigInt(index)) as never);
    }
  };

  // What the conformance driver implements for its calls: Echo echoes, the counter is one u64 per
  // device, Inject emits through the same path as `emit` below.
  let counter = 0n;
  simulator.handle('Echo', (input) => input);
  simulator.handle('ReadCounter', () => ({ value: counter }));
  simulator.handle('WriteCounter', (input) => {
    counter = input.value;
  });
  simulator.handle('Ping', () => undefined);
  simulator.handle('Inject', (request) => {
    const channel = CHANNEL_NAMES[request.channel];
    const kind = channel && Object.values(conformanceDevice.channels[channel].events).find((event) => event.id === request.kind);
    if (!channel || !kind) throw new DeviceError('ERROR_INVALID_PARAMETER', { detail: `no event kind ${request.kind} on channel ${request.channel}` });
    emitEvents(channel, kind.name, request.count, request.firstTag);
    return { value: BigInt(request.count) };
  });

  return {
    name: 'simulator',
    simulator,
    process: (name: string): DeviceBackendV1 => simulator.createBackend(name),
    emit: async (channel, kind, count, firstTag) => emitEvents(channel, kind, count, firstTag),
    // The conformance device's channels are the only ones its simulator has.
    state: async () => simulatorDriverState(simulator) as ConformanceDriverState,
    crash: (process) => simulator.crash(process),
    ask: async (verdict, question, options = {}) => {
      // The process a backend of this simulator stands for, as the driver would know its id (V7).
      const askerProcessId = options.askerProcess === undefined ? undefined : (options.askerProcess as SimulatedBackend).processId;
      const result = await simulator.ask(verdict, question as never, {
        ...(askerProcessId === undefined ? {} : { askerProcessId }),
        ...(options.cannotWait ? { atPassiveLevel: false } : {}),
      });
      return { outcome: result.outcome, id: result.id, answer: result.answer as unknown as Record<string, unknown> };
    },
    elapse: async (ms) => simulator.advance(ms),
    settle: () => simulator.settle(),
    // A simulator holds no timers or handles of the host once idle: nothing to free.
    dispose: async () => {},
  };
}
