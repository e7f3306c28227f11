/**
 * The C header emitter: one header shared by the driver (after <ntddk.h> or <wdm.h>) and user
 * mode (after <windows.h> and <winioctl.h>). Every struct is wrapped in its own #pragma pack and
 * followed by static asserts of its size and every field offset, separately for 64-bit and 32-bit
 * targets, with the numbers the layout engine computed: the compiler checks the engine.
 */
import { BATCH_FLAG_RING_EMPTY, OVERFLOW_POLICY_CODES, PROTOCOL_VERSION, RECORD_ALIGNMENT } from '@inverted-call/codec';
import {
  ACCESS_NAMES,
  METHOD_NAMES,
  PRIMITIVES,
  PROTOCOL_C_PREFIX,
  channelMacro,
  deviceMacro,
  verdictMacro,
  hex,
  protocolModel,
  type Arch,
  type DeviceModel,
  type EnumModel,
  type FieldModel,
  type IoctlModel,
  type StructModel,
  type TypeRef,
} from '@inverted-call/schema';
import { generatedBanner, type GeneratedFileInfo } from './banner.js';
import { sanitizeComment } from './comment-text.js';

const ASSERT = `${PROTOCOL_C_PREFIX}_STATIC_ASSERT`;

export function emitCHeader(model: DeviceModel, info: GeneratedFileInfo): string {
  const out: string[] = [];
  const guard = deviceMacro(model, 'PUBLIC_H');
  const typeNames = new Map<string, string>([
    ...model.structs.map((struct) => [struct.name, struct.cName] as const),
    ...model.enums.map((entry) => [entry.name, entry.cName] as const),
  ]);

  out.push(...generatedBanner(info).map((line) => (line ? `// ${line}` : '//')));
  out.push(`#ifndef ${guard}`, `#define ${guard}`, '');
  out.push(
    '#ifndef CTL_CODE',
    '#error "Include <ntddk.h> or <wdm.h> (kernel mode), or <windows.h> and <winioctl.h> (user mode), before this header."',
    '#endif',
    '',
  );
  out.push(...protocolSection());
  out.push(...deviceSection(model));
  if (model.enums.length) out.push('/* ---- Enums (fixed underlying types; C enums would be int-sized) ---- */', '');
  for (const entry of model.enums) out.push(...enumSection(entry));
  if (model.structs.length) out.push('/* ---- Structs ---- */', '');
  for (const struct of model.structs) out.push(...structSection(struct, typeNames));
  out.push(...callsSection(model));
  out.push(...channelsSection(model));
  out.push(...verdictsSection(model));
  out.push(`#endif /* ${guard} */`, '');
  return out.join('\n');
}

/** Guards the protocol section; named by version, so headers of two protocol versions cannot mix. */
const PROTOCOL_GUARD = `${PROTOCOL_C_PREFIX}_PROTOCOL_V${PROTOCOL_VERSION}`;

function protocolSection(): string[] {
  const out = [
    `#ifndef ${PROTOCOL_GUARD}`,
    `#define ${PROTOCOL_GUARD}`,
    '',
    '/* Static assertion that works in C89 (MSVC without /std:c11), C11 and C++. */',
    '#if defined(__cplusplus)',
    `#define ${ASSERT}(expression, message) static_assert(expression, message)`,
    '#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L',
    `#define ${ASSERT}(expression, message) _Static_assert(expression, message)`,
    '#else',
    `#define ${ASSERT}(expression, message) C_ASSERT(expression)`,
    '#endif',
    '',
    `/* Inverted-call protocol v${PROTOCOL_VERSION}: see the protocol contract in the project docs. */`,
    `#define ${PROTOCOL_C_PREFIX}_PROTOCOL_VERSION ${PROTOCOL_VERSION}u`,
    `#define ${PROTOCOL_C_PREFIX}_RECORD_ALIGNMENT ${RECORD_ALIGNMENT}u`,
    `#define ${PROTOCOL_C_PREFIX}_RECORD_BYTES(payloadBytes) ((((UINT32)sizeof(${PROTOCOL_C_PREFIX}_RECORD_HEADER) + (UINT32)(payloadBytes)) + (${RECORD_ALIGNMENT}u - 1u)) & ~(${RECORD_ALIGNMENT}u - 1u))`,
    `#define ${PROTOCOL_C_PREFIX}_OVERFLOW_DROP_NEWEST ${OVERFLOW_POLICY_CODES['drop-newest']}u`,
    `#define ${PROTOCOL_C_PREFIX}_OVERFLOW_DROP_OLDEST ${OVERFLOW_POLICY_CODES['drop-oldest']}u`,
    '/* BATCH_HEADER.Flags: the ring held no event once the batch was filled, so the drops no gap has',
    ' * shown yet are the sequences right after its last record. A driver may leave it clear. */',
    `#define ${PROTOCOL_C_PREFIX}_BATCH_FLAG_RING_EMPTY ${hex(BATCH_FLAG_RING_EMPTY)}u`,
    '',
  ];
  for (const struct of protocolModel()) out.push(...structSection(struct, new Map()));
  out.push(`#endif /* ${PROTOCOL_GUARD} */`, '');
  return out;
}

