/**
 * What the driver template's process-notify callback (templates/shared/Notify.c) knows about a new
 * process, as the fields it writes by name. The created event of a process channel and the question
 * of a `process-create` verdict must both carry these fields (extra fields are allowed and left 0),
 * so the rule lives here, where the schema validator and the driver template both read it.
 */
import type { EnumModel, FieldModel, PrimitiveName } from './model.js';

/** One field the callback writes: its name as written in the schema, and the types it can take. */
export interface ProcessCreateField {
  name: string;
  accepts: (field: FieldModel, enums: readonly EnumModel[]) => boolean;
  typeText: string;
}

/** The C names (as the generated header defines them) of the image-name states the callback writes. */
export interface ImageNameStates {
  complete: string;
  truncated: string;
  unavailable: string;
}

const isPrimitive = (name: PrimitiveName) => (field: FieldModel) => field.type.kind === 'primitive' && field.type.name === name;

/** The image-name state enum's member C names, when `field` is an enum with Complete, Truncated and Unavailable. */
export function imageNameStatesOf(field: FieldModel, enums: readonly EnumModel[]): ImageNameStates | undefined {
  if (field.type.kind !== 'enum') return undefined;
  const name = field.type.name;
  const entry = enums.find((candidate) => candidate.name === name);
  if (!entry) return undefined;
  const member = (memberName: string): string | undefined => entry.members.find((candidate) => candidate.name === memberName)?.cName;
  const [complete, truncated, unavailable] = [member('Complete'), member('Truncated'), member('Unavailable')];
  return complete && truncated && unavailable ? { complete, truncated, unavailable } : undefined;
}

/** The fields the callback fills for a process creation. */
export const PROCESS_CREATE_FIELDS: readonly ProcessCreateField[] = [
  { name: 'processId', accepts: isPrimitive('u64'), typeText: 'u64' },
  { name: 'parentProcessId', accepts: isPrimitive('u64'), typeText: 'u64' },
  { name: 'creatingProcessId', accepts: isPrimitive('u64'), typeText: 'u64' },
  { name: 'creatingThreadId', accepts: isPrimitive('u64'), typeText: 'u64' },
  { name: 'createTime', accepts: isPrimitive('i64'), typeText: 'i64' },
  { name: 'imageNameLength', accepts: isPrimitive('u16'), typeText: 'u16' },
  { name: 'imageNameState', accepts: (field, enums) => imageNameStatesOf(field, enums) !== undefined, typeText: 'an enum with members Complete, Truncated and Unavailable' },
  { name: 'imageName', accepts: (field) => field.type.kind === 'string' && field.type.encoding === 'utf16' && field.type.length >= 2, typeText: 'wchar[N] with N >= 2' },
];

/**
 * The answer field a process-create verdict's answer must have: the callback sets
 * CreateInfo->CreationStatus from it (non-zero allows the process, zero denies it).
 */
export const PROCESS_CREATE_ALLOW_FIELD = 'Allow';
export const PROCESS_CREATE_ALLOW_TYPES: readonly PrimitiveName[] = ['bool32', 'u32', 'bool8'];
/** The default of Allow when the schema's defaultAnswer leaves it out: allow (fail-open). */
export const PROCESS_CREATE_DEFAULT_ALLOW = 1;
