/** R6: calls validate lengths, unknown codes are refused, and the I/O manager enforces the access bits of each code. */
import { ctlCode } from '@inverted-call/codec';
import { check, equal, within } from '../assert.js';
import { CounterCodec, EchoDataCodec, EmitRequestCodec } from '@inverted-call/conformance-device';
import { scenario } from '../scenario.js';
import { calls, eventsIn, expectDeviceError, expectEvents, range, readBatch, subscribeRaw, subscriptionsOf, takeItems, watch } from './support.js';

const DEVICE_TYPE = 0x9c00;
/** CTL_CODE(deviceType, function, METHOD_BUFFERED, access) */
const METHOD_BUFFERED = 0;
const controlCode = (deviceType: number, functionNumber: number, access: number) => ctlCode(deviceType, functionNumber, METHOD_BUFFERED, access);
const echoBytes = (value: number, text: string) => EchoDataCodec.encode({ value, text });

export const callScenarios = [
  scenario('R6', 'Echo returns its input, and exactly its 36 bytes even into a larger buffer', async (context) => {
    const device = await context.client();
    equal(await device.call.Echo({ value: 0xdeadbeef, text: 'hello, driver' }), { value: 0xdeadbeef, text: 'hello, driver' }, 'Echo through the client');
    const handle = await context.raw();
    const result = await handle.ioctl(calls.Echo.code, echoBytes(7, 'raw'), 64);
    equal(result.bytesReturned, 36, 'bytes returned into a 64-byte buffer');
    equal(EchoDataCodec.decode(result.output), { value: 7, text: 'raw' }, 'raw Echo output');
  }),

  scenario('R6', 'WriteCounter then ReadCounter returns the value written, all 64 bits of it', async (context) => {
    const device = await context.client();
    equal(await device.call.WriteCounter({ value: 0x1_0000_0002n }), undefined, 'WriteCounter output');
    equal(await device.call.ReadCounter(), { value: 0x1_0000_0002n }, 'ReadCounter after writing');
    await device.call.WriteCounter({ value: 5n });
    equal(await device.call.ReadCounter(), { value: 5n }, 'ReadCounter after writing again');
  }),

  scenario('R6', 'a read-only handle is denied WriteCounter, Echo, Inject and subscribing to Audit, and may still read', async (context) => {
    const handle = await context.raw('reader', 'read');
    await expectDeviceError(handle.ioctl(calls.WriteCounter.code, CounterCodec.encode({ value: 1n }), 0), 'ERROR_ACCESS_DENIED', 'WriteCounter');
    await expectDeviceError(handle.ioctl(calls.Echo.code, echoBytes(1, 'x'), 36), 'ERROR_ACCESS_DENIED', 'Echo (read and write access)');
    await expectDeviceError(handle.ioctl(calls.Inject.code, EmitRequestCodec.encode({ channel: 0, kind: 1, reserved: 0, count: 1, firstTag: 1n }), 8), 'ERROR_ACCESS_DENIED', 'Inject');
    await expectDeviceError(subscribeRaw(handle, 'Audit'), 'ERROR_ACCESS_DENIED', 'subscribe Audit');
    equal((await handle.ioctl(calls.ReadCounter.code, null, 8)).bytesReturned, 8, 'ReadCounter bytes');
    await context.settle();
    equal(subscriptionsOf(await context.state(), 'reader'), [], 'subscriptions of the read-only handle');
  }),

  scenario('R6', 'a write-only handle is denied ReadCounter and subscribing to Events, and may subscribe to Audit', async (context) => {
    const handle = await context.raw('writer', 'write');
    await expectDeviceError(handle.ioctl(calls.ReadCounter.code, null, 8), 'ERROR_ACCESS_DENIED', 'ReadCounter');
    await expectDeviceError(subscribeRaw(handle, 'Events'), 'ERROR_ACCESS_DENIED', 'subscribe Events');
    const audit = subscribeRaw(handle, 'Audit');
    await context.settle();
    equal(subscriptionsOf(await context.state(), 'writer').map((entry) => [entry.channel, entry.parked]), [['Audit', 1]], 'subscriptions of the write-only handle');
    const tags = await context.emit('Audit', 1);
    expectEvents(readBatch(await within(audit, 'the Audit request'), 'Audit').records, 'Small', tags, 'Audit events');
  }),

  scenario('R6', 'Ping, a FILE_ANY_ACCESS call, succeeds on read-only, write-only and read-write handles', async (context) => {
    for (const access of ['read', 'write', 'read-write'] as const) {
      const handle = await context.raw('client', access);
      const result = await handle.ioctl(calls.Ping.code, null, 0);
      equal(result.bytesReturned, 0, `Ping on a ${access} handle`);
    }
  }),

  scenario('R6', 'an unknown IOCTL code fails with ERROR_INVALID_FUNCTION', async (context) => {
    const handle = await context.raw();
    const unknown = [controlCode(DEVICE_TYPE, 0x7ff, 0), controlCode(DEVICE_TYPE, 0x805, 0), controlCode(DEVICE_TYPE, 0x903, 1), controlCode(0x0022, 0x800, 0)];
    for (const code of unknown) {
      const error = await expectDeviceError(handle.ioctl(code, null, 64), 'ERROR_INVALID_FUNCTION', `IOCTL 0x${code.toString(16)}`);
      equal(error.errno, 1, `IOCTL 0x${code.toString(16)}: Win32 error number`);
    }
  }),

  scenario('R6', 'the access check comes before the driver: an unknown code needing write access is denied to a read-only handle', async (context) => {
    const handle = await context.raw('client', 'read');
    await expectDeviceError(handle.ioctl(controlCode(DEVICE_TYPE, 0x7fe, 2), null, 0), 'ERROR_ACCESS_DENIED', 'unknown write-access code on a read-only handle');
    await expectDeviceError(handle.ioctl(controlCode(DEVICE_TYPE, 0x7fe, 1), null, 0), 'ERROR_INVALID_FUNCTION', 'the same function with read access');
  }),

  scenario('R6', 'call input that is too short, too long or absent fails with ERROR_INVALID_PARAMETER', async (context) => {
    const handle = await context.raw();
    const echo = echoBytes(1, 'x');
    const cases: [string, number, Uint8Array | null, number][] = [
      ['Echo, 35 bytes in', calls.Echo.code, echo.subarray(0, 35), 36],
      ['Echo, 37 bytes in', calls.Echo.code, new Uint8Array(37), 36],
      ['Echo, no input', calls.Echo.code, null, 36],
      ['WriteCounter, 7 bytes in', calls.WriteCounter.code, new Uint8Array(7), 0],
      ['WriteCounter, 16 bytes in', calls.WriteCounter.code, new Uint8Array(16), 0],
      ['WriteCounter, no input', calls.WriteCounter.code, null, 0],
      ['Inject, 23 bytes in', calls.Inject.code, new Uint8Array(23), 8],
    ];
    for (const [what, code, input, outputLength] of cases) {
      const error = await expectDeviceError(handle.ioctl(code, input, outputLength), 'ERROR_INVALID_PARAMETER', what);
      equal(error.errno, 87, `${what}: Win32 error number`);
    }
  }),

  scenario('R6', 'a call without input refuses an input buffer with ERROR_INVALID_PARAMETER', async (context) => {
    const handle = await context.raw();
    await expectDeviceError(handle.ioctl(calls.ReadCounter.code, new Uint8Array(8), 8), 'ERROR_INVALID_PARAMETER', 'ReadCounter with 8 bytes in');
    await expectDeviceError(handle.ioctl(calls.Ping.code, new Uint8Array(4), 0), 'ERROR_INVALID_PARAMETER', 'Ping with 4 bytes in');
  }),

  scenario('R6', 'call output buffers too small fail with ERROR_INSUFFICIENT_BUFFER', async (context) => {
    const handle = await context.raw();
    const cases: [string, number, Uint8Array | null, number][] = [
      ['Echo into 35 bytes', calls.Echo.code, echoBytes(1, 'x'), 35],
      ['Echo into 0 bytes', calls.Echo.code, echoBytes(1, 'x'), 0],
      ['ReadCounter into 7 bytes', calls.ReadCounter.code, null, 7],
      ['ReadCounter into 0 bytes', calls.ReadCounter.code, null, 0],
      ['Inject into 7 bytes', calls.Inject.code, EmitRequestCodec.encode({ channel: 0, kind: 1, reserved: 0, count: 1, firstTag: 1n }), 7],
    ];
    for (const [what, code, input, outputLength] of cases) {
      const error = await expectDeviceError(handle.ioctl(code, input, outputLength), 'ERROR_INSUFFICIENT_BUFFER', what);
      equal(error.errno, 122, `${what}: Win32 error number`);
    }
  }),

  scenario('R6', 'refused calls have no effect: the counter keeps its value and a refused Inject emits nothing', async (context) => {
    const handle = await context.raw();
    await handle.ioctl(calls.WriteCounter.code, CounterCodec.encode({ value: 5n }), 0);
    const tooLong = new Uint8Array(9);
    tooLong.set(CounterCodec.encode({ value: 99n }));
    await expectDeviceError(handle.ioctl(calls.WriteCounter.code, tooLong, 0), 'ERROR_INVALID_PARAMETER', 'WriteCounter with 9 bytes in');
    equal(CounterCodec.decode((await handle.ioctl(calls.ReadCounter.code, null, 8)).output), { value: 5n }, 'counter after the refused write');
    const parked = watch(subscribeRaw(handle, 'Events'));
    await context.settle();
    const inject = EmitRequestCodec.encode({ channel: 0, kind: 1, reserved: 0, count: 3, firstTag: 1n });
    await expectDeviceError(handle.ioctl(calls.Inject.code, inject, 4), 'ERROR_INSUFFICIENT_BUFFER', 'Inject into 4 bytes');
    await context.settle();
    check(!parked.settled, 'a refused Inject emitted an event');
    equal(subscriptionsOf(await context.state(), 'client', 'Events')[0]?.nextSequence, 0n, 'sequence after the refused Inject');
  }),

  scenario('R6', 'a subscribe request with an input buffer fails with ERROR_INVALID_PARAMETER', async (context) => {
    const handle = await context.raw();
    await expectDeviceError(handle.ioctl(context.descriptor.channels.Events.code, new Uint8Array(4), 512), 'ERROR_INVALID_PARAMETER', 'subscribe Events with 4 bytes in');
    await context.settle();
    equal(subscriptionsOf(await context.state(), 'client').reduce((sum, entry) => sum + entry.parked, 0), 0, 'requests parked');
  }),

  scenario('R6', 'Inject emits its events through the driver event path and returns their count', async (context) => {
    const device = await context.client();
    const events = device.subscribe.Events();
    await context.settle();
    equal(await device.call.Inject({ channel: 0, kind: 1, reserved: 0, count: 3, firstTag: 500n }), { value: 3n }, 'Inject of 3 Small');
    equal(await device.call.Inject({ channel: 0, kind: 2, reserved: 0, count: 1, firstTag: 900n }), { value: 1n }, 'Inject of 1 Large');
    const items = eventsIn(await takeItems(events, 4, 'injected events'));
    expectEvents(items.slice(0, 3), 'Small', range(500, 3), 'injected Small events');
    expectEvents(items.slice(3), 'Large', [900n], 'injected Large event');
  }),

  scenario('R6', 'twenty calls in flight at once each get their own answer', async (context) => {
    const device = await context.client();
    const inputs = Array.from({ length: 20 }, (_, index) => ({ value: index * 1000 + 7, text: `call ${index}` }));
    const outputs = await within(Promise.all(inputs.map((input) => device.call.Echo(input))), 'twenty Echo calls');
    equal(outputs, inputs, 'outputs');
  }),
];
