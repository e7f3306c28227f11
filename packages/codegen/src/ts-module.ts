/**
 * The TypeScript module emitter: constants, enum tables, struct interfaces, straight-line
 * DataView codecs (no interpretation at run time) and the device descriptor the client runtime
 * consumes. Generated code imports only the runtime subpath `@inverted-call/codec/codegen-v1`.
 */
import {
  PRIMITIVES,
  deviceMacro,
  hex,
  type DeviceModel,
  type FieldModel,
  type IoctlModel,
  type PrimitiveName,
  type StructModel,
  type TypeRef,
} from '@inverted-call/schema';
import { generatedBanner, type GeneratedFileInfo } from './banner.js';
import { CODEC_RUNTIME_MODULE, ImportTracker } from './imports.js';

const METHOD_TEXT = { 0: 'buffered', 1: 'in-direct', 2: 'out-direct' } as const;

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

export function emitTsModule(model: DeviceModel, info: GeneratedFileInfo): string {
  const imports = new ImportTracker(CODEC_RUNTIME_MODULE);
  const body: string[] = [];
  const structs = new Map(model.structs.map((struct) => [struct.name, struct]));
  const enums = new Map(model.enums.map((entry) => [entry.name, entry.underlying]));
  const context: Context = { imports, structs, enums };

  body.push(...constantsSection(model));
  for (const entry of model.enums) {
    imports.use('defineEnum');
    body.push(...jsDoc(entry.description, ''));
    body.push(`export type ${entry.name} = ${entry.members.map((member) => str(member.name)).join(' | ')};`);
    const values = entry.members.map((member) => `${member.name}: ${member.value}`).join(', ');
    body.push(`export const ${entry.name} = defineEnum(${str(entry.name)}, '${entry.underlying}', { ${values} });`, '');
  }
  for (const struct of model.structs) body.push(...structSection(struct, context));
  body.push(...descriptorSection(model, context));

  const banner = generatedBanner(info).map((line) => `// ${line}`);
  return [...banner, '/* eslint-disable */', imports.render(), '', ...body].join('\n');
}

interface Context {
  imports: ImportTracker;
  structs: ReadonlyMap<string, StructModel>;
  /** Enum name -> underlying integer type. */
  enums: ReadonlyMap<string, PrimitiveName>;
}

/** A single-quoted JS string literal. */
function str(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A field name as a single-quoted JS string (field names are letters and digits only). */
function quoted(name: string): string {
  return `'${name}'`;
}

function constantsSection(model: DeviceModel): string[] {
  const ioctls: IoctlModel[] = [model.protocolInfo, ...model.calls.map((call) => call.ioctl), ...model.channels.map((channel) => channel.ioctl)];
  const out = [`export const ${deviceMacro(model, 'DEVICE_TYPE')} = ${hex(model.deviceType.value, 4)};`];
  for (const ioctl of ioctls) out.push(`export const ${ioctl.cName} = ${hex(ioctl.code, 8)};`);
  for (const channel of model.channels) {
    for (const event of channel.events) out.push(`export const ${event.cName} = ${event.id};`);
  }
  out.push('');
  return out;
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
      const stride = elementSize(type.element, context);
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
      const stride = elementSize(type.element, context);
      const elementField = `${field.slice(0, -1)}[' + index + ']'`;
      const element = decodeExpression(type.element, 'elementOffset', elementField, context);
      return `readArray(view, ${at}, ${type.length}, ${stride}, (view, elementOffset, index) => ${element})`;
    }
  }
}

function joinPathExpression(field: string): string {
  return `path + '.' + ${field}`;
}

function elementSize(type: TypeRef, context: Context): number {
  switch (type.kind) {
    case 'primitive': return PRIMITIVES[type.name].size;
    case 'guid': return 16;
    case 'enum': return PRIMITIVES[context.enums.get(type.name)!].size;
    case 'struct': return context.structs.get(type.name)!.layout.x64.size;
    default: throw new Error(`arrays of ${type.kind} are not part of the schema`);
  }
}

function descriptorSection(model: DeviceModel, context: Context): string[] {
  context.imports.use('defineDevice');
  if (model.channels.length) context.imports.useType('ChannelEvent');
  const camel = `${model.name.charAt(0).toLowerCase()}${model.name.slice(1)}`;
  // ProcessMonitor -> processMonitorDevice; ConformanceDevice -> conformanceDevice, not ...DeviceDevice.
  const constName = camel.endsWith('Device') ? camel : `${camel}Device`;
  const codec = (name: string | undefined) => (name ? `${name}Codec` : 'null');
  const out = [
    `/** Everything the client runtime needs to talk to ${model.name}; pass it to openDevice(). */`,
    `export const ${constName} = defineDevice({`,
    `  specificationVersion: 'v1',`,
    `  protocolVersion: 1,`,
    `  name: ${str(model.name)},`,
    `  devicePath: ${str(`\\\\.\\${model.symbolicLink}`)},`,
    `  deviceType: ${deviceMacro(model, 'DEVICE_TYPE')},`,
    `  schemaHash: ${str(model.schemaHash)},`,
    `  protocolInfoCode: ${model.protocolInfo.cName},`,
    '  calls: {',
  ];
  for (const call of model.calls) {
    out.push(
      `    ${call.name}: {`,
      `      name: ${str(call.name)},`,
      `      code: ${call.ioctl.cName},`,
      `      method: '${METHOD_TEXT[call.ioctl.method]}',`,
      `      requiredAccess: ${call.ioctl.access},`,
      `      input: ${codec(call.input)},`,
      `      output: ${codec(call.output)},`,
      '    },',
    );
  }
  out.push('  },', '  channels: {');
  for (const channel of model.channels) {
    out.push(
      `    ${channel.name}: {`,
      `      name: ${str(channel.name)},`,
      `      code: ${channel.ioctl.cName},`,
      `      method: '${METHOD_TEXT[channel.ioctl.method]}',`,
      `      requiredAccess: ${channel.ioctl.access},`,
      `      capacity: ${channel.capacity},`,
      `      overflow: '${channel.overflow}',`,
      `      batchBytes: ${channel.batchBytes},`,
      `      maxRecordBytes: ${channel.maxRecordBytes},`,
      `      minimumOutputBytes: ${channel.minimumOutputBytes},`,
      '      events: {',
    );
    for (const event of channel.events) {
      out.push(`        ${event.name}: { name: ${str(event.name)}, id: ${event.cName}, codec: ${event.struct}Codec, recordBytes: ${event.recordBytes} },`);
    }
    out.push('      },', '    },');
  }
  out.push('  },', '});', '');
  for (const channel of model.channels) {
    out.push(`/** One event of channel ${channel.name}: \`{ kind, data }\`, discriminated by \`kind\`. */`);
    out.push(`export type ${channel.name}ChannelEvent = ChannelEvent<typeof ${constName}.channels.${channel.name}>;`, '');
  }
  return out;
}

function jsDoc(text: string | undefined, indent: string): string[] {
  if (!text) return [];
  return [`${indent}/** ${text.replace(/\*\//g, '* /').replace(/[\r\n]+/g, ' ')} */`];
}
