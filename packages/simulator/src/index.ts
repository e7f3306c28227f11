/**
 * @inverted-call/simulator: the reference model of an inverted-call driver (protocol v1, rules
 * R1-R7 of DESIGN.md section 4, and the verdict rules V1-V9) behind the `DeviceBackendV1`
 * contract, with test controls.
 *
 * - `createSimulator(descriptor, options?)` gives a `Simulator`: `simulator.backend` is a
 *   `DeviceBackendV1` for a client under test; the other members drive the simulated device
 *   (emit events, answer calls, ask verdict questions, move a manual clock, stall delivery, crash
 *   a process, inject errors) and observe it (`state()`, `trace()`, `verdictTrace()`, `settle()`).
 * - `DriverModel` is the synchronous state machine underneath, usable on its own to run a
 *   scenario script and compare its completion trace (`formatTrace`) and verdict trace
 *   (`formatVerdictTrace`) with the C core's; `VerdictTable` is its verdict engine.
 */

export { createSimulator } from './simulator.js';
export type {
  CallHandler,
  CallName,
  ChannelName,
  EmitBurstSummary,
  EmitOutcome,
  EventData,
  EventKindName,
  Simulator,
  SimulatorHandleState,
  SimulatorOptions,
  SimulatorState,
  SimulatorSubscriptionState,
  VerdictName,
  VerdictResult,
} from './simulator-types.js';
export type { SimulatorClock } from './simulator-runtime.js';
export { VerdictTable } from './verdict-table.js';
export type { AskOptions, VerdictAsk, VerdictCounters, VerdictSettlement, VerdictState, VerdictTableOptions } from './verdict-types.js';
export { formatVerdictTrace, type VerdictTraceEntry } from './verdict-trace.js';
export type { SimulatedBackend, SimulatedHandle } from './simulated-backend.js';
export type { CallContext } from './call-runner.js';
export type { Latency } from './delivery-queue.js';

export { DriverModel } from './driver-model.js';
export type {
  ChannelState,
  DriverModelOptions,
  DriverRequest,
  ModelEmitOutcome,
  HandleState,
  ModelState,
  ModelTotals,
  ModelSubscriptionState,
  SubmitResult,
} from './model-types.js';
export type { OfferOutcome } from './subscription.js';
export { formatTrace, type TraceEntry } from './trace.js';
/** A seeded pseudo-random generator, for reproducible test workloads (the simulator's own latency uses it). */
export { seededRandom } from './random.js';
export {
  STATUS_ACCESS_DENIED,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_IO_TIMEOUT,
  STATUS_NOT_FOUND,
  STATUS_NOT_SUPPORTED,
  STATUS_SUCCESS,
  STATUS_UNSUCCESSFUL,
  isNtSuccess,
  ntStatusName,
} from './ntstatus.js';
