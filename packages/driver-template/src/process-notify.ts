/**
 * Which channel and event kinds the template's process-notify callback (Notify.c) feeds, and the
 * check that their structs have the fields Notify.c writes. Notify.c is fixed C code, so the
 * schema meets it half way: the created event's struct must have the fields below, by name and
 * type; extra fields are allowed and left zero.
 */
import {
  PROCESS_CREATE_FIELDS,
  SchemaError,
  imageNameStatesOf,
  type ChannelModel,
  type DeviceModel,
  type EventModel,
  type FieldModel,
  type ImageNameStates,
  type SchemaIssue,
  type StructModel,
  type VerdictModel,
} from '@inverted-call/schema';

export type { ImageNameStates };

/** Names of a channel and its two event kinds, as written in the schema. */
export interface ProcessNotifyMapping {
  channel: string;
  created: string;
  exited: string;
}

/** The resolved mapping, with what the renderer needs to emit the glue's macros. */
export interface ProcessNotifyPlan {
  channel: ChannelModel;
  created: EventModel;
  exited: EventModel;
  createdStruct: StructModel;
  exitedStruct: StructModel;
  /** C names of the image-name state enum's members Complete, Truncated and Unavailable. */
  imageNameStates: ImageNameStates;
  /** Code units the ImageName array holds, NUL included. */
  imageNameCapacity: number;
}

/** The struct names `auto` looks for: the shape `examples/process-monitor` uses. */
export const AUTO_CREATED_STRUCT = 'ProcessCreated';
export const AUTO_EXITED_STRUCT = 'ProcessExited';

interface RequiredField {
  name: string;
  accepts: (field: FieldModel, model: DeviceModel) => boolean;
  typeText: string;
}

/** What Notify.c writes into the created event: the fields the schema package owns (process-create.ts). */
const CREATED_FIELDS: readonly RequiredField[] = PROCESS_CREATE_FIELDS.map((want) => ({
  name: want.name,
  typeText: want.typeText,
  accepts: (field: FieldModel, model: DeviceModel) => want.accepts(field, model.enums),
}));

const isPrimitive = (name: string) => (field: FieldModel) => field.type.kind === 'primitive' && field.type.name === name;

const EXITED_FIELDS: readonly RequiredField[] = [
  { name: 'processId', accepts: isPrimitive('u64'), typeText: 'u64' },
  { name: 'exitTime', accepts: isPrimitive('i64'), typeText: 'i64' },
];

/**
 * `'auto'` finds a channel with events of the structs ProcessCreated and ProcessExited (none: no
 * process notifications); `false` turns them off; a mapping names them and must fit. Throws a
 * SchemaError naming each field that does not fit, with the fix.
 */
export function planProcessNotify(model: DeviceModel, option: ProcessNotifyMapping | 'auto' | false): ProcessNotifyPlan | undefined {
  if (option === false) return undefined;
  const mapping = option === 'auto' ? autoMapping(model) : option;
  if (!mapping) return undefined;

  const issues: SchemaIssue[] = [];
  const channel = model.channels.find((candidate) => candidate.name === mapping.channel);
  if (!channel) {
    const known = model.channels.map((candidate) => candidate.name).join(', ') || 'none';
    throw new SchemaError([{ path: `channels.${mapping.channel}`, message: `processNotify names channel "${mapping.channel}", which the schema does not declare (channels: ${known})`, fix: 'name a declared channel in processNotify.channel, or pass processNotify: false' }]);
  }
  const created = findEvent(channel, mapping.created, 'created', issues);
  const exited = findEvent(channel, mapping.exited, 'exited', issues);
  if (!created || !exited) throw new SchemaError(issues);

  const createdStruct = structOf(model, created.struct);
  const exitedStruct = structOf(model, exited.struct);
  checkFields(model, createdStruct, CREATED_FIELDS, issues);
  checkFields(model, exitedStruct, EXITED_FIELDS, issues);
  if (issues.length > 0) throw new SchemaError(issues);

  const stateField = fieldOf(createdStruct, 'imageNameState')!;
  const nameField = fieldOf(createdStruct, 'imageName')!;
  return {
    channel,
    created,
    exited,
    createdStruct,
    exitedStruct,
    imageNameStates: imageNameStatesOf(stateField, model.enums)!,
    imageNameCapacity: nameField.type.kind === 'string' ? nameField.type.length : 0,
  };
}

