/**
 * The built-in protocol-information call (rule R7), made once at open: a driver built from
 * another schema is refused with every difference named, before any event is misread. Protocol v2
 * adds the verdict table: a driver whose verdicts differ from the descriptor's (count, deadline,
 * pending limit or struct sizes) is refused the same way.
 */
import { DeviceError, type DeviceHandleV1 } from '@inverted-call/backend';
import {
  ChannelInfoCodec,
  CodecError,
  PROTOCOL_INFO_BYTES,
  PROTOCOL_VERSION,
  ProtocolInfoCodec,
  VerdictInfoCodec,
  channelInfoOffset,
  protocolInfoByteLength,
  schemaHashHex,
  verdictInfoOffset,
  type ChannelInfo,
  type DeviceDescriptorV1,
  type VerdictDescriptorV1,
  type VerdictInfo,
} from '@inverted-call/codec';
import { ProtocolError, ProtocolMismatchError } from './errors.js';

/** A channel's CHANNEL_INFO as the driver reported it, with the channel's name from the descriptor. */
export interface DriverChannelInfo extends ChannelInfo {
  name: string;
}

/** A verdict's VERDICT_INFO as the driver reported it (counters at open), with its name from the descriptor. */
export interface DriverVerdictInfo extends VerdictInfo {
  name: string;
}

export interface DriverProtocolInfo {
  version: number;
  schemaHash: string;
  channels: DriverChannelInfo[];
  verdicts: DriverVerdictInfo[];
}

/** The first word of every protocol-information answer, of any version. */
const VERSION_BYTES = 4;

export async function readProtocolInfo(handle: DeviceHandleV1, descriptor: DeviceDescriptorV1): Promise<DriverProtocolInfo> {
  const channels = Object.values(descriptor.channels);
  const verdicts = Object.values(descriptor.verdicts);
  const expectedBytes = protocolInfoByteLength(channels.length, verdicts.length);
  let output: Uint8Array;
  try {
    ({ output } = await handle.ioctl(descriptor.protocolInfoCode, null, expectedBytes));
  } catch (error) {
    if (error instanceof DeviceError && error.code === 'ERROR_INVALID_FUNCTION') {
      throw new ProtocolMismatchError(descriptor.name, ['the device does not answer the protocol-information call: it is not an inverted-call device, or its driver predates protocol v1']);
    }
    if (error instanceof DeviceError && (error.code === 'ERROR_INSUFFICIENT_BUFFER' || error.code === 'ERROR_MORE_DATA')) {
      throw new ProtocolMismatchError(descriptor.name, [`the driver's protocol information does not fit ${expectedBytes} bytes: it has more channels or verdicts than this client (${channels.length} channels, ${verdicts.length} verdicts)`]);
    }
    throw error;
  }
  // Another version's header may be shorter (v1's has no verdict count): name the version first.
  if (output.byteLength >= VERSION_BYTES) {
    const version = new DataView(output.buffer, output.byteOffset, output.byteLength).getUint32(0, true);
    if (version !== PROTOCOL_VERSION) throw new ProtocolMismatchError(descriptor.name, [`protocol version: driver ${version}, client ${PROTOCOL_VERSION}`]);
  }
  if (output.byteLength < PROTOCOL_INFO_BYTES) {
    throw new ProtocolError(`${descriptor.name}: the protocol-information call returned ${output.byteLength} bytes, at least ${PROTOCOL_INFO_BYTES} expected`);
  }
  const header = ProtocolInfoCodec.decode(output);
  const { version, channelCount, verdictCount } = header;
  const schemaHash = schemaHashHex(header.schemaHash);

  const differences: string[] = [];
  if (schemaHash !== descriptor.schemaHash) {
    differences.push(`schema hash: driver ${schemaHash.slice(0, 16)}..., client ${descriptor.schemaHash.slice(0, 16)}... (the wire format differs: an IOCTL code, an event id, a struct layout or a verdict)`);
  }
  if (channelCount !== channels.length) differences.push(`channels: driver has ${channelCount}, client ${channels.length}`);
  if (verdictCount !== verdicts.length) differences.push(`verdicts: driver has ${verdictCount}, client ${verdicts.length}`);
  if (differences.length) throw new ProtocolMismatchError(descriptor.name, differences);
  if (output.byteLength < expectedBytes) {
    throw new ProtocolError(`${descriptor.name}: the protocol-information call returned ${output.byteLength} bytes, ${expectedBytes} expected for ${channels.length} channels and ${verdicts.length} verdicts`);
  }

  const driverVerdicts = verdicts.map((verdict, index) => ({ name: verdict.name, ...VerdictInfoCodec.decode(output, verdictInfoOffset(channels.length, index)) }));
  differences.push(...driverVerdicts.flatMap((reported, index) => verdictDifferences(verdicts[index]!, reported)));
  if (differences.length) throw new ProtocolMismatchError(descriptor.name, differences);

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
    verdicts: driverVerdicts,
  };
}

/** Where the driver's table disagrees with the descriptor's verdict (the hash should have caught it; a broken driver may not). */
function verdictDifferences(verdict: VerdictDescriptorV1, reported: VerdictInfo): string[] {
  const pairs: [string, number, number][] = [
    ['deadlineMs', reported.deadlineMs, verdict.deadlineMs],
    ['maxPending', reported.maxPending, verdict.maxPending],
    ['question bytes', reported.questionBytes, verdict.question.size],
    ['answer bytes', reported.answerBytes, verdict.answer.size],
  ];
  return pairs.filter(([, driver, client]) => driver !== client).map(([what, driver, client]) => `verdict ${verdict.name} ${what}: driver ${driver}, client ${client}`);
}
