/**
 * A driver under Wine as a DeviceTestTarget, through the device bridge: any device, known by its
 * descriptor, built as a test build. Events go in through the test-build emit IOCTL (CoreEmit,
 * the path the driver's own event sources use), the driver's state comes from the test-build
 * state IOCTL, and each "process" is a client process of the bridge proxy (its own completion
 * port), whose crash closes its handles as the system does when a process dies.
 */
import type { DeviceBackendV1, DeviceHandleV1 } from '@inverted-call/backend';
import type { DeviceDescriptorV1 } from '@inverted-call/codec';
import { settleThroughRoundTrips, type DeviceDriverState, type DeviceTestTarget } from '@inverted-call/conformance';
import { STATE_OUTPUT_BYTES, decodeDriverState, encodeTestEmitForEvent, stateIoctlCode, testEmitIoctlCode, type DriverState } from '@inverted-call/driver-template/test-ioctls';
import { connectBridge, type BridgeConnection } from './bridge-client.js';

export interface BridgeDeviceTarget extends DeviceTestTarget {
  /** The process dies abruptly: the system closes its handles, cancelling what they had parked. */
  crash(process: DeviceBackendV1): Promise<void>;
}

async function readState(handle: DeviceHandleV1, deviceType: number): Promise<DriverState> {
  return decodeDriverState((await handle.ioctl(stateIoctlCode(deviceType), null, STATE_OUTPUT_BYTES)).output);
}

/** Connects to the bridge at `address` (INVERTED_CALL_DEVICE_BRIDGE) and opens the device's control handle. */
export async function createBridgeDeviceTarget(descriptor: DeviceDescriptorV1, address: string): Promise<BridgeDeviceTarget> {
  const bridge: BridgeConnection = await connectBridge(address);
  const channels = Object.keys(descriptor.channels);
  const control = await bridge.process('test target').open(descriptor.devicePath, { access: 'read-write' });
  /** Every open handle, by process, and which process opened each of the driver's files. */
  const processes = new Map<DeviceBackendV1, { name: string; handles: Set<DeviceHandleV1> }>();
  const owners = new Map<number, string>();
  /** Our wrapping backend → the bridge's own one (which the bridge's crash takes). */
  const bridgeProcessOf = new Map<DeviceBackendV1, DeviceBackendV1>();

  return {
    name: `${descriptor.name} driver under Wine (device bridge)`,
    descriptor,
    process(name: string): DeviceBackendV1 {
      const real = bridge.process(name);
      const record = { name, handles: new Set<DeviceHandleV1>() };
      const backend: DeviceBackendV1 = {
        specificationVersion: 'v1',
        name: real.name,
        async open(path, options) {
          const handle = await real.open(path, options);
          // The driver names files by id in its state: learn this handle's id to name its owner.
          owners.set((await readState(handle, descriptor.deviceType)).callerFileId, name);
          record.handles.add(handle);
          return {
            path: handle.path,
            access: handle.access,
            ioctl: (code, input, outputLength, ioctlOptions) => handle.ioctl(code, input, outputLength, ioctlOptions),
            close: () => handle.close().finally(() => record.handles.delete(handle)),
          };
        },
      };
      processes.set(backend, record);
      bridgeProcessOf.set(backend, real);
      return backend;
    },
    async emit(channel, kind, data, count = 1) {
      await control.ioctl(testEmitIoctlCode(descriptor.deviceType), encodeTestEmitForEvent(descriptor, channel, kind, data, count), 0);
    },
    async state(): Promise<DeviceDriverState> {
      const state = await readState(control, descriptor.deviceType);
      return {
        openHandles: state.openFiles,
        subscriptions: state.subscriptions.map((entry) => ({
          process: owners.get(entry.fileId) ?? `file ${entry.fileId}`,
          channel: channels[entry.channel] ?? `channel ${entry.channel}`,
          parked: entry.parked,
          ringFill: entry.ringFill,
          dropped: entry.dropped,
          nextSequence: entry.nextSequence,
        })),
      };
    },
    async crash(backend) {
      const record = processes.get(backend);
      if (!record) throw new Error('crash: not a process of this target');
      record.handles.clear(); // gone with the process: nothing more is sent through them
      await bridge.crash(bridgeProcessOf.get(backend)!);
    },
    settle() {
      // Any request that completes at once will do: the state request is in every test build.
      return settleThroughRoundTrips({
        completions: async () => (await readState(control, descriptor.deviceType)).completions,
        async roundTrip() {
          const live = [...processes.values()].flatMap((record) => [...record.handles].slice(0, 1));
          await Promise.all([control, ...live].map((handle) => readState(handle, descriptor.deviceType).catch(() => undefined)));
          return live.length + 1;
        },
      });
    },
    async dispose() {
      await Promise.all([...processes.values()].flatMap((record) => [...record.handles].map((handle) => handle.close().catch(() => undefined))));
      await control.close().catch(() => undefined);
      await bridge.close();
    },
  };
}
