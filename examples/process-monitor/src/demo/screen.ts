/**
 * Where the demo writes: a terminal, where the live view is redrawn in place, or a pipe (CI, a
 * log), where it prints plain lines. The escape sequences are built here and nowhere else.
 */

const ESC = '\u001b[';
/** Hides the cursor while the live view redraws (it would flicker at the frame's last line). */
export const HIDE_CURSOR = `${ESC}?25l`;
export const SHOW_CURSOR = `${ESC}?25h`;

/** The part of a Node write stream the demo uses (a fake one in the tests). */
export interface OutputStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface Terminal {
  /** A terminal: the live view is drawn. Otherwise plain lines, one per thing worth saying. */
  readonly live: boolean;
  /** Colours: on a terminal unless NO_COLOR is set. */
  readonly color: boolean;
  /** Columns available to a frame (100 when the stream does not say). */
  readonly width: () => number;
  readonly write: (text: string) => void;
  /** Writes `line` and a newline. */
  readonly print: (line?: string) => void;
}

/** The terminal behind `out`; `env` decides colours (NO_COLOR, https://no-color.org). */
export function terminalOf(out: OutputStream, env: Record<string, string | undefined>): Terminal {
  const live = Boolean(out.isTTY);
  return {
    live,
    color: live && !env.NO_COLOR,
    width: () => out.columns ?? 100,
    write: (text) => void out.write(text),
    print: (line = '') => void out.write(`${line}\n`),
  };
}

/**
 * The text that replaces a frame of `previousHeight` lines with `lines`: up to the first line of
 * the last frame, each line cleared before it is written, and anything below the new frame
 * cleared (a shorter frame leaves nothing behind).
 */
export function redrawText(previousHeight: number, lines: readonly string[]): string {
  let text = previousHeight > 0 ? `${`${ESC}1A`.repeat(previousHeight)}\r` : '';
  for (const line of lines) text += `${ESC}2K${line}\n`;
  return `${text}${ESC}J`;
}

/** Draws frames in place, each over the last. */
export function createScreen(terminal: Terminal): { draw(lines: readonly string[]): void } {
  let height = 0;
  return {
    draw(lines) {
      terminal.write(redrawText(height, lines));
      height = lines.length;
    },
  };
}

/** On a terminal: hides the cursor now and shows it again when the process exits, however it exits. */
export function hideCursorUntilExit(terminal: Terminal): void {
  if (!terminal.live) return;
  terminal.write(HIDE_CURSOR);
  process.once('exit', () => terminal.write(SHOW_CURSOR));
}
