import { describe, expect, it } from 'vitest';
import { DeviceError } from '@inverted-call/backend';
import { ProtocolMismatchError, openDevice } from '../src/index.js';
import { RecordingBackend, encodeProtocolInfo } from '../src/testing.js';
import { freshVerdictInfo, schemaHashBytes, writeProtocolInfo, type VerdictInfo } from '@inverted-call/codec';
import * as codecs from '@inverted-call/conformance-device';
import { device } from './support.js';

function infoWith(change: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const bytes = encodeProtocolInfo(device);
  change(new DataView(bytes.buffer), bytes);
  return bytes;
}

describe('openDevice', () => {
  it('opens the descriptor path with the least access covering the device and asks for protocol info', async () => {
    const backend = new RecordingBackend({ descriptor: device });
    const opened = await openDevice(device, { backend });
    expect(backend.opens).toEqual([{ path: '\\\\.\\ConformanceDevice', access: 'read-write' }]);
    expect(backend.ioctls).toHaveLength(1);
    expect(backend.ioctls[0]).toMatchObject({ code: device.protocolInfoCode, input: null, outputLength: 48 + 3 * 16 + 56 });
    expect(opened.protocol).toEqual({
      version: 2,
      schemaHash: device.schemaHash,
      channels: [
        { name: 'Events', capacity: 8, overflow: 'drop-newest', batchBytes: 512, maxRecordBytes: 264 },
        { name: 'Latest', capacity: 4, overflow: 'drop-oldest', batchBytes: 256, maxRecordBytes: 32 },
        { name: 'Audit', capacity: 16, overflow: 'drop-newest', batchBytes: 128, maxRecordBytes: 32 },
      ],
      verdicts: [{ name: 'Gate', deadlineMs: 500, maxPending: 3, questionBytes: 16, answerBytes: 8, asked: 0n, answered: 0n, timedOut: 0n, defaulted: 0n, refused: 0n }],
    });
    await opened.close();
    expect(backend.closes).toBe(1);
  });

  it('honours an explicit path and access', async () => {
    const backend = new RecordingBackend({ descriptor: device });
    const opened = await openDevice(device, { backend, access: 'read', path: '\\\\.\\Other' });
    expect(backend.opens).toEqual([{ path: '\\\\.\\Other', access: 'read' }]);
    await opened.close();
  });

  it.each([
    ['another schema', (view: DataView) => view.setUint8(8, view.getUint8(8) ^ 0xff), 'schema hash: driver'],
    ['another protocol version', (view: DataView) => view.setUint32(0, 1, true), 'protocol version: driver 1, client 2'],
    ['another channel count', (view: DataView) => view.setUint32(4, 2, true), 'channels: driver has 2, client 3'],
    ['a verdict the client does not know', (view: DataView) => view.setUint32(40, 2, true), 'verdicts: driver has 2, client 1'],
  ])('refuses a driver built from %s, naming the difference, and closes the handle', async (_, change, difference) => {
    const backend = new RecordingBackend({ responses: { [device.protocolInfoCode]: infoWith(change) } });
    const error = await openDevice(device, { backend }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProtocolMismatchError);
    expect((error as ProtocolMismatchError).differences.join('\n')).toContain(difference);
    expect((error as Error).message).toContain('Regenerate the driver header and the TypeScript module from one schema');
    expect(backend.closes).toBe(1);
  });

  it('names the version of a protocol-1 driver, whose answer is shorter than a v2 header', async () => {
    const v1 = new Uint8Array(40);
    new DataView(v1.buffer).setUint32(0, 1, true);
    const backend = new RecordingBackend({ responses: { [device.protocolInfoCode]: v1 } });
    const error = await openDevice(device, { backend }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProtocolMismatchError);
    expect((error as ProtocolMismatchError).differences).toEqual(['protocol version: driver 1, client 2']);
  });

  it('explains a device that does not know the protocol call', async () => {
    const backend = new RecordingBackend({});
    const error = await openDevice(device, { backend }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProtocolMismatchError);
    expect((error as Error).message).toContain('not an inverted-call device');
  });

  it('passes other open failures through as DeviceError', async () => {
    const backend = new RecordingBackend({ responses: { [device.protocolInfoCode]: new DeviceError('ERROR_ACCESS_DENIED') } });
    await expect(openDevice(device, { backend })).rejects.toMatchObject({ code: 'ERROR_ACCESS_DENIED', errno: 5 });
  });

  it('refuses clearly without a backend off Windows, pointing at the simulator', async () => {
    await expect(openDevice(device)).rejects.toThrow(/createSimulator\(descriptor\)\.backend/);
  });

  it('refuses something that is not a descriptor', async () => {
    await expect(openDevice({} as never, { backend: new RecordingBackend() })).rejects.toThrow(TypeError);
  });
});

describe('openDevice with verdicts (protocol v2)', () => {
  const { EchoDataCodec: question, CounterCodec: answer } = codecs;
  const verdict = { name: 'Approve', askCode: 0x9c00e080, replyCode: 0x9c00e084, requiredAccess: 3, question, answer, deadlineMs: 200, maxPending: 8, defaultAnswer: answer.decode(new Uint8Array(answer.size)), minimumOutputBytes: 16 + question.size } as const;
  const withVerdict = { ...device, verdicts: { Approve: verdict } };

  /** The answer of a driver whose verdict table is `change`d from the descriptor's. */
  function driverWith(change: Partial<VerdictInfo>): Uint8Array {
    return writeProtocolInfo(schemaHashBytes(device.schemaHash), Object.values(device.channels), [{ ...freshVerdictInfo(verdict), ...change }]);
  }

  it('reads each verdict\'s VERDICT_INFO, counters included, after the channels', async () => {
    const backend = new RecordingBackend({ responses: { [device.protocolInfoCode]: driverWith({ asked: 5n, answered: 3n, refused: 2n }) } });
    const opened = await openDevice(withVerdict, { backend });
    expect(backend.ioctls[0]).toMatchObject({ outputLength: 48 + 3 * 16 + 56 });
    expect(opened.protocol.verdicts).toEqual([{ name: 'Approve', ...freshVerdictInfo(verdict), asked: 5n, answered: 3n, refused: 2n }]);
    await opened.close();
  });

  it.each([
    ['another deadline', { deadlineMs: 100 }, 'verdict Approve deadlineMs: driver 100, client 200'],
    ['another pending limit', { maxPending: 64 }, 'verdict Approve maxPending: driver 64, client 8'],
    ['another question size', { questionBytes: question.size + 8 }, `verdict Approve question bytes: driver ${question.size + 8}, client ${question.size}`],
    ['another answer size', { answerBytes: 1 }, `verdict Approve answer bytes: driver 1, client ${answer.size}`],
  ])('refuses a driver whose verdict table has %s, and closes the handle', async (_, change, difference) => {
    const backend = new RecordingBackend({ responses: { [device.protocolInfoCode]: driverWith(change) } });
    const error = await openDevice(withVerdict, { backend }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProtocolMismatchError);
    expect((error as ProtocolMismatchError).differences).toEqual([difference]);
    expect(backend.closes).toBe(1);
  });

  it('refuses a driver without the verdict the client knows', async () => {
    const backend = new RecordingBackend({ responses: { [device.protocolInfoCode]: encodeProtocolInfo({ ...device, verdicts: {} }) } });
    const error = await openDevice(withVerdict, { backend }).catch((caught: unknown) => caught);
    expect((error as ProtocolMismatchError).differences).toEqual(['verdicts: driver has 0, client 1']);
  });
});
