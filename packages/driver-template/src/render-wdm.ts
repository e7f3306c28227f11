/**
 * Renders the WDM driver for one device: the files both flavours share (render-common.ts: core,
 * generated C, Handlers.c, CoreConfig.h, Notify.c, INF and vcxproj), plus the WDM glue, the
 * test-build state IOCTL and the WDM README. Same owners as the KMDF flavour.
 */
import type { DeviceModel } from '@inverted-call/schema';
import { basename } from 'node:path';
import { MINGW_GCC, WDM_WINE_RUNTIME_SOURCES, wdmBuildArguments } from './build-wdm.js';
import { renderDriver, type DriverFlavour, type DriverRenderOptions, type RenderedFile, type TemplateFile } from './render-common.js';

export type WdmRenderOptions = DriverRenderOptions;

const glue = (name: string): TemplateFile => ({ path: name, folder: 'wdm', source: name });

/** The mingw command of the README, one option group per line: the folder's sources and the kit's Wine runtime. */
function mingwCommand(name: string): string {
  const runtime = WDM_WINE_RUNTIME_SOURCES.map((source) => `<kit>/wine-runtime/${basename(source)}`);
  const args = wdmBuildArguments(['*.c', ...runtime], `${name}.sys`, { testBuild: false });
  const lines: string[] = [];
  let line = MINGW_GCC;
  for (const arg of args) {
    if (line.length + arg.length + 1 > 96) {
      lines.push(`${line} \\`);
      line = `    ${arg}`;
    } else {
      line = `${line} ${arg}`;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

const WDM_FLAVOUR: DriverFlavour = {
  name: 'wdm',
  driverModel: 'WDM',
  glueSources: ['Driver.c', 'Device.c', 'Queue.c', 'InvertedCallTest.c'].map(glue),
  glueHeaders: [glue('Driver.h')],
  outsideProject: [],
  readme: { path: 'README.md', folder: 'wdm', source: 'project/README.md.tmpl' },
  values: ({ model, processNotify }) => ({
    FrameworkVersionProperties: '    <!-- WDM: no framework to version. The driver links against the kernel, and wdmsec.lib (below). -->',
    LinkDependencies: [
      '',
      "      <!-- IoCreateDeviceSecure, which gives the device the schema's SDDL, lives in this static library. -->",
      '      <AdditionalDependencies>$(DDK_LIB_PATH)wdmsec.lib;%(AdditionalDependencies)</AdditionalDependencies>',
    ].join('\n'),
    InfFrameworkVersion: '',
    SourcesComment: [
      `  <!-- Sources. InvertedCallTest.c, InvertedCallTestCodes.c, EmitTest.c${processNotify ? ', NotifyTest.c and NotifyTestInput.c' : ''} compile to nothing unless INVERTED_CALL_TEST_BUILD is defined,`,
      '       which only test builds do; never ship one. -->',
    ].join('\n'),
    StampinfNote: '; build. It replaces $ARCH$ with amd64 or arm64 and writes the DriverVer date and version.',
    InfFrameworkSections: '; WDM: no framework section. The driver needs nothing but the kernel.\n\n',
    MingwCommand: mingwCommand(model.name),
  }),
};

export function renderWdmDriver(model: DeviceModel, options: WdmRenderOptions): RenderedFile[] {
  return renderDriver(model, options, WDM_FLAVOUR);
}
