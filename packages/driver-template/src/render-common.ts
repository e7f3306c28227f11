/**
 * What the KMDF and the WDM renderer share. Both flavours get the same portable core, the same
 * generated C, the same Handlers.c, the same CoreConfig.h and process-notify callback, and an
 * INF and a vcxproj from the same templates; a flavour adds only its glue, its README and the
 * placeholder values that differ (framework sections, driver type, link dependencies).
 */
import { createHash } from 'node:crypto';
import { emitCHeader, generatedBanner } from '@inverted-call/codegen';
import { kebabCase, type DeviceModel } from '@inverted-call/schema';
import { emitDeviceTableHeader, emitDeviceTableSource, emitHandlersHeader, emitHandlersStub, type DeviceTableInput } from './device-table.js';
import { planProcessNotify, planProcessVerdict, type ProcessNotifyMapping, type ProcessNotifyPlan } from './process-notify.js';
import { readmeVerdictsSection } from './readme-verdicts.js';
import { RENDER_RECORD_FILE, contentHash, formatRenderRecord, type DriverFlavourName } from './render-record.js';
import { fillPlaceholders, readTemplateFile, type TemplateFolder } from './template-files.js';
import { DIRECTORY_BUILD_PROPS_FILE, PACKAGES_CONFIG_FILE, VCXPROJ_TYPE_GUID, solutionFile, windowsBuildValues } from './windows-build-files.js';

/**
 * - `template`: the template's own code (core and glue) and the kit's WDK NuGet pins (packages.config,
 *   Directory.Build.props); replace it only with a newer template.
 * - `generated`: made from the schema; regenerate it whenever the schema changes, never edit it.
 * - `user`: written once as a starting point; the user's from then on (Handlers.c, INF, project, solution, README).
 */
export type FileOwner = 'template' | 'generated' | 'user';

export interface RenderedFile {
  /** Relative to the driver folder, with forward slashes. */
  path: string;
  content: string;
  owner: FileOwner;
}

