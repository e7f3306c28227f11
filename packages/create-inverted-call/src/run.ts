/**
 * The `create-inverted-call` command: strict flags in, the generator run through
 * yeoman-environment (no global `yo` needed), an exit code out.
 *
 * Exit codes: 0 the project was written; 1 it was not (a folder that is not empty, or a
 * failure while writing); 2 bad usage or input (an unknown option, an invalid name or type);
 * 130 a question was cancelled with Ctrl+C.
 *
 * Progress and the next steps go to stdout, warnings and errors to stderr (terminal-output.ts).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_CALLS, DEFAULT_DEVICE_TYPE, DEFAULT_PROJECT_NAME, PROCESS_CHANNEL } from './answers.js';
import type AppGenerator from './generators/app/index.js';
import { CANCELLED_EXIT_CODE, cancelledMessage, isCancelledQuestion } from './cancel.js';
import { isCreateError } from './errors.js';
import { preflight, type CreateOptions } from './preflight.js';
import { loadVersions } from './versions.js';

export const GENERATOR_NAMESPACE = 'inverted-call:app';

const USAGE = `Usage: npm create inverted-call@latest [<project-name>] -- [options]
       create-inverted-call [<project-name>] [options]

Creates an inverted-call project: the device schema, the driver (KMDF, or WDM), a TypeScript
client with its generated code, a sample service, tests against the simulator, a README,
.gitignore and a CI workflow. Asks for what the flags leave out when run at a terminal.

Options:
  <project-name>, --name <name>   npm package name of the project (default ${DEFAULT_PROJECT_NAME});
                                  also the folder, without its @scope/
  --device <Name>                 PascalCase device name (default: from the project name,
                                  my-device -> MyDevice)
  --device-type <0x8000-0xFFFF>   vendor device type (default ${DEFAULT_DEVICE_TYPE})
  --calls <A,B>                   calls to start with (default ${DEFAULT_CALLS}; "" for none)
  --channels <A,B>                channels besides ${PROCESS_CHANNEL} (default none)
  --no-process-notify             no ${PROCESS_CHANNEL} channel and no process-notify callback
                                  (default: on)
  --driver kmdf|wdm               driver flavour (default kmdf)
  --directory <dir>               create the project there (default: the project name)
  --force                         add the project to a folder that is not empty; files you
                                  already have are kept (or, at a terminal, you are asked)
  -y, --yes                       take the defaults for everything not given; ask nothing
  -h, --help                      show this help
  -v, --version                   show the version

Progress and the next steps go to stdout; warnings and errors to stderr.
Exit codes: 0 created; 1 not created (folder not empty, or writing failed); 2 bad usage or input;
130 cancelled with Ctrl+C.`;

export interface CliIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether a user is at a terminal, so questions can be asked. */
  interactive: boolean;
}

const OPTIONS = {
  name: { type: 'string' },
  device: { type: 'string' },
  'device-type': { type: 'string' },
  calls: { type: 'string' },
  channels: { type: 'string' },
  'process-notify': { type: 'boolean' },
  driver: { type: 'string' },
  directory: { type: 'string' },
  force: { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} as const;

function usageError(io: CliIo, message: string): number {
  io.stderr(`create-inverted-call: ${message}\nRun create-inverted-call --help for the options.\n`);
  return 2;
}

/** The generator's options from the command line, or a usage problem. */
export function optionsFromArgs(argv: readonly string[]): { options: CreateOptions; help: boolean; version: boolean } | { problem: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    return { problem: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) return { problem: `expected at most one project name, got ${positionals.length}: ${positionals.join(' ')}` };
  const [positional] = positionals;
  if (positional !== undefined && values.name !== undefined && positional !== values.name) {
    return { problem: `the project name is given twice, as "${positional}" and as --name "${values.name}": give it once` };
  }
  const options: CreateOptions = {
    projectName: positional ?? values.name,
    deviceName: values.device,
    deviceType: values['device-type'],
    calls: values.calls,
    channels: values.channels,
    processNotify: values['process-notify'],
    driver: values.driver,
    directory: values.directory,
    allowNonEmpty: values.force,
    yes: values.yes,
  };
  return { options, help: values.help, version: values.version };
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = optionsFromArgs(argv);
  if ('problem' in parsed) return usageError(io, parsed.problem);
  if (parsed.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (parsed.version) {
    io.stdout(`${loadVersions().generator}\n`);
    return 0;
  }
  const interactive = io.interactive && parsed.options.yes !== true;
  try {
    preflight({ ...parsed.options, interactive }, io.cwd);
  } catch (error) {
    return reportError(io, error);
  }
  // Loaded only now: yeoman is most of the start-up time, and --help or bad input need none of it.
  const [{ createEnv }, { default: InvertedCallGenerator }, { generatorOutput }] = await Promise.all([
    import('yeoman-environment'),
    import('./generators/app/index.js'),
    import('./terminal-output.js'),
  ]);
  // force: false keeps yeoman's conflicter in charge of the existing files the generator hands
  // it (interactive runs only; otherwise the generator keeps them itself).
  const output = generatorOutput(io);
  const env = createEnv({ cwd: io.cwd, skipInstall: true, force: false, adapter: output.adapter });
  env.register(InvertedCallGenerator, { namespace: GENERATOR_NAMESPACE, resolved: fileURLToPath(import.meta.url) });
  let generator: AppGenerator | undefined;
  try {
    generator = await env.create<AppGenerator>(GENERATOR_NAMESPACE, {
      generatorArgs: [],
      // skipCache: remember no answers in ~/.yo-rc-global.json or .yo-rc.json.
      generatorOptions: { ...parsed.options, interactive, skipCache: true, skipLocalCache: true, skipInstall: true } as never,
    });
    await env.runGenerator(generator);
    return 0;
  } catch (error) {
    if (isCancelledQuestion(error)) {
      const folder = generator?.destinationRoot() ?? io.cwd;
      io.stderr(`create-inverted-call: ${cancelledMessage(io.cwd, folder, generator?.report.created ?? [])}\n`);
      return CANCELLED_EXIT_CODE;
    }
    return reportError(io, error, output.heldErrors);
  }
}

/** Our errors in one line; anything else is a bug, shown with yeoman's line naming the task and the stack. */
function reportError(io: CliIo, error: unknown, heldErrors: readonly string[] = []): number {
  if (isCreateError(error)) {
    io.stderr(`create-inverted-call: ${error.message}\n`);
    return error.exitCode;
  }
  for (const line of heldErrors) io.stderr(`create-inverted-call: ${line}\n`);
  io.stderr(`create-inverted-call: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}
