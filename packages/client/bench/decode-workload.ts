// The workload of decode.bench.ts: pre-encoded batches of two event sizes, a backend that hands
// them out as fast as the client asks, and the DataView loop one would write by hand over the same
// bytes. Kept apart from the bench so that decode-rounds.ts and profile-decode.ts drive exactly the
// same work.
import { DeviceError, type DeviceBackendV1, type DeviceHandleV1, type IoctlOptions, type IoctlResult } from '@inverted-call/backend';
import type { ChannelDescriptorV1, DeviceDescriptorV1 } from '@inverted-call/codec';
import { openDevice, type Device } from '../src/index.js';
import { processMonitorDevice, type ProcessCreated } from '../../../examples/process-monitor/generated/process-monitor.js';
import { conformanceDevice, type Small } from '@inverted-call/conformance-device';
import { encodeBatch, encodeProtocolInfo, type BatchRecord } from '../src/testing.js';

const BATCH_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

/** What the hand-written loop produces per record: the same shape as a subscription's event item. */
export interface HandItem {
  type: 'event';
  kind: string;
  data: unknown;
  sequence: bigint;
}

export interface Workload {
  /** Title of the bench group, e.g. `Small events (32-byte records)`. */
  readonly title: string;
  readonly device: DeviceDescriptorV1;
  readonly channel: ChannelDescriptorV1;
  readonly batches: readonly Uint8Array[];
  readonly perBatch: number;
  readonly events: number;
  readonly batchBytes: number;
  /** Decodes one batch by hand into `items`. */
  decodeByHand(bytes: Uint8Array, items: HandItem[]): void;
}

export const PER_BATCH = 64;

/** The benchmark's two workloads: about the same time per op for the hand-written loop. */
export function decodeWorkloads(): Workload[] {
  return [smallWorkload(4096, PER_BATCH), processCreatedWorkload(512, PER_BATCH)];
}

function buildBatches(channel: ChannelDescriptorV1, batchCount: number, perBatch: number, record: (index: number) => Omit<BatchRecord, 'sequence'>): Uint8Array[] {
  const batches: Uint8Array[] = [];
  let sequence = 0;
  for (let batch = 0; batch < batchCount; batch++) {
    const records: BatchRecord[] = [];
    for (let index = 0; index < perBatch; index++, sequence++) records.push({ sequence: BigInt(sequence), ...record(sequence) });
    batches.push(encodeBatch(channel, records));
  }
  return batches;
}

// ---- Small: { u64 tag; u32 value; bool8 flag }, 16 bytes, a 32-byte record ----

const EVENTS = conformanceDevice.channels.Events;
const SMALL_KIND = EVENTS.events.Small.id;

function decodeSmallByHand(bytes: Uint8Array, items: HandItem[]): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  let offset = BATCH_HEADER_BYTES;
  for (let index = 0; index < count; index++) {
    const sequence = view.getBigUint64(offset, true);
    const kind = view.getUint16(offset + 8, true);
    const size = view.getUint32(offset + 12, true);
    if (kind !== SMALL_KIND) throw new Error(`hand decoder: unexpected kind ${kind}`);
    const at = offset + RECORD_HEADER_BYTES;
    const data: Small = { tag: view.getBigUint64(at, true), value: view.getUint32(at + 8, true), flag: view.getUint8(at + 12) !== 0 };
    items.push({ type: 'event', kind: 'Small', data, sequence });
    offset += (RECORD_HEADER_BYTES + size + 7) & ~7;
  }
}

export function smallWorkload(batchCount: number, perBatch: number): Workload {
  const batches = buildBatches(EVENTS, batchCount, perBatch, (index) => ({
    kind: 'Small',
    data: { tag: BigInt(index) * 0x1_0000_0001n, value: (index * 2654435761) >>> 0, flag: index % 3 === 0 },
  }));
  return {
    title: `Small events (${EVENTS.events.Small.recordBytes}-byte records)`,
    device: conformanceDevice,
    channel: EVENTS,
    batches,
    perBatch,
    events: batchCount * perBatch,
    batchBytes: batches[0]!.byteLength,
    decodeByHand: decodeSmallByHand,
  };
}

// ---- ProcessCreated: five 64-bit ids and times, a u16, a u8 enum, wchar[260]; 568 bytes, a 584-byte record ----

const PROCESS = processMonitorDevice.channels.Process;
const CREATED_KIND = PROCESS.events.Created.id;
const IMAGE_NAME_UNITS = 260;
const STATE_NAMES: readonly ProcessCreated['imageNameState'][] = ['Complete', 'Truncated', 'Unavailable'];