function autoMapping(model: DeviceModel): ProcessNotifyMapping | undefined {
  for (const channel of model.channels) {
    const created = channel.events.find((event) => event.struct === AUTO_CREATED_STRUCT);
    const exited = channel.events.find((event) => event.struct === AUTO_EXITED_STRUCT);
    if (created && exited) return { channel: channel.name, created: created.name, exited: exited.name };
  }
  return undefined;
}

function findEvent(channel: ChannelModel, name: string, role: 'created' | 'exited', issues: SchemaIssue[]): EventModel | undefined {
  const event = channel.events.find((candidate) => candidate.name === name);
  if (!event) {
    const known = channel.events.map((candidate) => candidate.name).join(', ');
    issues.push({ path: `channels.${channel.name}.events.${name}`, message: `processNotify.${role} names event kind "${name}", which channel ${channel.name} does not declare (kinds: ${known})`, fix: `add the event kind to channel ${channel.name}, or name one of its kinds in processNotify.${role}` });
  }
  return event;
}

function structOf(model: DeviceModel, name: string): StructModel {
  const struct = model.structs.find((candidate) => candidate.name === name);
  if (!struct) throw new Error(`internal: validated model lacks struct ${name}`);
  return struct;
}

function fieldOf(struct: StructModel, name: string): FieldModel | undefined {
  return struct.fields.find((field) => field.name === name);
}

function checkFields(model: DeviceModel, struct: StructModel, required: readonly RequiredField[], issues: SchemaIssue[]): void {
  for (const want of required) {
    const field = fieldOf(struct, want.name);
    const path = `structs.${struct.name}.fields`;
    if (!field) {
      issues.push({ path, message: `the process-notify callback writes field "${want.name}" (${want.typeText}), which struct ${struct.name} lacks`, fix: `add { "name": "${want.name}", "type": ... } of type ${want.typeText} to ${struct.name}, or pass processNotify: false` });
    } else if (!want.accepts(field, model)) {
      issues.push({ path: `${path}[${struct.fields.indexOf(field)}]`, message: `field "${want.name}" of ${struct.name} is ${field.typeText}, but the process-notify callback writes ${want.typeText}`, fix: `change its type to ${want.typeText}` });
    }
  }
}

/** The verdict Notify.c asks on every process creation (a schema verdict with `on: 'process-create'`). */
export interface ProcessVerdictPlan {
  verdict: VerdictModel;
  /** Its index in schema order: the core's verdict index. */
  index: number;
  questionStruct: StructModel;
  answerStruct: StructModel;
  /** C names of the question's image-name state members (its enum may differ from the event's). */
  imageNameStates: ImageNameStates;
}

/**
 * The verdict asked on process creation, or undefined when the schema has none or process
 * notifications are turned off on purpose (`processNotify: false`: no callback, so nothing asks it;
 * the driver's own code may). Notify.c asks it from the process-notify callback, which the template
 * registers only with a process channel: a schema that asks on process creation without one gets a
 * SchemaError naming the fix. The schema validator has already checked the question's fields and
 * the answer's Allow (process-create.ts).
 */
export function planProcessVerdict(model: DeviceModel, notify: ProcessNotifyPlan | undefined, option: ProcessNotifyMapping | 'auto' | false = 'auto'): ProcessVerdictPlan | undefined {
  const index = model.verdicts.findIndex((verdict) => verdict.on === 'process-create');
  if (index < 0 || option === false) return undefined;
  const verdict = model.verdicts[index]!;
  if (!notify) {
    throw new SchemaError([
      {
        path: `verdicts.${verdict.name}.on`,
        message: `verdict ${verdict.name} is asked on process creation by the template's process-notify callback (Notify.c), which is rendered only for a schema with a process channel`,
        fix: 'add a channel with ProcessCreated and ProcessExited events (see examples/process-monitor), or remove "on" and ask the verdict from your own driver code',
      },
    ]);
  }
  const questionStruct = structOf(model, verdict.question);
  const answerStruct = structOf(model, verdict.answer);
  const stateField = fieldOf(questionStruct, 'imageNameState');
  const imageNameStates = stateField ? imageNameStatesOf(stateField, model.enums) : undefined;
  if (!imageNameStates) throw new Error(`internal: validated verdict ${verdict.name} has no image-name state enum in ${questionStruct.name}`);
  return { verdict, index, questionStruct, answerStruct, imageNameStates };
}
