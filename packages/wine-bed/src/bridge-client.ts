/**
 * The Linux end of the device bridge (see bridge-protocol.ts): `connectBridge(address)` gives a
 * connection whose `process(name)` backends are DeviceBackendV1s for tests running in Linux node,
 * each one a client process of the Windows proxy, which does the real Win32 I/O against the driver
 * under Wine. Errors come back as the DeviceError a Windows client would have seen.
 */
import { connect, type Socket } from 'node:net';
import { DeviceError, type AccessMode, type DeviceBackendV1, type DeviceHandleV1, type IoctlOptions, type IoctlResult } from '@inverted-call/backend';
import { decodeBytes, encodeBytes, lineReader, type BridgeError, type BridgeReply, type BridgeRequest } from './bridge-protocol.js';

type Request = BridgeRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface BridgeConnection {
  /** A backend standing for one new client process (its own completion port in the proxy). */
  process(name: string): DeviceBackendV1;
  /** That process dies abruptly: the proxy closes every handle it opened. */
  crash(process: DeviceBackendV1): Promise<void>;
  /** Ends the connection; the proxy closes whatever it still has open for it. */
  close(): Promise<void>;
}

function deviceErrorOf(error: BridgeError, operation: string): Error {
  if (error.errno === 0) return new Error(`${operation}: the bridge proxy failed: ${error.message}`);
  const rebuilt = new DeviceError(error.errno, { operation, ntstatus: error.ntstatus });
  // Keep the proxy's message: it is the one the Win32 backend wrote, with the IOCTL's name in it.
  return Object.assign(rebuilt, { message: error.message });
}

/** Parses `host:port`. */
function parseAddress(address: string): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(address);
  if (!match) throw new Error(`device bridge address "${address}": expected host:port`);
  return { host: match[1]!, port: Number(match[2]) };
}

/** Connects, retrying while the proxy is still starting (up to `timeoutMs`). */
async function openSocket(address: string, timeoutMs: number): Promise<Socket> {
  const { host, port } = parseAddress(address);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host, port }, () => {
          socket.off('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`device bridge at ${address}: no proxy answers (${(error as Error).message}); is \`inverted-call-wine test\` running it?`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function connectBridge(address: string, options: { timeoutMs?: number } = {}): Promise<BridgeConnection> {
  const socket = await openSocket(address, options.timeoutMs ?? 30_000);
  socket.setNoDelay(true);
  // The connection must not keep a finished test process alive.
  socket.unref();
  const waiting = new Map<number, { resolve: (reply: BridgeReply) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let nextProcess = 1;
  let lost: Error | undefined;

  socket.on(
    'data',
    lineReader<BridgeReply>((reply) => {
      const entry = waiting.get(reply.id);
      waiting.delete(reply.id);
      if (waiting.size === 0) socket.unref();
      entry?.resolve(reply);
    }),
  );
  const fail = (error: Error) => {
    lost ??= error;
    for (const entry of waiting.values()) entry.reject(lost);
    waiting.clear();
  };
  socket.on('error', (error) => fail(new Error(`device bridge at ${address}: ${error.message}`, { cause: error })));
  socket.on('close', () => fail(new Error(`device bridge at ${address}: the proxy closed the connection (did the driver's host crash? see the session log)`)));

  const send = (request: Request): { id: number; reply: Promise<BridgeReply> } => {
    const id = nextId++;
    if (lost) return { id, reply: Promise.reject(lost) };
    const reply = new Promise<BridgeReply>((resolve, reject) => waiting.set(id, { resolve, reject }));
    // A request in flight keeps the process alive, as a pending Win32 request would.
    socket.ref();
    socket.write(`${JSON.stringify({ ...request, id })}\n`);
    return { id, reply };
  };
  /** A message with no reply (a cancel: the IOCTL's own reply says how it ended). */
  const post = (request: Request) => {
    if (!lost) socket.write(`${JSON.stringify({ ...request, id: nextId++ })}\n`);
  };
  const expectOk = async (reply: Promise<BridgeReply>, operation: string) => {
    const answer = await reply;
    if (!answer.ok) throw deviceErrorOf(answer.error, operation);
    return answer;
  };

  const processIds = new Map<DeviceBackendV1, number>();
  /** Processes that crashed: their handles are gone, closing one again is a no-op. */
  const crashed = new Set<number>();

  const openHandle = async (processId: number, path: string, access: AccessMode): Promise<DeviceHandleV1> => {
    const opened = await expectOk(send({ op: 'open', process: processId, path, access }).reply, `open ${path}`);
    const id = opened.handle!;
    let closing: Promise<void> | undefined;
    return {
      path,
      access,
      ioctl(code: number, input: Uint8Array | null, outputLength: number, ioctlOptions?: IoctlOptions): Promise<IoctlResult> {
        const operation = `IOCTL 0x${(code >>> 0).toString(16).toUpperCase()}`;
        const signal = ioctlOptions?.signal;
        const sent = send({ op: 'ioctl', handle: id, code, input: encodeBytes(input), outputLength });
        const onAbort = () => post({ op: 'cancel', target: sent.id });
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
        return expectOk(sent.reply, operation)
          .then((answer) => ({ output: decodeBytes(answer.output), bytesReturned: answer.bytesReturned ?? 0 }))
          .finally(() => signal?.removeEventListener('abort', onAbort));
      },
      close() {
        closing ??= crashed.has(processId) ? Promise.resolve() : expectOk(send({ op: 'close', handle: id }).reply, `close ${path}`).then(() => undefined);
        return closing;
      },
    };
  };

  return {
    process(name: string): DeviceBackendV1 {
      const processId = nextProcess++;
      const backend: DeviceBackendV1 = {
        specificationVersion: 'v1',
        name: `win32 under Wine, through the device bridge (${name})`,
        open: (path, openOptions) => openHandle(processId, path, openOptions.access),
      };
      processIds.set(backend, processId);
      return backend;
    },
    async crash(backend: DeviceBackendV1) {
      const processId = processIds.get(backend);
      if (processId === undefined) throw new Error('crash: not a process of this bridge connection');
      crashed.add(processId);
      await expectOk(send({ op: 'crash', process: processId }).reply, 'crash');
    },
    async close() {
      if (socket.destroyed) return;
      await new Promise<void>((resolve) => socket.end(resolve));
      socket.destroy();
    },
  };
}
