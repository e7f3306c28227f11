/**
 * The built-in protocol-information call (rule R7), made once at open: a driver built from
 * another schema is refused with every difference named, before any event is misread.
 */
import { DeviceError, type DeviceHandleV1 } from '@inverted-call/backend';
import {
  ChannelInfoCodec,
  CodecError,
  PROTOCOL_INFO_BYTES,
  PROTOCOL_VERSION,
  ProtocolInfoCodec,
  channelInfoOffset,
  protocolInfoByteLength,
  schemaHashHex,
  type DeviceDescriptorV1,
  type ChannelInfo,
} from '@inverted-call/codec';
import { ProtocolError, ProtocolMismatchError } from './errors.js';

/** A channel's CHANNEL_INFO as the driver reported it, with the channel's name from the descriptor. */
export interface DriverChannelInfo extends ChannelInfo {
  name: string;
}

export interface DriverProtocolInfo {
  version: number;
  schemaHash: string;
  channels: DriverChannelInfo[];
}

export async function readProtocolInfo(handle: DeviceHandleV1, descriptor: DeviceDescriptorV1): Promise<DriverProtocolInfo> {
  const channels = Object.values(descriptor.channels);
  const expectedBytes = protocolInfoByteLength(channels.length);
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
  const header = ProtocolInfoCodec.decode(output);
  const { version, channelCount } = header;
  const schemaHash = schemaHashHex(header.schemaHash);

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
      try {
        return { name: channel.name, ...ChannelInfoCodec.decode(output, channelInfoOffset(index)) };
      } catch (error) {
        if (error instanceof CodecError) throw new ProtocolError(`${descriptor.name}: channel ${channel.name} reports ${error.reason}`, { cause: error });
        throw error;
      }
    }),
  };
}
