/**
 * Placeholder until H1's WDK pins land (H1 owns this file): the NuGet packages that give a
 * machine without an installed WDK the kit to build the driver, as `packages.config` pins them.
 */
export const WDK_NUGET_PACKAGES: readonly { id: string; version: string }[] = [
  { id: 'Microsoft.Windows.SDK.CPP', version: '10.0.26100.6584' },
  { id: 'Microsoft.Windows.SDK.CPP.x64', version: '10.0.26100.6584' },
  { id: 'Microsoft.Windows.WDK.x64', version: '10.0.26100.6584' },
];
