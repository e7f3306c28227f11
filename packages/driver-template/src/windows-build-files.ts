/**
 * The driver folder's Windows build files beside the .vcxproj: `<Name>.sln` (what `nuget restore`
 * and `msbuild` take), `packages.config` (the WDK and SDK NuGet pins) and `Directory.Build.props`
 * (which MSBuild imports into the project by itself, and which imports the restored packages).
 * This module owns their names, the project's configurations (the .vcxproj and the .sln list the
 * same ones) and the placeholder values their templates take.
 */
import { WDK_NUGET_PACKAGES, wdkPackageImportCondition, wdkPackagePropsPath, type DriverPlatform } from './wdk-packages.js';

export const PACKAGES_CONFIG_FILE = 'packages.config';
export const DIRECTORY_BUILD_PROPS_FILE = 'Directory.Build.props';

/** The solution beside `<Name>.vcxproj`. */
export function solutionFile(driverName: string): string {
  return `${driverName}.sln`;
}

/** Every configuration the project builds, as `Configuration|Platform`, in project order. */
export const DRIVER_CONFIGURATIONS: readonly string[] = (['x64', 'ARM64'] as const satisfies readonly DriverPlatform[]).flatMap((platform) =>
  ['Debug', 'Release'].map((configuration) => `${configuration}|${platform}`),
);

/** Visual Studio's project-type GUID for a C++ project (.vcxproj), which a .sln names each project by. */
export const VCXPROJ_TYPE_GUID = '8BC9CEB8-8B4A-11D0-8D11-00A0C91BC942';

/**
 * What each solution configuration does with the project: ActiveCfg picks the project's
 * configuration, Build.0 builds it, Deploy.0 lets Visual Studio's driver deployment (to a
 * provisioned test computer) act on it, as the WDK's own driver templates do. msbuild reads only
 * the first two.
 */
const SOLUTION_ACTIONS = ['ActiveCfg', 'Build.0', 'Deploy.0'] as const;

/** The values the .vcxproj, .sln, packages.config and Directory.Build.props templates fill in. */
export function windowsBuildValues(projectGuid: string): Record<string, string> {
  const guid = `{${projectGuid.toUpperCase()}}`;
  return {
    ProjectConfigurationItems: DRIVER_CONFIGURATIONS.map((name) => {
      const [configuration, platform] = name.split('|');
      return [
        `    <ProjectConfiguration Include="${name}">`,
        `      <Configuration>${configuration}</Configuration>`,
        `      <Platform>${platform}</Platform>`,
        '    </ProjectConfiguration>',
      ].join('\n');
    }).join('\n'),
    SolutionConfigurationPlatforms: DRIVER_CONFIGURATIONS.map((name) => `\t\t${name} = ${name}`).join('\n'),
    ProjectConfigurationPlatforms: DRIVER_CONFIGURATIONS.flatMap((name) => SOLUTION_ACTIONS.map((action) => `\t\t${guid}.${name}.${action} = ${name}`)).join('\n'),
    NugetPackageItems: WDK_NUGET_PACKAGES.map(({ id, version }) => `  <package id="${id}" version="${version}" targetFramework="native" />`).join('\n'),
    NugetPropsImports: WDK_NUGET_PACKAGES.map((pkg) => `  <Import Project="${wdkPackagePropsPath(pkg)}" Condition="${wdkPackageImportCondition(pkg)}" />`).join('\n'),
  };
}
