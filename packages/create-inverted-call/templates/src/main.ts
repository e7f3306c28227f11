/**
 * Entry point. `npm start` talks to the installed <%- deviceName %> driver (Windows);
 * `npm start -- --simulate` runs the same service against the simulator, on any system, with a
 * small scripted workload. Ctrl+C stops it cleanly: subscriptions are cancelled, the device closed.
 */
import { parseArgs } from 'node:util';
import { runService } from './service.js';

const USAGE = `Usage: npm start [-- --simulate]
  --simulate   run against the simulator (any system) with a small scripted workload
  -h, --help   show this help`;

let simulate: boolean;
try {
  const { values } = parseArgs({ options: { simulate: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  simulate = values.simulate;
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}

if (!simulate && process.platform !== 'win32') {
  console.error(
    `This service talks to the <%- deviceName %> driver through the Win32 backend, which needs Windows (this is ${process.platform}).\n` +
      'To run it here, against the simulator: npm start -- --simulate',
  );
  process.exit(1);
}

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: stopping`);
    controller.abort();
  });
}

// The simulator is a development dependency: load it only when asked for.
const simulation = simulate ? (await import('./simulation.js')).startSimulation(controller.signal) : undefined;
try {
  await runService({ backend: simulation?.backend, signal: controller.signal });
  console.log('stopped');
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  simulation?.stop();
}
