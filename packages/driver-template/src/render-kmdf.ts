/**
 * Renders the KMDF driver for one device: the template's fixed files, the schema-specific C, and
 * the INF, vcxproj and README. Every file says who owns it, so a generator can refresh what is
 * generated and never touch what is the user's.
 */
import { createHash } from 'node:crypto';
import { emitCHeader, generatedBanner } from '@inverted-call/codegen';
import { kebabCase, type DeviceModel } from '@inverted-call/schema';
import { emitDeviceTableHeader, emitDeviceTableSource, emitHandlersHeader, emitHandlersStub, type DeviceTableInput } from './device-table.js';
import { planProcessNotify, type ProcessNotifyMapping } from './process-notify.js';
import { fillPlaceholders, readTemplateFile } from './template-files.js';

/**
 * - `template`: the template's own code (core and glue); replace it only with a newer template.
 * - `generated`: made from the schema; regenerate it whenever the schema changes, never edit it.
 * - `user`: written once as a starting point; the user's from then on (Handlers.c, INF, project, README).
 */
export type FileOwner = 'template' | 'generated' | 'user';

export interface RenderedFile {
  /** Relative to the driver folder, with forward slashes. */
  path: string;
  content: string;
  owner: FileOwner;
}

export interface KmdfRenderOptions {
  /** The schema file as seen from the driver folder (named in generated files' banners). */
  schemaPath: string;
  /**
   * Which channel the process-notify callback feeds. `'auto'` (default): a channel with events of
   * the structs ProcessCreated and ProcessExited, if there is one. `false`: no callback.
   */
  processNotify?: ProcessNotifyMapping | 'auto' | false;
  /** Provider and manufacturer in the INF (default: the device name). */
  provider?: string;
}

/** The KMDF version the project targets (1.15: Windows 10 1507 and later). */
export const KMDF_VERSION = { major: 1, minor: 15 } as const;

const CORE_FILES = ['Core.c', 'Core.h'] as const;
const GLUE_SOURCES = ['Driver.c', 'Device.c', 'Queue.c'] as const;
const GLUE_HEADERS = ['Driver.h', 'CoreConfig.h'] as const;
const CHECK_HEADERS = ['KmdfSubset.h', 'WdmAdditions.h'] as const;

/** A GUID derived from the device name, so re-rendering gives the same project file. */
function projectGuid(model: DeviceModel): string {
  const hex = createHash('sha256').update(`inverted-call kmdf project ${model.name}`).digest('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-A${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** INF strings are quoted; a quote is doubled and a percent sign escaped as %%. */
function infString(text: string): string {
  return text.replace(/"/g, '""').replace(/%/g, '%%');
}

export function renderKmdfDriver(model: DeviceModel, options: KmdfRenderOptions): RenderedFile[] {
  const processNotify = planProcessNotify(model, options.processNotify ?? 'auto');
  const headerFile = `${kebabCase(model.name)}.h`;
  const banner = generatedBanner({ schemaPath: options.schemaPath, schemaHash: model.schemaHash });
  const table: DeviceTableInput = { model, headerFile, banner, processNotify };

  const files: RenderedFile[] = [];
  const template = (path: string, source: string): void => {
    files.push({ path, content: readTemplateFile(source), owner: 'template' });
  };
  for (const name of CORE_FILES) template(name, `core/${name}`);
  for (const name of [...GLUE_SOURCES, ...GLUE_HEADERS]) template(name, `driver/${name}`);
  if (processNotify) template('Notify.c', 'driver/Notify.c');
  for (const name of CHECK_HEADERS) template(`check/${name}`, `include/${name}`);

  files.push(
    { path: headerFile, content: emitCHeader(model, { schemaPath: options.schemaPath, schemaHash: model.schemaHash }), owner: 'generated' },
    { path: 'DeviceTable.h', content: emitDeviceTableHeader(table), owner: 'generated' },
    { path: 'DeviceTable.c', content: emitDeviceTableSource(table), owner: 'generated' },
    { path: 'Handlers.h', content: emitHandlersHeader(table), owner: 'generated' },
    { path: 'Handlers.c', content: emitHandlersStub(table), owner: 'user' },
  );

  const sources = [...GLUE_SOURCES, ...(processNotify ? ['Notify.c'] : []), 'Core.c', 'DeviceTable.c', 'Handlers.c'];
  const headers = [...GLUE_HEADERS, 'Core.h', 'DeviceTable.h', 'Handlers.h', headerFile];
  const values: Record<string, string> = {
    DriverName: model.name,
    DeviceDescription: infString(model.description ?? `${model.name} inverted-call driver`),
    Provider: infString(options.provider ?? model.name),
    DevicePath: `\\\\.\\${model.symbolicLink}`,
    HeaderFile: headerFile,
    ProjectGuid: projectGuid(model),
    KmdfVersionMajor: String(KMDF_VERSION.major),
    KmdfVersionMinor: String(KMDF_VERSION.minor),
    ClCompileItems: sources.map((name) => `    <ClCompile Include="${name}" />`).join('\n'),
    ClIncludeItems: headers.map((name) => `    <ClInclude Include="${name}" />`).join('\n'),
    ProcessNotifyNote: processNotify
      ? `This driver registers a PsSetCreateProcessNotifyRoutineEx callback that turns every process creation and exit into an event on channel ${processNotify.channel.name}.`
      : 'This driver registers no process-notify callback: the schema has no channel with ProcessCreated and ProcessExited events.',
  };
  const project = (path: string, source: string): void => {
    files.push({ path, content: fillPlaceholders(readTemplateFile(source), values, source), owner: 'user' });
  };
  project(`${model.name}.inf`, 'project/Driver.inf.tmpl');
  project(`${model.name}.vcxproj`, 'project/Driver.vcxproj.tmpl');
  project('README.md', 'project/README.md.tmpl');
  return files;
}
