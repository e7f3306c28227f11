/**
 * Starts the Windows end of the device bridge (windows/bridge-proxy.ts, bundled into
 * dist-windows/bridge-proxy.cjs) in a prefix whose session has the driver loaded, and waits until
 * it accepts connections.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connectBridge } from './bridge-client.js';
import { startWindowsNode, type WindowsNodeProcess } from './node.js';
import { killWindowsProcess } from './process.js';

/** The bundled proxy script: dist-windows/ of this package, seen from dist/ or src/ alike. */
export function bridgeProxyScript(): string {
  const path = fileURLToPath(new URL('../dist-windows/bridge-proxy.cjs', import.meta.url));
  if (!existsSync(path)) throw new Error(`the device bridge proxy is not built (${path}): run the package build (tsup)`);
  return path;
}

/** A free TCP port on 127.0.0.1, as the system hands one out. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface BridgeProxy {
  /** `127.0.0.1:<port>`: what connectBridge and the INVERTED_CALL_DEVICE_BRIDGE variable take. */
  address: string;
  node: WindowsNodeProcess;
  stop(): Promise<void>;
}

/** Starts the proxy once; rejects with what it printed if it exits before it listens. */
async function startOnce(prefix: string, timeoutMs: number): Promise<BridgeProxy> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  // It lives as long as the tests that use it; stop() ends it.
  const node = startWindowsNode(prefix, bridgeProxyScript(), [String(port)], { timeoutMs: 6 * 60 * 60_000 });
  let exited = false;
  void node.done.then(() => (exited = true));
  try {
    const probe = await Promise.race([
      connectBridge(address, { timeoutMs }),
      node.done.then((result) => {
        throw new ProxyExit(result.exitCode, result.stdout, result.stderr);
      }),
    ]);
    await probe.close();
  } catch (error) {
    if (!exited) await killWindowsProcess(node);
    throw error;
  }
  return {
    address,
    node,
    async stop() {
      if (!exited) await killWindowsProcess(node);
    },
  };
}

class ProxyExit extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`the device bridge proxy exited (code ${exitCode}) before it listened:\n${stdout}\n${stderr}`);
  }
}

/**
 * Starts the proxy in `prefix` (its session must be running) and waits until it answers. A
 * node.exe that exits 1 having printed nothing never reached the script (seen rarely on a fresh
 * prefix, as in the bed's own probe): that start is tried once more. Any output is judged as is.
 */
export async function startBridgeProxy(prefix: string, options: { timeoutMs?: number } = {}): Promise<BridgeProxy> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  try {
    return await startOnce(prefix, timeoutMs);
  } catch (error) {
    if (!(error instanceof ProxyExit) || error.exitCode !== 1 || error.stdout !== '' || error.stderr !== '') throw error;
    return startOnce(prefix, timeoutMs);
  }
}
