/**
 * The real driver as a ConformanceTarget, for the conformance suite run by Windows node.exe under
 * Wine with the Win32 backend. Events go in through the device's Inject call (CoreEmit, the path
 * the process-notify callback uses); the driver's own account of its state comes from the
 * test-build state IOCTL. Each "process" of a scenario is a Win32 backend of its own (its own
 * completion port); a crash closes its handles as the system does when a process dies, cancelling
 * what they had parked. (Killing a real process is covered separately, in the fault tests.)
 */
import { DeviceError, type DeviceBackendV1, type DeviceHandleV1, type OpenOptions } from '@inverted-call/backend';
import { EmitRequestCodec, conformanceDevice, settleThroughRoundTrips, type ConformanceChannel, type ConformanceDriverState, type ConformanceTarget } from '@inverted-call/conformance';
import { createWin32Backend } from '@inverted-call/win32';
import { STATE_OUTPUT_BYTES, decodeDriverState, stateIoctlCode, type DriverState } from '@inverted-call/driver-template/test-ioctls';

const CHANNELS = Object.keys(conformanceDevice.channels) as ConformanceChannel[];
const STATE_CODE = stateIoctlCode(conformanceDevice.deviceType);

export async function readDriverState(handle: DeviceHandleV1): Promise<DriverState> {
  return decodeDriverState((await handle.ioctl(STATE_CODE, null, STATE_OUTPUT_BYTES)).output);
}

interface TargetProcess {
  readonly name: string;
  readonly backend: DeviceBackendV1;
  readonly handles: Set<DeviceHandleV1>;
  crashed: boolean;
}

export async function createWineTarget(): Promise<ConformanceTarget> {
  const control = await createWin32Backend().open(conformanceDevice.devicePath, { access: 'read-write' });
  const processes = new Map<DeviceBackendV1, TargetProcess>();
  /** Which process opened each file, by the driver's file id. */
  const owners = new Map<number, string>();

  const wrap = (name: string): DeviceBackendV1 => {
    const real = createWin32Backend();
    const record: TargetProcess = { name, backend: undefined as unknown as DeviceBackendV1, handles: new Set(), crashed: false };
    const backend: DeviceBackendV1 = {
      specificationVersion: 'v1',
      name: 'win32',
      async open(path: string, options: OpenOptions) {
        if (record.crashed) throw new DeviceError('ERROR_INVALID_HANDLE', { operation: `open ${path}`, detail: `process ${name} has crashed` });
        const handle = await real.open(path, options);
        // Ask the driver which file this handle is, so its state can name the owner.
        owners.set((await readDriverState(handle)).callerFileId, name);
        record.handles.add(handle);
        const wrapped: DeviceHandleV1 = {
          path: handle.path,
          access: handle.access,
          ioctl: (code, input, outputLength, ioctlOptions) => handle.ioctl(code, input, outputLength, ioctlOptions),
          close: () => handle.close().finally(() => record.handles.delete(handle)),
        };
        return wrapped;
      },
    };
    Object.assign(record, { backend });
    processes.set(backend, record);
    return backend;
  };

  return {
    name: 'wdm driver under wine (win32 backend)',
    process: wrap,
    async emit(channel, kind, count, firstTag) {
      const event = Object.values(conformanceDevice.channels[channel].events).find((candidate) => candidate.name === kind);
      if (!event) throw new Error(`emit: channel ${channel} has no kind ${kind}`);
      const input = EmitRequestCodec.encode({ channel: CHANNELS.indexOf(channel), kind: event.id, reserved: 0, count, firstTag });
      await control.ioctl(conformanceDevice.calls.Inject.code, input, 8);
    },
    async state(): Promise<ConformanceDriverState> {
      const state = await readDriverState(control);
      return {
        openHandles: state.openFiles,
        subscriptions: state.subscriptions.map((entry) => ({
          process: owners.get(entry.fileId) ?? `file ${entry.fileId}`,
          channel: CHANNELS[entry.channel]!,
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
      record.crashed = true;
      const handles = [...record.handles];
      record.handles.clear(); // gone with the process: nothing more is sent through them
      await Promise.all(handles.map((handle) => handle.close()));
    },
    settle() {
      const ping = conformanceDevice.calls.Ping.code;
      return settleThroughRoundTrips({
        completions: async () => (await readDriverState(control)).completions,
        async roundTrip() {
          const live = [...processes.values()].flatMap((record) => [...record.handles].slice(0, 1));
          await Promise.all([control, ...live].map((handle) => handle.ioctl(ping, null, 0).catch(() => undefined)));
          return live.length + 1;
        },
      });
    },
    async dispose() {
      await Promise.all([...processes.values()].flatMap((record) => [...record.handles].map((handle) => handle.close().catch(() => undefined))));
      await control.close();
    },
  };
}
