<#
.SYNOPSIS
What the four driver scripts beside this module share: the driver folder and its name, the
package folder, the elevation check, the Windows Kits root, and running an external tool with
its command line echoed first.

.DESCRIPTION
build-driver.ps1, enable-test-signing.ps1, install-driver.ps1 and uninstall-driver.ps1 import
this module; it is not run on its own. Part of the inverted-call kit: take a newer copy with
`inverted-call-driver scripts --out scripts/windows` rather than editing it.
#>

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Resolve-DriverProject {
    <#
    .SYNOPSIS
    The driver folder and the driver's name, taken from the one .vcxproj in the folder.
    #>
    param([Parameter(Mandatory)][string]$DriverDir)

    if (-not (Test-Path -LiteralPath $DriverDir -PathType Container)) {
        throw "The driver folder '$DriverDir' does not exist. Pass -DriverDir <the folder inverted-call-driver render wrote, which holds <DriverName>.vcxproj>."
    }
    $folder = (Resolve-Path -LiteralPath $DriverDir).ProviderPath
    $projects = @(Get-ChildItem -LiteralPath $folder -File | Where-Object { $_.Extension -eq '.vcxproj' })
    if ($projects.Count -eq 0) {
        throw "No .vcxproj in '$folder'. Pass -DriverDir <the folder inverted-call-driver render wrote, which holds <DriverName>.vcxproj>."
    }
    if ($projects.Count -gt 1) {
        $names = ($projects | ForEach-Object { $_.Name }) -join ', '
        throw "'$folder' holds several .vcxproj files ($names); the scripts take the driver's name from the only one. Move the others out of the driver folder."
    }
    $name = [IO.Path]::GetFileNameWithoutExtension($projects[0].Name)
    [pscustomobject]@{
        Folder   = $folder
        Name     = $name
        Project  = $projects[0].FullName
        Solution = Join-Path $folder "$name.sln"
    }
}

function Get-DriverPackageFolder {
    <#
    .SYNOPSIS
    Where the build leaves the driver package: <driver folder>\<Platform>\<Configuration>\<DriverName>.
    #>
    param(
        [Parameter(Mandatory)]$Driver,
        [Parameter(Mandatory)][string]$Configuration,
        [Parameter(Mandatory)][string]$Platform
    )
    Join-Path (Join-Path (Join-Path $Driver.Folder $Platform) $Configuration) $Driver.Name
}

function Assert-Administrator {
    <#
    .SYNOPSIS
    Stops with what to do when this PowerShell is not elevated.
    #>
    param([Parameter(Mandatory)][string]$Task)

    $principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
    if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw "$Task needs an elevated PowerShell: open PowerShell with 'Run as administrator', then run this script again."
    }
}

function Get-WindowsKitsRoot {
    <#
    .SYNOPSIS
    The installed Windows Kits 10 folder (KitsRoot10 in the registry), or $null when none is installed.
    #>
    foreach ($key in 'HKLM:\SOFTWARE\Microsoft\Windows Kits\Installed Roots', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows Kits\Installed Roots') {
        $roots = Get-ItemProperty -LiteralPath $key -ErrorAction SilentlyContinue
        if ($roots -and ($roots.PSObject.Properties.Name -contains 'KitsRoot10') -and (Test-Path -LiteralPath $roots.KitsRoot10)) {
            return $roots.KitsRoot10
        }
    }
    return $null
}

function Find-KitTool {
    <#
    .SYNOPSIS
    The newest copy of a kit tool (signtool.exe, Inf2Cat.exe): in the WDK restored from NuGet into
    <driver folder>\packages first, then in the installed Windows Kits. $null when there is none.
    #>
    param(
        [Parameter(Mandatory)]$Driver,
        [Parameter(Mandatory)][string]$ToolName
    )
    $places = @(Join-Path $Driver.Folder 'packages')
    $kitsRoot = Get-WindowsKitsRoot
    if ($kitsRoot) { $places += Join-Path $kitsRoot 'bin' }
    foreach ($place in $places) {
        if (-not (Test-Path -LiteralPath $place)) { continue }
        $found = @(Get-ChildItem -LiteralPath $place -Recurse -File -Filter $ToolName -ErrorAction SilentlyContinue)
        if ($found.Count -eq 0) { continue }
        # The x64 build runs on an x64 host; a kit keeps one folder per version, newest sorting last.
        $x64 = @($found | Where-Object { $_.DirectoryName -match '\\x64$' })
        $pick = if ($x64.Count -gt 0) { $x64 } else { $found }
        return ($pick | Sort-Object FullName | Select-Object -Last 1).FullName
    }
    return $null
}

