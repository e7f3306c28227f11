/**
 * Killing a Windows process abruptly, as a crash would: SIGKILL to the Linux process that runs it
 * (wine64 execs in place, so the pid spawn returns is that process). wineserver sees the process
 * vanish and closes its handles, so a driver gets its pending IRPs cancelled as on Windows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface WindowsProcessInfo {
  /** Linux pid. */
  pid: number;
  /** argv as Wine set it: the Windows image path first. */
  argv: string[];
}

/** Running processes of a prefix whose image is `image` (case-insensitive, for example 'node.exe'). */
export function findWindowsProcesses(prefixDir: string, image = 'node.exe'): WindowsProcessInfo[] {
  const wanted = `WINEPREFIX=${resolve(prefixDir)}`;
  const found: WindowsProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (!environ.includes(wanted)) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter((part) => part.length > 0);
      const name = argv[0]?.split(/[\\/]/).pop() ?? '';
      if (name.toLowerCase() === image.toLowerCase() && processState(Number(entry)) !== 'Z') found.push({ pid: Number(entry), argv });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/**
 * SIGKILLs a Windows process (a pid, or what startWindowsNode returned) and waits until it is
 * gone: for a process of ours until it is reaped, otherwise until it is a zombie or has vanished.
 */
export async function killWindowsProcess(target: number | { pid: number; done?: Promise<unknown> }, options: { timeoutMs?: number } = {}): Promise<void> {
  const pid = typeof target === 'number' ? target : target.pid;
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`not a process id: ${pid}`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  if (typeof target !== 'number' && target.done) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`process ${pid} did not exit after SIGKILL`)), options.timeoutMs ?? 10_000);
    });
    try {
      await Promise.race([target.done.catch(() => undefined), timeout]);
    } finally {
      clearTimeout(timer);
    }
    return;
  }
  for (;;) {
    const state = processState(pid);
    if (state === undefined || state === 'Z') return;
    if (Date.now() > deadline) throw new Error(`process ${pid} did not exit after SIGKILL (state ${state})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
