/** Validates `enums` and `structs`, resolves field types, rejects cycles and lays structs out. */
import { reservedCIdentifierReason } from './c-identifiers.js';
import { IssueList, joinPath } from './errors.js';
import type { PackValue } from './input.js';
import { VALID_PACKS, layoutStruct, type LayoutLookup } from './layout.js';
import { ARCHES, type Arch, type EnumModel, type FieldModel, type StructModel, type TypeRef } from './model.js';
import { FIELD_NAME, PASCAL_NAME, RESERVED_FIELD_NAMES, cFieldName, tsFieldName, upperSnake } from './names.js';
import { parseTypeText } from './types.js';
import { describeValue, isObject, readInteger, readNamedMap, readObject, readOptionalDescription, readString } from './validate-helpers.js';

/** Largest struct the schema accepts; IOCTL buffers beyond this belong in shared memory. */
export const MAX_STRUCT_SIZE = 1 << 20;

const PASCAL_RULE = 'use PascalCase letters and digits, starting with a capital letter, e.g. ProcessEvent';

const ENUM_RANGES = {
  u8: { min: 0, max: 0xff },
  u16: { min: 0, max: 0xffff },
  u32: { min: 0, max: 0xffffffff },
  i8: { min: -0x80, max: 0x7f },
  i16: { min: -0x8000, max: 0x7fff },
  i32: { min: -0x80000000, max: 0x7fffffff },
} as const;

export function readPack(issues: IssueList, value: unknown, path: string): PackValue | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(VALID_PACKS as readonly number[]).includes(value)) {
    issues.add(path, `pack ${describeValue(value)} is not a packing MSVC accepts`, 'use 1, 2, 4, 8 or 16 (8 is the compiler default)');
    return undefined;
  }
  return value as PackValue;
}

export function validateEnums(issues: IssueList, value: unknown, cPrefix: string): EnumModel[] {
  const result: EnumModel[] = [];
  for (const [name, raw] of readNamedMap(issues, value, 'enums', 'enums', PASCAL_NAME, PASCAL_RULE)) {
    const path = joinPath('enums', name);
    const entry = readObject(issues, raw, path, { required: ['type', 'values'], optional: ['description'] }, `enum ${name}`);
    if (!entry) continue;
    const description = readOptionalDescription(issues, entry, path);
    const underlying = entry.type;
    if (typeof underlying !== 'string' || !Object.prototype.hasOwnProperty.call(ENUM_RANGES, underlying)) {
      issues.add(joinPath(path, 'type'), `enum underlying type ${describeValue(underlying)} is not allowed`, 'use u8, u16, u32, i8, i16 or i32');
      continue;
    }
    const range = ENUM_RANGES[underlying as keyof typeof ENUM_RANGES];
    const members: EnumModel['members'] = [];
    const seenValues = new Map<number, string>();
    const valuesPath = joinPath(path, 'values');
    const memberEntries = readNamedMap(issues, entry.values, valuesPath, `the values of enum ${name}`, PASCAL_NAME, PASCAL_RULE);
    if (isObject(entry.values) && Object.keys(entry.values).length === 0) {
      issues.add(valuesPath, `enum ${name} has no values`, 'add at least one value, e.g. { "None": 0 }');
    }
    for (const [memberName, memberValue] of memberEntries) {
      const memberPath = joinPath(valuesPath, memberName);
      const number = readInteger(issues, memberValue, memberPath, `value of ${name}.${memberName}`, range);
      if (number === undefined) continue;
      const previous = seenValues.get(number);
      if (previous !== undefined) {
        issues.add(memberPath, `value ${number} is already used by ${name}.${previous}, so a decoded ${number} would be ambiguous`, 'give each enum value its own number');
        continue;
      }
      seenValues.set(number, memberName);
      members.push({ name: memberName, cName: `${cPrefix}_${upperSnake(name)}_${upperSnake(memberName)}`, value: number });
    }
    result.push({ name, cName: `${cPrefix}_${upperSnake(name)}`, underlying: underlying as EnumModel['underlying'], members, description });
  }
  return result;
}

