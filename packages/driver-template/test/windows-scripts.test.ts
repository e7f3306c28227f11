// The Windows PowerShell scripts: each parses with a maintained PowerShell grammar
// (tree-sitter-powershell), declares the parameters the other parts rely on (contract C3 of
// issue 14), documents each of them, and offers -WhatIf. Nothing here runs PowerShell: these are
// static checks of the scripts' text and shape.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describe as describeProblem, loadPowerShellParser, powershellScriptParameters, type PowerShellParser, type PowerShellScriptShape } from '../src/powershell-check.js';
import { templateRoot } from '../src/template-files.js';
import { WINDOWS_SCRIPTS_FOLDER, windowsScriptFiles } from '../src/windows-scripts.js';

/** The scripts a user runs, and the parameters each must declare (the rest of the kit and the docs name them). */
const CONTRACT: Record<string, readonly string[]> = {
  'build-driver.ps1': ['DriverDir', 'Configuration', 'Platform', 'UseNuGetWdk'],
  'enable-test-signing.ps1': ['DriverDir', 'Configuration', 'Platform'],
  'install-driver.ps1': ['DriverDir', 'Configuration', 'Platform'],
  // Uninstalling needs only the driver's name; no configuration or platform is involved.
  'uninstall-driver.ps1': ['DriverDir'],
};
/** Each script changes the machine (files, certificates, the driver store, services), so each offers -WhatIf. */
const CHANGES_THE_MACHINE = Object.keys(CONTRACT);
const SHARED_MODULE = 'DriverScripts.psm1';

/** What a script must have besides parsing: the contract's parameters, help for each, -WhatIf, strict mode. */
function contractProblems(name: string, text: string, shape: PowerShellScriptShape): string[] {
  const problems: string[] = [];
  for (const parameter of CONTRACT[name] ?? []) if (!shape.parameters.includes(parameter)) problems.push(`${name}: does not declare -${parameter}`);
  const documented = shape.help.filter((keyword) => keyword.startsWith('PARAMETER ')).map((keyword) => keyword.slice('PARAMETER '.length));
  if (documented.join() !== shape.parameters.join()) problems.push(`${name}: its help documents ${documented.join(', ') || 'no parameter'} but it declares ${shape.parameters.join(', ') || 'none'}`);
  for (const section of ['SYNOPSIS', 'DESCRIPTION', 'EXAMPLE']) if (!shape.help.includes(section)) problems.push(`${name}: no .${section} in its comment-based help`);
  if (CHANGES_THE_MACHINE.includes(name) && !shape.cmdletBinding?.includes('SupportsShouldProcess')) problems.push(`${name}: changes the machine but has no [CmdletBinding(SupportsShouldProcess)], so no -WhatIf`);
  for (const line of ['Set-StrictMode -Version Latest', "$ErrorActionPreference = 'Stop'"]) if (!text.includes(`\n${line}\n`)) problems.push(`${name}: lacks \`${line}\``);
  return problems;
}

/** The module's functions that echo a command line, then run it. */
const ECHOING_RUNNERS = ['Invoke-ExternalCommand', 'Get-ExternalCommandOutput'];
/** The Windows programs the scripts use, which PowerShell also finds without `.exe`. */
const PROGRAMS = /^(?:.*\.exe|pnputil|sc|bcdedit|msbuild|nuget|signtool|inf2cat|vswhere|certutil|shutdown)$/i;

