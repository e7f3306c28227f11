<#
.SYNOPSIS
Installs the built, signed driver package and starts the driver's kernel service.

.DESCRIPTION
Adds <DriverName>.inf from the package folder to the driver store and installs it
(pnputil /add-driver <inf> /install), which creates the kernel service <DriverName> (demand
start), then starts it (sc.exe start <DriverName>) and reports its state. The service has the
driver's name because the INF's AddService directive names it so.

Run it elevated, after build-driver.ps1 and enable-test-signing.ps1. To install a newer build,
run uninstall-driver.ps1 first. Every external command is printed before it runs. Part of the
inverted-call kit: take a newer copy with `inverted-call-driver scripts --out scripts/windows`
rather than editing it.

.PARAMETER DriverDir
The driver folder (the one inverted-call-driver render writes). Default: the project's driver
folder, two levels above this script.

.PARAMETER Configuration
Debug or Release: the build to install. Default: Release.

.PARAMETER Platform
x64 or ARM64: the build to install. Default: x64.

.PARAMETER NoStart
Install only; start the service later with `sc.exe start <DriverName>`.

.EXAMPLE
.\scripts\windows\install-driver.ps1

Installs driver\x64\Release\<DriverName>\<DriverName>.inf and starts the service.

.EXAMPLE
.\scripts\windows\install-driver.ps1 -Configuration Debug -NoStart -WhatIf

Shows the pnputil command for the Debug build without running it.
#>
#Requires -Version 5.1
[CmdletBinding(SupportsShouldProcess)]
param(
    [string]$DriverDir = (Join-Path $PSScriptRoot '..\..\driver'),
    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release',
    [ValidateSet('x64', 'ARM64')]
    [string]$Platform = 'x64',
    [switch]$NoStart
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'DriverScripts.psm1') -Force

Assert-Administrator -Task 'Installing a driver'
$driver = Resolve-DriverProject -DriverDir $DriverDir
$package = Get-DriverPackageFolder -Driver $driver -Configuration $Configuration -Platform $Platform
$inf = Join-Path $package "$($driver.Name).inf"
$sys = Join-Path $package "$($driver.Name).sys"
if (-not (Test-Path -LiteralPath $inf) -or -not (Test-Path -LiteralPath $sys)) {
    throw "No built package in '$package'. Build it first: .\scripts\windows\build-driver.ps1 -Configuration $Configuration -Platform $Platform"
}
$signature = Get-AuthenticodeSignature -FilePath $sys
if ($signature.Status -eq 'NotSigned' -or $signature.Status -eq 'HashMismatch') {
    throw "$sys is not signed, or changed after signing ($($signature.Status)). Sign it: .\scripts\windows\enable-test-signing.ps1 -Configuration $Configuration -Platform $Platform"
}
$signer = if ($signature.SignerCertificate) { $signature.SignerCertificate.Subject } else { 'no readable signer' }
Write-Host "Package $package, signed by $signer ($($signature.Status))."

$state = Get-DriverServiceState -Name $driver.Name
if ($state) {
    throw "The service $($driver.Name) is already installed ($state). Remove the old package first: .\scripts\windows\uninstall-driver.ps1"
}

# 1. Into the driver store, and installed: pnputil processes the INF's DefaultInstall sections.
if ($PSCmdlet.ShouldProcess($inf, 'Add to the driver store and install')) {
    # 0 done; 3010 done, a reboot finishes it; 259: nothing matched (checked below).
    $exitCode = Invoke-ExternalCommand -FilePath 'pnputil.exe' -ArgumentList @('/add-driver', $inf, '/install') -SuccessCodes @(0, 259, 3010) -WhatToDo "See %windir%\inf\setupapi.dev.log for the reason. A signature error means enable-test-signing.ps1 has not run for this build, or test signing is off."
    if ($exitCode -eq 3010) { Write-Warning 'pnputil asks for a reboot to finish the installation.' }
    if (-not (Test-DriverServiceKey -Name $driver.Name)) {
        throw "pnputil added the package but no service $($driver.Name) exists (exit code $exitCode). The INF's AddService must name the service $($driver.Name); see %windir%\inf\setupapi.dev.log."
    }
}

# 2. Start the service: the driver loads and creates its device.
if ($NoStart) {
    Write-Host "Installed. Start it with: sc.exe start $($driver.Name)"
    return
}
if ($PSCmdlet.ShouldProcess($driver.Name, 'Start the kernel service')) {
    # 1056: already running.
    Invoke-ExternalCommand -FilePath 'sc.exe' -ArgumentList @('start', $driver.Name) -SuccessCodes @(0, 1056) -WhatToDo "577: the signature is not trusted: run enable-test-signing.ps1 and turn test signing on (it prints how). 5: not elevated, or DriverEntry refused (an image linked without /INTEGRITYCHECK). 1275: blocked by policy (Secure Boot, HVCI). 2: the .sys is missing from the driver store. Other codes: DriverEntry failed; look at the kernel debug output." | Out-Null
    $state = Get-DriverServiceState -Name $driver.Name
    Write-Host "Service $($driver.Name): $state"
    if ($state -ne 'Running') {
        throw "The service $($driver.Name) is $state, not Running. Query it with: sc.exe query $($driver.Name)"
    }
}
