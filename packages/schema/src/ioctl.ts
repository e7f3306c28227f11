/**
 * The rules for each part of an IOCTL code, CTL_CODE(DeviceType, Function, Method, Access), and
 * the names of its values. Values are those of winioctl.h / wdm.h; the bit layout that packs the
 * parts into a code is codec's (`ctlCode`), which the simulator and the driver tests read back.
 */
import { FILE_ANY_ACCESS, FILE_READ_ACCESS, FILE_WRITE_ACCESS } from '@inverted-call/codec';
import type { AccessBits, MethodValue } from './model.js';

export const VENDOR_DEVICE_TYPE_MIN = 0x8000;
export const VENDOR_DEVICE_TYPE_MAX = 0xffff;
export const VENDOR_FUNCTION_MIN = 0x800;
export const VENDOR_FUNCTION_MAX = 0xfff;
/** Function code of the built-in protocol-information call (rule R7); no schema IOCTL may use it. */
export const PROTOCOL_INFO_FUNCTION = 0xfff;
/**
 * The top of the function range belongs to the driver itself: test builds (INVERTED_CALL_TEST_BUILD)
 * answer four IOCTLs of their own there (templates/shared: AskTest.h's ask IOCTL that raises a verdict's question,
 * the emit IOCTL that injects events, NotifyTest.h's process IOCTL, InvertedCallTest.h's state IOCTL), and 0xFFF
 * is the protocol call. A schema IOCTL
 * on one of them would be shadowed by the test hook, so a test build would test another driver.
 */
export const TEST_BUILD_ASK_FUNCTION = 0xffb;
export const TEST_BUILD_EMIT_FUNCTION = 0xffc;
export const TEST_BUILD_PROCESS_FUNCTION = 0xffd;
export const TEST_BUILD_STATE_FUNCTION = 0xffe;
export const RESERVED_FUNCTIONS: ReadonlyMap<number, string> = new Map([
  [TEST_BUILD_ASK_FUNCTION, "the test build's ask IOCTL"],
  [TEST_BUILD_EMIT_FUNCTION, "the test build's emit IOCTL"],
  [TEST_BUILD_PROCESS_FUNCTION, "the test build's process-notify IOCTL"],
  [TEST_BUILD_STATE_FUNCTION, "the test build's state IOCTL"],
  [PROTOCOL_INFO_FUNCTION, 'the built-in protocol-information call'],
]);
/** The highest function code a schema may give a call or channel. */
export const SCHEMA_FUNCTION_MAX = TEST_BUILD_ASK_FUNCTION - 1;

/**
 * The first function code after `after` (wrapping round to 0x800) that is in the schema range and
 * not in `used`; undefined when all 1020 are taken.
 */
export function nextFreeFunction(used: ReadonlySet<number>, after: number = VENDOR_FUNCTION_MIN - 1): number | undefined {
  const count = SCHEMA_FUNCTION_MAX - VENDOR_FUNCTION_MIN + 1;
  const start = Math.min(Math.max(after + 1, VENDOR_FUNCTION_MIN), SCHEMA_FUNCTION_MAX + 1);
  for (let step = 0; step < count; step++) {
    const candidate = VENDOR_FUNCTION_MIN + ((start - VENDOR_FUNCTION_MIN + step) % count);
    if (!used.has(candidate)) return candidate;
  }
  return undefined;
}

/** Microsoft-defined device types a driver may name (from winioctl.h). */
export const NAMED_DEVICE_TYPES: Record<string, number> = {
  FILE_DEVICE_BEEP: 0x01,
  FILE_DEVICE_CONTROLLER: 0x04,
  FILE_DEVICE_DISK: 0x07,
  FILE_DEVICE_KEYBOARD: 0x0b,
  FILE_DEVICE_MOUSE: 0x0f,
  FILE_DEVICE_NETWORK: 0x12,
  FILE_DEVICE_NULL: 0x15,
  FILE_DEVICE_PARALLEL_PORT: 0x16,
  FILE_DEVICE_PHYSICAL_NETCARD: 0x17,
  FILE_DEVICE_PRINTER: 0x18,
  FILE_DEVICE_SCANNER: 0x19,
  FILE_DEVICE_SERIAL_PORT: 0x1b,
  FILE_DEVICE_SCREEN: 0x1c,
  FILE_DEVICE_SOUND: 0x1d,
  FILE_DEVICE_TRANSPORT: 0x21,
  FILE_DEVICE_UNKNOWN: 0x22,
  FILE_DEVICE_VIDEO: 0x23,
  FILE_DEVICE_BATTERY: 0x29,
  FILE_DEVICE_BUS_EXTENDER: 0x2a,
  FILE_DEVICE_MASS_STORAGE: 0x2d,
  FILE_DEVICE_SMARTCARD: 0x31,
  FILE_DEVICE_ACPI: 0x32,
  FILE_DEVICE_BLUETOOTH: 0x41,
  FILE_DEVICE_BIOMETRIC: 0x44,
  FILE_DEVICE_GPIO: 0x48,
};

export const METHODS: Record<string, MethodValue> = {
  METHOD_BUFFERED: 0,
  METHOD_IN_DIRECT: 1,
  METHOD_OUT_DIRECT: 2,
};

export const METHOD_NAMES: Record<MethodValue, string> = {
  0: 'METHOD_BUFFERED',
  1: 'METHOD_IN_DIRECT',
  2: 'METHOD_OUT_DIRECT',
};

/**
 * The same methods as a device descriptor spells them (the codec's `TransferMethod`): what a
 * generated TypeScript module tells the client, beside the C names above that its header uses.
 */
export const METHOD_TEXT = {
  0: 'buffered',
  1: 'in-direct',
  2: 'out-direct',
} as const satisfies Record<MethodValue, string>;

/** The C spelling of each access value (codec's FILE_*_ACCESS bits), for the generated header. */
export const ACCESS_NAMES: Record<AccessBits, string> = {
  0: 'FILE_ANY_ACCESS',
  1: 'FILE_READ_ACCESS',
  2: 'FILE_WRITE_ACCESS',
  3: 'FILE_READ_ACCESS | FILE_WRITE_ACCESS',
};

/** Parses an access string; `|`-separated names in any order and spacing. */
export function parseAccess(text: string): AccessBits | undefined {
  const parts = text.split('|').map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0) return undefined;
  let bits = 0;
  for (const part of parts) {
    if (part === 'FILE_READ_ACCESS' || part === 'FILE_READ_DATA') bits |= FILE_READ_ACCESS;
    else if (part === 'FILE_WRITE_ACCESS' || part === 'FILE_WRITE_DATA') bits |= FILE_WRITE_ACCESS;
    else if (part === 'FILE_ANY_ACCESS' && parts.length === 1) bits |= FILE_ANY_ACCESS;
    else return undefined;
  }
  return bits as AccessBits;
}

/** Parses a number written as a JSON number or a decimal / `0x` hex string. */
export function parseNumberLike(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/_/g, '');
  if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(text)) return undefined;
  const parsed = Number(text);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}

export function hex(value: number, digits = 0): string {
  return `0x${value.toString(16).toUpperCase().padStart(digits, '0')}`;
}
