/**
 * The codec half of the TypeScript module: enum tables, struct interfaces and straight-line
 * DataView codecs (no interpretation at run time) at the offsets the layout engine computed.
 * Strides and offsets come from the model's layouts; nothing here knows a type's size.
 */
import {
  PRIMITIVES,
  typeLayout,
  type DeviceModel,
  type EnumModel,
  type FieldModel,
  type LayoutLookup,
  type PrimitiveName,
  type StructModel,
  type TypeRef,
} from '@inverted-call/schema';
import type { ImportTracker } from './imports.js';
import { jsDoc, str } from './ts-syntax.js';

const READERS: Record<PrimitiveName, (at: string) => string> = {
  u8: (at) => `view.getUint8(${at})`,
  u16: (at) => `view.getUint16(${at}, true)`,
  u32: (at) => `view.getUint32(${at}, true)`,
  u64: (at) => `view.getBigUint64(${at}, true)`,
  i8: (at) => `view.getInt8(${at})`,
  i16: (at) => `view.getInt16(${at}, true)`,
  i32: (at) => `view.getInt32(${at}, true)`,
  i64: (at) => `view.getBigInt64(${at}, true)`,
  bool8: (at) => `view.getUint8(${at}) !== 0`,
  bool32: (at) => `view.getInt32(${at}, true) !== 0`,
};

const WRITERS: Record<PrimitiveName, string> = {
  u8: 'writeU8', u16: 'writeU16', u32: 'writeU32', u64: 'writeU64',
  i8: 'writeI8', i16: 'writeI16', i32: 'writeI32', i64: 'writeI64',
  bool8: 'writeBool8', bool32: 'writeBool32',
};

interface Context {
  imports: ImportTracker;
  /** Enum name -> underlying integer type. */
  enums: ReadonlyMap<string, PrimitiveName>;
  /** The model's own layouts, for the layout engine to size array elements with. */
  layouts: LayoutLookup;
}

/** Enum tables and struct codecs of a device, in schema order; records what they import. */
export function codecSections(model: DeviceModel, imports: ImportTracker): string[] {
  const structs = new Map(model.structs.map((struct) => [struct.name, struct]));
  const enums = new Map(model.enums.map((entry) => [entry.name, entry.underlying]));
  const layouts: LayoutLookup = {
    struct: (name, arch) => structs.get(name)!.layout[arch],
    enumSize: (name) => PRIMITIVES[enums.get(name)!].size,
  };
  const context: Context = { imports, enums, layouts };
  const out: string[] = [];
  for (const entry of model.enums) out.push(...enumSection(entry, context));
  for (const struct of model.structs) out.push(...structSection(struct, context));
  return out;
}

function enumSection(entry: EnumModel, { imports }: Context): string[] {
  imports.use('defineEnum');
  const values = entry.members.map((member) => `${member.name}: ${member.value}`).join(', ');
  return [
    ...jsDoc(entry.description, ''),
    `export type ${entry.name} = ${entry.members.map((member) => str(member.name)).join(' | ')};`,
    `export const ${entry.name} = defineEnum(${str(entry.name)}, '${entry.underlying}', { ${values} });`,
    '',
  ];
}

/** A field name as a single-quoted JS string (field names are letters and digits only). */
function quoted(name: string): string {
  return `'${name}'`;
}

function tsTypeOf(type: TypeRef): string {
  switch (type.kind) {
    case 'primitive': return PRIMITIVES[type.name].tsType;
    case 'string':
    case 'guid': return 'string';
    case 'enum':
    case 'struct': return type.name;
    case 'array': return `${tsTypeOf(type.element)}[]`;
  }
}

