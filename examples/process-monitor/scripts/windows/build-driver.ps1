<#
.SYNOPSIS
Builds the driver with MSBuild, restoring the WDK from NuGet when no WDK is installed.

.DESCRIPTION
Finds MSBuild with vswhere (Visual Studio 2022 or its Build Tools, with the C++ build tools for
the platform). When no WDK is installed (no kernel-mode headers under the Windows Kits root), or
when -UseNuGetWdk is given, restores the WDK and SDK NuGet packages that the driver folder's
packages.config pins into <DriverDir>\packages: with nuget.exe when it is on PATH, otherwise with
MSBuild's own restore of packages.config. Then builds <DriverName>.sln for the configuration and
platform, and prints where the .sys, .inf and .cat landed.

The driver's name is that of the one .vcxproj in -DriverDir. Every external command is printed
before it runs. Needs no elevation. Part of the inverted-call kit: take a newer copy with
`inverted-call-driver scripts --out scripts/windows` rather than editing it.

.PARAMETER DriverDir
The driver folder (the one inverted-call-driver render writes). Default: the project's driver
folder, two levels above this script.

.PARAMETER Configuration
Debug or Release. Default: Release.

.PARAMETER Platform
x64 or ARM64. Default: x64.

.PARAMETER UseNuGetWdk
Restore and use the WDK from NuGet even when a WDK is installed.

.EXAMPLE
.\scripts\windows\build-driver.ps1

Builds Release for x64 into driver\x64\Release\<DriverName>\.

.EXAMPLE
.\scripts\windows\build-driver.ps1 -Configuration Debug -Platform ARM64 -UseNuGetWdk

Builds Debug for ARM64 with the WDK from NuGet.

.EXAMPLE
.\scripts\windows\build-driver.ps1 -WhatIf

Shows the restore and build commands without running them.
#>
#Requires -Version 5.1
[CmdletBinding(SupportsShouldProcess)]
param(
    [string]$DriverDir = (Join-Path $PSScriptRoot '..\..\driver'),
    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release',
    [ValidateSet('x64', 'ARM64')]
    [string]$Platform = 'x64',
    [switch]$UseNuGetWdk
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'DriverScripts.psm1') -Force

$driver = Resolve-DriverProject -DriverDir $DriverDir
Write-Host "Driver $($driver.Name) in $($driver.Folder): $Configuration|$Platform"

# 1. MSBuild, from the newest Visual Studio or Build Tools that has the C++ tools for the platform.
$vswhere = Join-Path ${env:ProgramFiles(x86)} 'Microsoft Visual Studio\Installer\vswhere.exe'
if (-not (Test-Path -LiteralPath $vswhere)) {
    throw "vswhere.exe is not at '$vswhere', so no Visual Studio 2017 or later is installed. Install Visual Studio 2022 (or Build Tools for Visual Studio 2022) with the 'Desktop development with C++' workload, then run this script again."
}
$cppComponent = if ($Platform -eq 'ARM64') { 'Microsoft.VisualStudio.Component.VC.Tools.ARM64' } else { 'Microsoft.VisualStudio.Component.VC.Tools.x86.x64' }
$vswhereArguments = @('-latest', '-products', '*', '-requires', 'Microsoft.Component.MSBuild', $cppComponent)
$installation = Get-ExternalCommandOutput -FilePath $vswhere -ArgumentList ($vswhereArguments + @('-property', 'installationPath')) -WhatToDo 'Repair the Visual Studio Installer, then run this script again.' | Select-Object -First 1
$msbuild = Get-ExternalCommandOutput -FilePath $vswhere -ArgumentList ($vswhereArguments + @('-find', 'MSBuild\**\Bin\MSBuild.exe')) -WhatToDo 'Repair the Visual Studio Installer, then run this script again.' | Select-Object -First 1
if (-not $installation -or -not $msbuild) {
    throw "No Visual Studio or Build Tools with MSBuild and the C++ build tools for $Platform ($cppComponent). In the Visual Studio Installer, add the 'Desktop development with C++' workload$(if ($Platform -eq 'ARM64') { ' and the MSVC ARM64 build tools' }), then run this script again."
}
Write-Host "MSBuild: $msbuild"