/** Commands that start a program without going through an echoing runner. */
function directExternalCommands(name: string, shape: PowerShellScriptShape): string[] {
  return shape.commands
    .filter((command) => (command.invoked || PROGRAMS.test(command.name.replace(/^['"]|['"]$/g, ''))) && !ECHOING_RUNNERS.includes(command.inFunction ?? ''))
    .map((command) => `${name}:${command.line}: runs ${command.name} without echoing it (use Invoke-ExternalCommand or Get-ExternalCommandOutput)`);
}

let parser: PowerShellParser;
beforeAll(async () => {
  parser = await loadPowerShellParser();
});

const files = windowsScriptFiles();

describe('the Windows scripts', () => {
  it('are the four scripts of the contract and the module they share', () => {
    expect(files.map((file) => file.path)).toEqual([SHARED_MODULE, ...Object.keys(CONTRACT)].sort());
  });

  it.each(files.map((file) => [file.path, file.content] as const))('%s parses with the PowerShell grammar, with no error or missing token', (_path, content) => {
    expect(parser.problems(content).map(describeProblem)).toEqual([]);
  });

  it.each(Object.keys(CONTRACT))('%s declares the contract parameters, documents each, offers -WhatIf and runs strict', (name) => {
    const text = files.find((file) => file.path === name)!.content;
    expect(contractProblems(name, text, parser.shape(text))).toEqual([]);
  });

  it('run every external program through the module, which echoes its command line first', () => {
    for (const file of files) expect(directExternalCommands(file.path, parser.shape(file.content)), file.path).toEqual([]);
  });

  it('each imports the shared module from its own folder, whose functions it calls', () => {
    for (const name of Object.keys(CONTRACT)) {
      expect(files.find((file) => file.path === name)!.content, name).toContain(`Import-Module (Join-Path $PSScriptRoot '${SHARED_MODULE}') -Force`);
    }
  });

  it("default to the project's driver folder as seen from where a project keeps them", () => {
    const upToProject = WINDOWS_SCRIPTS_FOLDER.split('/').map(() => '..').join('\\');
    for (const name of Object.keys(CONTRACT)) {
      expect(files.find((file) => file.path === name)!.content, name).toContain(`[string]$DriverDir = (Join-Path $PSScriptRoot '${upToProject}\\driver')`);
    }
  });

  it('are ASCII only: Windows PowerShell 5.1 reads a file without a byte order mark in the ANSI code page', () => {
    for (const file of files) expect(file.content.match(/[^\x09\x0a\x0d\x20-\x7e]/g) ?? [], file.path).toEqual([]);
  });

  it("rely on the INF naming the kernel service after the driver (install starts it, uninstall stops it by that name)", () => {
    const inf = readFileSync(`${templateRoot('shared')}/project/Driver.inf.tmpl`, 'utf8');
    expect(inf).toMatch(/^AddService = \{\{DriverName\}\},/m);
  });

  it('the parameters are read from the param block alone', async () => {
    const text = files.find((file) => file.path === 'enable-test-signing.ps1')!.content;
    expect(await powershellScriptParameters(text)).toEqual(['DriverDir', 'Configuration', 'Platform', 'CertificateSubject', 'CertificateStore']);
    // A function's own param block inside the script is not the script's.
    expect(await powershellScriptParameters('param([string]$Outer)\nfunction Inner {\n    param([int]$Hidden)\n    $Hidden\n}\n')).toEqual(['Outer']);
    expect(await powershellScriptParameters('Write-Host "no parameters"\n')).toEqual([]);
  });
});

describe('negative controls: the checks fail on the faults they are there for', () => {
  const build = files.find((file) => file.path === 'build-driver.ps1')!.content;

  it('an unclosed brace is reported with its line', () => {
    const broken = build.replace("if ($missing.Count -gt 0) {\n", "if ($missing.Count -gt 0) {\n    if ($true) {\n");
    expect(broken).not.toBe(build);
    const problems = parser.problems(broken);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map(describeProblem).join('\n')).toMatch(/^\d+:\d+: (missing \}|syntax error)/m);
  });

  it('a param block with a missing comma is reported at the parameter after it', () => {
    const broken = "[CmdletBinding()]\nparam(\n    [string]$DriverDir\n    [string]$Configuration = 'Release'\n)\nWrite-Host $DriverDir\n";
    const problems = parser.problems(broken);
    expect(problems.map(describeProblem)).toEqual([expect.stringMatching(/^3:5: syntax error/)]);
    expect(() => parser.shape(broken)).toThrow(/does not parse: 3:5: syntax error/);
  });

  it('a program started directly, not through the echoing runners, is named with its line', () => {
    const text = "param([string]$Name)\nWrite-Host 'stopping'\nsc.exe stop $Name\n& $env:windir\\System32\\pnputil.exe /enum-drivers\n";
    expect(directExternalCommands('sample.ps1', parser.shape(text))).toEqual([
      'sample.ps1:3: runs sc.exe without echoing it (use Invoke-ExternalCommand or Get-ExternalCommandOutput)',
      expect.stringMatching(/^sample\.ps1:4: runs .*pnputil\.exe without echoing it/),
    ]);
  });

  it('an unterminated string is reported', () => {
    expect(parser.problems("Write-Host 'never closed\n").length).toBeGreaterThan(0);
  });

  it('the contract check names a missing parameter, undocumented help, a missing -WhatIf and lax error handling', () => {
    const broken = build
      .replace("    [ValidateSet('x64', 'ARM64')]\n    [string]$Platform = 'x64',\n", '')
      .replace('[CmdletBinding(SupportsShouldProcess)]', '[CmdletBinding()]')
      .replace("$ErrorActionPreference = 'Stop'\n", '');
    expect(parser.problems(broken)).toEqual([]);
    expect(contractProblems('build-driver.ps1', broken, parser.shape(broken))).toEqual([
      'build-driver.ps1: does not declare -Platform',
      'build-driver.ps1: its help documents DriverDir, Configuration, Platform, UseNuGetWdk but it declares DriverDir, Configuration, UseNuGetWdk',
      'build-driver.ps1: changes the machine but has no [CmdletBinding(SupportsShouldProcess)], so no -WhatIf',
      "build-driver.ps1: lacks `$ErrorActionPreference = 'Stop'`",
    ]);
  });
});