function structSection(struct: StructModel, context: Context): string[] {
  const { imports } = context;
  imports.use('defineStruct');
  imports.useType('StructCodec');
  const offsets = struct.layout.x64.offsets;
  const out = [...jsDoc(struct.description, ''), `export interface ${struct.name} {`];
  for (const field of struct.fields) {
    out.push(...jsDoc(fieldDoc(field), '  '));
    out.push(`  ${field.tsName}: ${tsTypeOf(field.type)};`);
  }
  out.push('}', '');

  const name = str(struct.name);
  out.push(
    `export const ${struct.name}Codec: StructCodec<${struct.name}> = defineStruct<${struct.name}>({`,
    `  name: ${name},`,
    `  size: ${struct.layout.x64.size},`,
    `  alignment: ${struct.layout.x64.alignment},`,
    `  fields: new Set([${struct.fields.map((field) => quoted(field.tsName)).join(', ')}]),`,
    `  encodeInto(view, offset, value, path = ${name}) {`,
  );
  imports.use('checkObject');
  imports.use('checkFields');
  // Unknown keys first: a misspelt field is better reported as such than as the real field missing.
  out.push(`    checkObject(value, path, '');`, `    checkFields(value, path, ${struct.name}Codec);`);
  struct.fields.forEach((field, index) => {
    out.push(...encodeField(field.type, `offset + ${offsets[index]}`, `value.${field.tsName}`, quoted(field.tsName), context, '    '));
  });
  out.push('  },', `  decodeFrom(view, offset, path = ${name}) {`, '    return {');
  struct.fields.forEach((field, index) => {
    out.push(`      ${field.tsName}: ${decodeExpression(field.type, `offset + ${offsets[index]}`, quoted(field.tsName), context)},`);
  });
  out.push('    };', '  },', '});', '');
  return out;
}

function fieldDoc(field: FieldModel): string {
  const type = `\`${field.typeText}\``;
  return field.description ? `${field.description} (${type})` : type;
}

/** Statements that write `value` at `at`; `field` is a JS expression of the field's path segment. */
function encodeField(type: TypeRef, at: string, value: string, field: string, context: Context, indent: string): string[] {
  const { imports } = context;
  switch (type.kind) {
    case 'primitive':
      imports.use(WRITERS[type.name]);
      return [`${indent}${WRITERS[type.name]}(view, ${at}, ${value}, path, ${field});`];
    case 'string': {
      const writer = type.encoding === 'utf16' ? 'writeUtf16' : 'writeLatin1';
      imports.use(writer);
      return [`${indent}${writer}(view, ${at}, ${type.length}, ${value}, path, ${field});`];
    }
    case 'guid':
      imports.use('writeGuid');
      return [`${indent}writeGuid(view, ${at}, ${value}, path, ${field});`];
    case 'enum':
      imports.use('writeEnum');
      return [`${indent}writeEnum(view, ${at}, ${type.name}, ${value}, path, ${field});`];
    case 'struct':
      return [`${indent}${type.name}Codec.encodeInto(view, ${at}, ${value}, ${joinPathExpression(field)});`];
    case 'array': {
      imports.use('checkArray');
      const stride = elementStride(type.element, context);
      const elementField = `${field.slice(0, -1)}[' + index + ']'`;
      return [
        `${indent}{`,
        `${indent}  const items = checkArray(${value}, ${type.length}, path, ${field});`,
        `${indent}  for (let index = 0; index < ${type.length}; index++) {`,
        ...encodeField(type.element, `${at} + index * ${stride}`, 'items[index]!', elementField, context, `${indent}    `),
        `${indent}  }`,
        `${indent}}`,
      ];
    }
  }
}

function decodeExpression(type: TypeRef, at: string, field: string, context: Context): string {
  const { imports } = context;
  switch (type.kind) {
    case 'primitive':
      return READERS[type.name](at);
    case 'string': {
      const reader = type.encoding === 'utf16' ? 'readUtf16' : 'readLatin1';
      imports.use(reader);
      return `${reader}(view, ${at}, ${type.length})`;
    }
    case 'guid':
      imports.use('readGuid');
      return `readGuid(view, ${at})`;
    case 'enum':
      imports.use('readEnum');
      return `readEnum(${type.name}, ${READERS[context.enums.get(type.name)!](at)}, path, ${field})`;
    case 'struct':
      return `${type.name}Codec.decodeFrom(view, ${at}, ${joinPathExpression(field)})`;
    case 'array': {
      imports.use('readArray');
      const stride = elementStride(type.element, context);
      const elementField = `${field.slice(0, -1)}[' + index + ']'`;
      const element = decodeExpression(type.element, 'elementOffset', elementField, context);
      return `readArray(view, ${at}, ${type.length}, ${stride}, (view, elementOffset, index) => ${element})`;
    }
  }
}

function joinPathExpression(field: string): string {
  return `path + '.' + ${field}`;
}

/**
 * Bytes from one array element to the next: the element's size as the layout engine computes it
 * (a C array has no padding between elements). x64, like every offset here: the codec is written
 * once for both targets, and the schema admits only layouts on which they agree.
 */
function elementStride(element: TypeRef, context: Context): number {
  return typeLayout(element, 'x64', context.layouts).size;
}
