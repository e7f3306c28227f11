/**
 * The WDK and Windows SDK NuGet packages a driver folder restores when the machine has no WDK
 * installed (a windows-2025 runner, a new machine): the one owner of their ids and versions.
 * The rendered packages.config pins them; the rendered Directory.Build.props imports each one's
 * `build\native\<id>.props` only once `nuget restore` has put it in `<driver folder>\packages\`,
 * so a machine with an installed WDK builds as before until someone restores.
 *
 * 10.0.26100.6584 is the newest release of the 26100 WDK, the one Microsoft's download page names
 * for Visual Studio 2022 (the 28000 WDK pairs with Visual Studio 2026); the WDK and SDK packages
 * carry the same version.
 */

export interface WdkNugetPackage {
  readonly id: string;
  readonly version: string;
}

/** The MSBuild platforms the driver project builds for, as the .vcxproj and .sln spell them. */
export type DriverPlatform = 'x64' | 'ARM64';

const WDK_NUGET_VERSION = '10.0.26100.6584';

/**
 * In the order Directory.Build.props imports them: each architecture's WDK, then each
 * architecture's SDK, then the architecture-neutral SDK package last (the order Microsoft's
 * driver samples build with).
 */
export const WDK_NUGET_PACKAGES: readonly WdkNugetPackage[] = Object.freeze(
  ['Microsoft.Windows.WDK.x64', 'Microsoft.Windows.WDK.arm64', 'Microsoft.Windows.SDK.CPP.x64', 'Microsoft.Windows.SDK.CPP.arm64', 'Microsoft.Windows.SDK.CPP'].map((id) =>
    Object.freeze({ id, version: WDK_NUGET_VERSION }),
  ),
);

/** The platform a package serves, told by its id's suffix; undefined for one that serves every platform. */
export function wdkPackagePlatform(id: string): DriverPlatform | undefined {
  if (/\.x64$/i.test(id)) return 'x64';
  if (/\.arm64$/i.test(id)) return 'ARM64';
  return undefined;
}

/**
 * Where a restored package's MSBuild properties are, from the driver folder's Directory.Build.props:
 * `nuget restore <Name>.sln` unpacks each package into `packages\<id>.<version>\`, and a native
 * package's props file is named after its id.
 */
export function wdkPackagePropsPath(pkg: WdkNugetPackage): string {
  return `$(MSBuildThisFileDirectory)packages\\${pkg.id}.${pkg.version}\\build\\native\\${pkg.id}.props`;
}

/** The import's condition: the props exist (the packages were restored) and, for an architecture's package, the build is for it. */
export function wdkPackageImportCondition(pkg: WdkNugetPackage): string {
  const platform = wdkPackagePlatform(pkg.id);
  const restored = `Exists('${wdkPackagePropsPath(pkg)}')`;
  return platform ? `${restored} and '$(Platform)' == '${platform}'` : restored;
}
