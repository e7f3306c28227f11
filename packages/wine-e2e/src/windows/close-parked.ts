// A client that parks `depth` subscribe requests and then closes its handle with CloseHandle
// alone, without cancelling them first (the Win32 backend always cancels before it closes): the
// driver's cleanup must give every parked request back, completed with STATUS_CANCELLED.
import { FILE_FLAG_OVERLAPPED, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, OPEN_EXISTING, OVERLAPPED_BYTES, loadKoffiWin32Api, readOverlapped } from '@inverted-call/win32';
import { EVENTS, device, report } from './shared.js';

const ERROR_IO_PENDING = 997;
const STATUS_PENDING = 0x103;
const depth = Number(process.argv[2] ?? 2);
const api = await loadKoffiWin32Api();
const handle = api.createFile(device.devicePath, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING, FILE_FLAG_OVERLAPPED);
if (handle === -1n) throw new Error(`CreateFileW failed: ${api.lastError()}`);
const requests = Array.from({ length: depth }, () => {
  const overlapped = api.allocate(OVERLAPPED_BYTES);
  const output = api.allocate(EVENTS.batchBytes);
  const done = api.deviceIoControl(handle, EVENTS.code, null, 0, output, EVENTS.batchBytes, overlapped);
  return { overlapped, parked: !done && api.lastError() === ERROR_IO_PENDING };
});
report({ parked: requests.filter((request) => request.parked).length });
api.closeHandle(handle);
// The kernel writes each request's final status into its OVERLAPPED; the blocks are never freed.
const deadline = Date.now() + 10_000;
const statuses = (): number[] => requests.map((request) => readOverlapped(request.overlapped).status >>> 0);
while (statuses().some((status) => status === STATUS_PENDING) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
report({ closed: true, statuses: statuses() });
