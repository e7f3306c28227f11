#!/usr/bin/env node
/**
 * The process monitor demo: the service of src/monitor.ts against the simulated driver with a
 * scripted workload (src/workload.ts), or against the real driver with --real on Windows.
 * `pnpm run demo` runs the build of this file, dist/src/demo/main.js (the root `npm run demo`
 * builds first). `--help` lists the options (options.ts).
 *
 * Exit codes: 0 every event delivered or counted, 1 an event or a question unaccounted for or
 * an error, 2 bad usage or --real where there is no Windows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { USAGE, UsageError, parseDemoArguments, realUnavailableReason, type DemoCommand } from './options.js';
import { runReal } from './real.js';
import { SHOW_CURSOR, terminalOf } from './screen.js';
import { runSimulated } from './simulated.js';

/** The example's folder (scripts/layouts.mjs is there), whether this runs from src/ or dist/. */
function exampleRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json'))) directory = dirname(directory);
  return directory;
}

function exit(code: number, message?: string): never {
  if (message) process.stderr.write(`demo: ${message}\n`);
  process.exit(code);
}

let command: DemoCommand;
try {
  command = parseDemoArguments(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  exit(2, `${error.message}\n\n${USAGE}`);
}
if (command.action === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const { options } = command;

if (options.real) {
  const reason = realUnavailableReason(process.platform);
  if (reason) exit(2, reason);
}

if (options.layouts) {
  const result = spawnSync(process.execPath, [join(exampleRoot(), 'scripts', 'layouts.mjs')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(1);
  console.log('');
}

const terminal = terminalOf(process.stdout, process.env);
try {
  process.exitCode = options.real ? await runReal(options, terminal) : await runSimulated(options, terminal);
} catch (error) {
  if (terminal.live) terminal.write(SHOW_CURSOR);
  process.stderr.write(`\ndemo: ${(error as Error)?.stack ?? error}\n`);
  process.exitCode = 1;
}
