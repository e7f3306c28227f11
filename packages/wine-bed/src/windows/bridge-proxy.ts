/**
 * The Windows end of the device bridge (see ../bridge-protocol.ts): run by Windows node.exe under
 * Wine, it listens on 127.0.0.1:<port> and does every open, IOCTL, cancel and close a Linux test
 * process asks for with the real Win32 backend (CreateFileW, overlapped DeviceIoControl, IOCP,
 * CancelIoEx) against the driver Wine has loaded.
 *
 * Usage: node.exe bridge-proxy.cjs <port>. Prints "listening <port>" once it accepts connections.
 */
import { createServer, type Socket } from 'node:net';
import { DeviceError, type DeviceBackendV1, type DeviceHandleV1 } from '@inverted-call/backend';
import { createWin32Backend } from '@inverted-call/win32';
import { decodeBytes, encodeBytes, lineReader, type BridgeError, type BridgeReply, type BridgeRequest } from '../bridge-protocol.js';

interface ProxyProcess {
  backend: DeviceBackendV1;
  handles: Set<number>;
}

function bridgeError(error: unknown): BridgeError {
  if (error instanceof DeviceError) return { errno: error.errno, ntstatus: error.ntstatus, message: error.message };
  return { errno: 0, message: error instanceof Error ? error.message : String(error) };
}

/** One Linux process: its backends ("processes"), handles and IOCTLs in flight. */
function serveConnection(socket: Socket): void {
  const processes = new Map<number, ProxyProcess>();
  const handles = new Map<number, DeviceHandleV1>();
  const inFlight = new Map<number, AbortController>();
  let nextHandle = 1;
  let open = true;

  const reply = (message: BridgeReply) => {
    if (open) socket.write(`${JSON.stringify(message)}\n`);
  };
  const settle = (id: number, work: Promise<Omit<Extract<BridgeReply, { ok: true }>, 'id' | 'ok'>>) => {
    work.then(
      (result) => reply({ id, ok: true, ...result }),
      (error: unknown) => reply({ id, ok: false, error: bridgeError(error) }),
    );
  };
  const processOf = (id: number): ProxyProcess => {
    let found = processes.get(id);
    if (!found) {
      found = { backend: createWin32Backend(), handles: new Set() };
      processes.set(id, found);
    }
    return found;
  };
  const closeHandle = async (id: number) => {
    const handle = handles.get(id);
    if (!handle) throw new DeviceError('ERROR_INVALID_HANDLE', { operation: 'close', detail: `bridge handle ${id} is not open` });
    try {
      await handle.close();
    } finally {
      handles.delete(id);
      for (const record of processes.values()) record.handles.delete(id);
    }
  };

  const handle = (request: BridgeRequest) => {
    switch (request.op) {
      case 'open': {
        const record = processOf(request.process);
        settle(
          request.id,
          record.backend.open(request.path, { access: request.access }).then((opened) => {
            const id = nextHandle++;
            handles.set(id, opened);
            record.handles.add(id);
            return { handle: id };
          }),
        );
        return;
      }
      case 'ioctl': {
        const target = handles.get(request.handle);
        if (!target) {
          reply({ id: request.id, ok: false, error: bridgeError(new DeviceError('ERROR_INVALID_HANDLE', { operation: 'ioctl', detail: `bridge handle ${request.handle} is not open` })) });
          return;
        }
        const controller = new AbortController();
        inFlight.set(request.id, controller);
        // DeviceIoControl runs inside this call: the driver has the request before the next message is read.
        const input = request.input === null ? null : decodeBytes(request.input);
        const result = target.ioctl(request.code, input, request.outputLength, { signal: controller.signal });
        settle(
          request.id,
          result
            .then((done) => ({ output: encodeBytes(done.output) ?? '', bytesReturned: done.bytesReturned }))
            .finally(() => inFlight.delete(request.id)),
        );
        return;
      }
      case 'cancel':
        inFlight.get(request.target)?.abort();
        return;
      case 'close':
        settle(request.id, closeHandle(request.handle).then(() => ({})));
        return;
      case 'crash': {
        const record = processes.get(request.process);
        const ids = record ? [...record.handles] : [];
        settle(request.id, Promise.all(ids.map((id) => closeHandle(id).catch(() => undefined))).then(() => ({})));
        return;
      }
    }
  };

  socket.setNoDelay(true);
  socket.on('data', lineReader<BridgeRequest>(handle));
  const drop = () => {
    if (!open) return;
    open = false;
    // The Linux process is gone: as when a process dies, the system closes its handles.
    for (const id of [...handles.keys()]) void closeHandle(id).catch(() => undefined);
  };
  socket.on('close', drop);
  socket.on('error', drop);
}

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: bridge-proxy <port>');
  process.exit(2);
}
const server = createServer(serveConnection);
server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