function deviceSection(model: DeviceModel): string[] {
  const hashBytes = model.schemaHash.match(/../g)!.map((pair) => `0x${pair}`);
  const deviceType = model.deviceType.cName ?? `${hex(model.deviceType.value)}u`;
  return [
    `/* ---- Device ${model.name} ---- */`,
    '',
    `#define ${deviceMacro(model, 'DEVICE_NAME')} L"\\\\Device\\\\${model.name}"`,
    `#define ${deviceMacro(model, 'SYMBOLIC_LINK_NAME')} L"\\\\DosDevices\\\\${model.symbolicLink}"`,
    `/* What user mode passes to CreateFileW. */`,
    `#define ${deviceMacro(model, 'DEVICE_PATH')} L"\\\\\\\\.\\\\${model.symbolicLink}"`,
    `#define ${deviceMacro(model, 'DEVICE_TYPE')} ${deviceType}`,
    `/* Who may open the control device. */`,
    `#define ${deviceMacro(model, 'SDDL')} L"${model.sddl}"`,
    `/* SHA-256 of the wire-relevant schema; the protocol-information call returns it. */`,
    `#define ${deviceMacro(model, 'SCHEMA_HASH_STRING')} "${model.schemaHash}"`,
    `#define ${deviceMacro(model, 'SCHEMA_HASH_INITIALIZER')} { ${hashBytes.slice(0, 16).join(', ')}, \\`,
    `    ${hashBytes.slice(16).join(', ')} }`,
    `#define ${deviceMacro(model, 'CHANNEL_COUNT')} ${model.channels.length}u`,
    `#define ${deviceMacro(model, 'VERDICT_COUNT')} ${model.verdicts.length}u`,
    `/* Output of ${model.protocolInfo.cName}: PROTOCOL_INFO, one CHANNEL_INFO per channel, one VERDICT_INFO per verdict. */`,
    `#define ${deviceMacro(model, 'PROTOCOL_INFO_OUTPUT_BYTES')} (sizeof(${PROTOCOL_C_PREFIX}_PROTOCOL_INFO) + ${deviceMacro(model, 'CHANNEL_COUNT')} * sizeof(${PROTOCOL_C_PREFIX}_CHANNEL_INFO) + ${deviceMacro(model, 'VERDICT_COUNT')} * sizeof(${PROTOCOL_C_PREFIX}_VERDICT_INFO))`,
    `/* Limits (device.limits): a subscribe request past one fails with STATUS_QUOTA_EXCEEDED. */`,
    `#define ${deviceMacro(model, 'MAX_SUBSCRIPTIONS')} ${model.limits.maxSubscriptions}u`,
    `#define ${deviceMacro(model, 'MAX_PARKED_PER_HANDLE')} ${model.limits.maxParkedPerHandle}u`,
    `#define ${deviceMacro(model, 'MAX_RING_BYTES')} ${model.limits.maxRingBytes}u`,
    '',
    '/* Built-in call (protocol rule R7): protocol version, schema hash, channel capacities and verdict counters. */',
    ...ioctlDefinition(model, model.protocolInfo),
    '',
  ];
}

function ioctlDefinition(model: DeviceModel, ioctl: IoctlModel): string[] {
  return [
    `#define ${ioctl.cName} CTL_CODE(${deviceMacro(model, 'DEVICE_TYPE')}, ${hex(ioctl.function)}, ${METHOD_NAMES[ioctl.method]}, ${accessExpression(ioctl)})`,
    `${ASSERT}(${ioctl.cName} == ${hex(ioctl.code, 8)}u, "${ioctl.cName} is ${hex(ioctl.code, 8)}");`,
  ];
}

