// The driver folder's Windows build files (.sln, packages.config, Directory.Build.props) as render
// writes them, and checkWindowsBuildFiles, which proves on Linux what it can of the WDK build: the
// .sln lists the .vcxproj with its GUID and configurations, the project compiles exactly the
// rendered WDK sources, the NuGet pins are the kit's. Nothing here runs MSBuild or NuGet.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DIRECTORY_BUILD_PROPS_FILE, PACKAGES_CONFIG_FILE, WDK_NUGET_PACKAGES, checkWindowsBuildFiles, readRenderRecord, sourcesPropsFile, staleDriverFiles, writeRenderedDriver } from '../src/index.js';
import { SCHEMAS, model, renderToTemp, renderWdm } from './support/schemas.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((dispose) => dispose()));

/** A rendered process-monitor folder of one flavour, removed after the test. */
function folder(flavour: 'kmdf' | 'wdm' = 'kmdf', schema: keyof typeof SCHEMAS = 'processMonitor') {
  const rendered = renderToTemp(schema, flavour);
  cleanups.push(rendered.dispose);
  const name = model(schema).name;
  const path = (file: string) => join(rendered.dir, file);
  const edit = (file: string, change: (text: string) => string) => {
    const before = readFileSync(path(file), 'utf8');
    const after = change(before);
    expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
    writeFileSync(path(file), after);
  };
  return { ...rendered, name, path, edit };
}

describe('rendered driver folders', () => {
  it.each(['kmdf', 'wdm'] as const)('%s: every schema renders consistent Windows build files', (flavour) => {
    for (const schema of Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[]) {
      expect(checkWindowsBuildFiles(folder(flavour, schema).dir), schema).toEqual([]);
    }
  });

  it('the .sln is the user\'s like the .vcxproj; packages.config and Directory.Build.props are the kit\'s', () => {
    const { dir, name, files } = folder();
    const owners = new Map(readRenderRecord(dir)!.files.map((file) => [file.path, file.owner]));
    expect(owners.get(`${name}.sln`)).toBe('user');
    expect(owners.get(PACKAGES_CONFIG_FILE)).toBe('template');
    expect(owners.get(DIRECTORY_BUILD_PROPS_FILE)).toBe('template');
    // render --check reports a changed pin file, and leaves a changed solution alone.
    writeFileSync(join(dir, `${name}.sln`), '\n', { flag: 'a' });
    writeFileSync(join(dir, PACKAGES_CONFIG_FILE), '\n', { flag: 'a' });
    expect(staleDriverFiles(dir, files)).toEqual([{ path: PACKAGES_CONFIG_FILE, reason: 'different' }]);
  });

  it('pins every package at the kit\'s version and imports each props file only once restored', () => {
    const { path } = folder();
    const config = readFileSync(path(PACKAGES_CONFIG_FILE), 'utf8');
    const props = readFileSync(path(DIRECTORY_BUILD_PROPS_FILE), 'utf8');
    for (const { id, version } of WDK_NUGET_PACKAGES) {
      expect(config).toContain(`<package id="${id}" version="${version}" targetFramework="native" />`);
      expect(props).toContain(`Condition="Exists('$(MSBuildThisFileDirectory)packages\\${id}.${version}\\build\\native\\${id}.props')`);
    }
    expect(props).toContain(`Microsoft.Windows.WDK.arm64.props') and '$(Platform)' == 'ARM64'"`);
  });

  it('still agree once Visual Studio saved them (a byte order mark and CRLF line ends)', () => {
    const { dir, name, edit } = folder();
    for (const file of [`${name}.sln`, `${name}.vcxproj`, sourcesPropsFile(name), PACKAGES_CONFIG_FILE, DIRECTORY_BUILD_PROPS_FILE]) edit(file, (text) => `\uFEFF${text.replace(/\n/g, '\r\n')}`);
    expect(checkWindowsBuildFiles(dir)).toEqual([]);
  });

  it('a flavour switch rewrites an unchanged .sln for the new project GUID', () => {
    const { dir, name } = folder('kmdf', 'minimal');
    const report = writeRenderedDriver(dir, renderWdm('minimal'), { switchFlavour: true });
    expect(report.replaced).toContain(`${name}.sln`);
    expect(checkWindowsBuildFiles(dir)).toEqual([]);
  });
});

