import { describe, expect, it } from 'vitest';
import { DeviceError } from '@inverted-call/backend';
import { ProtocolMismatchError, openDevice } from '../src/index.js';
import { RecordingBackend, encodeProtocolInfo } from '../src/testing.js';
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
    expect(backend.ioctls[0]).toMatchObject({ code: device.protocolInfoCode, input: null, outputLength: 40 + 3 * 16 });
    expect(opened.protocol).toEqual({
      version: 1,
      schemaHash: device.schemaHash,
      channels: [
        { name: 'Events', capacity: 8, overflow: 'drop-newest', batchBytes: 512, maxRecordBytes: 264 },
        { name: 'Latest', capacity: 4, overflow: 'drop-oldest', batchBytes: 256, maxRecordBytes: 32 },
        { name: 'Audit', capacity: 16, overflow: 'drop-newest', batchBytes: 128, maxRecordBytes: 32 },
      ],
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
    ['another protocol version', (view: DataView) => view.setUint32(0, 2, true), 'protocol version: driver 2, client 1'],
    ['another channel count', (view: DataView) => view.setUint32(4, 2, true), 'channels: driver has 2, client 3'],
  ])('refuses a driver built from %s, naming the difference, and closes the handle', async (_, change, difference) => {
    const backend = new RecordingBackend({ responses: { [device.protocolInfoCode]: infoWith(change) } });
    const error = await openDevice(device, { backend }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProtocolMismatchError);
    expect((error as ProtocolMismatchError).differences.join('\n')).toContain(difference);
    expect((error as Error).message).toContain('Regenerate the driver header and the TypeScript module from one schema');
    expect(backend.closes).toBe(1);
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
