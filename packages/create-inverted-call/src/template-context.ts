/**
 * What the templates (templates/) see. Every value a template puts into TypeScript, JSON or YAML
 * is either an identifier the answers' checks allow (PascalCase names, the generated module's
 * export) or goes through `json()`, so no answer can break the syntax of a generated file.
 */
import type { DeviceModel } from '@inverted-call/schema';
import { PROCESS_CHANNEL, type ProjectAnswers } from './answers.js';
import type { ProjectLayout } from './project-files.js';
import { CUSTOM_EVENT_KIND, PROCESS_EVENT_KINDS, VERSION_CALL } from './schema-of.js';
import type { VersionManifest } from './versions.js';

export interface CallContext {
  name: string;
  /** `version`: GetVersion and its DriverVersion; `value`: an example call taking and giving `{ value }`. */
  shape: 'version' | 'value';
}

export interface ChannelContext {
  name: string;
  /** `process`: the Process channel (Created/Exited); `value`: an example channel (one kind, `{ time, value }`). */
  shape: 'process' | 'value';
  /** The event kinds, in schema order. */
  kinds: string[];
}

export interface DriverContext {
  flavour: 'kmdf' | 'wdm';
  label: 'KMDF' | 'WDM';
  /** The driver's name, which names its .vcxproj, .sln, .inf and .sys: the device name, as the driver template renders it. */
  name: string;
  /** The driver's Visual Studio solution from the project folder, as a Windows path (driver, backslash, MyDevice.sln), for Windows commands. */
  solution: string;
}

export interface TemplateContext {
  projectName: string;
  deviceName: string;
  /** The Node service's name as a Windows service: not the driver's own service name (the device name). */
  windowsServiceName: string;
  /** The generated module's descriptor export, e.g. `processMonitorDevice`. */
  deviceConst: string;
  /** The generated module, as imported from src/: `./generated/<stem>.js`. */
  moduleImport: string;
  /** The same, as imported from test/: `../src/generated/<stem>.js`. */
  testModuleImport: string;
  layout: ProjectLayout;
  driver: DriverContext;
  processNotify: boolean;
  calls: CallContext[];
  channels: ChannelContext[];
  /** What the tests exercise: the first call and the first channel (either may be absent). */
  testCall: CallContext | undefined;
  testChannel: ChannelContext | undefined;
  versions: VersionManifest;
  /** Handler names in driver/Handlers.c, by call. */
  handlerNames: Record<string, string>;
  json: (value: unknown) => string;
  /** A TS expression of one event of a channel, numbered by the TS expression `index`. */
  sampleEvent: (channel: ChannelContext, index: string) => string;
  /** A TS expression of a call's sample input (`undefined` for a call without input). */
  sampleInput: (call: CallContext) => string;
}

/** The descriptor export the generated module declares (codegen decides the name). */
export function descriptorExport(tsModule: string): string {
  const match = /^export const (\w+) = defineDevice\(/m.exec(tsModule);
  if (!match) throw new Error('create-inverted-call: the generated module declares no device descriptor (defineDevice)');
  return match[1]!;
}

export function sampleEvent(channel: ChannelContext, index: string): string {
  if (channel.shape === 'process') {
    return `{ kind: ${JSON.stringify(PROCESS_EVENT_KINDS.exited)} as const, data: { processId: BigInt(4000 + ${index}), exitTime: 0n } }`;
  }
  return `{ kind: ${JSON.stringify(CUSTOM_EVENT_KIND)} as const, data: { time: 0n, value: ${index} } }`;
}

export function sampleInput(call: CallContext): string {
  return call.shape === 'version' ? 'undefined' : '{ value: 21 }';
}

export function templateContext(
  answers: ProjectAnswers,
  layout: ProjectLayout,
  model: DeviceModel,
  tsModule: string,
  handlerName: (call: DeviceModel['calls'][number]) => string,
  versions: VersionManifest,
): TemplateContext {
  const calls: CallContext[] = model.calls.map((call) => ({ name: call.name, shape: call.name === VERSION_CALL ? 'version' : 'value' }));
  const channels: ChannelContext[] = model.channels.map((channel) => ({
    name: channel.name,
    shape: answers.processNotify && channel.name === PROCESS_CHANNEL ? 'process' : 'value',
    kinds: channel.events.map((event) => event.name),
  }));
  return {
    projectName: answers.projectName,
    deviceName: answers.deviceName,
    windowsServiceName: `${answers.deviceName}Service`,
    deviceConst: descriptorExport(tsModule),
    moduleImport: `./generated/${layout.stem}.js`,
    testModuleImport: `../src/generated/${layout.stem}.js`,
    layout,
    driver: {
      ...(answers.driver === 'wdm' ? { flavour: 'wdm', label: 'WDM' } : { flavour: 'kmdf', label: 'KMDF' }),
      name: model.name,
      solution: `${layout.driverFolder.split('/').join('\\')}\\${model.name}.sln`,
    },
    processNotify: answers.processNotify,
    calls,
    channels,
    testCall: calls[0],
    testChannel: channels[0],
    versions,
    handlerNames: Object.fromEntries(model.calls.map((call) => [call.name, handlerName(call)])),
    json: (value) => JSON.stringify(value),
    sampleEvent,
    sampleInput,
  };
}
