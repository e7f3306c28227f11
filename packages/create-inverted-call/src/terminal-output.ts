/**
 * Where the generator's words go when it runs as a command. Progress (yeoman's `create` lines,
 * the summary, the next steps) goes to stdout, so `create-inverted-call ... > log` keeps it;
 * warnings and errors go to stderr. yeoman's own logger writes everything to stderr, so the
 * command builds its adapter with a logger of its own streams.
 *
 * yeoman reports a failed task with a line of its own ("An error occured while running
 * inverted-call:app#writing") before the error reaches the CLI. That line is held back: for the
 * errors the CLI knows (bad input, a cancelled question) its one-line message says it all; for
 * anything else the CLI prints it before the stack, where the task's name helps.
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { format } from 'node:util';
import { QueuedAdapter, TerminalAdapter, createLogger } from '@yeoman/adapter';

/** The start of yeoman-generator's line for a task that threw (its spelling). */
const TASK_FAILED = 'An error occured while running ';

/** The logger method warnings go through: not one of yeoman's, so a generator run elsewhere (yeoman-test) may lack it. */
export const WARN_METHOD = 'warn';

export interface OutputStreams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface GeneratorOutput {
  adapter: QueuedAdapter;
  /** yeoman's task-failure lines, held back (see above). */
  heldErrors: string[];
}

function streamOf(write: (text: string) => void): NodeJS.WriteStream {
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      write(chunk.toString());
      done();
    },
  });
  return stream as unknown as NodeJS.WriteStream;
}

/** A yeoman adapter whose log writes progress to `out.stdout` and problems to `out.stderr`; prompts stay on the terminal. */
export function generatorOutput(out: OutputStreams): GeneratorOutput {
  const heldErrors: string[] = [];
  const progress = streamOf(out.stdout);
  const log = createLogger({
    // yeoman's log() and its status lines (create, identical, conflict...) write to "stderr".
    stdout: progress,
    stderr: progress,
    console: new Console(progress, progress),
    loggers: {
      error(...parts: Parameters<typeof format>) {
        const message = format(...parts);
        if (message.startsWith(TASK_FAILED)) heldErrors.push(message);
        else out.stderr(`create-inverted-call: ${message}\n`);
        return log;
      },
      [WARN_METHOD](...parts: Parameters<typeof format>) {
        out.stderr(`create-inverted-call: warning: ${format(...parts)}\n`);
        return log;
      },
    },
  });
  const terminal = new TerminalAdapter({ log });
  return { adapter: new QueuedAdapter({ adapter: terminal, stdout: process.stdout }), heldErrors };
}
