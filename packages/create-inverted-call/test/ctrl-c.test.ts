/**
 * Ctrl+C at the first question, at a real terminal: the bin runs in a pseudo-terminal made by
 * util-linux's `script` (Debian: bsdutils; `npm test`'s bootstrap installs it), so inquirer reads
 * the keys in raw mode as it does for a user. The run must end with exit code 130, one line, no
 * stack, and nothing on disk. A missing `script` fails the test: it is never skipped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CANCELLED_EXIT_CODE, cancelledMessage } from '../src/cancel.js';
import { bin, filesUnder } from './support.js';

const CANCELLED_LINE = 'create-inverted-call: cancelled, nothing was written';
const FIRST_QUESTION = 'Project name';
// Loading yeoman on a busy 2-core machine takes seconds; the question comes after it.
const QUESTION_WAIT_MS = 60_000;

let cwd = '';
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'create-inverted-call-ctrl-c-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

/** Without colour and cursor codes, whatever the terminal was told. */
const plain = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

interface TerminalRun {
  code: number | null;
  /** Everything the terminal showed, colour codes removed, lines split. */
  lines: string[];
}

/** Runs the bin at a pseudo-terminal, waits for the first question, presses Ctrl+C. */
function cancelAtFirstQuestion(): Promise<TerminalRun> {
  const found = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error('this test needs `script` from util-linux (Debian/Ubuntu package bsdutils) for a pseudo-terminal: install it, or run npm test, whose bootstrap does');
  }
  const command = [process.execPath, bin].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    // -q quiet, -f flush each write, -e exit with the child's code, -c the command; no typescript file.
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm' } });
    let output = '';
    let pressed = false;
    const onOutput = (chunk: Buffer) => {
      output += chunk;
      if (!pressed && plain(output).includes(FIRST_QUESTION)) {
        pressed = true;
        child.stdin.write('\u0003');
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    const timer = setTimeout(() => child.kill('SIGKILL'), QUESTION_WAIT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!pressed) reject(new Error(`the first question never came:\n${plain(output)}`));
      const lines = plain(output)
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '');
      resolve({ code, lines });
    });
  });
}

describe('Ctrl+C at the first question', () => {
  it('exits with 130 and one line, no stack, and writes nothing', async () => {
    const { code, lines } = await cancelAtFirstQuestion();
    const shown = lines.join('\n');
    expect(code, shown).toBe(CANCELLED_EXIT_CODE);
    // The question as it was left, then our line: nothing else.
    expect(lines.filter((line) => !line.includes(FIRST_QUESTION)), shown).toEqual([CANCELLED_LINE]);
    expect(lines.filter((line) => /^at /.test(line)), shown).toEqual([]);
    expect(filesUnder(cwd)).toEqual([]);
  }, QUESTION_WAIT_MS + 10_000);
});

describe('cancelledMessage', () => {
  it('says nothing was written when none of the new files is on disk', () => {
    expect(cancelledMessage(cwd, join(cwd, 'my-device'), ['package.json', 'README.md'])).toBe('cancelled, nothing was written');
  });

  it('counts the new files already written, and names the folder', () => {
    const folder = join(cwd, 'my-device');
    mkdirSync(folder);
    writeFileSync(join(folder, 'package.json'), '{}\n');
    expect(cancelledMessage(cwd, folder, ['package.json', 'README.md'])).toMatch(/^cancelled after writing 1 new file\(s\) in my-device \(/);
  });
});
