/**
 * Builds the conformance device's WDM driver, for the smoke test and the conformance suite under
 * Wine: rendered by the driver template's WDM flavour from the conformance schema,
 * with the conformance Handlers.c in place of the rendered stub, linked by buildWdmDriverImage
 * (mingw-w64, the link TOOLCHAIN.md measured to load in Wine).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWdmDriverImage, renderWdmDriver, writeRenderedDriver } from '@inverted-call/driver-template';
import { loadDeviceSchema } from '@inverted-call/schema';
import { installDriverService } from './driver.js';
import { createPrefix, defaultPrefixDir } from './prefix.js';
import { startSession, stopSession, type WineSession } from './session.js';
import { ensureWine } from './wine.js';

// From src/ or dist/ of packages/wine-bed.
const CONFORMANCE = fileURLToPath(new URL('../../conformance/', import.meta.url));
const resolveFile = createRequire(import.meta.url).resolve;
/** The conformance device's schema, as its package publishes it. */
export const CONFORMANCE_SCHEMA = resolveFile('@inverted-call/conformance-device/conformance.device.json');
export const CONFORMANCE_HANDLERS = join(CONFORMANCE, 'driver', 'Handlers.c');
/** The service name the conformance driver is installed under. */
export const CONFORMANCE_SERVICE = 'ConformanceDevice';
/** The conformance device's generated header (conformance-device.h), as its package publishes it. */
export const CONFORMANCE_DEVICE_HEADER = resolveFile('@inverted-call/conformance-device/conformance-device.h');

/** Renders and builds the conformance WDM driver (test build) under workDir; returns the .sys path. */
export function buildConformanceDriver(workDir: string): { sysPath: string; command: string } {
  const driverDir = join(workDir, 'driver');
  mkdirSync(driverDir, { recursive: true });
  const model = loadDeviceSchema(CONFORMANCE_SCHEMA);
  writeRenderedDriver(driverDir, renderWdmDriver(model, { schemaPath: CONFORMANCE_SCHEMA }));
  const sysPath = join(workDir, 'ConformanceDevice.sys');
  const { command } = buildWdmDriverImage(driverDir, sysPath, { testBuild: true, extraSources: [CONFORMANCE_HANDLERS] });
  return { sysPath, command };
}

/** The conformance device's driver installed in a prefix of its own, with a held session. */
export interface ConformanceBed {
  prefix: string;
  /** A scratch folder beside the prefix (the driver build lives there). */
  workDir: string;
  session: WineSession;
  stop(): Promise<void>;
}

/**
 * Makes (or reuses) the prefix `name`, builds the conformance WDM driver (test build), installs it
 * as an auto-start service and starts a session with it RUNNING.
 */
export async function startConformanceBed(name: string): Promise<ConformanceBed> {
  ensureWine();
  const prefix = (await createPrefix(defaultPrefixDir(name))).dir;
  const workDir = join(defaultPrefixDir(name), '..', `${name}-work`);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const { sysPath } = buildConformanceDriver(workDir);
  await installDriverService(prefix, { name: CONFORMANCE_SERVICE, sysPath, start: 'auto' });
  const session = await startSession(prefix, { drivers: [CONFORMANCE_SERVICE] });
  return { prefix, workDir, session, stop: () => stopSession(prefix) };
}
