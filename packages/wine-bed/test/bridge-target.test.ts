// The device-generic conformance scenarios against the conformance device's real driver under
// Wine, through the device bridge target (emit: the test-build emit IOCTL; state: the state
// IOCTL). Both flavours: the same target a generated project's `test:driver` uses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeviceConformance } from '@inverted-call/conformance';
import { conformanceDevice } from '@inverted-call/conformance-device';
import { DRIVER_FLAVOURS, startBridgeProxy, startConformanceBed, verifierStops, type BridgeProxy, type ConformanceBed } from '../src/index.js';
import { createBridgeDeviceTarget } from '../src/bridge-target.js';
import { join } from 'node:path';

describe.each(DRIVER_FLAVOURS)('the bridge target, conformance driver (%s) under Wine', (flavour) => {
  let bed: ConformanceBed | undefined;
  let proxy: BridgeProxy | undefined;

  beforeAll(async () => {
    bed = await startConformanceBed(`test-bridge-target-${flavour}`, { flavour });
    proxy = await startBridgeProxy(bed.prefix);
  }, 180_000);

  afterAll(async () => {
    await proxy?.stop();
    await bed?.stop();
  }, 60_000);

  it('passes every device-generic scenario, and the verifier never stops the driver', async () => {
    const results = await runDeviceConformance(conformanceDevice, () => createBridgeDeviceTarget(conformanceDevice, proxy!.address));
    const failed = results.filter((result) => !result.ok).map((result) => `${result.name}: ${result.error}`);
    expect(failed).toEqual([]);
    expect(results.length).toBeGreaterThan(20);
    expect(verifierStops(join(bed!.prefix, 'wine-bed', 'session.log'))).toEqual([]);
  }, 300_000);
});
