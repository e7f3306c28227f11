/**
 * The parse check of PowerShell scripts, with a maintained PowerShell grammar
 * (tree-sitter-powershell, run by web-tree-sitter from its WebAssembly build, so nothing is
 * compiled at install time). It reports every syntax error and missing token with its line and
 * column, and reads what a script declares: the parameters of its top-level `param(...)` block, the
 * arguments of its `[CmdletBinding(...)]` and the keywords of its comment-based help.
 *
 * Both packages are optional peer dependencies of @inverted-call/driver-template: the kit's tests
 * and docs check need them, a rendered driver does not.
 *
 * A known limit of the grammar: a comma-separated list of bare words as a command argument
 * (`Export-ModuleMember -Function A, B`, valid PowerShell) is reported as an error; quote the words.
 */
import { createRequire } from 'node:module';
import type { Language as LanguageType, Node, Parser as ParserType } from 'web-tree-sitter';

export interface PowerShellProblem {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
}

export interface PowerShellScriptShape {
  /** Parameter names of the script's own `param(...)` block, without `$`, in order; [] when it has none. */
  parameters: string[];
  /** The arguments of the script's `[CmdletBinding(...)]` as written (`SupportsShouldProcess`); undefined without the attribute. */
  cmdletBinding: string[] | undefined;
  /** Keywords of the comment-based help before the param block, upper case, with their argument: `SYNOPSIS`, `PARAMETER DriverDir`. */
  help: string[];
  /** Every command the script runs, in source order. */
  commands: PowerShellCommand[];
}

export interface PowerShellCommand {
  /** As written: `Write-Host`, `pnputil.exe`, `$FilePath`. */
  name: string;
  /** Run through the call operator (`& $FilePath`) or dot-sourced. */
  invoked: boolean;
  /** The function it is written in; undefined at the script's top level. */
  inFunction: string | undefined;
  /** 1-based. */
  line: number;
}

export interface PowerShellParser {
  /** Every ERROR and MISSING node of the parse, in source order; [] for a script that parses. */
  problems(text: string): PowerShellProblem[];
  /** What the script declares; throws when it does not parse (the problems first). */
  shape(text: string): PowerShellScriptShape;
}

const GRAMMAR_WASM = 'tree-sitter-powershell/tree-sitter-powershell.wasm';
let loading: Promise<PowerShellParser> | undefined;

/** The parser, loaded once (the grammar's WebAssembly is read on first use). */
export function loadPowerShellParser(): Promise<PowerShellParser> {
  loading ??= load();
  return loading;
}

/** The parameter names a script's param block declares, without `$`. */
export async function powershellScriptParameters(text: string): Promise<string[]> {
  return (await loadPowerShellParser()).shape(text).parameters;
}

/** Every syntax problem of a script, with line and column; [] when it parses. */
export async function checkPowerShellScript(text: string): Promise<PowerShellProblem[]> {
  return (await loadPowerShellParser()).problems(text);
}

async function load(): Promise<PowerShellParser> {
  const require = createRequire(import.meta.url);
  let treeSitter: typeof import('web-tree-sitter');
  let wasm: string;
  try {
    treeSitter = await import('web-tree-sitter');
    wasm = require.resolve(GRAMMAR_WASM);
  } catch (error) {
    throw new Error(`@inverted-call/driver-template: the PowerShell check needs the packages web-tree-sitter and tree-sitter-powershell (install them as dev dependencies): ${(error as Error).message}`);
  }
  await treeSitter.Parser.init();
  const language: LanguageType = await treeSitter.Language.load(wasm);
  const parser: ParserType = new treeSitter.Parser();
  parser.setLanguage(language);
  const parse = (text: string): Node => {
    const tree = parser.parse(text);
    if (!tree) throw new Error('internal: tree-sitter returned no tree');
    return tree.rootNode;
  };
  return {
    problems: (text) => problemsOf(parse(text)),
    shape: (text) => {
      const root = parse(text);
      const problems = problemsOf(root);
      if (problems.length > 0) throw new Error(`the script does not parse: ${problems.map(describe).join('; ')}`);
      return shapeOf(root);
    },
  };
}

export function describe(problem: PowerShellProblem): string {
  return `${problem.line}:${problem.column}: ${problem.message}`;
}

function problemsOf(root: Node): PowerShellProblem[] {
  const found: PowerShellProblem[] = [];
  const visit = (node: Node): void => {
    const where = { line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
    if (node.isMissing) {
      found.push({ ...where, message: `missing ${node.type}` });
      return;
    }
    if (node.isError) {
      const text = node.text.split('\n')[0]!.trim();
      found.push({ ...where, message: `syntax error at \`${text.length > 60 ? `${text.slice(0, 60)}...` : text}\`` });
      return;
    }
    if (node.hasError) for (const child of node.children) visit(child);
  };
  visit(root);
  return found;
}

function shapeOf(root: Node): PowerShellScriptShape {
  const paramBlock = root.namedChildren.find((node) => node.type === 'param_block');
  const parameters = (paramBlock?.descendantsOfType('script_parameter') ?? [])
    // Only the block's own parameters: a script block default could nest a param block of its own.
    .filter((parameter) => parameter.parent?.parent?.id === paramBlock!.id)
    .map((parameter) => parameter.namedChildren.find((child) => child.type === 'variable')!.text.replace(/^\$\{?|\}$/g, ''));
  const cmdletBinding = paramBlock?.namedChildren
    .find((node) => node.type === 'attribute_list')
    ?.namedChildren.find((attribute) => attribute.namedChildren.find((child) => child.type === 'attribute_name')?.text.toLowerCase() === 'cmdletbinding');
  const comments = root.namedChildren.filter((node) => node.type === 'comment' && (!paramBlock || node.startIndex < paramBlock.startIndex));
  const helpComment = comments.find((comment) => comment.text.startsWith('<#'));
  const help = helpComment ? [...helpComment.text.matchAll(/^\s*\.([A-Za-z]+)[ \t]*(\S*)/gm)].map((match) => (match[2] ? `${match[1]!.toUpperCase()} ${match[2]}` : match[1]!.toUpperCase())) : [];
  const commands = root.descendantsOfType('command').map((command) => ({
    name: command.childForFieldName('command_name')?.text ?? '',
    invoked: command.children.some((child) => child.type === 'command_invokation_operator'),
    inFunction: enclosingFunction(command),
    line: command.startPosition.row + 1,
  }));
  return {
    parameters,
    cmdletBinding: cmdletBinding ? cmdletBinding.descendantsOfType('attribute_argument').map((argument) => argument.text) : undefined,
    help,
    commands,
  };
}

function enclosingFunction(node: Node): string | undefined {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (parent.type === 'function_statement') return parent.namedChildren.find((child) => child.type === 'function_name')?.text;
  }
  return undefined;
}
