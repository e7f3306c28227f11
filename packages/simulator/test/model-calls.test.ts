/** Rules R6 (call checks, in the order Windows makes them) and R7 (protocol information) on the model. */
import { describe, expect, it } from 'vitest';
import { DriverModel } from '../src/driver-model.js';
import { decodeProtocolInfo } from '@inverted-call/codec';
import {
  STATUS_ACCESS_DENIED,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED,
  STATUS_SUCCESS,
} from '../src/ntstatus.js';
import {
  CounterCodec,
  EchoDataCodec,
  IOCTL_CONFORMANCE_DEVICE_ECHO,
  IOCTL_CONFORMANCE_DEVICE_PING,
  IOCTL_CONFORMANCE_DEVICE_PROTOCOL_INFO,
  IOCTL_CONFORMANCE_DEVICE_READ_COUNTER,
  IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_AUDIT,
  IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS,
  IOCTL_CONFORMANCE_DEVICE_WRITE_COUNTER,
  READ,
  READ_WRITE,
  WRITE,
  conformanceModel,
  device as conformanceDevice,
  fromHex,
  hex,
} from './helpers.js';

/** Opens handles 1 (read), 2 (write) and 3 (read-write) and returns what one request did. */
function setup() {
  const context = conformanceModel();
  context.model.openHandle(1, READ);
  context.model.openHandle(2, WRITE);
  context.model.openHandle(3, READ_WRITE);
  const outcome = (handleId: number, code: number, outputLength: number, input: Uint8Array | null = null) => {
    const { result } = context.send(handleId, code, outputLength, input);
    return result.disposition === 'completed' ? result.status : result.disposition;
  };
  return { ...context, outcome };
}

describe('R6: access is checked first, from the bits of the IOCTL code, as the I/O manager does', () => {
  it('denies a handle lacking any required bit and lets FILE_ANY_ACCESS through on every handle', () => {
    const { outcome, model } = setup();
    const echoInput = EchoDataCodec.encode({ value: 1, text: 'x' });
    expect([1, 2, 3].map((handle) => outcome(handle, IOCTL_CONFORMANCE_DEVICE_ECHO, 36, echoInput))).toEqual([STATUS_ACCESS_DENIED, STATUS_ACCESS_DENIED, 'dispatched']);
    expect([1, 2, 3].map((handle) => outcome(handle, IOCTL_CONFORMANCE_DEVICE_READ_COUNTER, 8))).toEqual(['dispatched', STATUS_ACCESS_DENIED, 'dispatched']);
    expect([1, 2, 3].map((handle) => outcome(handle, IOCTL_CONFORMANCE_DEVICE_PING, 0))).toEqual(['dispatched', 'dispatched', 'dispatched']);
    expect([1, 2, 3].map((handle) => outcome(handle, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_AUDIT, 56))).toEqual([STATUS_ACCESS_DENIED, 'parked', 'parked']);
    expect(model.trace().filter((entry) => entry.status === STATUS_ACCESS_DENIED).every((entry) => entry.origin === 'io-manager')).toBe(true);
  });

  it('denies before looking at lengths, and even for a code the driver does not know', () => {
    const { outcome } = setup();
    expect(outcome(2, IOCTL_CONFORMANCE_DEVICE_READ_COUNTER, 0, new Uint8Array(3))).toBe(STATUS_ACCESS_DENIED);
    expect(outcome(1, 0x9c00e3fc, 0)).toBe(STATUS_ACCESS_DENIED); // function 0x8FF, read-write bits
    expect(outcome(3, 0x9c00e3fc, 0)).toBe(STATUS_INVALID_DEVICE_REQUEST);
  });
});

