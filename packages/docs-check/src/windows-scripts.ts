/**
 * The Windows scripts as the docs show them: every `scripts/windows/<name>.ps1 [-Parameter ...]`
 * command, in prose, inline code or a fenced block, must name a script the kit ships and only
 * parameters that script declares (read from its param block by the PowerShell grammar, see
 * @inverted-call/driver-template/powershell-check), besides PowerShell's common parameters.
 * Pages: the docs pages, the examples' READMEs (their driver READMEs included), the driver README
 * templates and the generated project's README, whose rendered copies a user reads.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { windowsScriptFiles } from '@inverted-call/driver-template';
import { loadPowerShellParser } from '@inverted-call/driver-template/powershell-check';
import { docPages, readPage, repoPath, repoRoot } from './markdown.js';

/** What a script accepts on its command line. */
export interface ScriptInterface {
  parameters: readonly string[];
  /** [CmdletBinding(SupportsShouldProcess)]: -WhatIf and -Confirm. */
  shouldProcess: boolean;
}

export interface ScriptCommand {
  file: string;
  line: number;
  script: string;
  /** As written, without the dash: `Configuration`. */
  parameters: string[];
}

export interface ScriptCommandCheck {
  checked: number;
  problems: string[];
}

/** Every [CmdletBinding()] script takes these (about_CommonParameters). */
const COMMON_PARAMETERS = ['Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ProgressAction', 'ErrorVariable', 'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable'];
const SHOULD_PROCESS_PARAMETERS = ['WhatIf', 'Confirm'];

/** The pages that show script commands: the docs, and the READMEs a user of a generated project or the example reads. */
export function scriptDocPages(root = repoRoot): string[] {
  const pages = docPages(root);
  const add = (file: string) => {
    if (existsSync(file)) pages.push(file);
  };
  const examples = join(root, 'examples');
  for (const name of readdirSync(examples).sort()) {
    add(join(examples, name, 'README.md'));
    add(join(examples, name, 'driver', 'README.md'));
  }
  for (const flavour of ['kmdf', 'wdm']) add(join(root, 'templates', flavour, 'project', 'README.md.tmpl'));
  add(join(root, 'packages', 'create-inverted-call', 'templates', 'README.md'));
  return pages;
}

/** A script path, then its arguments up to the end of the code span, a comment or the next command. */
const COMMAND = /scripts[\\/]windows[\\/]([\w.-]+?)\.ps1\b([^`#|;\n]*)/g;

/** The script commands of a page, with their lines. */
export function scriptCommands(text: string, file = ''): ScriptCommand[] {
  const found: ScriptCommand[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    for (const match of line.matchAll(COMMAND)) {
      const parameters = match[2]!
        .split(/\s+/)
        .filter((word) => /^-[A-Za-z]/.test(word))
        .map((word) => word.slice(1).replace(/:.*$/, ''));
      found.push({ file, line: index + 1, script: `${match[1]!}.ps1`, parameters });
    }
  });
  return found;
}

/** What each shipped script accepts, read from its param block and [CmdletBinding]. */
export async function shippedScripts(): Promise<Map<string, ScriptInterface>> {
  const parser = await loadPowerShellParser();
  const scripts = new Map<string, ScriptInterface>();
  for (const file of windowsScriptFiles()) {
    if (!file.path.endsWith('.ps1')) continue;
    const shape = parser.shape(file.content);
    scripts.set(file.path, { parameters: shape.parameters, shouldProcess: shape.cmdletBinding?.includes('SupportsShouldProcess') ?? false });
  }
  return scripts;
}

export function checkScriptCommands(pages: readonly string[], scripts: ReadonlyMap<string, ScriptInterface>): ScriptCommandCheck {
  const problems: string[] = [];
  let checked = 0;
  const names = [...scripts.keys()].join(', ');
  for (const page of pages) {
    for (const command of scriptCommands(readPage(page), page)) {
      checked++;
      const where = `${repoPath(page)}:${command.line}`;
      const script = scripts.get(command.script);
      if (!script) {
        problems.push(`${where}: scripts/windows/${command.script} is not one of the kit's scripts (${names})`);
        continue;
      }
      const accepted = [...script.parameters, ...COMMON_PARAMETERS, ...(script.shouldProcess ? SHOULD_PROCESS_PARAMETERS : [])];
      for (const parameter of command.parameters) {
        // PowerShell matches parameter names without regard to case; the docs spell them in full.
        if (!accepted.some((name) => name.toLowerCase() === parameter.toLowerCase())) {
          problems.push(`${where}: ${command.script} has no parameter -${parameter} (it declares ${script.parameters.map((name) => `-${name}`).join(', ') || 'none'})`);
        }
      }
    }
  }
  return { checked, problems };
}
