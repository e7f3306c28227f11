import { describe, expect, it } from 'vitest';
import {
  CHANNEL_INFO_BYTES,
  ChannelInfoCodec,
  CodecError,
  PROTOCOL_INFO_BYTES,
  ProtocolInfoCodec,
  channelInfoOffset,
  protocolInfoByteLength,
  schemaHashBytes,
  schemaHashHex,
  writeProtocolInfo,
  type ChannelInfo,
} from '../src/index.js';

const hash = '0123456789abcdef'.repeat(4);
const channels: ChannelInfo[] = [
  { capacity: 8, overflow: 'drop-newest', batchBytes: 512, maxRecordBytes: 264 },
  { capacity: 4, overflow: 'drop-oldest', batchBytes: 256, maxRecordBytes: 32 },
];

describe('protocol information', () => {
  it('is PROTOCOL_INFO then one CHANNEL_INFO per channel, read back by the codecs', () => {
    const bytes = writeProtocolInfo(schemaHashBytes(hash), channels);
    expect(bytes.byteLength).toBe(protocolInfoByteLength(2));
    expect(protocolInfoByteLength(2)).toBe(PROTOCOL_INFO_BYTES + 2 * CHANNEL_INFO_BYTES);
    const info = ProtocolInfoCodec.decode(bytes);
    expect({ ...info, schemaHash: schemaHashHex(info.schemaHash) }).toEqual({ version: 1, channelCount: 2, schemaHash: hash });
    expect(channels.map((_, index) => ChannelInfoCodec.decode(bytes, channelInfoOffset(index)))).toEqual(channels);
  });

  it('lays the fields out as DESIGN.md section 4 says', () => {
    const view = new DataView(writeProtocolInfo(schemaHashBytes(hash), channels).buffer);
    expect([view.getUint32(0, true), view.getUint32(4, true), view.getUint8(8), view.getUint8(39)]).toEqual([1, 2, 0x01, 0xef]);
    expect([0, 4, 8, 12].map((field) => view.getUint32(40 + 16 + field, true))).toEqual([4, 1, 256, 32]);
  });

  it('refuses a CHANNEL_INFO whose overflow code protocol v1 does not define', () => {
    const bytes = ChannelInfoCodec.encode(channels[0]!);
    new DataView(bytes.buffer).setUint32(4, 7, true);
    expect(() => ChannelInfoCodec.decode(bytes)).toThrow(new CodecError('ChannelInfo.overflow', 'unknown overflow policy 7'));
  });

  it('refuses a schema hash that is not 32 bytes', () => {
    expect(() => ProtocolInfoCodec.encode({ version: 1, channelCount: 0, schemaHash: new Uint8Array(31) })).toThrow(CodecError);
    expect(() => schemaHashBytes('abc')).toThrow(/64 hex digits/);
  });
});
