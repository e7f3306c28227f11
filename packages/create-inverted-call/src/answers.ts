/**
 * What a project is made from, and the rules its parts must follow. Flags and prompts give raw
 * text; `resolveAnswers` checks all of it at once and turns it into `ProjectAnswers`. The same
 * checks back the prompts' validation, so an answer is refused the same way however it came.
 */
import { builtinModules } from 'node:module';
import { VENDOR_DEVICE_TYPE_MAX, VENDOR_DEVICE_TYPE_MIN, reservedCPrefixReason, upperSnake } from '@inverted-call/schema';
import { invalidInput } from './errors.js';

export type DriverFlavour = 'kmdf' | 'wdm';
export const DRIVER_FLAVOURS: readonly DriverFlavour[] = ['kmdf', 'wdm'];

/** Everything a project is generated from, checked. */
export interface ProjectAnswers {
  /** The npm package name of the project (scoped or not). */
  projectName: string;
  /** PascalCase device name: `\Device\<name>`, the C prefix and the generated module's name. */
  deviceName: string;
  /** Vendor device type, 0x8000-0xFFFF. */
  deviceType: number;
  /** A `Process` channel fed by the driver's process-notify callback. */
  processNotify: boolean;
  /** Calls (request/response IOCTLs), in function-code order. */
  calls: string[];
  /** Channels besides `Process`, in function-code order. */
  channels: string[];
  driver: DriverFlavour;
}

/** The answers as flags or prompts give them: text, not yet checked; absent means "not given". */
export interface RawAnswers {
  projectName?: string;
  deviceName?: string;
  deviceType?: string;
  processNotify?: boolean;
  calls?: string;
  channels?: string;
  driver?: string;
}

export const DEFAULT_PROJECT_NAME = 'my-device';
export const DEFAULT_DEVICE_TYPE = '0x8000';
export const DEFAULT_CALLS = 'GetVersion';
export const DEFAULT_CHANNELS = '';
export const DEFAULT_DRIVER: DriverFlavour = 'kmdf';
/** The channel the process-notify callback feeds. */
export const PROCESS_CHANNEL = 'Process';

// New npm packages: lower case, URL-safe, no leading dot or underscore, at most 214 characters.
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const NPM_NAME_MAX = 214;
// The schema's rule for device, call and channel names (validateDeviceSchema has the last word).
const PASCAL_NAME = /^[A-Z][A-Za-z0-9]*$/;
const DEVICE_NAME_MAX = 64;
const RESERVED_PACKAGE_NAMES = new Set(['node_modules', 'favicon.ico']);

/** Why a project name cannot be used, or undefined when it can. */
export function checkProjectName(name: string): string | undefined {
  const fix = 'use lower case letters, digits, "-", "." and "_" (optionally with an @scope/), starting with a letter or digit, e.g. my-device';
  if (name.length === 0) return `the project name is empty: ${fix}`;
  if (name.length > NPM_NAME_MAX) return `the project name is ${name.length} characters long: npm allows at most ${NPM_NAME_MAX}`;
  if (!NPM_NAME.test(name)) return `"${name}" is not a valid npm package name: ${fix}`;
  const bare = unscopedName(name);
  if (RESERVED_PACKAGE_NAMES.has(bare) || builtinModules.includes(bare)) return `"${name}" is reserved by npm or Node: choose another project name, e.g. ${bare}-device`;
  return undefined;
}

/** `@acme/monitor` -> `monitor`: the folder a project is created in by default. */
export function unscopedName(projectName: string): string {
  return projectName.slice(projectName.indexOf('/') + 1);
}

/** Why a device name cannot be used, or undefined when it can. */
export function checkDeviceName(name: string): string | undefined {
  if (!PASCAL_NAME.test(name) || name.length > DEVICE_NAME_MAX) {
    return `"${name}" is not a valid device name: use PascalCase letters and digits, a capital first, at most ${DEVICE_NAME_MAX}, e.g. ProcessMonitor`;
  }
  // The schema refuses a device whose C prefix (its name in UPPER_SNAKE) is a family of names the
  // Windows headers or the driver template define: say so now, with a name that works.
  const prefixProblem = reservedCPrefixReason(upperSnake(name));
  if (prefixProblem) return `device name "${name}" cannot be used: ${prefixProblem}; choose another device name, e.g. ${name}Monitor`;
  return undefined;
}

/** The device name a project name suggests: `acme-process-monitor` -> `AcmeProcessMonitor`. */
export function defaultDeviceName(projectName: string): string {
  const words = unscopedName(projectName).split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
  if (checkDeviceName(name) === undefined) return name;
  // A name starting with a digit, or one too long, still needs a usable default.
  const fallback = `Device${name}`.slice(0, DEVICE_NAME_MAX);
  return checkDeviceName(fallback) === undefined ? fallback : 'MyDevice';
}

/** A device type from text (`0x8000` or decimal), or why it cannot be used. */
export function parseDeviceType(text: string): { value: number } | { problem: string } {
  const trimmed = text.trim();
  const fix = `use a vendor number from ${hex(VENDOR_DEVICE_TYPE_MIN)} to ${hex(VENDOR_DEVICE_TYPE_MAX)}, e.g. ${DEFAULT_DEVICE_TYPE}`;
  const value = /^0x[0-9a-f]+$/i.test(trimmed) ? Number.parseInt(trimmed.slice(2), 16) : /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (Number.isNaN(value)) return { problem: `device type "${text}" is not a number: ${fix}` };
  if (value < VENDOR_DEVICE_TYPE_MIN) return { problem: `device type ${hex(value)} is in Microsoft's range: ${fix}` };
  if (value > VENDOR_DEVICE_TYPE_MAX) return { problem: `device type ${hex(value)} is larger than 16 bits: ${fix}` };
  return { value };
}

