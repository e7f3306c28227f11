// Where the demo writes: a terminal (live view, redrawn in place) or a pipe (plain lines), and the
// escape sequences that redraw a frame over the last one.
import { describe, expect, it } from 'vitest';
import { HIDE_CURSOR, SHOW_CURSOR, createScreen, hideCursorUntilExit, redrawText, terminalOf, type OutputStream } from '../src/demo/screen.js';

function fakeStream(fields: { isTTY?: boolean; columns?: number }) {
  const written: string[] = [];
  const stream: OutputStream = { ...fields, write: (text: string) => written.push(text) };
  return { stream, written };
}

const UP = '\u001b[1A';
const CLEAR_LINE = '\u001b[2K';
const CLEAR_BELOW = '\u001b[J';

describe('terminalOf', () => {
  it('is live with colours on a terminal', () => {
    const { stream } = fakeStream({ isTTY: true, columns: 80 });
    const terminal = terminalOf(stream, {});
    expect([terminal.live, terminal.color, terminal.width()]).toEqual([true, true, 80]);
  });

  it('leaves colours out on a terminal when NO_COLOR is set', () => {
    const terminal = terminalOf(fakeStream({ isTTY: true }).stream, { NO_COLOR: '1' });
    expect([terminal.live, terminal.color]).toEqual([true, false]);
  });

  it('is plain without a terminal, whatever the environment says', () => {
    const terminal = terminalOf(fakeStream({}).stream, {});
    expect([terminal.live, terminal.color, terminal.width()]).toEqual([false, false, 100]);
  });

  it('prints lines with their newline', () => {
    const { stream, written } = fakeStream({});
    const terminal = terminalOf(stream, {});
    terminal.print('a line');
    terminal.print();
    terminal.write('no newline');
    expect(written).toEqual(['a line\n', '\n', 'no newline']);
  });
});

describe('redrawText', () => {
  it('writes the first frame where the cursor is, each line cleared first', () => {
    expect(redrawText(0, ['one', 'two'])).toBe(`${CLEAR_LINE}one\n${CLEAR_LINE}two\n${CLEAR_BELOW}`);
  });

  it('goes back up over the whole last frame before writing the next', () => {
    expect(redrawText(3, ['x'])).toBe(`${UP}${UP}${UP}\r${CLEAR_LINE}x\n${CLEAR_BELOW}`);
  });

  it('clears what a taller last frame leaves below a shorter one', () => {
    expect(redrawText(2, [])).toBe(`${UP}${UP}\r${CLEAR_BELOW}`);
  });
});

describe('createScreen', () => {
  it('draws each frame over the one before it, whatever their heights', () => {
    const { stream, written } = fakeStream({ isTTY: true });
    const screen = createScreen(terminalOf(stream, {}));
    screen.draw(['a', 'b', 'c']);
    screen.draw(['d']);
    screen.draw(['e', 'f']);
    expect(written).toEqual([redrawText(0, ['a', 'b', 'c']), redrawText(3, ['d']), redrawText(1, ['e', 'f'])]);
  });
});

describe('hideCursorUntilExit', () => {
  it('hides the cursor on a terminal and shows it again at exit', () => {
    const { stream, written } = fakeStream({ isTTY: true });
    const before = process.listeners('exit');
    hideCursorUntilExit(terminalOf(stream, {}));
    const added = process.listeners('exit').filter((listener) => !before.includes(listener));
    expect(added).toHaveLength(1);
    process.removeListener('exit', added[0]!);
    expect(written).toEqual([HIDE_CURSOR]);
    added[0]!(0);
    expect(written).toEqual([HIDE_CURSOR, SHOW_CURSOR]);
  });

  it('leaves a pipe alone', () => {
    const { stream, written } = fakeStream({});
    const before = process.listenerCount('exit');
    hideCursorUntilExit(terminalOf(stream, {}));
    expect(written).toEqual([]);
    expect(process.listenerCount('exit')).toBe(before);
  });
});
