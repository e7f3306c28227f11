/**
 * `inverted-call-wine test`: a user's own driver under Wine, in the user's project. Builds the
 * driver folder as it is (the user's flavour, the user's Handlers.c) into a test-build kernel
 * image with mingw-w64, loads it in a Wine prefix of its own, starts the device bridge, then runs
 * the project's own test command with INVERTED_CALL_DEVICE_BRIDGE set, so tests that open their
 * target with `openTestTarget` (the device conformance suite among them) talk to the real driver.
 * Afterwards the session log is searched for KMDF-subset verifier stops: any
 * stop fails the run, whatever the tests said.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { flavourOfFolder } from '@inverted-call/driver-template';
import { basename, join, resolve } from 'node:path';
import { loadDeviceSchema } from '@inverted-call/schema';
import { BRIDGE_ADDRESS_ENV } from './bridge-protocol.js';
import { startBridgeProxy, type BridgeProxy } from './bridge-proxy-process.js';
import { FLAVOUR_BUILDS, sessionDebugChannels, verifierStops, type DriverFlavourName } from './conformance-driver.js';
import { installDriverService } from './driver.js';
import { createPrefix, defaultPrefixDir } from './prefix.js';
import { startSession, stopSession } from './session.js';
import { ensureWine } from './wine.js';

export interface DriverTestOptions {
  /** The device schema (`schema/<name>.device.json`). */
  schemaFile: string;
  /** The rendered driver folder (default `driver`, beside the schema folder's parent). */
  driverDir: string;
  /** The flavour the caller expects; the folder's own (driverFlavourOf) must agree. */
  flavour?: DriverFlavourName;
  /** The project's test command, run with the bridge address in its environment. */
  testCommand: readonly string[];
  /** Where progress goes (default stdout). */
  log?: (line: string) => void;
  /** Leave the prefix and the build folder for a look afterwards. */
  keep?: boolean;
}

/** The folder's flavour as render recorded it (RENDERED.json), or as its files tell. */
export function driverFlavourOf(driverDir: string): DriverFlavourName {
  const found = flavourOfFolder(driverDir);
  if (!found) throw new Error(`${driverDir} holds no rendered driver: run your project's generate script first (inverted-call-driver render)`);
  return found.flavour;
}

/** Runs a command with the bridge address added to its environment; its exit code. */
function runTestCommand(command: readonly string[], address: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, [BRIDGE_ADDRESS_ENV]: address } });
    child.on('error', (error) => reject(new Error(`could not run \`${command.join(' ')}\`: ${error.message}`, { cause: error })));
    child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}

/** The whole run; resolves with the process exit code (0: every step passed). */
export async function runDriverTests(options: DriverTestOptions): Promise<number> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const model = loadDeviceSchema(options.schemaFile);
  const driverDir = resolve(options.driverDir);
  const flavour = driverFlavourOf(driverDir);
  if (options.flavour && options.flavour !== flavour) {
    throw new Error(`--flavour ${options.flavour}, but ${basename(driverDir)}/ was rendered as ${flavour}: drop --flavour, or switch the folder first (inverted-call-driver render <schema> --out ${basename(driverDir)} --switch-flavour ${options.flavour})`);
  }
  const wine = ensureWine();
  log(`inverted-call-wine: ${wine.version}, driver ${basename(driverDir)}/ as ${flavour.toUpperCase()} (test build)`);

  const bedName = `project-${model.name}-${flavour}`;
  const prefixDir = defaultPrefixDir(bedName);
  const workDir = join(prefixDir, '..', `${bedName}-work`);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const sysPath = join(workDir, `${model.name}.sys`);
  const built = Date.now();
  FLAVOUR_BUILDS[flavour].build(driverDir, sysPath, { testBuild: true });
  log(`inverted-call-wine: built ${basename(sysPath)} in ${((Date.now() - built) / 1000).toFixed(1)} s`);

  const prefix = (await createPrefix(prefixDir)).dir;
  await installDriverService(prefix, { name: model.name, sysPath, start: 'auto' });
  const sessionLog = join(prefix, 'wine-bed', 'session.log');
  let proxy: BridgeProxy | undefined;
  let failed = 0;
  try {
    try {
      await startSession(prefix, { drivers: [model.name], wineDebug: sessionDebugChannels(flavour) });
    } catch (error) {
      const stops = verifierStops(sessionLog);
      throw new Error(`the driver did not load under Wine: ${(error as Error).message}${stops.length ? `\n${stops.join('\n')}` : ''}`, { cause: error });
    }
    log(`inverted-call-wine: ${model.name} loaded under Wine; session log ${sessionLog}`);
    proxy = await startBridgeProxy(prefix);
    log(`inverted-call-wine: device bridge at ${proxy.address} (${BRIDGE_ADDRESS_ENV})`);

    const command = options.testCommand.join(' ');
    log(`inverted-call-wine: running \`${command}\` against the driver`);
    const code = await runTestCommand(options.testCommand, proxy.address);
    log(`inverted-call-wine: \`${command}\` exited with ${code}`);
    if (code !== 0) failed++;
  } finally {
    await proxy?.stop();
    await stopSession(prefix);
  }
  const stops = verifierStops(sessionLog);
  if (stops.length > 0) {
    log(`inverted-call-wine: the KMDF-subset verifier stopped the driver:\n${stops.map((stop) => `  ${stop}`).join('\n')}`);
    failed++;
  }
  if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  log(failed === 0 ? 'inverted-call-wine: ok' : `inverted-call-wine: FAILED (${failed} step(s))`);
  return failed === 0 ? 0 : 1;
}
