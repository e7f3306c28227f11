/** Running the Windows-side scripts (dist-windows/*.mjs) under the bed, and reading their reports. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWindowsNode, startWindowsNode, type WindowsNodeProcess } from '@inverted-call/wine-bed';
import { PACKAGE_DIR, WINDOWS_SCRIPTS } from './bed.js';

export type Report = Record<string, unknown>;

function reportsOf(stdout: string): Report[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Report);
}

/** Runs a script to its end; its last report, or an error with its output. */
export async function runScript(prefix: string, name: string, args: string[] = [], timeoutMs = 120_000): Promise<Report> {
  const result = await runWindowsNode(prefix, join(WINDOWS_SCRIPTS, `${name}.mjs`), args, { cwd: PACKAGE_DIR, timeoutMs });
  const reports = reportsOf(result.stdout);
  if (result.exitCode !== 0 || reports.length === 0) throw new Error(`${name} exited ${result.exitCode}:\n${result.stdout}\n${result.stderr}`);
  return reports.at(-1)!;
}

export interface RunningScript {
  process: WindowsNodeProcess;
  /** Every report so far. */
  reports(): Report[];
  /** Resolves with the first report that satisfies `test`. */
  waitFor(test: (report: Report) => boolean, timeoutMs?: number): Promise<Report>;
}

/** Starts a script and returns at once; its stdout file is read as it grows. */
export function startScript(prefix: string, name: string, args: string[] = []): RunningScript {
  const process = startWindowsNode(prefix, join(WINDOWS_SCRIPTS, `${name}.mjs`), args, { cwd: PACKAGE_DIR, timeoutMs: 300_000, keepOutput: true });
  const reports = (): Report[] => {
    try {
      return reportsOf(readFileSync(process.stdoutPath, 'utf8'));
    } catch {
      return [];
    }
  };
  return {
    process,
    reports,
    async waitFor(test, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let exited = false;
      void process.done.then(() => (exited = true));
      for (;;) {
        const found = reports().find(test);
        if (found) return found;
        if (exited || Date.now() > deadline) {
          const result = await Promise.race([process.done, new Promise((resolve) => setTimeout(resolve, 10))]);
          throw new Error(`${name}: no matching report (${exited ? 'it exited' : 'timed out'}):\n${readFileSync(process.stdoutPath, 'utf8')}\n${JSON.stringify(result)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
