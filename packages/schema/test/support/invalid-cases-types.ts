// Invalid schemas in names, types, packing and enums (see invalid-cases.ts).
import { PROBE_TYPE, baseText, fields, withFieldType, type InvalidCase } from './invalid-case.js';

export const typeCases: InvalidCase[] = [
  // Names: duplicates and spelling.
  {
    name: 'duplicate field name',
    mutate: (doc) => fields(doc, 'ProcessExited').push({ name: 'processId', type: 'u32' }),
    path: 'structs.ProcessExited.fields[2].name',
    fix: 'its own name',
    message: 'repeats fields[0]',
  },
  {
    name: 'field names differing only in case',
    mutate: (doc) => fields(doc, 'ProcessExited').push({ name: 'ProcessID', type: 'u32' }),
    path: 'structs.ProcessExited.fields[2].name',
    fix: 'its own name',
    message: 'differing only in case',
  },
  {
    name: 'two structs with the same name in the JSON text',
    text: () => baseText().replace('"structs": {', '"structs": {\n    "ProcessExited": { "fields": [ { "name": "a", "type": "u8" } ] },'),
    path: 'structs.ProcessExited',
    fix: 'keep one definition',
    message: 'defined twice',
  },
  {
    name: 'a key repeated inside a field object',
    text: () => baseText().replace('"name": "major",', '"name": "major", "name": "minor",'),
    path: 'structs.DriverVersion.fields[0].name',
    fix: 'keep one definition',
  },
  {
    name: 'two event kinds with the same name in the YAML text',
    text: () =>
      [
        'device: { name: Tiny, deviceType: "0x8000" }',
        'structs:',
        '  Ping: { fields: [ { name: value, type: u32 } ] }',
        'channels:',
        '  Pings:',
        '    function: 0x800',
        '    access: FILE_READ_ACCESS',
        '    events:',
        '      Ping: { id: 1, struct: Ping }',
        '      Ping: { id: 2, struct: Ping }',
      ].join('\n'),
    source: 'tiny.device.yaml',
    path: 'channels.Pings.events.Ping',
    fix: 'keep one definition',
  },
  {
    name: 'lowercase struct name',
    mutate: (doc) => {
      doc.structs.processInfo = { fields: [{ name: 'value', type: 'u32' }] };
    },
    path: 'structs.processInfo',
    fix: 'PascalCase',
    structural: true,
  },
  {
    name: 'field name with an underscore',
    mutate: (doc) => {
      fields(doc, 'ProcessExited')[0]!.name = 'process_id';
    },
    path: 'structs.ProcessExited.fields[0].name',
    fix: 'processId',
    structural: true,
  },
  {
    name: 'field name that is a Windows macro',
    mutate: (doc) => {
      fields(doc, 'ProcessExited')[1]!.name = 'NULL';
    },
    path: 'structs.ProcessExited.fields[1].name',
    fix: 'rename it, e.g. nullValue',
    message: 'NULL is a macro of the Windows headers',
  },
  {
    name: 'field name whose C spelling is a Windows type',
    mutate: (doc) => {
      fields(doc, 'ProcessExited')[1]!.name = 'uINT32';
    },
    path: 'structs.ProcessExited.fields[1].name',
    fix: 'rename it, e.g. uint32Value',
    message: 'in C++ a member of that name hides the type',
  },
  {
    name: 'field name reserved by JavaScript objects',
    mutate: (doc) => {
      fields(doc, 'ProcessExited')[1]!.name = 'constructor';
    },
    path: 'structs.ProcessExited.fields[1].name',
    fix: 'reserved',
  },
  {
    name: 'device name not PascalCase',
    mutate: (doc) => {
      doc.device.name = 'process-monitor';
    },
    path: 'device.name',
    fix: 'PascalCase',
    structural: true,
  },
  {
    name: 'unknown root key typo',
    mutate: (doc) => {
      doc.chanels = doc.channels;
      delete doc.channels;
    },
    path: 'chanels',
    fix: 'did you mean "channels"?',
    message: 'unknown key "chanels"',
    structural: true,
  },
  {
    name: 'unknown key in a field',
    mutate: (doc) => {
      fields(doc, 'DriverVersion')[0]!.size = 2;
    },
    path: 'structs.DriverVersion.fields[0].size',
    fix: 'description',
    structural: true,
  },

  // Types.
  {
    name: 'unknown type close to an enum name',
    mutate: withFieldType('ImageNameStat'),
    path: PROBE_TYPE,
    fix: 'did you mean "ImageNameState"',
  },
  {
    name: 'unknown type close to a primitive',
    mutate: withFieldType('guidd'),
    path: PROBE_TYPE,
    fix: 'did you mean "guid"',
  },
  ...['HANDLE', 'SIZE_T', 'ULONG_PTR', 'void*'].map(
    (type): InvalidCase => ({
      name: `pointer-sized type ${type}`,
      mutate: withFieldType(type),
      path: PROBE_TYPE,
      fix: 'u64',
      message: '8 bytes on x64, 4 on x86',
    }),
  ),
  {
    name: 'Windows type name ULONG',
    mutate: withFieldType('ULONG'),
    path: PROBE_TYPE,
    fix: 'u32',
  },
  {
    name: 'array of arrays',
    mutate: withFieldType('u8[2][3]'),
    path: PROBE_TYPE,
    fix: 'struct',
    message: 'array of arrays',
  },
  {
    name: 'wchar[1] holds only the terminating NUL',
    mutate: withFieldType('wchar[1]'),
    path: PROBE_TYPE,
    fix: 'wchar[260]',
    message: 'from 2 to 32767',
  },
  {
    name: 'array of length 0',
    mutate: withFieldType('u32[0]'),
    path: PROBE_TYPE,
    fix: 'u32[4]',
    message: 'from 1 to 65536',
  },
  {
    name: 'bare wchar',
    mutate: withFieldType('wchar'),
    path: PROBE_TYPE,
    fix: 'wchar[N]',
  },
  {
    name: 'struct that contains itself',
    mutate: (doc) => fields(doc, 'ProcessExited').push({ name: 'next', type: 'ProcessExited' }),
    path: 'structs.ProcessExited.fields[2].type',
    fix: 'id',
    message: 'ProcessExited -> ProcessExited',
  },
  {
    name: 'two structs containing each other (A -> B -> A)',
    mutate: (doc) => {
      fields(doc, 'DriverVersion').push({ name: 'exited', type: 'ProcessExited' });
      fields(doc, 'ProcessExited').push({ name: 'versions', type: 'DriverVersion[2]' });
    },
    // DriverVersion is visited first, so the field of ProcessExited closes the cycle.
    path: 'structs.ProcessExited.fields[2].type',
    fix: 'break the cycle',
    message: 'DriverVersion -> ProcessExited -> DriverVersion',
  },
  {
    name: 'empty struct',
    mutate: (doc) => {
      doc.structs.DriverVersion.fields = [];
    },
    path: 'structs.DriverVersion.fields',
    fix: 'at least one field',
    structural: true,
  },
  {
    name: 'struct larger than one IOCTL buffer',
    mutate: (doc) => {
      doc.structs.Huge = { fields: ['a', 'b', 'c'].map((name) => ({ name, type: 'u64[65536]' })) };
    },
    path: 'structs.Huge.fields',
    fix: 'split',
  },

  // Packing.
  { name: 'pack 3 at the root', mutate: (doc) => void (doc.pack = 3), path: 'pack', fix: '1, 2, 4, 8 or 16', structural: true },
  { name: 'pack 32 at the root', mutate: (doc) => void (doc.pack = 32), path: 'pack', fix: '1, 2, 4, 8 or 16', structural: true },
  {
    name: 'pack 3 on one struct',
    mutate: (doc) => void (doc.structs.ProcessCreated.pack = 3),
    path: 'structs.ProcessCreated.pack',
    fix: '1, 2, 4, 8 or 16',
    structural: true,
  },
  {
    name: 'pack 32 on one struct',
    mutate: (doc) => void (doc.structs.ProcessCreated.pack = 32),
    path: 'structs.ProcessCreated.pack',
    fix: '1, 2, 4, 8 or 16',
    structural: true,
  },

  // Enums.
  {
    name: 'duplicate enum value',
    mutate: (doc) => void (doc.enums.ImageNameState.values.Missing = 1),
    path: 'enums.ImageNameState.values.Missing',
    fix: 'its own number',
    message: 'ImageNameState.Truncated',
  },
  {
    name: 'enum underlying u64',
    mutate: (doc) => void (doc.enums.ImageNameState.type = 'u64'),
    path: 'enums.ImageNameState.type',
    fix: 'u32',
    structural: true,
  },
  {
    name: 'enum value outside its underlying type',
    mutate: (doc) => void (doc.enums.ImageNameState.values.Unavailable = 256),
    path: 'enums.ImageNameState.values.Unavailable',
    fix: '0 to 255',
  },
  {
    name: 'enum without values',
    mutate: (doc) => void (doc.enums.ImageNameState.values = {}),
    path: 'enums.ImageNameState.values',
    fix: 'at least one value',
    structural: true,
  },
];
