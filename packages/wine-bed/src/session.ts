/**
 * A session: one wineserver for the prefix, held alive with `wineserver -p`, so services.exe and
 * the driver hosts (winedevice.exe) stay loaded across several node.exe runs. Without it the
 * server exits shortly after the last Wine process and takes the drivers with it; the next Wine
 * process then starts a new session, which loads the Start=2 drivers again.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { waitForDriver } from './driver.js';
import { READY_MARKER, stopWineserver } from './prefix.js';
import { assertOk, ensureWine, runWineserver, wineEnvironment, type ToolResult } from './wine.js';

/** The line that opens each session's part of the session log. */
export const SESSION_START_MARKER = '== session started';

export interface SessionOptions {
  /** Driver services to wait for (RUNNING) before returning. */
  drivers?: readonly string[];
  /**
   * WINEDEBUG for the process that starts the session, which services.exe and the driver hosts
   * inherit: '+debugstr' makes the drivers' DbgPrint appear in the session log. Default '-all'.
   */
  wineDebug?: string;
  /**
   * How long the server stays after the last Wine process exits, in seconds: Infinity for plain
   * `wineserver -p` (until stopSession). Default 600, so a test run that dies before its cleanup
   * does not leave a server behind for good.
   */
  persistSeconds?: number;
  timeoutMs?: number;
}

export interface WineSession {
  prefixDir: string;
  /** stdout/stderr of services.exe and the driver hosts (DbgPrint with wineDebug '+debugstr'). */
  logPath: string;
  durationMs: number;
  stop(): Promise<void>;
}

/**
 * Starts a fresh session: any server of the prefix is stopped first (so every Start=2 driver is
 * loaded anew), then a persistent one is started and a first Wine process boots the session with
 * its stdio going to the session log. Waits for `drivers` to be RUNNING.
 */
export async function startSession(prefixDir: string, options: SessionOptions = {}): Promise<WineSession> {
  const started = Date.now();
  const { wine64 } = ensureWine();
  if (!existsSync(join(prefixDir, READY_MARKER))) throw new Error(`${prefixDir} is not a ready Wine bed prefix: call createPrefix first`);
  await stopWineserver(prefixDir);

  const persist = options.persistSeconds ?? 600;
  const persistArg = persist === Infinity ? '-p' : `-p${Math.max(0, Math.round(persist))}`;
  // wineserver forks into the background once its socket is ready; this call returns then.
  assertOk(`wineserver ${persistArg}`, await runWineserver(prefixDir, [persistArg]));

  const logDir = join(prefixDir, 'wine-bed');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, 'session.log');
  appendFileSync(logPath, `\n${SESSION_START_MARKER} ${new Date().toISOString()} (WINEDEBUG=${options.wineDebug ?? '-all'})\n`);
  const boot = await runWithLog(
    wine64,
    ['reg', 'query', 'HKCU\\Software\\Wine', '/v', 'Version'],
    wineEnvironment(prefixDir, { WINEDEBUG: options.wineDebug ?? '-all' }),
    prefixDir,
    logPath,
    options.timeoutMs ?? 60_000,
  );
  if (boot.status !== 0) throw new Error(`booting the Wine session failed (exit ${boot.status ?? boot.signal}); see ${logPath}`);
  for (const driver of options.drivers ?? []) await waitForDriver(prefixDir, driver, options.timeoutMs ?? 30_000);
  return { prefixDir, logPath, durationMs: Date.now() - started, stop: () => stopSession(prefixDir) };
}

/** Ends the session: `wineserver -k` (every Wine process of the prefix dies), then waits for the server to go. */
export async function stopSession(prefixDir: string): Promise<void> {
  await stopWineserver(prefixDir);
}

/** Runs a command with stdout and stderr appended to the log file (the handles the session's system processes inherit). */
function runWithLog(command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string, logPath: string, timeoutMs: number): Promise<ToolResult> {
  const started = Date.now();
  const fd = openSync(logPath, 'a');
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(command, args, { env, cwd, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: '', stderr: '', durationMs: Date.now() - started, timedOut });
    });
  });
}