function accessExpression(ioctl: IoctlModel): string {
  return ioctl.access === 3 ? '(FILE_READ_ACCESS | FILE_WRITE_ACCESS)' : ACCESS_NAMES[ioctl.access];
}

function enumSection(entry: EnumModel): string[] {
  const underlying = PRIMITIVES[entry.underlying].cType;
  const out = [...comment(entry.description), `typedef ${underlying} ${entry.cName};`];
  for (const member of entry.members) out.push(`#define ${member.cName} ((${entry.cName})${member.value})`);
  out.push('');
  return out;
}

function fieldDeclaration(field: FieldModel, typeNames: ReadonlyMap<string, string>): string {
  const [cType, suffix] = cTypeOf(field.type, typeNames);
  return `${cType} ${field.cName}${suffix};`;
}

function cTypeOf(type: TypeRef, typeNames: ReadonlyMap<string, string>): [string, string] {
  switch (type.kind) {
    case 'primitive': return [PRIMITIVES[type.name].cType, ''];
    case 'string': return [type.encoding === 'utf16' ? 'WCHAR' : 'CHAR', `[${type.length}]`];
    case 'guid': return ['GUID', ''];
    case 'enum':
    case 'struct': return [typeNames.get(type.name) ?? `${PROTOCOL_C_PREFIX}_${type.name}`, ''];
    case 'array': {
      const [element] = cTypeOf(type.element, typeNames);
      return [element, `[${type.length}]`];
    }
  }
}

function structSection(struct: StructModel, typeNames: ReadonlyMap<string, string>): string[] {
  const out = [`#pragma pack(push, ${struct.pack})`, ...comment(struct.description), `typedef struct _${struct.cName} {`];
  const declarations = struct.fields.map((field) => fieldDeclaration(field, typeNames));
  const width = Math.max(...declarations.map((declaration) => declaration.length));
  struct.fields.forEach((field, index) => {
    const note = [`offset ${struct.layout.x64.offsets[index]}`, field.description].filter(Boolean).join(': ');
    out.push(`    ${declarations[index]!.padEnd(width)} /* ${sanitizeComment(note)} */`);
  });
  out.push(`} ${struct.cName}, *P${struct.cName};`, '#pragma pack(pop)', '');
  out.push(...layoutAsserts(struct), '');
  return out;
}

/** Static asserts of size and offsets; `_WIN64` covers x64 and ARM64, the other branch x86 (and ARM32). */
function layoutAsserts(struct: StructModel): string[] {
  const block = (arch: Arch) => {
    const layout = struct.layout[arch];
    const lines = [`${ASSERT}(sizeof(${struct.cName}) == ${layout.size}, "${struct.cName}: size on ${arch}");`];
    struct.fields.forEach((field, index) => {
      lines.push(`${ASSERT}(FIELD_OFFSET(${struct.cName}, ${field.cName}) == ${layout.offsets[index]}, "${struct.cName}.${field.cName}: offset on ${arch}");`);
    });
    return lines;
  };
  return ['#if defined(_WIN64)', ...block('x64'), '#else', ...block('x86'), '#endif'];
}

function callsSection(model: DeviceModel): string[] {
  if (!model.calls.length) return [];
  const out = ['/* ---- Calls ---- */', ''];
  for (const call of model.calls) {
    const shape = `input ${call.input ?? 'none'}, output ${call.output ?? 'none'}`;
    out.push(...comment(call.description ? `${call.description} (${shape})` : shape));
    out.push(...ioctlDefinition(model, call.ioctl), '');
  }
  return out;
}

function channelsSection(model: DeviceModel): string[] {
  if (!model.channels.length) return [];
  const out = ['/* ---- Channels (inverted-call event streams) ---- */', ''];
  model.channels.forEach((channel, index) => {
    out.push(...comment(channel.description));
    out.push(`/* Subscribe: output buffer of at least ${channel.minimumOutputBytes} bytes receives one batch. */`);
    out.push(...ioctlDefinition(model, channel.ioctl));
    out.push(
      `#define ${channelMacro(channel.cName, 'INDEX')} ${index}u`,
      `#define ${channelMacro(channel.cName, 'CAPACITY')} ${channel.capacity}u`,
      `#define ${channelMacro(channel.cName, 'OVERFLOW_POLICY')} ${PROTOCOL_C_PREFIX}_OVERFLOW_${channel.overflow === 'drop-newest' ? 'DROP_NEWEST' : 'DROP_OLDEST'}`,
      `#define ${channelMacro(channel.cName, 'BATCH_BYTES')} ${channel.batchBytes}u`,
      `#define ${channelMacro(channel.cName, 'MAX_RECORD_BYTES')} ${channel.maxRecordBytes}u`,
      `#define ${channelMacro(channel.cName, 'MINIMUM_OUTPUT_BYTES')} ${channel.minimumOutputBytes}u`,
    );
    for (const event of channel.events) {
      const struct = model.structs.find((candidate) => candidate.name === event.struct)!;
      out.push(`#define ${event.cName} ((UINT16)${event.id}) /* carries ${struct.cName} */`);
      out.push(`${ASSERT}(${PROTOCOL_C_PREFIX}_RECORD_BYTES(sizeof(${struct.cName})) <= ${channelMacro(channel.cName, 'MAX_RECORD_BYTES')}, "${event.cName}: record fits MAX_RECORD_BYTES");`);
    }
    out.push('');
  });
  return out;
}

