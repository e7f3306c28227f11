import { describe, expect, it } from 'vitest';
import {
  CHANNEL_INFO_BYTES,
  ChannelInfoCodec,
  CodecError,
  PROTOCOL_INFO_BYTES,
  PROTOCOL_VERSION,
  ProtocolInfoCodec,
  VERDICT_INFO_BYTES,
  VerdictInfoCodec,
  WireFormatError,
  channelInfoOffset,
  decodeProtocolInfo,
  freshVerdictInfo,
  protocolInfoByteLength,
  schemaHashBytes,
  schemaHashHex,
  verdictInfoOffset,
  writeProtocolInfo,
  type ChannelInfo,
  type VerdictInfo,
} from '../src/index.js';

const hash = '0123456789abcdef'.repeat(4);
const channels: ChannelInfo[] = [
  { capacity: 8, overflow: 'drop-newest', batchBytes: 512, maxRecordBytes: 264 },
  { capacity: 4, overflow: 'drop-oldest', batchBytes: 256, maxRecordBytes: 32 },
];
const verdicts: VerdictInfo[] = [
  { deadlineMs: 200, maxPending: 64, questionBytes: 576, answerBytes: 4, asked: 10n, answered: 6n, timedOut: 1n, defaulted: 2n, refused: 1n },
  // Counters past 2^53 must survive: they are UINT64 on the wire and bigint here.
  { deadlineMs: 5000, maxPending: 1, questionBytes: 8, answerBytes: 1, asked: (1n << 64n) - 1n, answered: 1n << 60n, timedOut: 0n, defaulted: 0n, refused: 3n },
];

describe('protocol information v2', () => {
  it('is PROTOCOL_INFO, one CHANNEL_INFO per channel, then one VERDICT_INFO per verdict, read back by the codecs', () => {
    const bytes = writeProtocolInfo(schemaHashBytes(hash), channels, verdicts);
    expect(bytes.byteLength).toBe(protocolInfoByteLength(2, 2));
    expect(protocolInfoByteLength(2, 2)).toBe(PROTOCOL_INFO_BYTES + 2 * CHANNEL_INFO_BYTES + 2 * VERDICT_INFO_BYTES);
    const info = ProtocolInfoCodec.decode(bytes);
    expect({ ...info, schemaHash: schemaHashHex(info.schemaHash) }).toEqual({ version: 2, channelCount: 2, schemaHash: hash, verdictCount: 2 });
    expect(channels.map((_, index) => ChannelInfoCodec.decode(bytes, channelInfoOffset(index)))).toEqual(channels);
    expect(verdicts.map((_, index) => VerdictInfoCodec.decode(bytes, verdictInfoOffset(2, index)))).toEqual(verdicts);
    expect(decodeProtocolInfo(bytes)).toEqual({ version: PROTOCOL_VERSION, schemaHash: hash, channels, verdicts });
  });

  it('lays the fields out as the design says', () => {
    expect([PROTOCOL_VERSION, PROTOCOL_INFO_BYTES, CHANNEL_INFO_BYTES, VERDICT_INFO_BYTES]).toEqual([2, 48, 16, 56]);
    const view = new DataView(writeProtocolInfo(schemaHashBytes(hash), channels, verdicts).buffer);
    // Header: Version, ChannelCount, Hash[32], VerdictCount, Reserved.
    expect([view.getUint32(0, true), view.getUint32(4, true), view.getUint8(8), view.getUint8(39), view.getUint32(40, true), view.getUint32(44, true)]).toEqual([2, 2, 0x01, 0xef, 2, 0]);
    expect([0, 4, 8, 12].map((field) => view.getUint32(48 + 16 + field, true))).toEqual([4, 1, 256, 32]);
    const first = 48 + 2 * 16;
    expect([0, 4, 8, 12].map((field) => view.getUint32(first + field, true))).toEqual([200, 64, 576, 4]);
    expect([16, 24, 32, 40, 48].map((field) => view.getBigUint64(first + field, true))).toEqual([10n, 6n, 1n, 2n, 1n]);
    expect(view.getBigUint64(first + 56 + 16, true)).toBe((1n << 64n) - 1n);
  });

  it('without channels, the VERDICT_INFO entries follow the header directly', () => {
    const bytes = writeProtocolInfo(schemaHashBytes(hash), [], verdicts.slice(0, 1));
    expect(bytes.byteLength).toBe(48 + 56);
    expect(verdictInfoOffset(0, 0)).toBe(48);
    expect(decodeProtocolInfo(bytes).verdicts).toEqual(verdicts.slice(0, 1));
  });

  it('refuses a CHANNEL_INFO whose overflow code the protocol does not define', () => {
    const bytes = ChannelInfoCodec.encode(channels[0]!);
    new DataView(bytes.buffer).setUint32(4, 7, true);
    expect(() => ChannelInfoCodec.decode(bytes)).toThrow(new CodecError('ChannelInfo.overflow', 'unknown overflow policy 7'));
  });

  it('refuses a schema hash that is not 32 bytes', () => {
    expect(() => ProtocolInfoCodec.encode({ version: 2, channelCount: 0, schemaHash: new Uint8Array(31), verdictCount: 0 })).toThrow(CodecError);
    expect(() => schemaHashBytes('abc')).toThrow(/64 hex digits/);
  });
});