describe('R6: unknown codes and lengths', () => {
  it('completes an unknown code with STATUS_INVALID_DEVICE_REQUEST', () => {
    const { outcome } = setup();
    expect(outcome(1, 0x9c006014, 64)).toBe(STATUS_INVALID_DEVICE_REQUEST); // function 0x805, read access
    expect(outcome(3, 0x00220000, 0)).toBe(STATUS_INVALID_DEVICE_REQUEST); // another device type, FILE_ANY_ACCESS
  });

  it('wants exactly the input struct, or no input at all', () => {
    const { outcome } = setup();
    for (const size of [0, 35, 37]) expect(outcome(3, IOCTL_CONFORMANCE_DEVICE_ECHO, 36, size ? new Uint8Array(size) : null)).toBe(STATUS_INVALID_PARAMETER);
    expect(outcome(3, IOCTL_CONFORMANCE_DEVICE_ECHO, 36, new Uint8Array(36))).toBe('dispatched');
    expect(outcome(1, IOCTL_CONFORMANCE_DEVICE_READ_COUNTER, 8, new Uint8Array(1))).toBe(STATUS_INVALID_PARAMETER);
    expect(outcome(1, IOCTL_CONFORMANCE_DEVICE_READ_COUNTER, 8, new Uint8Array(0))).toBe('dispatched'); // an empty buffer is no input
    expect(outcome(2, IOCTL_CONFORMANCE_DEVICE_WRITE_COUNTER, 0, new Uint8Array(16))).toBe(STATUS_INVALID_PARAMETER);
    expect(outcome(2, IOCTL_CONFORMANCE_DEVICE_PING, 0, new Uint8Array(4))).toBe(STATUS_INVALID_PARAMETER);
    expect(outcome(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, 512, new Uint8Array(4))).toBe(STATUS_INVALID_PARAMETER);
  });

  it('wants room for the output struct, checked after the input', () => {
    const { outcome } = setup();
    expect(outcome(3, IOCTL_CONFORMANCE_DEVICE_ECHO, 35, new Uint8Array(36))).toBe(STATUS_BUFFER_TOO_SMALL);
    expect(outcome(3, IOCTL_CONFORMANCE_DEVICE_ECHO, 35, new Uint8Array(35))).toBe(STATUS_INVALID_PARAMETER);
    expect(outcome(1, IOCTL_CONFORMANCE_DEVICE_READ_COUNTER, 7)).toBe(STATUS_BUFFER_TOO_SMALL);
    expect(outcome(1, IOCTL_CONFORMANCE_DEVICE_READ_COUNTER, 4096)).toBe('dispatched');
    expect(outcome(2, IOCTL_CONFORMANCE_DEVICE_WRITE_COUNTER, 0, new Uint8Array(8))).toBe('dispatched'); // no output struct: any length
  });

  it('completes a dispatched call with the bytes written, or none on failure', () => {
    const { model, send } = setup();
    const read = send(1, IOCTL_CONFORMANCE_DEVICE_READ_COUNTER, 64).requestId;
    const ping = send(1, IOCTL_CONFORMANCE_DEVICE_PING, 0).requestId;
    expect(model.completeCall(read, STATUS_SUCCESS, CounterCodec.encode({ value: 42n }))).toBe(true);
    expect(model.completeCall(ping, STATUS_NOT_SUPPORTED, new Uint8Array(4))).toBe(true);
    expect(model.trace().map((entry) => [entry.requestId, entry.status, hex(entry.bytes)])).toEqual([
      [read, STATUS_SUCCESS, '2a00000000000000'],
      [ping, STATUS_NOT_SUPPORTED, ''],
    ]);
    const echo = send(3, IOCTL_CONFORMANCE_DEVICE_ECHO, 36, new Uint8Array(36)).requestId;
    expect(() => model.completeCall(echo, STATUS_SUCCESS, new Uint8Array(37))).toThrow(/do not fit the 36-byte output buffer/);
  });
});

describe('R7: the protocol-information call', () => {
  // Version 2, three channels, the schema hash, one verdict (VerdictCount, Reserved), then CHANNEL_INFO,
  // then the Gate verdict's VERDICT_INFO: deadline 500, maxPending 3, 16 question and 8 answer bytes, counters 0.
  const expected = fromHex(`
    02000000 03000000
    ${conformanceDevice.schemaHash}
    01000000 00000000
    08000000 00000000 00020000 08010000
    04000000 01000000 00010000 20000000
    10000000 00000000 80000000 20000000
    f4010000 03000000 10000000 08000000
    ${'00'.repeat(40)}`);

  it('returns PROTOCOL_INFO and one CHANNEL_INFO per channel in descriptor order, to any handle', () => {
    const { model, send } = setup();
    for (const handleId of [1, 2, 3]) send(handleId, IOCTL_CONFORMANCE_DEVICE_PROTOCOL_INFO, 152);
    send(1, IOCTL_CONFORMANCE_DEVICE_PROTOCOL_INFO, 4096); // a larger buffer gets exactly 152 bytes
    expect(model.trace().map((entry) => [entry.status, hex(entry.bytes)])).toEqual(Array(4).fill([STATUS_SUCCESS, hex(expected)]));
  });

  it('refuses a buffer one byte short, and any input', () => {
    const { outcome } = setup();
    expect(outcome(1, IOCTL_CONFORMANCE_DEVICE_PROTOCOL_INFO, 151)).toBe(STATUS_BUFFER_TOO_SMALL);
    expect(outcome(1, IOCTL_CONFORMANCE_DEVICE_PROTOCOL_INFO, 152, new Uint8Array(1))).toBe(STATUS_INVALID_PARAMETER);
  });
});

