// Cost of the whole pipeline on a large device: validating a schema of 500 IOCTLs (250 calls and
// 250 channels over a handful of structs) and emitting its C header and TS module.
import { bench, describe } from 'vitest';
import { validateDeviceSchema, type CallInput, type ChannelInput, type DeviceSchemaInput } from '@inverted-call/schema';
import { emitCHeader, emitTsModule } from '../src/index.js';

const CALLS = 250;
const CHANNELS = 250;
const FIRST_FUNCTION = 0x800;

/** Built in code so the size is a parameter, not a 5,000-line fixture. */
function largeSchema(): DeviceSchemaInput {
  const calls: Record<string, CallInput> = {};
  for (let index = 0; index < CALLS; index++) {
    calls[`Call${index}`] = {
      function: FIRST_FUNCTION + index,
      access: index % 2 ? 'FILE_READ_ACCESS' : 'FILE_READ_ACCESS | FILE_WRITE_ACCESS',
      input: index % 3 ? 'Query' : 'Policy',
      output: index % 2 ? 'Sample' : 'Counters',
    };
  }
  const channels: Record<string, ChannelInput> = {};
  for (let index = 0; index < CHANNELS; index++) {
    channels[`Channel${index}`] = {
      function: FIRST_FUNCTION + CALLS + index,
      method: index % 2 ? 'METHOD_OUT_DIRECT' : 'METHOD_BUFFERED',
      access: 'FILE_READ_ACCESS',
      batchBytes: 16384,
      events: {
        Started: { id: 1, struct: 'Started' },
        Stopped: { id: 2, struct: 'Stopped' },
        Sampled: { id: 3, struct: 'Sample' },
      },
    };
  }
  return {
    device: { name: 'LargeDevice', deviceType: '0x9000' },
    enums: {
      State: { type: 'u8', values: { Idle: 0, Running: 1, Failed: 2 } },
      Unit: { type: 'u16', values: { Volt: 1, Amp: 2, Celsius: 3 } },
    },
    structs: {
      Point: { fields: [{ name: 'x', type: 'i32' }, { name: 'y', type: 'i32' }] },
      Reading: { pack: 1, fields: [{ name: 'unit', type: 'Unit' }, { name: 'valid', type: 'bool8' }, { name: 'value', type: 'i64' }] },
      Query: { fields: [{ name: 'sensor', type: 'guid' }, { name: 'count', type: 'u16' }, { name: 'since', type: 'i64' }] },
      Policy: { fields: [{ name: 'enabled', type: 'bool32' }, { name: 'ignored', type: 'u64[16]' }, { name: 'filter', type: 'char[32]' }] },
      Counters: { fields: [{ name: 'seen', type: 'u64' }, { name: 'dropped', type: 'u64' }, { name: 'perState', type: 'u32[3]' }] },
      Sample: { fields: [{ name: 'at', type: 'i64' }, { name: 'state', type: 'State' }, { name: 'readings', type: 'Reading[4]' }, { name: 'path', type: 'Point[8]' }] },
      Started: { fields: [{ name: 'id', type: 'u64' }, { name: 'image', type: 'wchar[260]' }, { name: 'session', type: 'guid' }] },
      Stopped: { fields: [{ name: 'id', type: 'u64' }, { name: 'exitCode', type: 'i32' }, { name: 'state', type: 'State' }] },
    },
    calls,
    channels,
  };
}

const input = largeSchema();
const model = validateDeviceSchema(input);
const info = { schemaPath: 'large.device.json', schemaHash: model.schemaHash };
if (model.calls.length + model.channels.length !== CALLS + CHANNELS) throw new Error('the schema lost IOCTLs');

let sink: unknown;

describe(`${CALLS + CHANNELS}-IOCTL schema (${CALLS} calls, ${CHANNELS} channels)`, () => {
  bench('validate + emit C header + emit TS module', () => {
    const validated = validateDeviceSchema(input);
    sink = [emitCHeader(validated, info), emitTsModule(validated, info)];
  });
  bench('validateDeviceSchema', () => {
    sink = validateDeviceSchema(input);
  });
  bench('emitCHeader', () => {
    sink = emitCHeader(model, info);
  });
  bench('emitTsModule', () => {
    sink = emitTsModule(model, info);
  });
});

export { sink };