# 2. The WDK: installed (its kernel-mode headers under the Windows Kits root), or restored from NuGet.
$kitsRoot = Get-WindowsKitsRoot
$installedWdk = $null
if ($kitsRoot) {
    $installedWdk = Get-ChildItem -Path (Join-Path $kitsRoot 'Include\*\km\ntddk.h') -ErrorAction SilentlyContinue | Select-Object -First 1
}
$toolset = @(Get-ChildItem -Path (Join-Path $installation "MSBuild\Microsoft\VC\*\Platforms\$Platform\PlatformToolsets\WindowsKernelModeDriver10.0") -ErrorAction SilentlyContinue)
if ($toolset.Count -eq 0) {
    Write-Warning "The WDK's Visual Studio integration (the WindowsKernelModeDriver10.0 toolset for $Platform) is not in '$installation'. If the build stops with MSB8020, add the 'Windows Driver Kit' individual component in the Visual Studio Installer."
}

if ($UseNuGetWdk -or -not $installedWdk) {
    $why = if ($UseNuGetWdk) { '-UseNuGetWdk was given' } else { 'no WDK is installed (no km\ntddk.h under the Windows Kits root)' }
    Write-Host "Restoring the WDK from NuGet into $(Join-Path $driver.Folder 'packages'): $why."
    $packagesConfig = Join-Path $driver.Folder 'packages.config'
    if (-not (Test-Path -LiteralPath $packagesConfig)) {
        throw "No packages.config in '$($driver.Folder)', so there is no WDK to restore. Render the driver folder again with this kit (inverted-call-driver render <schema> --out <driver folder>) to get it, or install the WDK."
    }
    $nuget = Get-Command -Name 'nuget.exe' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($PSCmdlet.ShouldProcess($packagesConfig, 'Restore the WDK NuGet packages')) {
        if ($nuget) {
            Invoke-ExternalCommand -FilePath $nuget.Path -ArgumentList @('restore', $packagesConfig, '-PackagesDirectory', (Join-Path $driver.Folder 'packages'), '-NonInteractive') -WhatToDo 'Check the network connection to the NuGet feed and the versions in packages.config.' | Out-Null
        } else {
            if (-not (Test-Path -LiteralPath $driver.Solution)) {
                throw "nuget.exe is not on PATH and there is no $($driver.Name).sln for MSBuild to restore through. Install NuGet (winget install Microsoft.NuGet), open a new PowerShell, and run this script again."
            }
            Write-Host 'nuget.exe is not on PATH: restoring with MSBuild (RestorePackagesConfig) instead.'
            Invoke-ExternalCommand -FilePath $msbuild -ArgumentList @($driver.Solution, '/t:restore', '/p:RestorePackagesConfig=true', '/nologo') -WhatToDo 'Check the network connection to the NuGet feed, or install NuGet (winget install Microsoft.NuGet) and run this script again.' | Out-Null
        }
    }
} else {
    Write-Host "Using the installed WDK ($(Split-Path -Parent (Split-Path -Parent $installedWdk.FullName)))."
}

# 3. The build: the solution when there is one, else the project.
$target = if (Test-Path -LiteralPath $driver.Solution) { $driver.Solution } else { $driver.Project }
$buildArguments = @($target, "/p:Configuration=$Configuration", "/p:Platform=$Platform", '/m', '/nologo')
if ($PSCmdlet.ShouldProcess($target, "Build $Configuration|$Platform")) {
    Invoke-ExternalCommand -FilePath $msbuild -ArgumentList $buildArguments -WhatToDo "Read the first error above. MSB8020 (toolset not found): add the 'Windows Driver Kit' component in the Visual Studio Installer. MSB8040 (Spectre-mitigated libraries): add 'MSVC ... Spectre-mitigated libs' for $Platform. Missing km headers or libraries: run again with -UseNuGetWdk." | Out-Null

    # 4. Where the package landed.
    $package = Get-DriverPackageFolder -Driver $driver -Configuration $Configuration -Platform $Platform
    Write-Host "Driver package: $package"
    $missing = @()
    foreach ($extension in '.sys', '.inf', '.cat') {
        $file = Join-Path $package "$($driver.Name)$extension"
        if (Test-Path -LiteralPath $file) { Write-Host "  $file" } else { $missing += $file }
    }
    if ($missing.Count -gt 0) {
        throw "The build succeeded but left no $($missing -join ', '). Check the project's output settings (the package folder is <driver folder>\<Platform>\<Configuration>\<DriverName>)."
    }
    Write-Host "Next: .\scripts\windows\enable-test-signing.ps1 -Configuration $Configuration -Platform $Platform (elevated)"
}
