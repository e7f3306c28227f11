/** Checks of what callers give the service functions, each failure naming the field and the fix. */

/** The SCM refuses names longer than 256 characters and names with a slash or a backslash. */
export function checkServiceName(name: string, field = 'name'): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 256 || /[\\/]/.test(name)) {
    throw new Error(`service ${field} ${JSON.stringify(name)} is not valid: give 1-256 characters without / or \\ (for example the device name followed by "Service")`);
  }
}

/** A service's program must be given as an absolute Windows path: the SCM starts it from System32. */
export function checkServiceCommand(command: string): void {
  if (typeof command !== 'string' || !/^(?:[A-Za-z]:\\|\\\\)/.test(command)) {
    throw new Error(`service command ${JSON.stringify(command)} is not an absolute Windows path: give the full path of the program, e.g. process.execPath for node.exe`);
  }
}

export function requireWindows(what: string): void {
  if (process.platform !== 'win32') {
    throw new Error(`${what} controls Windows services through advapi32 and works only on Windows (this is ${process.platform})`);
  }
}