interface PendingStruct {
  name: string;
  path: string;
  pack: PackValue;
  fields: FieldModel[];
  /** Field index of each struct reference, for cycle messages. */
  references: { struct: string; fieldIndex: number }[];
  description?: string;
  complete: boolean;
}

export function validateStructs(
  issues: IssueList,
  value: unknown,
  context: { cPrefix: string; pack: PackValue; enums: EnumModel[]; enumNames: ReadonlySet<string> },
): StructModel[] {
  const entries = readNamedMap(issues, value, 'structs', 'structs', PASCAL_NAME, PASCAL_RULE);
  const structNames = new Set(entries.map(([name]) => name));
  for (const name of structNames) {
    if (context.enumNames.has(name)) {
      issues.add(joinPath('structs', name), `"${name}" is declared both as an enum and as a struct`, 'rename one of them');
    }
  }
  const scope = { enums: context.enumNames, structs: structNames };
  const pending = new Map<string, PendingStruct>();

  for (const [name, raw] of entries) {
    const path = joinPath('structs', name);
    const entry = readObject(issues, raw, path, { required: ['fields'], optional: ['description', 'pack'] }, `struct ${name}`);
    if (!entry) continue;
    const description = readOptionalDescription(issues, entry, path);
    const pack = readPack(issues, entry.pack, joinPath(path, 'pack')) ?? context.pack;
    const fieldsPath = joinPath(path, 'fields');
    const struct: PendingStruct = { name, path, pack, fields: [], references: [], description, complete: true };
    pending.set(name, struct);
    if (!Array.isArray(entry.fields)) {
      issues.add(fieldsPath, `fields must be an array, found ${describeValue(entry.fields)}`, 'write fields as [ { "name": "processId", "type": "u32" } ]');
      struct.complete = false;
      continue;
    }
    if (entry.fields.length === 0) {
      issues.add(fieldsPath, `struct ${name} has no fields (C does not allow an empty struct)`, 'add at least one field, e.g. { "name": "reserved", "type": "u32" }');
      struct.complete = false;
      continue;
    }
    const seenNames = new Map<string, number>();
    entry.fields.forEach((rawField: unknown, index: number) => {
      const fieldPath = joinPath(fieldsPath, index);
      const field = readObject(issues, rawField, fieldPath, { required: ['name', 'type'], optional: ['description'] }, 'a field');
      if (!field) return void (struct.complete = false);
      const fieldName = readString(issues, field.name, joinPath(fieldPath, 'name'), 'a field name');
      const typeText = readString(issues, field.type, joinPath(fieldPath, 'type'), 'a field type');
      const fieldDescription = readOptionalDescription(issues, field, fieldPath);
      if (fieldName === undefined || typeText === undefined) return void (struct.complete = false);
      if (!FIELD_NAME.test(fieldName) || RESERVED_FIELD_NAMES.has(fieldName)) {
        issues.add(joinPath(fieldPath, 'name'), `field name "${fieldName}" is not valid`, 'use letters and digits starting with a letter, e.g. processId (constructor, prototype and the like are reserved)');
        return void (struct.complete = false);
      }
      const reserved = reservedCIdentifierReason(cFieldName(fieldName));
      if (reserved !== undefined) {
        const taken = new Set((entry.fields as unknown[]).map((other) => (isObject(other) && typeof other.name === 'string' ? other.name.toLowerCase() : '')));
        issues.add(joinPath(fieldPath, 'name'), `field name "${fieldName}" is the C member ${cFieldName(fieldName)}, which cannot be used: ${reserved}`, `rename it, e.g. ${renamedField(fieldName, taken)}`);
        return void (struct.complete = false);
      }
      const key = fieldName.toLowerCase();
      const previous = seenNames.get(key);
      if (previous !== undefined) {
        issues.add(joinPath(fieldPath, 'name'), `field "${fieldName}" repeats fields[${previous}] of struct ${name} (C uses ${cFieldName(fieldName)}, TypeScript ${tsFieldName(fieldName)}, so names differing only in case collide)`, 'give every field of a struct its own name');
        return void (struct.complete = false);
      }
      seenNames.set(key, index);
      const parsed = parseTypeText(typeText, scope);
      if (!parsed.ok) {
        issues.add(joinPath(fieldPath, 'type'), parsed.message, parsed.fix);
        return void (struct.complete = false);
      }
      const referenced = structReference(parsed.type);
      if (referenced) struct.references.push({ struct: referenced, fieldIndex: index });
      struct.fields.push({ name: fieldName, cName: cFieldName(fieldName), tsName: tsFieldName(fieldName), type: parsed.type, typeText: typeText.trim(), description: fieldDescription });
    });
  }

  const order = orderByDependencies(issues, pending);
  return layoutInOrder(issues, order, pending, context);
}

