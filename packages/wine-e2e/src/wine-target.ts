/**
 * The real driver as a ConformanceTarget, for the conformance suite run by Windows node.exe under
 * Wine with the Win32 backend. Events go in through the device's Inject call (CoreEmit, the path
 * the process-notify callback uses); the driver's own account of its state comes from the
 * test-build state IOCTL. Each "process" of a scenario is a Win32 backend of its own (its own
 * completion port); a crash closes its handles as the system does when a process dies, cancelling
 * what they had parked. (Killing a real process is covered separately, in the fault tests.)
 *
 * Verdicts: a question is raised through the test-build ask IOCTL (0xFFB), which asks it on a
 * worker thread of the driver, as kernel code would, and completes once it has settled; the
 * deadlines are real time, so `elapse` sleeps. Scenarios rely on a question being raised before
 * whatever they start after `ask`: every later operation of this target waits until the driver
 * has counted the question (VERDICT_INFO Asked in the protocol information) or answered the IOCTL.
 * The scenario's processes all live in this one node.exe, so for rule V7 the asker's process id is
 * node.exe's only when the asking "process" is itself a decider of the verdict, and an id no
 * process has otherwise.
 */
import { DeviceError, type DeviceBackendV1, type DeviceHandleV1, type IoctlResult, type OpenOptions } from '@inverted-call/backend';
import { VerdictInfoCodec, protocolInfoByteLength, verdictInfoOffset } from '@inverted-call/codec';
import {
  EmitRequestCodec,
  conformanceDevice,
  settleThroughRoundTrips,
  type ConformanceChannel,
  type ConformanceDriverState,
  type ConformanceTarget,
  type ConformanceVerdict,
} from '@inverted-call/conformance';
import { createWin32Backend } from '@inverted-call/win32';
import {
  STATE_OUTPUT_BYTES,
  decodeDriverState,
  decodeTestAskResult,
  encodeTestAskForVerdict,
  stateIoctlCode,
  testAskIoctlCode,
  testAskOutputBytes,
  type DriverState,
} from '@inverted-call/driver-template/test-ioctls';

const CHANNELS = Object.keys(conformanceDevice.channels) as ConformanceChannel[];
const STATE_CODE = stateIoctlCode(conformanceDevice.deviceType);
const ASK_CODE = testAskIoctlCode(conformanceDevice.deviceType);
const VERDICTS = Object.keys(conformanceDevice.verdicts) as ConformanceVerdict[];
const PROTOCOL_INFO_BYTES = protocolInfoByteLength(CHANNELS.length, VERDICTS.length);
/** A process id no process has (ids are multiples of 4 and far smaller): a question raised for no client (V7). */
const NO_PROCESS = 0x7fff_fff1n;
/** How often the target looks whether the driver has counted a question it is raising. */
const COUNTED_POLL_MS = 2;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The driver's Asked counter of one verdict, from the protocol information. */
async function askedOf(handle: DeviceHandleV1, verdictIndex: number): Promise<bigint> {
  const { output } = await handle.ioctl(conformanceDevice.protocolInfoCode, null, PROTOCOL_INFO_BYTES);
  return VerdictInfoCodec.decode(output.subarray(verdictInfoOffset(CHANNELS.length, verdictIndex))).asked;
}

export async function readDriverState(handle: DeviceHandleV1): Promise<DriverState> {
  return decodeDriverState((await handle.ioctl(STATE_CODE, null, STATE_OUTPUT_BYTES)).output);
}

interface TargetProcess {
  readonly name: string;
  readonly backend: DeviceBackendV1;
  readonly handles: Set<DeviceHandleV1>;
  /** The open handles that sent an ask request, by verdict: deciders of it (V1, V7). */
  readonly asking: Map<ConformanceVerdict, Set<DeviceHandleV1>>;
  crashed: boolean;
}

export async function createWineTarget(): Promise<ConformanceTarget> {
  const control = await createWin32Backend().open(conformanceDevice.devicePath, { access: 'read-write' });
  const processes = new Map<DeviceBackendV1, TargetProcess>();
  /** Which process opened each file, by the driver's file id. */
  const owners = new Map<number, string>();
  /** Settles once the question being raised last has been counted: every operation waits for it. */
  let raised: Promise<void> = Promise.resolve();

  const wrap = (name: string): DeviceBackendV1 => {
    const real = createWin32Backend();
    const record: TargetProcess = { name, backend: undefined as unknown as DeviceBackendV1, handles: new Set(), asking: new Map(), crashed: false };
    const backend: DeviceBackendV1 = {
      specificationVersion: 'v1',
      name: 'win32',
      async open(path: string, options: OpenOptions) {
        await raised;
        if (record.crashed) throw new DeviceError('ERROR_INVALID_HANDLE', { operation: `open ${path}`, detail: `process ${name} has crashed` });
        const handle = await real.open(path, options);
        // Ask the driver which file this handle is, so its state can name the owner.
        owners.set((await readDriverState(handle)).callerFileId, name);
        record.handles.add(handle);
        const wrapped: DeviceHandleV1 = {
          path: handle.path,
          access: handle.access,
          async ioctl(code, input, outputLength, ioctlOptions) {
            await raised;
            const verdict = VERDICTS.find((candidate) => conformanceDevice.verdicts[candidate].askCode === code);
            if (verdict) {
              const asking = record.asking.get(verdict) ?? new Set<DeviceHandleV1>();
              record.asking.set(verdict, asking.add(handle));
            }
            return handle.ioctl(code, input, outputLength, ioctlOptions);
          },
          close: () => {
            for (const asking of record.asking.values()) asking.delete(handle);
            return handle.close().finally(() => record.handles.delete(handle));
          },
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
    ask(verdict, question, options = {}) {
      // Taken synchronously, so asks started together are raised in the order they were called,
      // and everything started after this one waits until the driver has counted it.
      const previous = raised;
      let counted!: () => void;
      raised = new Promise<void>((resolve) => (counted = resolve));
      return (async () => {
        let settled: Promise<IoctlResult>;
        try {
          await previous;
          const index = VERDICTS.indexOf(verdict);
          const asker = options.askerProcess === undefined ? undefined : processes.get(options.askerProcess);
          const askerIsDecider = asker !== undefined && [...(asker.asking.get(verdict) ?? [])].some((handle) => asker.handles.has(handle));
          const input = encodeTestAskForVerdict(conformanceDevice, verdict, question, {
            askerProcessId: askerIsDecider ? BigInt(process.pid) : NO_PROCESS,
            ...(options.cannotWait ? { cannotWait: true } : {}),
          });
          const before = await askedOf(control, index);
          settled = control.ioctl(ASK_CODE, input, testAskOutputBytes(conformanceDevice, verdict));
          let completed = false;
          const done = settled.then(
            () => void (completed = true),
            () => void (completed = true),
          );
          while (!completed && (await askedOf(control, index)) === before) await Promise.race([sleep(COUNTED_POLL_MS), done]);
        } finally {
          counted();
        }
        const result = decodeTestAskResult((await settled).output);
        return { outcome: result.outcome, id: result.id, answer: conformanceDevice.verdicts[verdict].answer.decode(result.answer) as unknown as Record<string, unknown> };
      })();
    },
    async elapse(ms) {
      await raised;
      await sleep(ms);
    },
    async crash(backend) {
      await raised;
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