describe('decodeProtocolInfo refuses what contradicts its header', () => {
  const whole = () => writeProtocolInfo(schemaHashBytes(hash), channels, verdicts);

  it('a buffer shorter than the header', () => {
    expect(() => decodeProtocolInfo(whole().slice(0, PROTOCOL_INFO_BYTES - 1))).toThrow(new WireFormatError(`protocol information of 47 bytes is shorter than its 48-byte header`));
  });

  it('a buffer one VERDICT_INFO byte short, or one byte long', () => {
    const bytes = whole();
    expect(() => decodeProtocolInfo(bytes.slice(0, bytes.byteLength - 1))).toThrow(/but 2 channels and 2 verdicts take 192/);
    const longer = new Uint8Array(bytes.byteLength + 1);
    longer.set(bytes);
    expect(() => decodeProtocolInfo(longer)).toThrow(WireFormatError);
  });

  it('a verdict count the bytes do not hold', () => {
    const bytes = whole();
    new DataView(bytes.buffer).setUint32(40, 3, true);
    expect(() => decodeProtocolInfo(bytes)).toThrow(/2 channels and 3 verdicts take 248/);
  });

  it('a version-1 answer (no verdict count)', () => {
    const bytes = whole();
    new DataView(bytes.buffer).setUint32(0, 1, true);
    expect(() => decodeProtocolInfo(bytes)).toThrow(new WireFormatError('protocol information of version 1, expected 2'));
  });

  it('an unknown overflow code in a CHANNEL_INFO', () => {
    const bytes = whole();
    new DataView(bytes.buffer).setUint32(channelInfoOffset(1) + 4, 9, true);
    expect(() => decodeProtocolInfo(bytes)).toThrow(CodecError);
  });

  it('a VERDICT_INFO read past the end of its buffer', () => {
    expect(() => VerdictInfoCodec.decode(new Uint8Array(VERDICT_INFO_BYTES - 1))).toThrow(/needs 56 bytes at offset 0/);
  });
});

describe('freshVerdictInfo', () => {
  it('is the verdict\'s table entry with every counter 0', () => {
    const codec = (size: number) => ({ size }) as never;
    expect(freshVerdictInfo({ deadlineMs: 200, maxPending: 64, question: codec(568), answer: codec(4) })).toEqual({
      deadlineMs: 200, maxPending: 64, questionBytes: 568, answerBytes: 4, asked: 0n, answered: 0n, timedOut: 0n, defaulted: 0n, refused: 0n,
    });
  });
});
