import { describe, expect, it } from 'vitest';
import { CodecError as CodecErrorOfCodec } from '@inverted-call/codec';
import { DeviceError } from '@inverted-call/backend';
import { CallTimeoutError, CodecError, ProtocolError, openDevice } from '../src/index.js';
import { RecordingBackend, type RecordingBackendOptions } from '../src/testing.js';
import { device } from './support.js';

const { Echo, ReadCounter, Ping } = device.calls;

async function open(responses: RecordingBackendOptions['responses'] = {}) {
  const backend = new RecordingBackend({ descriptor: device, responses });
  const opened = await openDevice(device, { backend });
  backend.ioctls.length = 0;
  return { backend, opened };
}

describe('device.call', () => {
  it('encodes the input, sends the code with the output size, and decodes the output', async () => {
    const { backend, opened } = await open({ [Echo.code]: (call) => call.input! });
    const reply = await opened.call.Echo({ value: 7, text: 'hello' });
    expect(reply).toEqual({ value: 7, text: 'hello' });
    expect(backend.ioctls).toHaveLength(1);
    expect(backend.ioctls[0]).toMatchObject({ code: Echo.code, outputLength: Echo.output.size });
    expect(Array.from(backend.ioctls[0]!.input!.subarray(0, 4))).toEqual([7, 0, 0, 0]);
    await opened.close();
  });

  it('sends no input for a call without one, and returns undefined for a call without output', async () => {
    const { backend, opened } = await open({ [Ping.code]: new Uint8Array(0), [ReadCounter.code]: ReadCounter.output.encode({ value: 5n }) });
    await expect(opened.call.Ping()).resolves.toBeUndefined();
    await expect(opened.call.ReadCounter()).resolves.toEqual({ value: 5n });
    expect(backend.ioctls.map((call) => [call.input, call.outputLength])).toEqual([[null, 0], [null, 8]]);
    await opened.close();
  });

  it.each([
    [{ value: -1, text: '' }, 'EchoData.value'],
    [{ value: 1, text: 'x'.repeat(16) }, 'EchoData.text'],
    [{ value: '1', text: '' }, 'EchoData.value'],
    [null, 'EchoData'],
  ])('rejects a bad input before any I/O: %j', async (input, path) => {
    const { backend, opened } = await open({ [Echo.code]: (call) => call.input! });
    const error = await opened.call.Echo(input as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).path).toBe(path);
    expect(backend.ioctls).toHaveLength(0);
    await opened.close();
  });

  it.each([
    [{ value: 1, text: 'hello', extra: 1 }, 'EchoData.extra', 'EchoData has no field "extra"; remove it or use one of value, text'],
    [{ valeu: 1, text: 'hello' }, 'EchoData.valeu', 'EchoData has no field "valeu"; did you mean "value"?'],
  ])('rejects an input with a key the struct does not have before any I/O: %j', async (input, path, message) => {
    const { backend, opened } = await open({ [Echo.code]: (call) => call.input! });
    const error = await opened.call.Echo(input as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodecError);
    expect(error).toMatchObject({ path, message: `${path}: ${message}` });
    expect(backend.ioctls).toHaveLength(0);
    await opened.close();
  });

  it('exports the CodecError class that encoding throws, so a service needs no codec import to catch it', () => {
    expect(CodecError).toBe(CodecErrorOfCodec);
  });

  it('turns a short output into a ProtocolError', async () => {
    const { opened } = await open({ [ReadCounter.code]: new Uint8Array(4) });
    await expect(opened.call.ReadCounter()).rejects.toThrow(ProtocolError);
    await opened.close();
  });

  it('passes the driver error through with its Win32 name', async () => {
    const { opened } = await open({ [ReadCounter.code]: new DeviceError('ERROR_NOT_SUPPORTED') });
    await expect(opened.call.ReadCounter()).rejects.toMatchObject({ name: 'DeviceError', code: 'ERROR_NOT_SUPPORTED', errno: 50 });
    await opened.close();
  });

  it('refuses calls after close without I/O', async () => {
    const { backend, opened } = await open({ [Ping.code]: new Uint8Array(0) });
    await opened.close();
    await expect(opened.call.Ping()).rejects.toMatchObject({ code: 'ERROR_INVALID_HANDLE' });
    expect(backend.ioctls).toHaveLength(0);
  });

  it('works with await using', async () => {
    const backend = new RecordingBackend({ descriptor: device });
    {
      await using opened = await openDevice(device, { backend });
      expect(opened.protocol.version).toBe(2);
    }
    expect(backend.closes).toBe(1);
  });

  describe('timeoutMs', () => {
    const never = () => new Promise<never>(() => {});

    it('cancels exactly the late request and rejects with a CallTimeoutError', async () => {
      const { backend, opened } = await open({ [Echo.code]: never, [ReadCounter.code]: ReadCounter.output.encode({ value: 1n }) });
      const late = opened.call.Echo({ value: 1, text: '' }, { timeoutMs: 20 });
      await expect(opened.call.ReadCounter(undefined, { timeoutMs: 1000 })).resolves.toEqual({ value: 1n });
      const error = await late.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CallTimeoutError);
      expect(error).toMatchObject({ code: 'CALL_TIMEOUT', timeoutMs: 20, operation: `${device.name}.Echo`, cause: { canceled: true } });
      expect(backend.ioctls.map((call) => [call.code, call.signal?.aborted])).toEqual([
        [Echo.code, true],
        [ReadCounter.code, false],
      ]);
      await opened.close();
    });

    it("keeps the caller's own abort a cancellation, not a timeout", async () => {
      const { opened } = await open({ [Echo.code]: never });
      const controller = new AbortController();
      const pending = opened.call.Echo({ value: 1, text: '' }, { timeoutMs: 60_000, signal: controller.signal });
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'DeviceError', canceled: true });
      await opened.close();
    });

    it('refuses a timeout that is not a number of milliseconds, before any I/O', async () => {
      const { backend, opened } = await open({ [Echo.code]: never });
      await expect(opened.call.Echo({ value: 1, text: '' }, { timeoutMs: Number.NaN })).rejects.toThrow('timeoutMs must be a number of milliseconds');
      expect(backend.ioctls).toHaveLength(0);
      await opened.close();
    });
  });
});
