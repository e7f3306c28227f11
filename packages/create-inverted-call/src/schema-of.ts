/**
 * The device schema a project starts with, made from its answers. Process notifications give a
 * `Process` channel whose structs have exactly the shape the driver template's process-notify
 * callback (Notify.c) writes, the same as examples/process-monitor, so the rendered driver
 * reports real process creations and exits. `GetVersion` answers a version struct; every other
 * call and channel gets a small struct to show the shape, for the user to replace.
 */
import type { CallInput, ChannelInput, DeviceSchemaInput, EnumInput, StructInput } from '@inverted-call/schema';
import { PROCESS_CHANNEL, hex, type ProjectAnswers } from './answers.js';

/** The call that answers the driver's version (a `DriverVersion` struct). */
export const VERSION_CALL = 'GetVersion';
/** The event kind of a channel the user named, and its id. */
export const CUSTOM_EVENT_KIND = 'Changed';
export const PROCESS_EVENT_KINDS = { created: 'Created', exited: 'Exited' } as const;

/** Where an editor finds the JSON Schema of the format, seen from schema/<device>.device.json. */
export const JSON_SCHEMA_REFERENCE = '../node_modules/@inverted-call/schema/device.schema.json';

const FIRST_FUNCTION = 0x800;

const VERSION_STRUCT: StructInput = {
  description: "The driver's version, answered by GetVersion.",
  fields: [
    { name: 'major', type: 'u16' },
    { name: 'minor', type: 'u16' },
    { name: 'patch', type: 'u16' },
    { name: 'flags', type: 'u16', description: 'Yours to define.' },
  ],
};

// The process-notify shape (packages/driver-template/src/process-notify.ts checks it field by field).
const IMAGE_NAME_STATE: EnumInput = {
  description: 'Whether the image name field holds the whole name.',
  type: 'u8',
  values: { Complete: 0, Truncated: 1, Unavailable: 2 },
};

const PROCESS_CREATED: StructInput = {
  description: 'From PsSetCreateProcessNotifyRoutineEx with CreateInfo present.',
  fields: [
    { name: 'processId', type: 'u64' },
    { name: 'parentProcessId', type: 'u64' },
    { name: 'creatingProcessId', type: 'u64' },
    { name: 'creatingThreadId', type: 'u64' },
    { name: 'createTime', type: 'i64', description: 'KeQuerySystemTime: 100 ns units since 1601-01-01 UTC.' },
    { name: 'imageNameLength', type: 'u16', description: 'Length of the full image name in UTF-16 code units, before truncation.' },
    { name: 'imageNameState', type: 'ImageNameState' },
    { name: 'imageName', type: 'wchar[260]', description: 'NUL-terminated, truncated to 259 code units.' },
  ],
};

const PROCESS_EXITED: StructInput = {
  description: 'From PsSetCreateProcessNotifyRoutineEx with CreateInfo NULL.',
  fields: [
    { name: 'processId', type: 'u64' },
    { name: 'exitTime', type: 'i64', description: '100 ns units since 1601-01-01 UTC.' },
  ],
};

/** Struct names a call or channel the user named gets. */
export const callStructs = (call: string) => ({ input: `${call}Input`, output: `${call}Output` });
export const channelStruct = (channel: string) => `${channel}Event`;

export function schemaOf(answers: ProjectAnswers): DeviceSchemaInput {
  const enums: Record<string, EnumInput> = {};
  const structs: Record<string, StructInput> = {};
  const calls: Record<string, CallInput> = {};
  const channels: Record<string, ChannelInput> = {};
  let nextFunction = FIRST_FUNCTION;
  const functionCode = () => `0x${(nextFunction++).toString(16).toUpperCase()}`;

  for (const call of answers.calls) {
    if (call === VERSION_CALL) {
      structs.DriverVersion = VERSION_STRUCT;
      calls[call] = { description: "The driver's own version.", function: functionCode(), access: 'FILE_READ_ACCESS', output: 'DriverVersion' };
      continue;
    }
    const { input, output } = callStructs(call);
    structs[input] = { description: `An example input of ${call}: replace it with yours.`, fields: [{ name: 'value', type: 'u32' }] };
    structs[output] = { description: `An example output of ${call}: replace it with yours.`, fields: [{ name: 'value', type: 'u32' }] };
    calls[call] = { description: `${call}: describe what it does.`, function: functionCode(), access: 'FILE_READ_ACCESS | FILE_WRITE_ACCESS', input, output };
  }

  if (answers.processNotify) {
    enums.ImageNameState = IMAGE_NAME_STATE;
    structs.ProcessCreated = PROCESS_CREATED;
    structs.ProcessExited = PROCESS_EXITED;
    channels[PROCESS_CHANNEL] = {
      description: 'Process creation and exit, for every process on the machine.',
      function: functionCode(),
      access: 'FILE_READ_ACCESS',
      capacity: 4096,
      overflow: 'drop-newest',
      // A ProcessCreated record is 600 bytes with its header: 16 KiB carries 27 of them per batch.
      batchBytes: 16384,
      events: {
        [PROCESS_EVENT_KINDS.created]: { id: 1, struct: 'ProcessCreated' },
        [PROCESS_EVENT_KINDS.exited]: { id: 2, struct: 'ProcessExited' },
      },
    };
  }

  for (const channel of answers.channels) {
    const struct = channelStruct(channel);
    structs[struct] = {
      description: `An example event of ${channel}: replace it with yours.`,
      fields: [
        { name: 'time', type: 'i64', description: '100 ns units since 1601-01-01 UTC.' },
        { name: 'value', type: 'u32' },
      ],
    };
    channels[channel] = {
      description: `${channel}: describe what it reports.`,
      function: functionCode(),
      access: 'FILE_READ_ACCESS',
      capacity: 1024,
      overflow: 'drop-newest',
      events: { [CUSTOM_EVENT_KIND]: { id: 1, struct } },
    };
  }

  return {
    $schema: JSON_SCHEMA_REFERENCE,
    device: {
      name: answers.deviceName,
      description: `${answers.deviceName}: an inverted-call device created by create-inverted-call.`,
      deviceType: hex(answers.deviceType),
    },
    ...(Object.keys(enums).length > 0 ? { enums } : {}),
    structs,
    calls,
    channels,
  };
}
