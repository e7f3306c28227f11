// Invalid schemas in the device, IOCTLs, channels, generated C names and syntax (see invalid-cases.ts).
import { baseText, call, channel, type InvalidCase } from './invalid-case.js';

export const interfaceCases: InvalidCase[] = [
  // Device.
  {
    name: 'Microsoft device type given as a number',
    mutate: (doc) => void (doc.device.deviceType = 0x22),
    path: 'device.deviceType',
    fix: 'FILE_DEVICE_UNKNOWN',
    message: "Microsoft's range",
    structural: true,
  },
  {
    name: 'device type wider than 16 bits',
    mutate: (doc) => void (doc.device.deviceType = '0x10000'),
    path: 'device.deviceType',
    fix: '0x8000-0xFFFF',
    structural: true,
  },
  {
    name: 'unknown FILE_DEVICE_ name',
    mutate: (doc) => void (doc.device.deviceType = 'FILE_DEVICE_UNKNWN'),
    path: 'device.deviceType',
    fix: 'FILE_DEVICE_UNKNOWN',
    structural: true,
  },
  {
    name: 'limits that are not an object',
    mutate: (doc) => void (doc.device.limits = 5),
    path: 'device.limits',
    fix: 'maxParkedPerHandle',
    structural: true,
  },
  {
    name: 'a zero limit',
    mutate: (doc) => void (doc.device.limits = { maxParkedPerHandle: 0 }),
    path: 'device.limits.maxParkedPerHandle',
    fix: 'from 1 to 4294967295',
    structural: true,
  },
  {
    name: 'a limit beyond UINT32',
    mutate: (doc) => void (doc.device.limits = { maxRingBytes: 2 ** 32 }),
    path: 'device.limits.maxRingBytes',
    fix: 'from 1 to 4294967295',
    structural: true,
  },
  {
    name: 'a misspelt limit',
    mutate: (doc) => void (doc.device.limits = { maxSubscription: 4 }),
    path: 'device.limits.maxSubscription',
    fix: 'maxSubscriptions',
    structural: true,
  },
  {
    name: 'maxRingBytes below one ring of a channel',
    mutate: (doc) => void (doc.device.limits = { maxRingBytes: 4096 }),
    path: 'device.limits.maxRingBytes',
    fix: 'lower channels.Process.capacity to 7',
    message: 'nobody could subscribe',
  },
  {
    name: "one subscription's ring over its kernel-memory budget",
    mutate: (doc) => void (channel(doc).capacity = 8192),
    path: 'channels.Process.capacity',
    fix: 'raise device.limits.maxRingBytesPerSubscription to 4784128',
    message: 'over the per-subscription limit of 4194304',
  },
  {
    name: 'cPrefix with a double underscore',
    mutate: (doc) => void (doc.device.cPrefix = 'PROC__MON'),
    path: 'device.cPrefix',
    fix: 'e.g. "PROC_MON"',
    message: 'two underscores',
  },
  {
    name: "device name whose C prefix is the Windows headers' STATUS",
    mutate: (doc) => void (doc.device.name = 'Status'),
    path: 'device.name',
    fix: 'e.g. "STATUSDEV"',
    message: 'STATUS_ family',
  },
  {
    name: 'SDDL with an unclosed entry',
    mutate: (doc) => void (doc.device.sddl = 'D:P(A;;GA;;;SY'),
    path: 'device.sddl',
    fix: 'D:P(A;;GA;;;SY)(A;;GA;;;BA)',
  },
  {
    name: 'SDDL naming an unknown account',
    mutate: (doc) => void (doc.device.sddl = 'D:P(A;;GA;;;SY)(A;;GA;;;XX)'),
    path: 'device.sddl',
    fix: 'S-1-5-18',
  },
  {
    name: 'cPrefix taken by the protocol',
    mutate: (doc) => void (doc.device.cPrefix = 'INVERTED_CALL'),
    path: 'device.cPrefix',
    fix: 'device.cPrefix',
  },

  // IOCTLs.
  {
    name: 'duplicate IOCTL code',
    mutate: (doc) => void (doc.calls.GetVersionAgain = { function: '0x800', access: 'FILE_READ_ACCESS' }),
    path: 'calls.GetVersionAgain.function',
    fix: 'the next free one is "0x802"',
    message: 'already used by calls.GetVersion',
  },
  {
    name: 'overlapping function code: same function, other access',
    mutate: (doc) => void (doc.calls.SetVersion = { function: 2048, access: 'FILE_WRITE_ACCESS' }),
    path: 'calls.SetVersion.function',
    fix: 'its own function code',
    message: 'overlaps calls.GetVersion',
  },
  {
    name: 'channel reusing the function code of a call',
    mutate: (doc) => void (channel(doc).function = '0x800'),
    path: 'channels.Process.function',
    fix: 'its own function code',
  },
  { name: 'function code 0x7FF, below the vendor range', mutate: (doc) => void (call(doc).function = '0x7FF'), path: 'calls.GetVersion.function', fix: '0x800' },
  { name: 'function code 0x1000, above 12 bits', mutate: (doc) => void (call(doc).function = '0x1000'), path: 'calls.GetVersion.function', fix: '0xFFA' },
  {
    name: 'function code 0xFFF, reserved for the protocol call',
    mutate: (doc) => void (call(doc).function = 0xfff),
    path: 'calls.GetVersion.function',
    fix: 'e.g. "0x800"',
    message: 'reserved for the built-in protocol-information call',
  },
  {
    name: 'function code 0xFFE, reserved for the test build',
    mutate: (doc) => void (channel(doc).function = '0xFFE'),
    path: 'channels.Process.function',
    fix: 'e.g. "0x801"',
    message: "reserved for the test build's state IOCTL",
  },
  {
    name: 'missing function code',
    mutate: (doc) => void delete call(doc).function,
    path: 'calls.GetVersion.function',
    fix: 'e.g. "0x800"',
    structural: true,
  },
  {
    name: 'missing access',
    mutate: (doc) => void delete call(doc).access,
    path: 'calls.GetVersion.access',
    fix: 'FILE_ANY_ACCESS',
    structural: true,
  },
  {
    name: 'unknown access string',
    mutate: (doc) => void (call(doc).access = 'FILE_READ'),
    path: 'calls.GetVersion.access',
    fix: 'FILE_READ_ACCESS',
    structural: true,
  },
  {
    name: 'FILE_ANY_ACCESS combined with another access',
    mutate: (doc) => void (call(doc).access = 'FILE_ANY_ACCESS | FILE_READ_ACCESS'),
    path: 'calls.GetVersion.access',
    fix: 'FILE_READ_ACCESS | FILE_WRITE_ACCESS',
    structural: true,
  },
  {
    name: 'METHOD_NEITHER',
    mutate: (doc) => void (call(doc).method = 'METHOD_NEITHER'),
    path: 'calls.GetVersion.method',
    fix: 'METHOD_BUFFERED',
    message: 'probe and lock',
    structural: true,
  },
  {
    name: 'METHOD_IN_DIRECT on a channel',
    mutate: (doc) => void (channel(doc).method = 'METHOD_IN_DIRECT'),
    path: 'channels.Process.method',
    fix: 'METHOD_OUT_DIRECT',
    structural: true,
  },
  {
    name: 'METHOD_IN_DIRECT call with an output struct',
    mutate: (doc) => void (call(doc).method = 'METHOD_IN_DIRECT'),
    path: 'calls.GetVersion.output',
    fix: 'METHOD_OUT_DIRECT or METHOD_BUFFERED',
    message: 'read access only',
  },
  {
    name: 'call input naming an enum',
    mutate: (doc) => void (call(doc).input = 'ImageNameState'),
    path: 'calls.GetVersion.input',
    fix: 'declare a struct',
  },
  {
    name: 'call output naming a missing struct',
    mutate: (doc) => void (call(doc).output = 'DriverVersio'),
    path: 'calls.GetVersion.output',
    fix: 'DriverVersion',
  },

  // Channels and events.
  {
    name: 'duplicate event kind id',
    mutate: (doc) => void (channel(doc).events.Exited.id = 1),
    path: 'channels.Process.events.Exited.id',
    fix: 'its own id',
    message: 'event Created',
  },
  {
    name: 'event kind id 0',
    mutate: (doc) => void (channel(doc).events.Created.id = 0),
    path: 'channels.Process.events.Created.id',
    fix: '1 to 65535',
    structural: true,
  },
  {
    name: 'event naming a missing struct',
    mutate: (doc) => void (channel(doc).events.Exited.struct = 'ProcessExit'),
    path: 'channels.Process.events.Exited.struct',
    fix: 'ProcessExited',
  },
  {
    name: 'channel without events',
    mutate: (doc) => void (channel(doc).events = {}),
    path: 'channels.Process.events',
    fix: '"id": 1',
    structural: true,
  },
  {
    // ProcessCreated is 568 bytes; its record is 584, and with the 24-byte batch header 608.
    name: 'event larger than the batch buffer',
    mutate: (doc) => void (channel(doc).batchBytes = 512),
    path: 'channels.Process.events.Created.struct',
    fix: 'at least 608',
  },
  {
    name: 'batchBytes not a multiple of 8',
    mutate: (doc) => void (channel(doc).batchBytes = 16380),
    path: 'channels.Process.batchBytes',
    fix: '16384',
    structural: true,
  },
  {
    name: 'capacity 0',
    mutate: (doc) => void (channel(doc).capacity = 0),
    path: 'channels.Process.capacity',
    fix: '1 to 1048576',
    structural: true,
  },
  {
    name: 'unknown overflow policy',
    mutate: (doc) => void (channel(doc).overflow = 'drop-all'),
    path: 'channels.Process.overflow',
    fix: 'drop-oldest',
    structural: true,
  },

  // Generated C names.
  {
    // ANYSIZE + Array gives ANYSIZE_ARRAY, a macro of ntdef.h / winnt.h.
    name: 'struct whose C name is a Windows macro',
    mutate: (doc) => {
      doc.device.cPrefix = 'ANYSIZE';
      doc.structs.Array = { fields: [{ name: 'value', type: 'u32' }] };
    },
    path: 'structs.Array',
    fix: 'rename',
    message: 'ANYSIZE_ARRAY is a macro of the Windows headers',
  },
  {
    // PROCESS_MONITOR_DEVICE_TYPE is the header's device-type macro.
    name: 'struct whose C name is a generated macro',
    mutate: (doc) => void (doc.structs.DeviceType = { fields: [{ name: 'value', type: 'u32' }] }),
    path: 'structs.DeviceType',
    fix: 'rename',
    message: 'PROCESS_MONITOR_DEVICE_TYPE',
  },
  {
    // PROCESS_MONITOR_PROCESS_CAPACITY is the capacity macro of channel Process; structs are listed first.
    name: 'channel macro colliding with a struct',
    mutate: (doc) => void (doc.structs.ProcessCapacity = { fields: [{ name: 'value', type: 'u32' }] }),
    path: 'channels.Process',
    fix: 'rename',
    message: 'structs.ProcessCapacity',
  },

  // Syntax.
  {
    name: 'JSON syntax error',
    text: () => baseText().replace('"name": "ProcessMonitor",', '"name": "ProcessMonitor",,'),
    path: '',
    fix: 'syntax',
    message: 'line 4',
  },
  {
    name: 'YAML alias without its anchor',
    text: () => 'device: { name: Tiny, deviceType: *type }',
    source: 'tiny.device.yaml',
    path: '',
    fix: 'anchor',
    message: 'not valid YAML',
  },
];