/** The string as Node decodes it fastest that we know: the whole field at once, cut at the first NUL. */
function decodeProcessCreatedByHand(bytes: Uint8Array, items: HandItem[]): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nodeBytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  let offset = BATCH_HEADER_BYTES;
  for (let index = 0; index < count; index++) {
    const sequence = view.getBigUint64(offset, true);
    const kind = view.getUint16(offset + 8, true);
    const size = view.getUint32(offset + 12, true);
    if (kind !== CREATED_KIND) throw new Error(`hand decoder: unexpected kind ${kind}`);
    const at = offset + RECORD_HEADER_BYTES;
    const state = STATE_NAMES[view.getUint8(at + 42)];
    if (state === undefined) throw new Error(`hand decoder: bad ImageNameState ${view.getUint8(at + 42)}`);
    const field = nodeBytes.toString('utf16le', at + 44, at + 44 + IMAGE_NAME_UNITS * 2);
    const end = field.indexOf('\0');
    const data: ProcessCreated = {
      processId: view.getBigUint64(at, true),
      parentProcessId: view.getBigUint64(at + 8, true),
      creatingProcessId: view.getBigUint64(at + 16, true),
      creatingThreadId: view.getBigUint64(at + 24, true),
      createTime: view.getBigInt64(at + 32, true),
      imageNameLength: view.getUint16(at + 40, true),
      imageNameState: state,
      imageName: end === -1 ? field : field.slice(0, end),
    };
    items.push({ type: 'event', kind: 'Created', data, sequence });
    offset += (RECORD_HEADER_BYTES + size + 7) & ~7;
  }
}

// Image names of realistic and varied lengths, some at the 259-unit limit.
const DIRECTORIES = ['C:\\Windows\\System32\\', 'C:\\Program Files\\Vendor Product\\bin\\', 'D:\\build\\agents\\work\\1\\s\\out\\'];

export function processCreatedWorkload(batchCount: number, perBatch: number): Workload {
  const batches = buildBatches(PROCESS, batchCount, perBatch, (index) => {
    const full = `${DIRECTORIES[index % 3]}${'tool'.repeat(index % 70)}${index}.exe`;
    const data: ProcessCreated = {
      processId: BigInt(4 + index * 4),
      parentProcessId: BigInt(4 + (index >> 1) * 4),
      creatingProcessId: BigInt(4 + (index >> 2) * 4),
      creatingThreadId: BigInt(1000 + index),
      createTime: 133_500_000_000_000_000n + BigInt(index) * 10_000n,
      imageNameLength: full.length,
      imageNameState: full.length > IMAGE_NAME_UNITS - 1 ? 'Truncated' : 'Complete',
      imageName: full.slice(0, IMAGE_NAME_UNITS - 1),
    };
    return { kind: 'Created', data };
  });
  return {
    title: `ProcessCreated events (${PROCESS.events.Created.codec.size}-byte struct, ${PROCESS.events.Created.recordBytes}-byte records)`,
    device: processMonitorDevice,
    channel: PROCESS,
    batches,
    perBatch,
    events: batchCount * perBatch,
    batchBytes: batches[0]!.byteLength,
    decodeByHand: decodeProcessCreatedByHand,
  };
}

/** The parts of a subscription the benchmarks use, whatever the channel's event types. */
export interface ReplaySubscription extends AsyncIterableIterator<unknown> {
  batches(): AsyncIterableIterator<readonly unknown[]>;
}

/** Opens the workload's device on a ReplayBackend of `batches` and subscribes to its channel. */
export async function subscribeToReplay(workload: Workload, batches = workload.batches): Promise<{ device: Device<DeviceDescriptorV1>; subscription: ReplaySubscription }> {
  const device = await openDevice(workload.device, { backend: new ReplayBackend(workload.device, workload.channel, batches) });
  const subscribe = device.subscribe[workload.channel.name] as (options: { batchBytes: number }) => ReplaySubscription;
  return { device, subscription: subscribe({ batchBytes: workload.batchBytes }) };
}

/**
 * A backend whose subscribe requests complete at once, each with the next pre-built batch; once the
 * batches run out, requests stay parked until cancelled, as at a driver with nothing to report.
 * Batches are handed over without a copy: the client only reads them.
 */
export class ReplayBackend implements DeviceBackendV1 {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'replay';

  constructor(
    private readonly device: DeviceDescriptorV1,
    private readonly channel: ChannelDescriptorV1,
    private readonly batches: readonly Uint8Array[],
  ) {}

  async open(path: string, options: { access: DeviceHandleV1['access'] }): Promise<DeviceHandleV1> {
    return new ReplayHandle(path, options.access, encodeProtocolInfo(this.device), this.channel.code, this.batches);
  }
}

class ReplayHandle implements DeviceHandleV1 {
  private next = 0;

  constructor(
    readonly path: string,
    readonly access: DeviceHandleV1['access'],
    private readonly protocolInfo: Uint8Array,
    private readonly subscribeCode: number,
    private readonly batches: readonly Uint8Array[],
  ) {}

  ioctl(code: number, _input: Uint8Array | null, _outputLength: number, options: IoctlOptions = {}): Promise<IoctlResult> {
    // The only other request the client makes here is openDevice's protocol-information call.
    if (code !== this.subscribeCode) return Promise.resolve({ output: this.protocolInfo, bytesReturned: this.protocolInfo.byteLength });
    const batch = this.batches[this.next];
    if (batch !== undefined) {
      this.next++;
      return Promise.resolve({ output: batch, bytesReturned: batch.byteLength });
    }
    return new Promise((_, reject) => {
      const cancel = () => reject(new DeviceError('ERROR_OPERATION_ABORTED', { operation: 'replay backend' }));
      if (options.signal?.aborted) cancel();
      else options.signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  async close(): Promise<void> {}
}
