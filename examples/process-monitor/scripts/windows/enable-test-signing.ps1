<#
.SYNOPSIS
Test-signs the built driver package with a test certificate that this machine trusts, and says
whether Windows will load test-signed drivers.

.DESCRIPTION
Reuses the code-signing certificate whose subject is -CertificateSubject in the chosen store's My
folder, or creates one (New-SelfSignedCertificate -Type CodeSigningCert). Exports it as a .cer
file next to the package folder and trusts it in the local machine's Root and TrustedPublisher
stores. Then signs <DriverName>.sys, makes the catalog anew with Inf2Cat and signs
<DriverName>.cat (signtool sign /fd sha256 /sha1 <thumbprint>). signtool and Inf2Cat come from
the WDK restored into <DriverDir>\packages, else from the installed Windows Kits.

Last, it reads `bcdedit /enum {current}`. It never changes boot settings: when test signing is
off it prints the commands that turn it on (bcdedit /set testsigning on, then a reboot; Secure
Boot must be off first).

Run it elevated (Inf2Cat and the local machine's stores need it). Every external command is
printed before it runs. Part of the inverted-call kit: take a newer copy with
`inverted-call-driver scripts --out scripts/windows` rather than editing it.

.PARAMETER DriverDir
The driver folder (the one inverted-call-driver render writes). Default: the project's driver
folder, two levels above this script.

.PARAMETER Configuration
Debug or Release: the build to sign. Default: Release.

.PARAMETER Platform
x64 or ARM64: the build to sign. Default: x64.

.PARAMETER CertificateSubject
The test certificate's subject. Default: CN=<DriverName> Test Signing.

.PARAMETER CertificateStore
CurrentUser or LocalMachine: whose My store holds the certificate and its private key. Default:
CurrentUser.

.EXAMPLE
.\scripts\windows\enable-test-signing.ps1

Signs driver\x64\Release\<DriverName>\ and reports whether test signing is on.

.EXAMPLE
.\scripts\windows\enable-test-signing.ps1 -Configuration Debug -WhatIf

Shows what it would create, trust and sign for the Debug build, changing nothing.
#>
#Requires -Version 5.1
[CmdletBinding(SupportsShouldProcess)]
param(
    [string]$DriverDir = (Join-Path $PSScriptRoot '..\..\driver'),
    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release',
    [ValidateSet('x64', 'ARM64')]
    [string]$Platform = 'x64',
    [string]$CertificateSubject,
    [ValidateSet('CurrentUser', 'LocalMachine')]
    [string]$CertificateStore = 'CurrentUser'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'DriverScripts.psm1') -Force

Assert-Administrator -Task 'Test signing (Inf2Cat, and trusting the certificate in the local machine stores)'
$driver = Resolve-DriverProject -DriverDir $DriverDir
$package = Get-DriverPackageFolder -Driver $driver -Configuration $Configuration -Platform $Platform
$sys = Join-Path $package "$($driver.Name).sys"
$catalog = Join-Path $package "$($driver.Name).cat"
if (-not (Test-Path -LiteralPath $sys) -or -not (Test-Path -LiteralPath (Join-Path $package "$($driver.Name).inf"))) {
    throw "No built package in '$package'. Build it first: .\scripts\windows\build-driver.ps1 -Configuration $Configuration -Platform $Platform"
}
if (-not $CertificateSubject) { $CertificateSubject = "CN=$($driver.Name) Test Signing" }

$signtool = Find-KitTool -Driver $driver -ToolName 'signtool.exe'
$inf2cat = Find-KitTool -Driver $driver -ToolName 'Inf2Cat.exe'
if (-not $signtool -or -not $inf2cat) {
    throw "signtool.exe or Inf2Cat.exe is in neither '$(Join-Path $driver.Folder 'packages')' nor the installed Windows Kits. Run .\scripts\windows\build-driver.ps1 -UseNuGetWdk to restore the WDK, or install the WDK."
}

function Test-CodeSigningCertificate {
    # Whether the certificate's enhanced key usage includes code signing (1.3.6.1.5.5.7.3.3).
    param([Parameter(Mandatory)][Security.Cryptography.X509Certificates.X509Certificate2]$Certificate)
    foreach ($extension in $Certificate.Extensions) {
        if ($extension -is [Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]) {
            foreach ($usage in $extension.EnhancedKeyUsages) {
                if ($usage.Value -eq '1.3.6.1.5.5.7.3.3') { return $true }
            }
        }
    }
    return $false
}

# 1. The certificate: reuse a valid one with this subject and its private key, else create it.
$myStore = "Cert:\$CertificateStore\My"
$certificate = Get-ChildItem -LiteralPath $myStore |
    Where-Object { $_.Subject -eq $CertificateSubject -and $_.HasPrivateKey -and $_.NotAfter -gt (Get-Date).AddDays(1) -and (Test-CodeSigningCertificate -Certificate $_) } |
    Sort-Object NotAfter | Select-Object -Last 1
if ($certificate) {
    Write-Host "Reusing the certificate '$CertificateSubject' ($($certificate.Thumbprint)) from $myStore, valid until $($certificate.NotAfter)."
} elseif ($PSCmdlet.ShouldProcess($myStore, "Create the code-signing certificate '$CertificateSubject'")) {
    Write-Host "> New-SelfSignedCertificate -Type CodeSigningCert -Subject '$CertificateSubject' -CertStoreLocation $myStore"
    $certificate = New-SelfSignedCertificate -Type CodeSigningCert -Subject $CertificateSubject -CertStoreLocation $myStore
    Write-Host "Created the certificate $($certificate.Thumbprint), valid until $($certificate.NotAfter)."
}
if (-not $certificate) {
    Write-Host 'What if: the remaining steps need the certificate, so nothing more is shown.'
    return
}

# 2. Trust it on this machine: Root (the chain) and TrustedPublisher (no publisher prompt).
$certificateFile = Join-Path (Split-Path -Parent $package) "$($driver.Name).cer"
if ($PSCmdlet.ShouldProcess($certificateFile, 'Export the certificate (public part only)')) {
    Write-Host "> Export-Certificate -Cert $myStore\$($certificate.Thumbprint) -FilePath '$certificateFile' -Type CERT"
    Export-Certificate -Cert $certificate -FilePath $certificateFile -Type CERT | Out-Null
}
foreach ($trustStore in 'Cert:\LocalMachine\Root', 'Cert:\LocalMachine\TrustedPublisher') {
    if (Get-ChildItem -LiteralPath $trustStore | Where-Object { $_.Thumbprint -eq $certificate.Thumbprint }) {
        Write-Host "$trustStore already trusts it."
    } elseif ($PSCmdlet.ShouldProcess($trustStore, "Trust the certificate $($certificate.Thumbprint)")) {
        Write-Host "> Import-Certificate -FilePath '$certificateFile' -CertStoreLocation $trustStore"
        Import-Certificate -FilePath $certificateFile -CertStoreLocation $trustStore | Out-Null
    }
}

# 3. Sign the driver, make the catalog over the signed files, sign the catalog.
$signArguments = @('sign', '/fd', 'sha256', '/sha1', $certificate.Thumbprint)
if ($CertificateStore -eq 'LocalMachine') { $signArguments += '/sm' }
$inf2catOs = if ($Platform -eq 'ARM64') { '10_RS3_ARM64' } else { '10_X64' }
$signAdvice = "Check that the certificate $($certificate.Thumbprint) is in $myStore with its private key."
if ($PSCmdlet.ShouldProcess($sys, 'Sign')) {
    Invoke-ExternalCommand -FilePath $signtool -ArgumentList ($signArguments + @($sys)) -WhatToDo $signAdvice | Out-Null
}
if ($PSCmdlet.ShouldProcess($catalog, 'Make the catalog with Inf2Cat')) {
    Invoke-ExternalCommand -FilePath $inf2cat -ArgumentList @("/driver:$package", "/os:$inf2catOs") -WhatToDo 'Inf2Cat names the INF problem above; fix the INF (every file it lists must be in the package folder) and build again.' | Out-Null
}
if ($PSCmdlet.ShouldProcess($catalog, 'Sign')) {
    Invoke-ExternalCommand -FilePath $signtool -ArgumentList ($signArguments + @($catalog)) -WhatToDo $signAdvice | Out-Null
}

# 4. Will Windows load it? Only report; boot settings are the user's to change.
$bcd = @(Get-ExternalCommandOutput -FilePath 'bcdedit.exe' -ArgumentList @('/enum', '{current}') -WhatToDo 'Run this script from an elevated PowerShell.')
# bcdedit lists testsigning only once it has been set; the value (Yes/No) follows the name.
$testSigning = $null
foreach ($line in $bcd) {
    if ($line -match '^\s*testsigning\s+(\S+)') { $testSigning = $Matches[1]; break }
}
if ($testSigning -eq 'Yes') {
    Write-Host 'Test signing is on: Windows loads test-signed drivers. Next: .\scripts\windows\install-driver.ps1'
} else {
    $secureBoot = 'unknown (not a UEFI machine, or not readable here)'
    try {
        $secureBoot = if (Confirm-SecureBootUEFI) { 'on' } else { 'off' }
    } catch {
        Write-Verbose "Confirm-SecureBootUEFI: $($_.Exception.Message)"
    }
    $shown = if ($testSigning) { $testSigning } else { 'not set' }
    Write-Host ''
    Write-Host "Test signing is not on (bcdedit /enum {current} shows testsigning: $shown), so Windows will refuse this driver (sc start: error 577)."
    Write-Host "Secure Boot is $secureBoot; it must be off (in the firmware or the VM's settings) before test signing can be turned on."
    Write-Host 'This script does not change boot settings. To turn test signing on, in an elevated prompt:'
    Write-Host '    bcdedit /set testsigning on'
    Write-Host '    shutdown /r /t 0'
    Write-Host 'After the reboot the desktop shows "Test Mode". Use a test machine or VM, never your daily one.'
}
