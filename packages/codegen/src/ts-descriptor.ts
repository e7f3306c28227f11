/**
 * The descriptor half of the TypeScript module: the device's numeric constants (device type,
 * IOCTL codes, event kind ids) and the device descriptor (`defineDevice`) the client runtime
 * consumes, which names the codecs ts-codec.ts emits.
 */
import { PROTOCOL_VERSION, type TransferMethod } from '@inverted-call/codec';
import { METHOD_TEXT, deviceMacro, hex, type DeviceModel, type IoctlModel, type VerdictModel } from '@inverted-call/schema';
import type { ImportTracker } from './imports.js';
import { str } from './ts-syntax.js';

/** `export const` lines for the device type, every IOCTL code and every event kind id. */
export function deviceConstants(model: DeviceModel): string[] {
  const ioctls: IoctlModel[] = [
    model.protocolInfo,
    ...model.calls.map((call) => call.ioctl),
    ...model.channels.map((channel) => channel.ioctl),
    ...model.verdicts.flatMap((verdict) => [verdict.ask, verdict.reply]),
  ];
  const out = [`export const ${deviceMacro(model, 'DEVICE_TYPE')} = ${hex(model.deviceType.value, 4)};`];
  for (const ioctl of ioctls) out.push(`export const ${ioctl.cName} = ${hex(ioctl.code, 8)};`);
  for (const channel of model.channels) {
    for (const event of channel.events) out.push(`export const ${event.cName} = ${event.id};`);
  }
  out.push('');
  return out;
}

/** The descriptor's spelling of an IOCTL's transfer method; typed so the codec must accept it. */
function methodOf(ioctl: IoctlModel): TransferMethod {
  return METHOD_TEXT[ioctl.method];
}

/**
 * The decoded default answer: the codec's reading of an all-zero answer, with the fields the schema
 * sets written over it, so the value is exactly what the codec gives for the default's bytes.
 */
function defaultAnswerExpression(model: DeviceModel, verdict: VerdictModel): string {
  const answer = model.structs.find((struct) => struct.name === verdict.answer)!;
  const zero = `${verdict.answer}Codec.decode(new Uint8Array(${verdict.answerBytes}))`;
  if (!verdict.defaultAnswer.length) return zero;
  const fields = verdict.defaultAnswer.map(({ field, value }) => {
    const tsName = answer.fields.find((candidate) => candidate.name === field)!.tsName;
    return `${tsName}: ${typeof value === 'bigint' ? `${value}n` : String(value)}`;
  });
  return `{ ...${zero}, ${fields.join(', ')} }`;
}

/** The `<device>Device` descriptor and one `<Channel>ChannelEvent` type per channel; records what they import. */
export function deviceDescriptor(model: DeviceModel, imports: ImportTracker): string[] {
  imports.use('defineDevice');
  if (model.channels.length) imports.useType('ChannelEvent');
  const camel = `${model.name.charAt(0).toLowerCase()}${model.name.slice(1)}`;
  // ProcessMonitor -> processMonitorDevice; ConformanceDevice -> conformanceDevice, not ...DeviceDevice.
  const constName = camel.endsWith('Device') ? camel : `${camel}Device`;
  const codec = (name: string | undefined) => (name ? `${name}Codec` : 'null');
  const out = [
    `/** Everything the client runtime needs to talk to ${model.name}; pass it to openDevice(). */`,
    `export const ${constName} = defineDevice({`,
    `  specificationVersion: 'v1',`,
    `  protocolVersion: ${PROTOCOL_VERSION},`,
    `  name: ${str(model.name)},`,
    `  devicePath: ${str(`\\\\.\\${model.symbolicLink}`)},`,
    `  deviceType: ${deviceMacro(model, 'DEVICE_TYPE')},`,
    `  schemaHash: ${str(model.schemaHash)},`,
    `  protocolInfoCode: ${model.protocolInfo.cName},`,
    `  limits: { maxSubscriptions: ${model.limits.maxSubscriptions}, maxParkedPerHandle: ${model.limits.maxParkedPerHandle}, maxRingBytes: ${model.limits.maxRingBytes} },`,
    '  calls: {',
  ];
  for (const call of model.calls) {
    out.push(
      `    ${call.name}: {`,
      `      name: ${str(call.name)},`,
      `      code: ${call.ioctl.cName},`,
      `      method: '${methodOf(call.ioctl)}',`,
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
      `      method: '${methodOf(channel.ioctl)}',`,
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
  out.push('  },', '  verdicts: {');
  for (const verdict of model.verdicts) {
    out.push(
      `    ${verdict.name}: {`,
      `      name: ${str(verdict.name)},`,
      `      askCode: ${verdict.ask.cName},`,
      `      replyCode: ${verdict.reply.cName},`,
      `      requiredAccess: ${verdict.ask.access},`,
      `      question: ${verdict.question}Codec,`,
      `      answer: ${verdict.answer}Codec,`,
      `      deadlineMs: ${verdict.deadlineMs},`,
      `      maxPending: ${verdict.maxPending},`,
      `      defaultAnswer: ${defaultAnswerExpression(model, verdict)},`,
      `      minimumOutputBytes: ${verdict.askOutputBytes},`,
      '    },',
    );
  }
  out.push('  },', '});', '');
  for (const channel of model.channels) {
    out.push(`/** One event of channel ${channel.name}: \`{ kind, data }\`, discriminated by \`kind\`. */`);
    out.push(`export type ${channel.name}ChannelEvent = ChannelEvent<typeof ${constName}.channels.${channel.name}>;`, '');
  }
  return out;
}
