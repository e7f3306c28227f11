/**
 * Builds the conformance device's driver in either flavour, for the smoke test and the
 * conformance suite under Wine: rendered by the driver template from the conformance schema,
 * with the conformance Handlers.c in place of the rendered stub. WDM: linked by
 * buildWdmDriverImage (mingw-w64, the link TOOLCHAIN.md measured to load in Wine). KMDF: linked
 * by buildKmdfDriverImage with the project's KMDF-subset runtime and its verifier.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DRIVER_FLAVOURS, buildKmdfDriverImage, buildWdmDriverImage, renderKmdfDriver, renderWdmDriver, writeRenderedDriver, type DriverFlavourName } from '@inverted-call/driver-template';
import { loadDeviceSchema } from '@inverted-call/schema';
import { installDriverService } from './driver.js';
import { createPrefix, defaultPrefixDir } from './prefix.js';
import { SESSION_START_MARKER, startSession, stopSession, type WineSession } from './session.js';
import { ensureWine } from './wine.js';

const resolveFile = createRequire(import.meta.url).resolve;
/** The conformance device's schema, as its package publishes it. */
export const CONFORMANCE_SCHEMA = resolveFile('@inverted-call/conformance-device/conformance.device.json');
/** The conformance driver's Handlers.c, as @inverted-call/conformance publishes it. */
export const CONFORMANCE_HANDLERS = resolveFile('@inverted-call/conformance/driver/Handlers.c');
/** The service name the conformance driver is installed under. */
export const CONFORMANCE_SERVICE = 'ConformanceDevice';
/** The conformance device's generated header (conformance-device.h), as its package publishes it. */
export const CONFORMANCE_DEVICE_HEADER = resolveFile('@inverted-call/conformance-device/conformance-device.h');

/** The two driver flavours the template renders (the template owns the list); both run under Wine. */
export { DRIVER_FLAVOURS, type DriverFlavourName };

/** Each flavour's renderer and Wine image build. */
export const FLAVOUR_BUILDS = {
  wdm: { render: renderWdmDriver, build: buildWdmDriverImage },
  kmdf: { render: renderKmdfDriver, build: buildKmdfDriverImage },
} as const;

/** Wine's debug channels for a flavour's session: KMDF's verifier reports through DbgPrint. */
export function sessionDebugChannels(flavour: DriverFlavourName): string {
  return flavour === 'kmdf' ? '+debugstr' : '-all';
}

export interface ConformanceDriverOptions {
  flavour?: DriverFlavourName;
  /** Called with the rendered driver folder before the build (negative controls plant bugs here). */
  patch?: (driverDir: string) => void;
}

/** Renders and builds the conformance driver (test build) under workDir; returns the .sys path. */
export function buildConformanceDriver(workDir: string, options: ConformanceDriverOptions = {}): { sysPath: string; command: string } {
  const flavour = FLAVOUR_BUILDS[options.flavour ?? 'wdm'];
  const driverDir = join(workDir, 'driver');
  rmSync(driverDir, { recursive: true, force: true });
  mkdirSync(driverDir, { recursive: true });
  const model = loadDeviceSchema(CONFORMANCE_SCHEMA);
  writeRenderedDriver(driverDir, flavour.render(model, { schemaPath: CONFORMANCE_SCHEMA }));
  options.patch?.(driverDir);
  const sysPath = join(workDir, 'ConformanceDevice.sys');
  const { command } = flavour.build(driverDir, sysPath, { testBuild: true, extraSources: [CONFORMANCE_HANDLERS] });
  return { sysPath, command };
}

/** The conformance device's driver installed in a prefix of its own, with a held session. */
export interface ConformanceBed {
  flavour: DriverFlavourName;
  prefix: string;
  /** A scratch folder beside the prefix (the driver build lives there). */
  workDir: string;
  session: WineSession;
  stop(): Promise<void>;
}

/**
 * Makes (or reuses) the prefix `name`, builds the conformance driver (test build, WDM unless the
 * options say otherwise), installs it as an auto-start service and starts a session with it
 * RUNNING.
 */
export async function startConformanceBed(name: string, options: ConformanceDriverOptions = {}): Promise<ConformanceBed> {
  const flavour = options.flavour ?? 'wdm';
  ensureWine();
  const prefix = (await createPrefix(defaultPrefixDir(name))).dir;
  const workDir = join(defaultPrefixDir(name), '..', `${name}-work`);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const { sysPath } = buildConformanceDriver(workDir, options);
  await installDriverService(prefix, { name: CONFORMANCE_SERVICE, sysPath, start: 'auto' });
  let session: WineSession;
  try {
    session = await startSession(prefix, { drivers: [CONFORMANCE_SERVICE], wineDebug: sessionDebugChannels(flavour) });
  } catch (error) {
    const stops = verifierStops(join(prefix, 'wine-bed', 'session.log'));
    throw stops.length > 0 ? new Error(`${(error as Error).message}\n${stops.join('\n')}`, { cause: error }) : error;
  }
  return { flavour, prefix, workDir, session, stop: () => stopSession(prefix) };
}

/** The marker that starts every report of the KMDF-subset runtime's verifier. */
export const VERIFIER_MARKER = 'KMDF-subset verifier:';

/**
 * The verifier's reports in a session log, from the latest session only (the log of a prefix
 * grows across sessions). DbgPrint lines: the session must run with +debugstr.
 */
export function verifierStops(logPath: string): string[] {
  if (!existsSync(logPath)) return [];
  const text = readFileSync(logPath, 'utf8');
  const latest = text.slice(Math.max(0, text.lastIndexOf(SESSION_START_MARKER)));
  return latest
    .split('\n')
    .filter((line) => line.includes(VERIFIER_MARKER))
    .map((line) => line.slice(line.indexOf(VERIFIER_MARKER)).trim());
}