describe('negative controls: each fault is named with its file and its fix', () => {
  it('a .sln that lists the project under another GUID', () => {
    const { dir, name, edit } = folder();
    const guid = /<ProjectGuid>\{([^}]+)\}/.exec(readFileSync(join(dir, `${name}.vcxproj`), 'utf8'))![1]!;
    edit(`${name}.sln`, (text) => text.replaceAll(guid, '00000000-1111-4222-A333-444444444444'));
    const problems = checkWindowsBuildFiles(dir);
    expect(problems.join('\n')).toMatch(new RegExp(`^ProcessMonitor\\.sln lists ProcessMonitor\\.vcxproj as \\{00000000-1111-4222-A333-444444444444\\}, but its ProjectGuid is \\{${guid}\\}; use \\{${guid}\\}`, 'm'));
  });

  it('a .sln that lacks a configuration of the project, or does not build one', () => {
    const { dir, name, edit } = folder('wdm');
    edit(`${name}.sln`, (text) => text.split('\n').filter((line) => !line.includes('Debug|ARM64')).join('\n'));
    edit(`${name}.sln`, (text) => text.split('\n').filter((line) => !line.includes('Release|x64.Build.0')).join('\n'));
    expect(checkWindowsBuildFiles(dir)).toEqual([
      expect.stringMatching(/^ProcessMonitor\.sln does not build ProcessMonitor\.vcxproj in Release\|x64; add "\{[0-9A-F-]+\}\.Release\|x64\.Build\.0 = Release\|x64"/),
      expect.stringMatching(/^ProcessMonitor\.sln has no solution configuration Debug\|ARM64, which ProcessMonitor\.vcxproj builds; add "Debug\|ARM64 = Debug\|ARM64"/),
    ]);
  });

  it('a .sln with a second project or a configuration the project lacks', () => {
    const { dir, name, edit } = folder();
    edit(`${name}.sln`, (text) => text.replace('Global\n', 'Project("{8BC9CEB8-8B4A-11D0-8D11-00A0C91BC942}") = "Other", "Other.vcxproj", "{11111111-2222-4333-A444-555555555555}"\nEndProject\nGlobal\n'));
    edit(`${name}.sln`, (text) => text.replace('\t\tDebug|x64 = Debug|x64\n', '\t\tDebug|x64 = Debug|x64\n\t\tDebug|Win32 = Debug|Win32\n'));
    expect(checkWindowsBuildFiles(dir)).toEqual([
      expect.stringMatching(/^ProcessMonitor\.sln must list exactly one project, ProcessMonitor\.vcxproj, but lists ProcessMonitor\.vcxproj \{[0-9A-F-]+\}, Other\.vcxproj \{11111111-2222-4333-A444-555555555555\}; list only ProcessMonitor\.vcxproj/),
      expect.stringMatching(/^ProcessMonitor\.sln has the solution configuration Debug\|Win32, which ProcessMonitor\.vcxproj does not have; remove it/),
    ]);
  });

  it('a ClCompile item for a file that is not there, and a source compiled twice', () => {
    const { dir, name, edit, path } = folder();
    edit(`${name}.vcxproj`, (text) => text.replace('  <ItemGroup>\n  </ItemGroup>', '  <ItemGroup>\n    <ClCompile Include="Stray.c" />\n    <ClCompile Include=".\\Core.c" />\n  </ItemGroup>'));
    expect(checkWindowsBuildFiles(dir)).toEqual([
      'Core.c is compiled 2 times (ClCompile items in ProcessMonitor.sources.props and ProcessMonitor.vcxproj); keep one',
      'ProcessMonitor.vcxproj compiles Stray.c, which is not in the folder; remove that ClCompile item or add the file',
    ]);
    // The user's own source, in the folder, is what the project's empty ItemGroup is for.
    writeFileSync(path('Stray.c'), '/* mine */\n');
    edit(`${name}.vcxproj`, (text) => text.replace('    <ClCompile Include=".\\Core.c" />\n', ''));
    expect(checkWindowsBuildFiles(dir)).toEqual([]);
  });

  it('a rendered source missing from the build, also when its Import is commented out (a parse, not a text search)', () => {
    const { dir, name, edit } = folder();
    edit(sourcesPropsFile(name), (text) => text.replace('    <ClCompile Include="Notify.c" />\n', ''));
    expect(checkWindowsBuildFiles(dir)).toEqual([expect.stringMatching(/^ProcessMonitor\.vcxproj does not compile Notify\.c, which render made for the WDK build; .*restore that Import, or render again$/)]);
    edit(`${name}.vcxproj`, (text) => text.replace(`<Import Project="${name}.sources.props" />`, `<!-- <Import Project="${name}.sources.props" /> -->`));
    expect(checkWindowsBuildFiles(dir).length).toBe(readRenderRecord(dir)!.files.filter((file) => file.path.endsWith('.c')).length);
  });

  it('a rendered source the project takes back with Remove, and an item the check cannot read', () => {
    const { dir, name, edit } = folder();
    edit(`${name}.vcxproj`, (text) => text.replace('  <ItemGroup>\n  </ItemGroup>', '  <ItemGroup>\n    <ClCompile Remove="Notify.c" />\n    <ClCompile Include="extra\\*.c" />\n  </ItemGroup>'));
    expect(checkWindowsBuildFiles(dir)).toEqual([
      'ProcessMonitor.vcxproj: <ClCompile Include="extra\\*.c"> uses a wildcard or a property, so the check cannot tell which files it compiles; name each source',
      expect.stringMatching(/^ProcessMonitor\.vcxproj does not compile Notify\.c, which render made for the WDK build/),
    ]);
  });

  it('a packages.config whose version drifted, or that lost a package', () => {
    const { dir, edit } = folder();
    edit(PACKAGES_CONFIG_FILE, (text) => text.replace('id="Microsoft.Windows.WDK.x64" version="10.0.26100.6584"', 'id="Microsoft.Windows.WDK.x64" version="10.0.26100.1"'));
    edit(PACKAGES_CONFIG_FILE, (text) => text.replace(/ *<package id="Microsoft\.Windows\.SDK\.CPP\.arm64"[^\n]*\n/, ''));
    expect(checkWindowsBuildFiles(dir)).toEqual([
      'packages.config pins Microsoft.Windows.WDK.x64 10.0.26100.1, but the kit pins 10.0.26100.6584; render again (inverted-call-driver render <schema> --out <driver folder>), which rewrites it',
      'packages.config pins no Microsoft.Windows.SDK.CPP.arm64; the kit pins Microsoft.Windows.SDK.CPP.arm64 10.0.26100.6584: render again (inverted-call-driver render <schema> --out <driver folder>), which rewrites it',
    ]);
  });

  it('a Directory.Build.props that imports another version, or imports without the Exists condition', () => {
    const { dir, edit } = folder('wdm');
    edit(DIRECTORY_BUILD_PROPS_FILE, (text) => text.replaceAll('Microsoft.Windows.SDK.CPP.10.0.26100.6584', 'Microsoft.Windows.SDK.CPP.10.0.26100.4204'));
    edit(DIRECTORY_BUILD_PROPS_FILE, (text) => text.replace(/(Microsoft\.Windows\.WDK\.x64\.props" )Condition="[^"]*"/, '$1'));
    expect(checkWindowsBuildFiles(dir)).toEqual([
      expect.stringMatching(/^Directory\.Build\.props imports Microsoft\.Windows\.SDK\.CPP 10\.0\.26100\.4204, but the kit pins 10\.0\.26100\.6584; render again/),
      expect.stringMatching(/^Directory\.Build\.props imports Microsoft\.Windows\.WDK\.x64 under the condition "", not only once restored and for its platform \("Exists\(.*and '\$\(Platform\)' == 'x64'"\); render again/),
    ]);
  });

  it('a file that is not well-formed XML', () => {
    const { dir, edit } = folder();
    edit(PACKAGES_CONFIG_FILE, (text) => text.replace('</packages>', '</package>'));
    expect(checkWindowsBuildFiles(dir)).toEqual([expect.stringMatching(/^packages\.config is not well-formed XML \(.+\); render again/)]);
  });
});