describe('injected failures', () => {
  it('fail the next requests with that code after the access check, then stop', () => {
    const { model, outcome } = setup();
    model.injectFailure(IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, STATUS_NOT_SUPPORTED, 2);
    expect(outcome(2, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, 512)).toBe(STATUS_ACCESS_DENIED); // does not use one up
    expect(outcome(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, 8)).toBe(STATUS_NOT_SUPPORTED); // before R1, as the driver never looked
    expect(outcome(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, 512)).toBe(STATUS_NOT_SUPPORTED);
    expect(outcome(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, 512)).toBe('parked');
    expect(() => model.injectFailure(IOCTL_CONFORMANCE_DEVICE_PING, STATUS_NOT_SUPPORTED, 0)).toThrow(RangeError);
  });
});

describe('the model on its own', () => {
  it('is deterministic: the same operations give the same trace, byte for byte', () => {
    const run = () => {
      const { model, subscribeEvents, emitSmall, send } = conformanceModel();
      model.openHandle(1, READ);
      model.openHandle(2, READ_WRITE);
      subscribeEvents(1);
      subscribeEvents(2);
      for (let tag = 0; tag < 12; tag++) emitSmall('Events', tag);
      send(2, IOCTL_CONFORMANCE_DEVICE_PROTOCOL_INFO, 152);
      subscribeEvents(1, 300);
      model.closeHandle(2);
      return model.trace();
    };
    const first = run();
    expect(first.map((entry) => entry.requestId)).toEqual([1, 2, 3, 4]);
    expect(run()).toEqual(first);
  });

  it('refuses requests on handles it does not know and duplicate ids', () => {
    const model = new DriverModel(setup().model.descriptor);
    expect(() => model.submit({ requestId: 1, handleId: 9, code: IOCTL_CONFORMANCE_DEVICE_PING, input: null, outputLength: 0 })).toThrow(/handle 9 is not open/);
    model.openHandle(1, READ);
    expect(() => model.openHandle(1, READ)).toThrow(/already open/);
    expect(() => model.openHandle(2, 0)).toThrow(/access must be 1, 2 or 3/);
    model.submit({ requestId: 1, handleId: 1, code: IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, input: null, outputLength: 512 });
    expect(() => model.submit({ requestId: 1, handleId: 1, code: IOCTL_CONFORMANCE_DEVICE_PING, input: null, outputLength: 0 })).toThrow(/still outstanding/);
  });
});

describe('R7 with verdicts (protocol v2)', () => {
  it('reports one VERDICT_INFO per verdict after the channels, counters 0 until the verdict engine counts', () => {
    const verdict = {
      name: 'Approve', askCode: 0x9c00e080, replyCode: 0x9c00e084, requiredAccess: 3, question: EchoDataCodec, answer: CounterCodec,
      deadlineMs: 200, maxPending: 8, defaultAnswer: CounterCodec.decode(new Uint8Array(CounterCodec.size)), minimumOutputBytes: 16 + EchoDataCodec.size,
    } as const;
    const model = new DriverModel({ ...conformanceDevice, verdicts: { Approve: verdict } });
    model.openHandle(1, READ);
    model.submit({ requestId: 1, handleId: 1, code: IOCTL_CONFORMANCE_DEVICE_PROTOCOL_INFO, input: null, outputLength: 96 + 55 });
    model.submit({ requestId: 2, handleId: 1, code: IOCTL_CONFORMANCE_DEVICE_PROTOCOL_INFO, input: null, outputLength: 96 + 56 });
    const [short, whole] = model.trace();
    expect(short!.status).toBe(STATUS_BUFFER_TOO_SMALL);
    expect(decodeProtocolInfo(whole!.bytes).verdicts).toEqual([
      { deadlineMs: 200, maxPending: 8, questionBytes: EchoDataCodec.size, answerBytes: CounterCodec.size, asked: 0n, answered: 0n, timedOut: 0n, defaulted: 0n, refused: 0n },
    ]);
  });
});
