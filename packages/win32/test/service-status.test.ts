// The pure parts of the service module: SERVICE_STATUS encoded in the order winsvc.h lays it out
// (the layout itself is compiled against the header in service-layout.test.ts), and the service
// command line, read back by a parser written from the documented CommandLineToArgvW rules.
import { describe, expect, it } from 'vitest';
import { SERVICE_STATES, SERVICE_STATUS_BYTES, decodeServiceStatus, encodeServiceStatus, quoteWindowsArgument, serviceCommandLine, serviceStateName, type ServiceStatus } from '../src/service-status.js';

/**
 * The documented rules for the arguments after the program name: whitespace separates them
 * outside quotes; 2n backslashes then a quote give n backslashes and toggle quoting; 2n+1
 * backslashes then a quote give n backslashes and a literal quote; other backslashes are literal.
 */
function parseArguments(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inQuotes = false;
  let started = false;
  for (let index = 0; index < line.length; ) {
    const character = line[index]!;
    if (character === '\\') {
      let count = 0;
      while (line[index] === '\\') {
        count++;
        index++;
      }
      if (line[index] === '"') {
        current += '\\'.repeat(Math.floor(count / 2));
        if (count % 2 === 1) {
          current += '"';
          index++;
        }
      } else {
        current += '\\'.repeat(count);
      }
      started = true;
      continue;
    }
    if (character === '"') {
      inQuotes = !inQuotes;
      started = true;
    } else if ((character === ' ' || character === '\t') && !inQuotes) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += character;
      started = true;
    }
    index++;
  }
  if (started) args.push(current);
  return args;
}

/** The program name: up to the closing quote when it starts with one. */
function splitProgram(line: string): { program: string; rest: string } {
  const end = line.indexOf('"', 1);
  return { program: line.slice(1, end), rest: line.slice(end + 1) };
}

describe('SERVICE_STATUS', () => {
  it('encodes seven little-endian DWORDs in header order and decodes them back', () => {
    const status: ServiceStatus = { serviceType: 0x10, currentState: SERVICE_STATES.STOP_PENDING, controlsAccepted: 5, win32ExitCode: 1066, serviceSpecificExitCode: 0xfffffffe, checkPoint: 3, waitHint: 10_000 };
    const bytes = new Uint8Array(SERVICE_STATUS_BYTES);
    encodeServiceStatus(status, bytes);
    expect(SERVICE_STATUS_BYTES).toBe(28);
    expect([...bytes.slice(0, 8)]).toEqual([0x10, 0, 0, 0, 3, 0, 0, 0]);
    expect([...bytes.slice(16, 20)]).toEqual([0xfe, 0xff, 0xff, 0xff]);
    expect([...bytes.slice(24, 28)]).toEqual([0x10, 0x27, 0, 0]);
    expect(decodeServiceStatus(bytes)).toEqual(status);
  });

  it('names states, and says when one is unknown', () => {
    expect(serviceStateName(4)).toBe('RUNNING');
    expect(serviceStateName(1)).toBe('STOPPED');
    expect(serviceStateName(9)).toBe('UNKNOWN(9)');
  });
});

describe('the service command line', () => {
  it('quotes the program always and arguments only when they need it', () => {
    expect(serviceCommandLine('C:\\Program Files\\nodejs\\node.exe', ['C:\\My Project\\dist\\windows-service.js', 'run'])).toBe(
      '"C:\\Program Files\\nodejs\\node.exe" "C:\\My Project\\dist\\windows-service.js" run',
    );
    expect(quoteWindowsArgument('')).toBe('""');
    expect(quoteWindowsArgument('C:\\dir with space\\')).toBe('"C:\\dir with space\\\\"');
    expect(quoteWindowsArgument('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteWindowsArgument('a\\"b')).toBe('"a\\\\\\"b"');
    expect(quoteWindowsArgument('a\\b')).toBe('"a\\b"');
  });

  it('reads back as the same arguments under the documented parsing rules, for awkward arguments', () => {
    const pieces = ['a', ' ', '\\', '"', '\t', 'x y', '\\\\', 'é', ''];
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 500; round++) {
      const args = Array.from({ length: 1 + Math.floor(random() * 4) }, () => Array.from({ length: Math.floor(random() * 6) }, () => pieces[Math.floor(random() * pieces.length)]).join(''));
      const line = serviceCommandLine('C:\\Program Files\\node.exe', args);
      const { program, rest } = splitProgram(line);
      expect(program).toBe('C:\\Program Files\\node.exe');
      expect(parseArguments(rest), line).toEqual(args);
    }
  });

  it('the check can fail: unquoted, a path with a space reads back as two arguments', () => {
    expect(parseArguments('C:\\My Project\\x.js run')).toEqual(['C:\\My', 'Project\\x.js', 'run']);
  });

  it('refuses a program path with a quote in it', () => {
    expect(() => serviceCommandLine('C:\\a"b.exe', [])).toThrow(/cannot contain a quote/);
  });
});