function verdictsSection(model: DeviceModel): string[] {
  if (!model.verdicts.length) return [];
  const out = ['/* ---- Verdicts (questions the driver asks, answered within a deadline) ---- */', ''];
  const structName = (name: string) => model.structs.find((candidate) => candidate.name === name)!.cName;
  model.verdicts.forEach((verdict, index) => {
    const question = structName(verdict.question);
    const answer = structName(verdict.answer);
    const macro = (suffix: Parameters<typeof verdictMacro>[1]) => verdictMacro(verdict.cName, suffix);
    out.push(...comment(verdict.description ? `${verdict.name}: ${verdict.description}` : verdict.name));
    out.push(`/* Ask: no input; an output buffer of at least ${verdict.askOutputBytes} bytes receives ${PROTOCOL_C_PREFIX}_VERDICT_QUESTION_HEADER and ${question}. */`);
    out.push(...ioctlDefinition(model, verdict.ask));
    out.push(`/* Reply: input exactly ${PROTOCOL_C_PREFIX}_VERDICT_REPLY_HEADER and ${answer} (${verdict.replyInputBytes} bytes); no output. */`);
    out.push(...ioctlDefinition(model, verdict.reply));
    out.push(
      `#define ${macro('INDEX')} ${index}u`,
      `#define ${macro('DEADLINE_MS')} ${verdict.deadlineMs}u`,
      `#define ${macro('MAX_PENDING')} ${verdict.maxPending}u`,
      `#define ${macro('ASK_OUTPUT_BYTES')} ${verdict.askOutputBytes}u`,
      `#define ${macro('REPLY_INPUT_BYTES')} ${verdict.replyInputBytes}u`,
      `${ASSERT}(sizeof(${PROTOCOL_C_PREFIX}_VERDICT_QUESTION_HEADER) + sizeof(${question}) == ${macro('ASK_OUTPUT_BYTES')}, "${macro('ASK_OUTPUT_BYTES')}: header and question");`,
      `${ASSERT}(sizeof(${PROTOCOL_C_PREFIX}_VERDICT_REPLY_HEADER) + sizeof(${answer}) == ${macro('REPLY_INPUT_BYTES')}, "${macro('REPLY_INPUT_BYTES')}: header and answer");`,
    );
    const named = verdict.defaultAnswer.map((entry) => `${entry.field} = ${typeof entry.value === 'boolean' ? Number(entry.value) : String(entry.value)}`);
    out.push(`/* The default answer, as the ${verdict.answerBytes} bytes of ${answer}: ${named.length ? `${named.join(', ')}, every other field 0` : 'all zero'}. */`);
    out.push(...byteInitializer(macro('DEFAULT_ANSWER_INITIALIZER'), verdict.defaultAnswerBytes), '');
  });
  return out;
}

/** `#define NAME { 0x.., ... }`, 16 bytes a line. */
function byteInitializer(name: string, bytes: readonly number[]): string[] {
  const text = bytes.map((byte) => `0x${byte.toString(16).padStart(2, '0')}`);
  const lines: string[] = [];
  for (let start = 0; start < text.length; start += 16) lines.push(text.slice(start, start + 16).join(', '));
  if (lines.length <= 1) return [`#define ${name} { ${lines[0] ?? '0'} }`];
  return [`#define ${name} { \\`, ...lines.map((line, index) => `    ${line}${index < lines.length - 1 ? ', \\' : ' }'}`)];
}

function comment(text: string | undefined): string[] {
  return text ? [`/* ${sanitizeComment(text)} */`] : [];
}
