/**
 * Renders the KMDF driver for one device: the shared files (render-common.ts) plus the KMDF glue,
 * the project's KMDF declarations for the Linux compile check, and the KMDF parts of the INF and
 * vcxproj. Every file says who owns it, so a generator can refresh what is generated and never
 * touch what is the user's.
 */
import type { DeviceModel } from '@inverted-call/schema';
import { OUTSIDE_PROJECT_FOLDER, renderDriver, type DriverFlavour, type DriverRenderOptions, type RenderedFile, type TemplateFile } from './render-common.js';

export type { FileOwner, RenderedFile } from './render-common.js';

export type KmdfRenderOptions = DriverRenderOptions;

/** The KMDF version the project targets (1.15: Windows 10 1507 and later). */
export const KMDF_VERSION = { major: 1, minor: 15 } as const;

const glue = (name: string): TemplateFile => ({ path: name, folder: 'kmdf', source: name });

const KMDF_FLAVOUR: DriverFlavour = {
  name: 'kmdf',
  driverModel: 'KMDF',
  glueSources: ['Driver.c', 'Device.c', 'Queue.c', 'InvertedCallTest.c'].map(glue),
  glueHeaders: [glue('Driver.h')],
  outsideProject: ['KmdfSubset.h', 'WdmAdditions.h'].map((name) => ({ path: `${OUTSIDE_PROJECT_FOLDER}/${name}`, folder: 'check-headers', source: name })),
  readme: { path: 'README.md', folder: 'kmdf', source: 'project/README.md.tmpl' },
  values: ({ model, processNotify }) => ({
    FrameworkVersionProperties: [
      '    <!-- Framework version the driver compiles and links against; stampinf writes the same',
      "         value into the INF's KmdfLibraryVersion. -->",
      `    <KMDF_VERSION_MAJOR>${KMDF_VERSION.major}</KMDF_VERSION_MAJOR>`,
      `    <KMDF_VERSION_MINOR>${KMDF_VERSION.minor}</KMDF_VERSION_MINOR>`,
    ].join('\n'),
    LinkDependencies: '',
    InfFrameworkVersion: '\n      <KmdfVersionNumber>$(KMDF_VERSION_MAJOR).$(KMDF_VERSION_MINOR)</KmdfVersionNumber>',
    SourcesComment: [
      '  <!-- Sources. check\\KmdfSubset.h is deliberately absent: it serves only the Linux compile',
      '       check and must never be part of a real build. InvertedCallTest.c, InvertedCallTestCodes.c, EmitTest.c',
      `       ${processNotify ? '(and NotifyTest.c, NotifyTestInput.c) ' : ''}compile to nothing unless INVERTED_CALL_TEST_BUILD is defined, which only test builds do. -->`,
    ].join('\n'),
    StampinfNote: [
      '; build. It replaces $ARCH$ with amd64 or arm64, $KMDFVERSION$ with the KMDF version the',
      '; project builds against, and writes the DriverVer date and version.',
    ].join('\n'),
    InfFrameworkSections: [
      '; KMDF: records which framework version the service was built against. Windows 10 and later',
      '; ship the framework in the box, so no co-installer or redistributable is part of this package.',
      '[DefaultInstall.NT$ARCH$.Wdf]',
      `KmdfService = ${model.name}, ${model.name}_wdfsect`,
      '',
      `[${model.name}_wdfsect]`,
      'KmdfLibraryVersion = $KMDFVERSION$',
      '',
      '',
    ].join('\n'),
  }),
};

export function renderKmdfDriver(model: DeviceModel, options: KmdfRenderOptions): RenderedFile[] {
  return renderDriver(model, options, KMDF_FLAVOUR);
}
