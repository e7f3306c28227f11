/**
 * The schema hash: SHA-256 over everything that decides the bytes on the wire (IOCTL codes,
 * event kind ids, every struct's size and each field's offset and type, enum values, the
 * protocol version, each verdict's name, deadline, pending limit and default answer) and nothing else, so renaming a field or editing a description keeps a
 * client and driver compatible while any layout change makes the protocol call refuse the pair.
 */
import { createHash } from 'node:crypto';
import { PROTOCOL_VERSION } from '@inverted-call/codec';
import type { DeviceModel, StructModel, TypeRef } from './model.js';

export function schemaHash(model: DeviceModel): string {
  const structs = new Map(model.structs.map((struct) => [struct.name, struct]));
  const enums = new Map(model.enums.map((entry) => [entry.name, entry]));
  const typeSignature = (type: TypeRef): unknown => {
    switch (type.kind) {
      case 'primitive': return type.name;
      case 'string': return [type.encoding, type.length];
      case 'guid': return 'guid';
      case 'enum': {
        const entry = enums.get(type.name)!;
        return ['enum', entry.underlying, entry.members.map((member) => member.value).sort((a, b) => a - b)];
      }
      case 'struct': return structSignature(structs.get(type.name)!);
      case 'array': return ['array', typeSignature(type.element), type.length];
    }
  };
  const structSignature = (struct: StructModel): unknown => [
    struct.layout.x64.size,
    struct.layout.x86.size,
    struct.fields.map((field, index) => [struct.layout.x64.offsets[index], struct.layout.x86.offsets[index], typeSignature(field.type)]),
  ];
  const signatureOf = (name: string | undefined) => (name === undefined ? null : structSignature(structs.get(name)!));
  const canonical = {
    protocol: PROTOCOL_VERSION,
    calls: model.calls.map((call) => [call.ioctl.code, signatureOf(call.input), signatureOf(call.output)]),
    channels: model.channels.map((channel) => [
      channel.ioctl.code,
      channel.events.map((event) => [event.id, signatureOf(event.struct)]),
    ]),
    // A verdict's name is covered (unlike a channel's): deciders and the template's trigger find
    // a verdict by name, so a renamed verdict is another contract.
    verdicts: model.verdicts.map((verdict) => [
      verdict.name,
      verdict.ask.code,
      verdict.reply.code,
      signatureOf(verdict.question),
      signatureOf(verdict.answer),
      verdict.deadlineMs,
      verdict.maxPending,
      verdict.defaultAnswerBytes,
    ]),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
