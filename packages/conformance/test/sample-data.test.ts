/** sampleValue: valid, exactly round-tripping data for any struct, found through its codec alone. */
import { CodecError, defineStruct, type DeviceDescriptorV1, type StructCodec } from '@inverted-call/codec';
import { conformanceDevice, sampleValue } from '@inverted-call/conformance';
import { describe, expect, it } from 'vitest';
import { processMonitorDevice } from '../../../examples/process-monitor/generated/process-monitor.js';
import { StatusCodec, callsOnlyDevice } from './support/calls-only-device.js';
import { generatedDescriptor } from './support/generated-device.js';

const fieldKindsDevice = await generatedDescriptor('test/fixtures/field-kinds.device.json');

/** Every struct a descriptor names: event payloads, call inputs and outputs. */
function structsOf(descriptor: DeviceDescriptorV1): StructCodec<unknown>[] {
  const events = Object.values(descriptor.channels).flatMap((channel) => Object.values(channel.events).map((kind) => kind.codec));
  const calls = Object.values(descriptor.calls).flatMap((call) => [call.input, call.output].filter((codec) => codec !== null));
  return [...events, ...calls];
}

describe('sampleValue', () => {
  const structs = [conformanceDevice, processMonitorDevice, callsOnlyDevice, fieldKindsDevice].flatMap(structsOf);

  it.each(structs.map((codec) => [codec.name, codec] as const))('%s: round-trips exactly, and another seed gives another value', (_name, codec) => {
    for (const seed of [0, 1, 57]) {
      const value = sampleValue(codec, seed);
      expect(codec.decode(codec.encode(value))).toEqual(value);
    }
    expect(sampleValue(codec, 0)).not.toEqual(sampleValue(codec, 1));
  });

  it('fills every kind of field: integers of each width, text up to its last unit, and a valid enum member', () => {
    const created = sampleValue(processMonitorDevice.channels.Process.events.Created.codec, 3);
    for (const field of ['processId', 'parentProcessId', 'creatingProcessId', 'creatingThreadId', 'createTime'] as const) expect(created[field], field).not.toBe(0n);
    expect(created.imageNameLength).not.toBe(0);
    // wchar[260] holds 259 units and the NUL; two pattern bytes never make a surrogate.
    expect(created.imageName).toHaveLength(259);
    expect(created.imageName).not.toMatch(/[\ud800-\udfff]/);
    expect(['Complete', 'Truncated', 'Unavailable']).toContain(created.imageNameState);
    const small = sampleValue(conformanceDevice.channels.Events.events.Small.codec, 3);
    expect(small.tag).not.toBe(0n);
    expect(small.value).not.toBe(0);
    expect(small.flag).toBe(true);
  });

  it('fills GUIDs, Latin-1 and UTF-16 text, fixed arrays of numbers and of nested structs, and BOOL', () => {
    const frame = sampleValue(fieldKindsDevice.channels.Frames!.events.Frame!.codec, 2) as Record<string, unknown>;
    expect(frame.sensorId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(frame.sensorId).not.toBe('00000000-0000-0000-0000-000000000000');
    expect(frame.label).toHaveLength(12);
    expect(frame.owner).toHaveLength(8);
    expect(frame.calibrated).toBe(true);
    const history = frame.history as number[];
    expect(history).toHaveLength(5);
    expect(history.every((entry) => entry !== 0)).toBe(true);
    const readings = frame.readings as { health: string; valid: boolean; value: number; raw: bigint }[];
    expect(readings).toHaveLength(2);
    for (const reading of readings) {
      expect(['Failed', 'Unknown', 'Ok']).toContain(reading.health);
      expect(reading.valid).toBe(true);
      expect(reading.value).not.toBe(0);
      expect(reading.raw).not.toBe(0n);
    }
  });

  it('finds a member for an enum that has no zero member', () => {
    expect(['Low', 'High']).toContain((sampleValue(fieldKindsDevice.channels.Alerts!.events.Alert!.codec, 0) as { severity: string }).severity);
    expect(['Idle', 'Busy']).toContain(sampleValue(StatusCodec, 0).mode);
  });

  it('names the struct and the way out when no value of it round-trips', () => {
    const broken = defineStruct<{ x: number }>({
      name: 'Broken',
      size: 4,
      alignment: 4,
      encodeInto: () => undefined,
      decodeFrom: () => {
        throw new CodecError('Broken.x', 'no value is valid');
      },
    });
    expect(() => sampleValue(broken, 0)).toThrow('sample data for Broken: no bytes tried decode to a value that encodes back to itself (Broken.x: no value is valid); check its codec, or regenerate it from the schema');
  });
});
