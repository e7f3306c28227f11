/**
 * The built-in protocol-information call (rule R7), made once at open: a driver built from
 * another schema is refused with every difference named, before any event is misread.
 */
import { DeviceError, type DeviceHandleV1 } from '@inverted-call/backend';
import { CHANNEL_INFO_BYTES, PROTOCOL_INFO_BYTES, PROTOCOL_VERSION, SCHEMA_HASH_BYTES, type DeviceDescriptorV1, type OverflowPolicy } from '@inverted-call/codec';
import { ProtocolError, ProtocolMismatchError } from './errors.js';

export interface DriverChannelInfo {
  name: string;
  capacity: number;
  overflow: OverflowPolicy;
  batchBytes: number;
  maxRecordBytes: number;
}

export interface DriverProtocolInfo {
  version: number;
  schemaHash: string;
  channels: DriverChannelInfo[];
}

const OVERFLOW_BY_CODE: Record<number, OverflowPolicy> = { 0: 'drop-newest', 1: 'drop-oldest' };

export async function readProtocolInfo(handle: DeviceHandleV1, descriptor: DeviceDescriptorV1): Promise<DriverProtocolInfo> {
  const channels = Object.values(descriptor.channels);
  const expectedBytes = PROTOCOL_INFO_BYTES + channels.length * CHANNEL_INFO_BYTES;
  let output: Uint8Array;
  try {
    ({ output } = await handle.ioctl(descriptor.protocolInfoCode, null, expectedBytes));
  } catch (error) {
    if (error instanceof DeviceError && error.code === 'ERROR_INVALID_FUNCTION') {
      throw new ProtocolMismatchError(descriptor.name, ['the device does not answer the protocol-information call: it is not an inverted-call device, or its driver predates protocol v1']);
    }
    if (error instanceof DeviceError && (error.code === 'ERROR_INSUFFICIENT_BUFFER' || error.code === 'ERROR_MORE_DATA')) {
      throw new ProtocolMismatchError(descriptor.name, [`the driver's protocol information does not fit ${expectedBytes} bytes: it has more channels than this client (${channels.length})`]);
    }
    throw error;
  }
  if (output.byteLength < PROTOCOL_INFO_BYTES) {
    throw new ProtocolError(`${descriptor.name}: the protocol-information call returned ${output.byteLength} bytes, at least ${PROTOCOL_INFO_BYTES} expected`);
  }
  const view = new DataView(output.buffer, output.byteOffset, output.byteLength);
  const version = view.getUint32(0, true);
  const channelCount = view.getUint32(4, true);
  const schemaHash = Array.from(output.subarray(8, 8 + SCHEMA_HASH_BYTES), (byte) => byte.toString(16).padStart(2, '0')).join('');

  const differences: string[] = [];
  if (version !== PROTOCOL_VERSION) differences.push(`protocol version: driver ${version}, client ${PROTOCOL_VERSION}`);
  if (schemaHash !== descriptor.schemaHash) {
    differences.push(`schema hash: driver ${schemaHash.slice(0, 16)}..., client ${descriptor.schemaHash.slice(0, 16)}... (the wire format differs: an IOCTL code, an event id or a struct layout)`);
  }
  if (channelCount !== channels.length) differences.push(`channels: driver has ${channelCount}, client ${channels.length}`);
  if (differences.length) throw new ProtocolMismatchError(descriptor.name, differences);
  if (output.byteLength < expectedBytes) {
    throw new ProtocolError(`${descriptor.name}: the protocol-information call returned ${output.byteLength} bytes, ${expectedBytes} expected for ${channels.length} channels`);
  }

  return {
    version,
    schemaHash,
    channels: channels.map((channel, index) => {
      const at = PROTOCOL_INFO_BYTES + index * CHANNEL_INFO_BYTES;
      const overflow = OVERFLOW_BY_CODE[view.getUint32(at + 4, true)];
      if (!overflow) throw new ProtocolError(`${descriptor.name}: channel ${channel.name} reports unknown overflow policy ${view.getUint32(at + 4, true)}`);
      return { name: channel.name, capacity: view.getUint32(at, true), overflow, batchBytes: view.getUint32(at + 8, true), maxRecordBytes: view.getUint32(at + 12, true) };
    }),
  };
}