/** A field name for a refused one (`NULL` -> `nullValue`) that no other field of the struct has, case aside. */
function renamedField(fieldName: string, taken: ReadonlySet<string>): string {
  const base = `${tsFieldName(cFieldName(fieldName))}Value`;
  let candidate = base;
  for (let counter = 2; taken.has(candidate.toLowerCase()); counter++) candidate = `${base}${counter}`;
  return candidate;
}

function structReference(type: TypeRef): string | undefined {
  if (type.kind === 'struct') return type.name;
  if (type.kind === 'array' && type.element.kind === 'struct') return type.element.name;
  return undefined;
}

/** Depth-first ordering; a cycle is reported once, at the field that closes it. */
function orderByDependencies(issues: IssueList, structs: Map<string, PendingStruct>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): boolean => {
    const current = state.get(name);
    if (current === 'done') return true;
    const struct = structs.get(name);
    if (!struct) return false;
    state.set(name, 'visiting');
    stack.push(name);
    let ok = true;
    for (const reference of struct.references) {
      if (state.get(reference.struct) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(reference.struct)), reference.struct];
        issues.add(
          joinPath(joinPath(joinPath(struct.path, 'fields'), reference.fieldIndex), 'type'),
          `struct ${reference.struct} contains itself (${cycle.join(' -> ')}), which would make it infinitely large`,
          'break the cycle: refer to the other record by an id (u32 or u64) instead of embedding it',
        );
        ok = false;
        continue;
      }
      if (!visit(reference.struct)) ok = false;
    }
    stack.pop();
    state.set(name, 'done');
    if (ok && struct.complete) order.push(name);
    else struct.complete = false;
    return ok && struct.complete;
  };
  for (const name of structs.keys()) visit(name);
  return order;
}

function layoutInOrder(
  issues: IssueList,
  order: string[],
  pending: Map<string, PendingStruct>,
  context: { cPrefix: string; enums: EnumModel[] },
): StructModel[] {
  const done = new Map<string, StructModel>();
  const enumSizes = new Map(context.enums.map((entry) => [entry.name, Number(entry.underlying.slice(1)) / 8]));
  const lookup: LayoutLookup = {
    struct: (name, arch) => done.get(name)!.layout[arch],
    enumSize: (name) => enumSizes.get(name)!,
  };
  const result: StructModel[] = [];
  for (const name of order) {
    const struct = pending.get(name)!;
    const layout = {} as Record<Arch, StructModel['layout'][Arch]>;
    for (const arch of ARCHES) layout[arch] = layoutStruct(struct.fields.map((field) => field.type), struct.pack, arch, lookup);
    if (layout.x64.size > MAX_STRUCT_SIZE) {
      issues.add(joinPath(struct.path, 'fields'), `struct ${name} is ${layout.x64.size} bytes, more than the ${MAX_STRUCT_SIZE}-byte limit of one IOCTL buffer here`, 'shrink its arrays and strings, or split it');
      continue;
    }
    const model: StructModel = { name, cName: `${context.cPrefix}_${upperSnake(name)}`, pack: struct.pack, fields: struct.fields, layout, description: struct.description };
    done.set(name, model);
    result.push(model);
  }
  return result;
}
