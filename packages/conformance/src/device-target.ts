/**
 * What the device-generic scenarios need from the thing under test: any device, known only by its
 * descriptor. The simulator provides it with its controls (`@inverted-call/conformance/simulator`);
 * a real driver built with the test-only IOCTLs provides it too: `emit` through the emit IOCTL
 * (channel index, kind id, count, one encoded payload), `state` through the state IOCTL (0xFFE).
 * Unlike `ConformanceTarget`, nothing here needs a call of the device itself: a user's device has
 * its own calls, and the scenarios never make one that its driver would carry out.
 */
import type { DeviceBackendV1 } from '@inverted-call/backend';
import type { DeviceDescriptorV1 } from '@inverted-call/codec';

export interface DeviceSubscriptionState {
  /**
   * The client process holding it, by the name it was given in `process(name)`. A process name, not
   * a handle index: the simulator knows its processes by these names, and a real driver's state
   * IOCTL reports the owner's process id, which the target maps back to the name it started that
   * process under.
   */
  process: string;
  /** The channel's name, as the descriptor spells it. */
  channel: string;
  /** Subscribe requests waiting in its queue. */
  parked: number;
  /** Events waiting in its ring. */
  ringFill: number;
  /** Events dropped by overflow so far: the DroppedTotal of its next batch. */
  dropped: bigint;
  /** The sequence number the next offered event takes. */
  nextSequence: bigint;
}

export interface DeviceDriverState {
  /** Every handle the driver holds, the target's own control handle included: compare counts, not absolutes. */
  openHandles: number;
  subscriptions: DeviceSubscriptionState[];
}

export interface DeviceTestTarget {
  readonly name: string;
  readonly descriptor: DeviceDescriptorV1;
  /** A backend standing for one new client process named `name`. */
  process(name: string): DeviceBackendV1;
  /**
   * Emits `count` (default 1) events of `kind` on `channel`, each carrying `data`, through the path
   * the driver's own event source uses. Resolves once the driver has offered every one of them to
   * every subscription (R3); the completions they caused may still be on their way (see `settle`).
   */
  emit(channel: string, kind: string, data: Record<string, unknown>, count?: number): Promise<void>;
  /** The driver's own account of its state. */
  state(): Promise<DeviceDriverState>;
  /** Resolves once every completion the driver has made so far has reached its client. */
  settle(): Promise<void>;
  /** Frees everything the target made. */
  dispose(): Promise<void>;
}
