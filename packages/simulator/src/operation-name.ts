/**
 * Names a request for error messages, e.g. `IOCTL 0x9C00E000 (Echo)`: the code as a Windows
 * developer would grep for it, and the schema name a TypeScript developer knows it by.
 */
import type { DeviceDescriptorV1 } from '@inverted-call/codec';
import { hex32 } from './ntstatus.js';

export function operationNames(descriptor: DeviceDescriptorV1): (code: number) => string {
  const names = new Map<number, string>();
  names.set(descriptor.protocolInfoCode >>> 0, 'protocol information');
  for (const call of Object.values(descriptor.calls)) names.set(call.code >>> 0, call.name);
  for (const channel of Object.values(descriptor.channels)) names.set(channel.code >>> 0, `subscribe ${channel.name}`);
  for (const verdict of Object.values(descriptor.verdicts)) {
    names.set(verdict.askCode >>> 0, `ask ${verdict.name}`);
    names.set(verdict.replyCode >>> 0, `reply ${verdict.name}`);
  }
  return (code) => {
    const name = names.get(code >>> 0);
    return name === undefined ? `IOCTL 0x${hex32(code)}` : `IOCTL 0x${hex32(code)} (${name})`;
  };
}