function ConvertTo-CommandWord {
    <#
    .SYNOPSIS
    One word of a command line as PowerShell reads it back: as it is when it holds only letters,
    digits and path or switch characters, else in single quotes.
    #>
    param([AllowEmptyString()][string]$Text)
    if ($Text -match '^[\w.:\\/=+%-]+$') { return $Text }
    return "'" + ($Text -replace "'", "''") + "'"
}

function Format-CommandLine {
    <#
    .SYNOPSIS
    A command line as it can be pasted into PowerShell.
    #>
    param(
        [Parameter(Mandatory)][string]$FilePath,
        [string[]]$ArgumentList = @()
    )
    $program = ConvertTo-CommandWord -Text $FilePath
    $words = @($program) + @($ArgumentList | ForEach-Object { ConvertTo-CommandWord -Text $_ })
    $line = $words -join ' '
    # A quoted program name is a string to PowerShell until the call operator runs it.
    if ($program.StartsWith("'")) { return "& $line" }
    return $line
}

function Invoke-ExternalCommand {
    <#
    .SYNOPSIS
    Echoes the command line, runs it with its output shown, and throws with the given advice when
    its exit code is not one of SuccessCodes. Returns the exit code.
    #>
    param(
        [Parameter(Mandatory)][string]$FilePath,
        [string[]]$ArgumentList = @(),
        [Parameter(Mandatory)][string]$WhatToDo,
        [int[]]$SuccessCodes = @(0)
    )
    Write-Host "> $(Format-CommandLine -FilePath $FilePath -ArgumentList $ArgumentList)"
    & $FilePath @ArgumentList | Out-Host
    $exitCode = $LASTEXITCODE
    if ($SuccessCodes -notcontains $exitCode) {
        throw "$(Split-Path -Leaf $FilePath) failed with exit code $exitCode. $WhatToDo"
    }
    return $exitCode
}

function Get-ExternalCommandOutput {
    <#
    .SYNOPSIS
    Echoes the command line, runs it, and writes its standard output lines to the pipeline (collect
    them with @()); throws with the given advice when the exit code is not 0.
    #>
    param(
        [Parameter(Mandatory)][string]$FilePath,
        [string[]]$ArgumentList = @(),
        [Parameter(Mandatory)][string]$WhatToDo
    )
    Write-Host "> $(Format-CommandLine -FilePath $FilePath -ArgumentList $ArgumentList)"
    $lines = @(& $FilePath @ArgumentList)
    $exitCode = $LASTEXITCODE
    if ($exitCode -ne 0) {
        $lines | Out-Host
        throw "$(Split-Path -Leaf $FilePath) failed with exit code $exitCode. $WhatToDo"
    }
    $lines
}

function Get-DriverServiceState {
    <#
    .SYNOPSIS
    The kernel service's state ('Running', 'Stopped', 'Stop Pending', ...), or $null when no
    service of that name is installed.
    #>
    param([Parameter(Mandatory)][string]$Name)
    $service = Get-CimInstance -ClassName Win32_SystemDriver -Filter "Name='$Name'"
    if ($null -eq $service) { return $null }
    return $service.State
}

function Test-DriverServiceKey {
    <#
    .SYNOPSIS
    Whether the service's registry key still exists (a service marked for deletion keeps it until
    its last handle closes).
    #>
    param([Parameter(Mandatory)][string]$Name)
    Test-Path -LiteralPath "HKLM:\SYSTEM\CurrentControlSet\Services\$Name"
}

# Quoted: a list of bare words is valid PowerShell, but the grammar the kit's parse check uses
# reads only quoted lists as command arguments.
Export-ModuleMember -Function @(
    'Resolve-DriverProject',
    'Get-DriverPackageFolder',
    'Assert-Administrator',
    'Get-WindowsKitsRoot',
    'Find-KitTool',
    'Format-CommandLine',
    'Invoke-ExternalCommand',
    'Get-ExternalCommandOutput',
    'Get-DriverServiceState',
    'Test-DriverServiceKey'
)
