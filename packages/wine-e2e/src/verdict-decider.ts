/**
 * The verdict benchmark's TypeScript decider: the process monitor's ProcessCreate verdict decided
 * with the client's `decide`, answering allow to every question, as bench/verdict-decider.c does
 * directly against Win32. Takes any backend, so the same code runs against the simulator in the
 * unit test and against the real driver under Wine (src/windows/verdict-decider.ts).
 */
import type { DeviceBackendV1 } from '@inverted-call/backend';
import { openDevice, type DeciderStats } from '@inverted-call/client';
import { processMonitorDevice } from '../../../examples/process-monitor/generated/process-monitor.js';

export { processMonitorDevice };

export interface AllowDecider {
  /** Resolves once the decider's ask requests are at the driver (rule V1: it is a decider). */
  readonly ready: Promise<void>;
  readonly stats: Readonly<DeciderStats>;
  /** Closes the decider and the device; what it did. */
  close(): Promise<DeciderStats>;
}

/** Opens the process monitor on `backend` and decides ProcessCreate with `concurrency` ask requests parked. */
export async function startAllowDecider(backend: DeviceBackendV1, concurrency: number): Promise<AllowDecider> {
  const device = await openDevice(processMonitorDevice, { backend });
  const decider = device.decide.ProcessCreate(() => ({ allow: true }), { concurrency });
  return {
    ready: decider.ready,
    get stats() {
      return decider.stats;
    },
    async close() {
      await decider.close();
      const stats = { ...decider.stats };
      await device.close();
      // A decider that stopped on an error says so here, not as a count that looks fine.
      await decider.closed;
      return stats;
    },
  };
}
