<#
.SYNOPSIS
Stops the driver's kernel service, removes every copy of its package from the driver store, and
reports anything left behind.

.DESCRIPTION
Stops the service <DriverName> (sc.exe stop) and waits until it has stopped: while a client holds
the device open the driver cannot unload and the service stays STOP_PENDING, so close your
clients first. Then finds each published oemNN.inf whose original name is <DriverName>.inf in
`pnputil /enum-drivers` (matched by value, so it reads the output in any display language) and
removes it (pnputil /delete-driver oemNN.inf /uninstall /force). Uninstalling a primitive
driver package undoes its installation, service included; if the service is still registered
afterwards, it is deleted (sc.exe delete). Last, it checks that no package and no service remain,
and fails naming what is left.

Run it elevated. Every external command is printed before it runs. Part of the inverted-call kit:
take a newer copy with `inverted-call-driver scripts --out scripts/windows` rather than editing it.

.PARAMETER DriverDir
The driver folder (the one inverted-call-driver render writes); only the driver's name is taken
from it. Default: the project's driver folder, two levels above this script.

.PARAMETER StopTimeoutSeconds
How long to wait for the service to stop. Default: 30.

.EXAMPLE
.\scripts\windows\uninstall-driver.ps1

Stops the service and removes the driver package.

.EXAMPLE
.\scripts\windows\uninstall-driver.ps1 -WhatIf

Shows the published packages it would remove, changing nothing.
#>
#Requires -Version 5.1
[CmdletBinding(SupportsShouldProcess)]
param(
    [string]$DriverDir = (Join-Path $PSScriptRoot '..\..\driver'),
    [ValidateRange(1, 3600)]
    [int]$StopTimeoutSeconds = 30
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'DriverScripts.psm1') -Force

function Get-PublishedDriverPackage {
    # The published names (oemNN.inf) of the driver store packages whose original name is $InfName.
    # pnputil prints one block of "label: value" lines per package, blocks separated by blank lines.
    # The labels follow the display language, so a block is matched by its words alone: one is
    # oemNN.inf (the published name), another the original name.
    param([Parameter(Mandatory)][string]$InfName)
    $lines = @(Get-ExternalCommandOutput -FilePath 'pnputil.exe' -ArgumentList @('/enum-drivers') -WhatToDo 'Run this script from an elevated PowerShell.')
    $published = @()
    $block = @()
    foreach ($line in $lines + @('')) {
        if ($line.Trim() -ne '') {
            $block += @($line -split '[\s:]+' | Where-Object { $_ -ne '' })
            continue
        }
        $oem = @($block | Where-Object { $_ -match '^oem\d+\.inf$' })
        if ($oem.Count -eq 1 -and (@($block | Where-Object { $_ -eq $InfName }).Count -gt 0)) { $published += $oem[0] }
        $block = @()
    }
    $published
}

Assert-Administrator -Task 'Uninstalling a driver'
$driver = Resolve-DriverProject -DriverDir $DriverDir
$name = $driver.Name

# 1. Stop the service, and wait: the driver unloads only once every handle to its device is closed.
$state = Get-DriverServiceState -Name $name
if ($null -eq $state) {
    Write-Host "No service $name is installed."
} elseif ($state -eq 'Stopped') {
    Write-Host "The service $name is already stopped."
} elseif ($PSCmdlet.ShouldProcess($name, 'Stop the kernel service')) {
    # 1062: not started.
    Invoke-ExternalCommand -FilePath 'sc.exe' -ArgumentList @('stop', $name) -SuccessCodes @(0, 1062) -WhatToDo 'A driver that cannot unload refuses to stop; close every client of the device and run this script again.' | Out-Null
    $deadline = (Get-Date).AddSeconds($StopTimeoutSeconds)
    while (($state = Get-DriverServiceState -Name $name) -and $state -ne 'Stopped' -and (Get-Date) -lt $deadline) {
        Start-Sleep -Milliseconds 500
    }
    if ($state -and $state -ne 'Stopped') {
        throw "The service $name is still '$state' after $StopTimeoutSeconds s: a client still holds the device open, so the driver cannot unload (STOP_PENDING). Close every client of the device (the service, tests, tools), then run this script again."
    }
    Write-Host "The service $name has stopped."
}

# 2. Remove every published copy of the package; /uninstall undoes the installation, service included.
$published = @(Get-PublishedDriverPackage -InfName "$name.inf")
if ($published.Count -eq 0) {
    Write-Host "No driver package whose original name is $name.inf is in the driver store."
}
foreach ($oemInf in $published) {
    if ($PSCmdlet.ShouldProcess("$oemInf ($name.inf)", 'Uninstall and delete from the driver store')) {
        # 3010: done, a reboot finishes it.
        $exitCode = Invoke-ExternalCommand -FilePath 'pnputil.exe' -ArgumentList @('/delete-driver', $oemInf, '/uninstall', '/force') -SuccessCodes @(0, 3010) -WhatToDo 'See %windir%\inf\setupapi.dev.log for the reason; stop the service first if it still runs.'
        if ($exitCode -eq 3010) { Write-Warning 'pnputil asks for a reboot to finish removing the package.' }
    }
}

# 3. The service must be gone with the package; a service left registered is deleted here.
if ((Test-DriverServiceKey -Name $name) -and $PSCmdlet.ShouldProcess($name, 'Delete the service left registered')) {
    # 1060: no such service; 1072: already marked for deletion (goes when its last handle closes).
    Invoke-ExternalCommand -FilePath 'sc.exe' -ArgumentList @('delete', $name) -SuccessCodes @(0, 1060, 1072) -WhatToDo "Delete it by hand: sc.exe delete $name" | Out-Null
}

# 4. Report what is left.
if ($WhatIfPreference) { return }
$left = @()
$remaining = @(Get-PublishedDriverPackage -InfName "$name.inf")
if ($remaining.Count -gt 0) { $left += "driver store packages $($remaining -join ', ') (pnputil /delete-driver <oemNN.inf> /uninstall /force)" }
if (Test-DriverServiceKey -Name $name) { $left += "the service key HKLM\SYSTEM\CurrentControlSet\Services\$name (marked for deletion until its last handle closes: close the clients, or reboot)" }
if ($left.Count -gt 0) {
    throw "Left behind: $($left -join '; ')."
}
Write-Host "$name is uninstalled: no service, no package in the driver store."
