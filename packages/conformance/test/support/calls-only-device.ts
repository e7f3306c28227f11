/**
 * A device with calls and no channel, written out by hand in the shape the code generator gives:
 * the device-generic scenarios must work for it too (protocol information with no channel, every
 * call's length checks, every access bit). Its Status output holds an enum with no zero member,
 * which sample data must find a valid value for.
 */
import {
  checkFields,
  checkObject,
  ctlCode,
  defineDevice,
  defineEnum,
  defineStruct,
  readEnum,
  readLatin1,
  writeEnum,
  writeI32,
  writeLatin1,
  writeU32,
  type StructCodec,
} from '@inverted-call/codec';

const DEVICE_TYPE = 0x8444;
const code = (functionNumber: number, access: number) => ctlCode(DEVICE_TYPE, functionNumber, 0, access);

export const Mode = defineEnum('Mode', 'u8', { Idle: 1, Busy: 2 });

interface Operands {
  a: number;
  b: number;
}
const OperandsCodec: StructCodec<Operands> = defineStruct<Operands>({
  name: 'Operands',
  size: 8,
  alignment: 4,
  fields: new Set(['a', 'b']),
  encodeInto(view, offset, value, path = 'Operands') {
    checkObject(value, path, '');
    checkFields(value, path, OperandsCodec);
    writeU32(view, offset, value.a, path, 'a');
    writeU32(view, offset + 4, value.b, path, 'b');
  },
  decodeFrom: (view, offset) => ({ a: view.getUint32(offset, true), b: view.getUint32(offset + 4, true) }),
});

interface Sum {
  sum: number;
}
const SumCodec: StructCodec<Sum> = defineStruct<Sum>({
  name: 'Sum',
  size: 4,
  alignment: 4,
  fields: new Set(['sum']),
  encodeInto(view, offset, value, path = 'Sum') {
    checkObject(value, path, '');
    checkFields(value, path, SumCodec);
    writeU32(view, offset, value.sum, path, 'sum');
  },
  decodeFrom: (view, offset) => ({ sum: view.getUint32(offset, true) }),
});

interface Status {
  mode: 'Idle' | 'Busy';
  code: number;
}
export const StatusCodec: StructCodec<Status> = defineStruct<Status>({
  name: 'Status',
  size: 8,
  alignment: 4,
  fields: new Set(['mode', 'code']),
  encodeInto(view, offset, value, path = 'Status') {
    checkObject(value, path, '');
    checkFields(value, path, StatusCodec);
    writeEnum(view, offset, Mode, value.mode, path, 'mode');
    writeI32(view, offset + 4, value.code, path, 'code');
  },
  decodeFrom: (view, offset, path = 'Status') => ({ mode: readEnum(Mode, view.getUint8(offset), path, 'mode'), code: view.getInt32(offset + 4, true) }),
});

interface Label {
  label: string;
}
const LabelCodec: StructCodec<Label> = defineStruct<Label>({
  name: 'Label',
  size: 16,
  alignment: 1,
  fields: new Set(['label']),
  encodeInto(view, offset, value, path = 'Label') {
    checkObject(value, path, '');
    checkFields(value, path, LabelCodec);
    writeLatin1(view, offset, 16, value.label, path, 'label');
  },
  decodeFrom: (view, offset) => ({ label: readLatin1(view, offset, 16) }),
});

export const callsOnlyDevice = defineDevice({
  specificationVersion: 'v1',
  protocolVersion: 2,
  name: 'Calculator',
  devicePath: '\\\\.\\Calculator',
  deviceType: DEVICE_TYPE,
  schemaHash: '5ca1ab1e'.repeat(8),
  protocolInfoCode: code(0xfff, 0),
  limits: { maxSubscriptions: 16, maxParkedPerHandle: 4, maxRingBytes: 65536 },
  calls: {
    Add: { name: 'Add', code: code(0x800, 3), method: 'buffered', requiredAccess: 3, input: OperandsCodec, output: SumCodec },
    Reset: { name: 'Reset', code: code(0x801, 2), method: 'buffered', requiredAccess: 2, input: null, output: null },
    Status: { name: 'Status', code: code(0x802, 1), method: 'buffered', requiredAccess: 1, input: null, output: StatusCodec },
    SetLabel: { name: 'SetLabel', code: code(0x803, 0), method: 'buffered', requiredAccess: 0, input: LabelCodec, output: null },
  },
  channels: {},
  verdicts: {},
});
