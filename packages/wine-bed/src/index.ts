/**
 * @inverted-call/wine-bed: sets up, from nothing, a Wine 8 prefix in which a Windows
 * node.exe with koffi talks to a real kernel driver, for end-to-end tests without a Windows
 * machine. See README.md for the measured facts.
 */
export { ensureWine, wineEnvironment, runWineTool, runWineserver, spawnToFiles, assertOk, WINE_APT_PACKAGES, WINE_INSTALL_COMMAND, type WineTools, type ToolResult, type SpawnedToFiles } from './wine.js';
export { toWindowsPath, toLinuxPath } from './paths.js';
export { createPrefix, removePrefix, defaultPrefixDir, stopWineserver, READY_MARKER, type WinePrefix } from './prefix.js';
export {
  installDriverService,
  driverServiceReg,
  parseRegQuery,
  driverState,
  waitForDriver,
  startDriver,
  stopDriver,
  reloadDriver,
  type DriverServiceOptions,
  type DriverStart,
  type InstalledDriver,
  type ServiceState,
} from './driver.js';
export { startSession, stopSession, type SessionOptions, type WineSession } from './session.js';
export {
  runWindowsNode,
  startWindowsNode,
  windowsNodeExe,
  koffiModulesDir,
  windowsSideDir,
  windowsSide,
  type RunWindowsNodeOptions,
  type WindowsNodeProcess,
  type WindowsNodeResult,
} from './node.js';
export { WINDOWS_SIDE_PINS, windowsSideFolderName, type WindowsSide, type WindowsSidePackage, type WindowsSidePins } from './windows-side.js';
export {
  provisionWindowsSide,
  isProvisioned,
  provisionedLayout,
  windowsSideCacheRoot,
  WINDOWS_SIDE_CACHE_ENV,
  WINDOWS_SIDE_READY_MARKER,
  type ProvisionOptions,
  type ProvisionedWindowsSide,
} from './provision.js';
export { killWindowsProcess, findWindowsProcesses, type WindowsProcessInfo } from './process.js';
export {
  buildConformanceDriver,
  startConformanceBed,
  sessionDebugChannels,
  verifierStops,
  DRIVER_FLAVOURS,
  FLAVOUR_BUILDS,
  VERIFIER_MARKER,
  type ConformanceDriverOptions,
  type DriverFlavourName,
  CONFORMANCE_SCHEMA,
  CONFORMANCE_HANDLERS,
  CONFORMANCE_DEVICE_HEADER,
  CONFORMANCE_SERVICE,
  type ConformanceBed,
} from './conformance-driver.js';
export { connectBridge, type BridgeConnection } from './bridge-client.js';
export { startBridgeProxy, bridgeProxyScript, type BridgeProxy } from './bridge-proxy-process.js';
export { BRIDGE_ADDRESS_ENV } from './bridge-protocol.js';
