// The device bridge end to end: Linux node's tests talk to the conformance device's WDM driver,
// loaded by Wine, through the Windows proxy (the real Win32 backend in node.exe). What this
// proves: the bridge carries opens, IOCTLs, errors, cancels, closes and process crashes both ways;
// and through the bridge target (emit: the test-build emit IOCTL; state: the state IOCTL) the
// device-generic conformance scenarios pass, the same target a generated project's `test:driver`
// uses. The KMDF flavour behind the same bridge: create-inverted-call's scaffold test, whose KMDF
// project runs its tests and these scenarios against its own KMDF driver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '@inverted-call/backend';
import { openDevice } from '@inverted-call/client';
import { conformanceDevice } from '@inverted-call/conformance-device';
import { join } from 'node:path';
import { runDeviceConformance } from '@inverted-call/conformance';
import { createBridgeDeviceTarget } from '../src/bridge-target.js';
import { connectBridge, startBridgeProxy, startConformanceBed, verifierStops, type BridgeConnection, type BridgeProxy, type ConformanceBed } from '../src/index.js';

describe.each(['wdm'] as const)('the device bridge, against the conformance driver (%s) under Wine', (flavour) => {
  let bed: ConformanceBed | undefined;
  let proxy: BridgeProxy | undefined;
  let bridge: BridgeConnection;

  beforeAll(async () => {
    bed = await startConformanceBed(`test-bridge-${flavour}`, { flavour });
    proxy = await startBridgeProxy(bed.prefix);
    bridge = await connectBridge(proxy.address);
  }, 180_000);

  afterAll(async () => {
    await bridge?.close();
    await proxy?.stop();
    await bed?.stop();
  }, 60_000);

  it('opens the device through the client and answers a call with the real driver', async () => {
    const device = await openDevice(conformanceDevice, { backend: bridge.process('caller') });
    expect(device.protocol.schemaHash).toBe(conformanceDevice.schemaHash);
    await device.call.Ping();
    await device.close();
  }, 60_000);

  it('brings back the Win32 error of a refused request as a DeviceError', async () => {
    const handle = await bridge.process('raw').open(conformanceDevice.devicePath, { access: 'read-write' });
    // Function 0x7FF is no code of this device: the driver refuses it.
    const unknown = await handle.ioctl(((conformanceDevice.deviceType << 16) | (0x7ff << 2)) >>> 0, null, 0).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(DeviceError);
    expect(unknown).toMatchObject({ code: 'ERROR_INVALID_FUNCTION' });
    await handle.close();
    const missing = await bridge.process('lost').open('\\\\.\\NoSuchDevice', { access: 'read' }).catch((error: unknown) => error);
    expect(missing).toMatchObject({ code: 'ERROR_FILE_NOT_FOUND' });
  }, 60_000);

  it('cancels a parked subscribe request with CancelIoEx when its signal aborts', async () => {
    const device = await openDevice(conformanceDevice, { backend: bridge.process('subscriber') });
    const controller = new AbortController();
    const subscription = device.subscribe.Events({ signal: controller.signal });
    await subscription.ready;
    const waiting = subscription.next();
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ canceled: true, code: 'ERROR_OPERATION_ABORTED' });
    await device.close();
  }, 60_000);

  it('a crash closes the process’s handles: its parked requests complete and the device stays usable', async () => {
    const victim = bridge.process('victim');
    const handle = await victim.open(conformanceDevice.devicePath, { access: 'read-write' });
    // Settled into a value at once: it ends while the crash is still being awaited.
    const parked = handle.ioctl(conformanceDevice.channels.Events.code, null, conformanceDevice.channels.Events.batchBytes).catch((error: unknown) => error);
    await bridge.crash(victim);
    expect(await parked).toMatchObject({ code: 'ERROR_OPERATION_ABORTED' });
    const device = await openDevice(conformanceDevice, { backend: bridge.process('after') });
    await device.call.Ping();
    await device.close();
  }, 60_000);

  it('passes every device-generic scenario through the bridge target, and the verifier never stops the driver', async () => {
    const results = await runDeviceConformance(conformanceDevice, () => createBridgeDeviceTarget(conformanceDevice, proxy!.address));
    const failed = results.filter((result) => !result.ok).map((result) => `${result.name}: ${result.error}`);
    expect(failed).toEqual([]);
    expect(results.length).toBeGreaterThan(20);
    expect(verifierStops(join(bed!.prefix, 'wine-bed', 'session.log'))).toEqual([]);
  }, 300_000);
});
