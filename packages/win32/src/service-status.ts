/**
 * The service control manager's numbers and the SERVICE_STATUS layout (winsvc.h), the one owner of
 * both in this package, and the command line a service is registered with. Pure: tested on any
 * platform (test/service-status.test.ts compiles the layout against mingw-w64's headers).
 */

export const SERVICE_WIN32_OWN_PROCESS = 0x10;
export const SERVICE_DEMAND_START = 3;
export const SERVICE_ERROR_NORMAL = 1;

/** dwCurrentState values. */
export const SERVICE_STATES = {
  STOPPED: 1,
  START_PENDING: 2,
  STOP_PENDING: 3,
  RUNNING: 4,
  CONTINUE_PENDING: 5,
  PAUSE_PENDING: 6,
  PAUSED: 7,
} as const;
export type ServiceStateName = keyof typeof SERVICE_STATES;

/** The controls the runner acts on (HandlerEx's dwControl). */
export const SERVICE_CONTROL_STOP = 1;
export const SERVICE_CONTROL_INTERROGATE = 4;
export const SERVICE_CONTROL_SHUTDOWN = 5;
/** dwControlsAccepted bits: the service can be stopped, and hears system shutdown. */
export const SERVICE_ACCEPT_STOP = 0x1;
export const SERVICE_ACCEPT_SHUTDOWN = 0x4;

export const NO_ERROR = 0;
/** What HandlerEx returns for a control it does not handle. */
export const ERROR_CALL_NOT_IMPLEMENTED = 120;
/** dwWin32ExitCode when dwServiceSpecificExitCode holds the service's own exit code. */
export const ERROR_SERVICE_SPECIFIC_ERROR = 1066;

/** SERVICE_STATUS: seven DWORDs, in this order. */
export const SERVICE_STATUS_FIELDS = ['serviceType', 'currentState', 'controlsAccepted', 'win32ExitCode', 'serviceSpecificExitCode', 'checkPoint', 'waitHint'] as const;
export const SERVICE_STATUS_BYTES = SERVICE_STATUS_FIELDS.length * 4;

export type ServiceStatus = Record<(typeof SERVICE_STATUS_FIELDS)[number], number>;

export function encodeServiceStatus(status: ServiceStatus, into: Uint8Array): void {
  const view = new DataView(into.buffer, into.byteOffset, SERVICE_STATUS_BYTES);
  SERVICE_STATUS_FIELDS.forEach((field, index) => view.setUint32(index * 4, status[field] >>> 0, true));
}

export function decodeServiceStatus(from: Uint8Array): ServiceStatus {
  const view = new DataView(from.buffer, from.byteOffset, SERVICE_STATUS_BYTES);
  return Object.fromEntries(SERVICE_STATUS_FIELDS.map((field, index) => [field, view.getUint32(index * 4, true)])) as ServiceStatus;
}

/** The name of a dwCurrentState value, or `UNKNOWN(n)`. */
export function serviceStateName(state: number): ServiceStateName | `UNKNOWN(${number})` {
  const found = (Object.keys(SERVICE_STATES) as ServiceStateName[]).find((name) => SERVICE_STATES[name] === state);
  return found ?? `UNKNOWN(${state})`;
}

/** An argument that needs no quotes: no whitespace, quote or backslash, and not empty. */
const BARE_ARGUMENT = /^[A-Za-z0-9._=:+,@-]+$/;

/**
 * One argument as CommandLineToArgvW (and the C runtime node.exe uses) reads it back: quoted when
 * it holds anything but plain characters; inside quotes, backslashes are doubled only where they
 * precede a quote or the closing quote.
 */
export function quoteWindowsArgument(argument: string): string {
  if (BARE_ARGUMENT.test(argument)) return argument;
  let quoted = '"';
  let backslashes = 0;
  for (const character of argument) {
    if (character === '\\') {
      backslashes++;
      continue;
    }
    if (character === '"') quoted += '\\'.repeat(backslashes * 2 + 1);
    else quoted += '\\'.repeat(backslashes);
    quoted += character;
    backslashes = 0;
  }
  return `${quoted}${'\\'.repeat(backslashes * 2)}"`;
}

/**
 * lpBinaryPathName: the program always in quotes (the SCM would otherwise try every space in an
 * unquoted path as the end of the program's name), then each argument as quoteWindowsArgument
 * gives it.
 */
export function serviceCommandLine(command: string, args: readonly string[]): string {
  if (command.includes('"')) throw new Error(`service command ${command}: a program path cannot contain a quote`);
  return [`"${command}"`, ...args.map(quoteWindowsArgument)].join(' ');
}