/** `0x8000` as the schema writes it. */
export function hex(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A list of PascalCase names from text separated by commas or spaces, or why it cannot be used. */
export function parseNameList(text: string, what: 'call' | 'channel'): { names: string[] } | { problem: string } {
  const names = text.split(/[\s,]+/).filter(Boolean);
  const bad = names.filter((name) => !PASCAL_NAME.test(name) || name.length > DEVICE_NAME_MAX);
  if (bad.length > 0) {
    return { problem: `${bad.map((name) => `"${name}"`).join(', ')} ${bad.length === 1 ? 'is not a valid' : 'are not valid'} ${what} name${bad.length === 1 ? '' : 's'}: use PascalCase letters and digits, a capital first, e.g. ${what === 'call' ? 'GetVersion' : 'Status'}` };
  }
  const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
  if (duplicates.length > 0) return { problem: `${what} ${duplicates[0]} is named twice: give each ${what} once` };
  return { names };
}

function parseDriver(text: string): { value: DriverFlavour } | { problem: string } {
  const value = text.trim().toLowerCase();
  if ((DRIVER_FLAVOURS as readonly string[]).includes(value)) return { value: value as DriverFlavour };
  return { problem: `driver "${text}" is not a flavour this generator has: use kmdf (the default) or wdm` };
}

/** The answers a project gets for everything not given. */
export function defaultsFor(projectName: string): Required<RawAnswers> {
  return {
    projectName,
    deviceName: defaultDeviceName(projectName),
    deviceType: DEFAULT_DEVICE_TYPE,
    processNotify: true,
    calls: DEFAULT_CALLS,
    channels: DEFAULT_CHANNELS,
    driver: DEFAULT_DRIVER,
  };
}

/** Where each answer comes from, to name it in a message: a flag or a prompt. */
export const ANSWER_FLAGS: Record<keyof RawAnswers, string> = {
  projectName: 'project name',
  deviceName: '--device',
  deviceType: '--device-type',
  processNotify: '--process-notify',
  calls: '--calls',
  channels: '--channels',
  driver: '--driver',
};

/**
 * Checks every answer (absent ones take their defaults) and returns them, or throws a
 * CreateError (exit code 2) listing every problem at once.
 */
export function resolveAnswers(raw: RawAnswers): ProjectAnswers {
  const problems: string[] = [];
  const projectName = raw.projectName ?? DEFAULT_PROJECT_NAME;
  const projectProblem = checkProjectName(projectName);
  if (projectProblem) problems.push(projectProblem);
  const given = { ...defaultsFor(projectProblem ? DEFAULT_PROJECT_NAME : projectName), ...definedOnly(raw) };

  const deviceProblem = checkDeviceName(given.deviceName);
  if (deviceProblem) problems.push(`${ANSWER_FLAGS.deviceName}: ${deviceProblem}`);
  const deviceType = parseDeviceType(given.deviceType);
  if ('problem' in deviceType) problems.push(`${ANSWER_FLAGS.deviceType}: ${deviceType.problem}`);
  const calls = parseNameList(given.calls, 'call');
  if ('problem' in calls) problems.push(`${ANSWER_FLAGS.calls}: ${calls.problem}`);
  const channels = parseNameList(given.channels, 'channel');
  if ('problem' in channels) problems.push(`${ANSWER_FLAGS.channels}: ${channels.problem}`);
  const driver = parseDriver(given.driver);
  if ('problem' in driver) problems.push(`${ANSWER_FLAGS.driver}: ${driver.problem}`);

  if ('names' in channels && given.processNotify && channels.names.includes(PROCESS_CHANNEL)) {
    problems.push(`${ANSWER_FLAGS.channels}: channel ${PROCESS_CHANNEL} is the process-notification channel the project already has: choose another name, or pass --no-process-notify to declare your own`);
  }
  if ('names' in calls && 'names' in channels && calls.names.length === 0 && channels.names.length === 0 && !given.processNotify) {
    problems.push('the device would have no call and no channel: give at least one with --calls or --channels, or keep process notifications on');
  }
  if (problems.length > 0) throw invalidInput(problems);
  return {
    projectName,
    deviceName: given.deviceName,
    deviceType: (deviceType as { value: number }).value,
    processNotify: given.processNotify,
    calls: (calls as { names: string[] }).names,
    channels: (channels as { names: string[] }).names,
    driver: (driver as { value: DriverFlavour }).value,
  };
}

function definedOnly(raw: RawAnswers): RawAnswers {
  return Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined)) as RawAnswers;
}

/** The answers, in the order they are asked. */
export const ANSWER_KEYS = ['projectName', 'deviceName', 'deviceType', 'processNotify', 'calls', 'channels', 'driver'] as const satisfies readonly (keyof RawAnswers)[];

/** The answers among options or prompt answers (other keys ignored, text trimmed). */
export function givenAnswers(source: object): RawAnswers {
  const given: Record<string, unknown> = {};
  for (const key of ANSWER_KEYS) {
    const value = (source as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (key === 'processNotify') {
      if (typeof value !== 'boolean') throw invalidInput([`processNotify must be true or false, got ${JSON.stringify(value)}`]);
      given[key] = value;
    } else {
      given[key] = String(value).trim();
    }
  }
  return given as RawAnswers;
}