/** Options both renderers take. */
export interface DriverRenderOptions {
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

/** A template file: where it goes in the driver folder, and where it comes from. */
export interface TemplateFile {
  path: string;
  folder: TemplateFolder;
  source: string;
}

/** What a flavour adds to the shared files. */
export interface DriverFlavour {
  /** What `--flavour` and the render record call it. */
  name: DriverFlavourName;
  /** The vcxproj's DriverType, and the name INF and project comments use. */
  driverModel: 'KMDF' | 'WDM';
  /** Glue compiled into the driver, in project order. */
  glueSources: readonly TemplateFile[];
  /** Glue headers, in project order (CoreConfig.h, shared, follows them). */
  glueHeaders: readonly TemplateFile[];
  /** Template files outside the WDK project (the KMDF compile-check declarations), all under OUTSIDE_PROJECT_FOLDER. */
  outsideProject: readonly TemplateFile[];
  readme: TemplateFile;
  /** The flavour's own placeholder values for the INF, the vcxproj and its README. */
  values(context: FlavourContext): Record<string, string>;
}

export interface FlavourContext {
  model: DeviceModel;
  headerFile: string;
  processNotify: ProcessNotifyPlan | undefined;
}

/** templates/core: the core (channels, calls) and its verdict channels (Verdict.c), the same in every driver. */
const CORE_FILES = ['Core.c', 'Core.h', 'CoreInternal.h', 'Verdict.c', 'Verdict.h'] as const;

/** The subfolder of rendered files that serve only the Linux checks and never the WDK build. */
export const OUTSIDE_PROJECT_FOLDER = 'check';

/** Whether a rendered file is a source the WDK project compiles: every C file but those in OUTSIDE_PROJECT_FOLDER. */
export function isWdkBuildSource(path: string): boolean {
  return path.endsWith('.c') && !path.startsWith(`${OUTSIDE_PROJECT_FOLDER}/`);
}

/** Shared test-build files (templates/shared): the test IOCTLs' layout, the emit IOCTL and the
 * check that the schema leaves their codes free. They compile to nothing without INVERTED_CALL_TEST_BUILD. */
const TEST_BUILD_FILES = [
  'InvertedCallTest.h',
  'InvertedCallTestCodes.h',
  'InvertedCallTestCodes.c',
  'EmitTest.h',
  'EmitTest.c',
  'TestWorker.h',
  'TestWorker.c',
  'AskTest.h',
  'AskTest.c',
  'AskTestInput.c',
] as const;
/** templates/shared files every driver renders: the asker's timed wait and the verdict ops both glues share. */
const VERDICT_WAIT_FILES = ['VerdictWait.h', 'VerdictWait.c'] as const;
/** templates/shared files rendered with a process channel: the callback and its test-build IOCTL. */
const NOTIFY_SOURCES = ['Notify.c', 'NotifyTest.c', 'NotifyTestInput.c'] as const;
const NOTIFY_HEADERS = ['Notify.h', 'NotifyTest.h'] as const;

/** A file of templates/shared, rendered under its own name. */
const shared = (name: string): TemplateFile => ({ path: name, folder: 'shared', source: name });

/** A GUID derived from the device name and flavour, so re-rendering gives the same project file. */
function projectGuid(model: DeviceModel, flavour: DriverFlavour): string {
  const hex = createHash('sha256').update(`inverted-call ${flavour.driverModel.toLowerCase()} project ${model.name}`).digest('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-A${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** INF strings are quoted; a quote is doubled and a percent sign escaped as %%. */
function infString(text: string): string {
  return text.replace(/"/g, '""').replace(/%/g, '%%');
}

export function renderDriver(model: DeviceModel, options: DriverRenderOptions, flavour: DriverFlavour): RenderedFile[] {
  const processNotify = planProcessNotify(model, options.processNotify ?? 'auto');
  const processVerdict = planProcessVerdict(model, processNotify, options.processNotify ?? 'auto');
  const headerFile = `${kebabCase(model.name)}.h`;
  const banner = generatedBanner({ schemaPath: options.schemaPath, schemaHash: model.schemaHash });
  const table: DeviceTableInput = { model, headerFile, banner, processNotify, processVerdict };

  const files: RenderedFile[] = [];
  const template = ({ path, folder, source }: TemplateFile): void => {
    files.push({ path, content: readTemplateFile(source, folder), owner: 'template' });
  };
  // The callback, and the test-build IOCTL that makes it run where the kernel never calls it (Wine).
  const notifyFiles = processNotify ? [...NOTIFY_SOURCES, ...NOTIFY_HEADERS].map(shared) : [];

  for (const name of CORE_FILES) template({ path: name, folder: 'core', source: name });
  for (const file of [...flavour.glueSources, ...flavour.glueHeaders, shared('CoreConfig.h'), ...VERDICT_WAIT_FILES.map(shared), ...TEST_BUILD_FILES.map(shared), ...notifyFiles, ...flavour.outsideProject]) template(file);

  files.push(
    { path: headerFile, content: emitCHeader(model, { schemaPath: options.schemaPath, schemaHash: model.schemaHash }), owner: 'generated' },
    { path: 'DeviceTable.h', content: emitDeviceTableHeader(table), owner: 'generated' },
    { path: 'DeviceTable.c', content: emitDeviceTableSource(table), owner: 'generated' },
    { path: 'Handlers.h', content: emitHandlersHeader(table), owner: 'generated' },
    { path: 'Handlers.c', content: emitHandlersStub(table), owner: 'user' },
  );

  const testSources = TEST_BUILD_FILES.filter((name) => name.endsWith('.c'));
  const testHeaders = TEST_BUILD_FILES.filter((name) => name.endsWith('.h'));
  const sources = [...flavour.glueSources.map((file) => file.path), ...testSources, ...(processNotify ? NOTIFY_SOURCES : []), 'Core.c', 'Verdict.c', 'VerdictWait.c', 'DeviceTable.c', 'Handlers.c'];
  const rendered = files.map((file) => file.path).filter(isWdkBuildSource);
  if ([...sources].sort().join() !== rendered.sort().join()) throw new Error(`internal: the project compiles ${sources.join(', ')} but render made the WDK sources ${rendered.join(', ')}`);
  const guid = projectGuid(model, flavour);
  const headers = [...flavour.glueHeaders.map((file) => file.path), ...testHeaders, 'CoreConfig.h', ...(processNotify ? NOTIFY_HEADERS : []), 'Core.h', 'CoreInternal.h', 'Verdict.h', 'VerdictWait.h', 'DeviceTable.h', 'Handlers.h', headerFile];
  const values: Record<string, string> = {
    DriverName: model.name,
    DriverModel: flavour.driverModel,
    DeviceDescription: infString(model.description ?? `${model.name} inverted-call driver`),
    Provider: infString(options.provider ?? model.name),
    DevicePath: `\\\\.\\${model.symbolicLink}`,
    HeaderFile: headerFile,
    ProjectGuid: guid,
    VcxprojTypeGuid: VCXPROJ_TYPE_GUID,
    // Inside an XML comment, which must not contain "--" (a schema path might).
    GeneratedBanner: banner.join('\n  ').replace(/-(?=-)/g, '- '),
    ClCompileItems: sources.map((name) => `    <ClCompile Include="${name}" />`).join('\n'),
    ClIncludeItems: headers.map((name) => `    <ClInclude Include="${name}" />`).join('\n'),
    ProcessNotifyNote: processNotify
      ? `This driver registers a PsSetCreateProcessNotifyRoutineEx callback that turns every process creation and exit into an event on channel ${processNotify.channel.name}.`
      : 'This driver registers no process-notify callback: the schema has no channel with ProcessCreated and ProcessExited events.',
    ...windowsBuildValues(guid),
    ...flavour.values({ model, headerFile, processNotify }),
  };
  // Both flavours' READMEs share the section on building from the command line and from NuGet.
  values.WindowsBuild = fillPlaceholders(readTemplateFile('project/README-windows-build.md.tmpl', 'shared'), values, 'project/README-windows-build.md.tmpl').trimEnd();
  // And the one on verdicts: the latency budget and the deadlock rules.
  values.Verdicts = readmeVerdictsSection(model);
  const project = ({ path, folder, source }: TemplateFile, owner: FileOwner = 'user'): void => {
    files.push({ path, content: fillPlaceholders(readTemplateFile(source, folder), values, source), owner });
  };
  // The project's source list follows the schema; the project itself, which imports it, is the user's.
  project({ path: sourcesPropsFile(model.name), folder: 'shared', source: 'project/Driver.sources.props.tmpl' }, 'generated');
  project({ path: `${model.name}.inf`, folder: 'shared', source: 'project/Driver.inf.tmpl' });
  project({ path: `${model.name}.vcxproj`, folder: 'shared', source: 'project/Driver.vcxproj.tmpl' });
  // The solution is the user's like the project it lists; the NuGet pins and their imports are the kit's.
  project({ path: solutionFile(model.name), folder: 'shared', source: 'project/Driver.sln.tmpl' });
  project({ path: PACKAGES_CONFIG_FILE, folder: 'shared', source: 'project/packages.config.tmpl' }, 'template');
  project({ path: DIRECTORY_BUILD_PROPS_FILE, folder: 'shared', source: 'project/Directory.Build.props.tmpl' }, 'template');
  project({ ...flavour.readme, path: 'README.md' });
  const recorded = files.map(({ path, owner, content }) => ({ path, owner, sha256: contentHash(content) }));
  files.push({ path: RENDER_RECORD_FILE, content: formatRenderRecord({ flavour: flavour.name, files: recorded, leftovers: [] }), owner: 'generated' });
  return files;
}

/** The generated MSBuild file with the project's ClCompile and ClInclude items, which the .vcxproj imports. */
export function sourcesPropsFile(driverName: string): string {
  return `${driverName}.sources.props`;
}
