/** Descriptor checks, the NTSTATUS table against the backend's Win32 table, and the trace format. */
import { DeviceError } from '@inverted-call/backend';
import type { DeviceDescriptorV1 } from '@inverted-call/codec';
import { describe, expect, it } from 'vitest';
import { DriverModel, formatTrace } from '../src/index.js';
import * as status from '../src/ntstatus.js';
import { Ring } from '../src/ring.js';
import { IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, READ, device, smallBytes } from './helpers.js';

/** The conformance descriptor with one change, made through a JSON-like path. */
function broken(change: (copy: any) => void): DeviceDescriptorV1 {
  const copy: any = { ...device, calls: { ...device.calls }, channels: Object.fromEntries(Object.entries(device.channels).map(([name, channel]) => [name, { ...channel, events: { ...channel.events } }])) };
  change(copy);
  return copy as DeviceDescriptorV1;
}

describe('descriptor checks', () => {
  it.each([
    ['a schema hash that is not 64 hex digits', (copy: any) => (copy.schemaHash = 'abc'), /schemaHash must be 64 hex digits/],
    ['access bits that disagree with the code', (copy: any) => (copy.calls.Echo = { ...copy.calls.Echo, requiredAccess: 1 }), /calls\.Echo\.requiredAccess: is 1 but code 0x9C00E000 carries access bits 3/],
    ['a code used twice', (copy: any) => (copy.calls.Ping = { ...copy.calls.Ping, code: copy.channels.Events.code, requiredAccess: 1 }), /0x9C006400 is also used by/],
    ['a minimum output that cannot hold the largest record', (copy: any) => (copy.channels.Events.minimumOutputBytes = 200), /cannot hold a batch header and the largest record \(288\)/],
    ['a record size that disagrees with the struct', (copy: any) => (copy.channels.Latest.events.Small = { ...copy.channels.Latest.events.Small, recordBytes: 24 }), /a record of a 16-byte struct takes 32/],
    ['a key that is not the name', (copy: any) => (copy.channels.Audit.name = 'Other'), /channels\.Audit\.name: must equal its key/],
    ['a protocol-information code that needs access', (copy: any) => (copy.protocolInfoCode = 0x9c007ffc), /must be FILE_ANY_ACCESS/],
  ])('refuses %s, naming where and what to do', (_name, change, message) => {
    expect(() => new DriverModel(broken(change))).toThrow(message);
    expect(() => new DriverModel(broken(change))).toThrow(/regenerate the device module/);
  });
});

describe('NTSTATUS values', () => {
  it.each([
    ['STATUS_UNSUCCESSFUL', status.STATUS_UNSUCCESSFUL, 'ERROR_GEN_FAILURE'],
    ['STATUS_INVALID_PARAMETER', status.STATUS_INVALID_PARAMETER, 'ERROR_INVALID_PARAMETER'],
    ['STATUS_INVALID_DEVICE_REQUEST', status.STATUS_INVALID_DEVICE_REQUEST, 'ERROR_INVALID_FUNCTION'],
    ['STATUS_ACCESS_DENIED', status.STATUS_ACCESS_DENIED, 'ERROR_ACCESS_DENIED'],
    ['STATUS_BUFFER_TOO_SMALL', status.STATUS_BUFFER_TOO_SMALL, 'ERROR_INSUFFICIENT_BUFFER'],
    ['STATUS_NOT_SUPPORTED', status.STATUS_NOT_SUPPORTED, 'ERROR_NOT_SUPPORTED'],
    ['STATUS_CANCELLED', status.STATUS_CANCELLED, 'ERROR_OPERATION_ABORTED'],
    ['STATUS_NOT_FOUND', status.STATUS_NOT_FOUND, 'ERROR_NOT_FOUND'],
    ['STATUS_IO_TIMEOUT', status.STATUS_IO_TIMEOUT, 'ERROR_SEM_TIMEOUT'],
    ['STATUS_INVALID_DEVICE_STATE', status.STATUS_INVALID_DEVICE_STATE, 'ERROR_BAD_COMMAND'],
  ])('%s reaches user mode as the Win32 error the contract names', (name, value, win32) => {
    expect(status.ntStatusName(value)).toBe(name);
    expect(DeviceError.fromNtStatus(value).code).toBe(win32);
    expect(status.isNtSuccess(value)).toBe(false);
  });

  it('counts success and informational codes as success, warnings as failure', () => {
    expect([0, 0x00000103, 0x40000000, 0x80000005].map(status.isNtSuccess)).toEqual([true, true, true, false]);
    expect(status.ntStatusName(0xc0001234)).toBe('0xC0001234');
  });
});

describe('formatTrace', () => {
  it('prints one stable line per completion', () => {
    const model = new DriverModel(device);
    model.openHandle(1, READ);
    model.submit({ requestId: 5, handleId: 1, code: IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, input: null, outputLength: 10 });
    model.submit({ requestId: 6, handleId: 1, code: IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, input: null, outputLength: 512 });
    model.submit({ requestId: 7, handleId: 1, code: 0x9c00a014, input: null, outputLength: 0 });
    model.emit('Events', 1, smallBytes(3));
    expect(formatTrace(model.trace())).toBe([
      '0 request=5 handle=1 code=0x9C006400 status=0xC0000023 STATUS_BUFFER_TOO_SMALL bytes=0',
      '1 request=7 handle=1 code=0x9C00A014 status=0xC0000022 STATUS_ACCESS_DENIED (io-manager) bytes=0',
      `2 request=6 handle=1 code=0x9C006400 status=0x00000000 STATUS_SUCCESS bytes=56 ${[
        '02000000', '01000000', '38000000', '01000000', '0000000000000000', // batch header (version 2), Flags RING_EMPTY
        '0000000000000000', '0100', '0000', '10000000', // record header
        '0300000000000000', '00000000', '00', '000000', // Small
      ].join('')}`,
    ].join('\n'));
    expect(model.trace().map((entry) => entry.index)).toEqual([0, 1, 2]);
  });
});

describe('Ring', () => {
  it('is a FIFO that wraps around and refuses to overfill', () => {
    const ring = new Ring(2);
    const record = (sequence: bigint) => ({ sequence, kindId: 1, payload: new Uint8Array(0) });
    ring.push(record(0n));
    ring.push(record(1n));
    expect(() => ring.push(record(2n))).toThrow(/full ring/);
    expect(ring.shift()?.sequence).toBe(0n);
    ring.push(record(2n));
    expect([ring.shift()?.sequence, ring.shift()?.sequence, ring.shift()]).toEqual([1n, 2n, undefined]);
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});
