#!/usr/bin/env node
/** The `create-inverted-call` bin (what `npm create inverted-call` runs); see run.ts. */
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
});
