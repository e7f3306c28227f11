/** Runner-free assertions: a failed check throws a ConformanceFailure whose message says what differed. */
import { inspect, isDeepStrictEqual } from 'node:util';

export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

export function equal<T>(actual: T, expected: T, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new ConformanceFailure(`${what}: expected ${inspect(expected, { depth: 6 })}, got ${inspect(actual, { depth: 6 })}`);
  }
}

/** Awaits a promise that must reject; returns the error for further checks. */
export async function rejects(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new ConformanceFailure(`${what}: expected a rejection, but it resolved`);
}

/** Checks an error is a DeviceError with this Win32 name. */
export function deviceError(error: unknown, code: string, what: string): void {
  const actual = error as { name?: string; code?: string; canceled?: boolean };
  check(actual?.name === 'DeviceError', `${what}: expected a DeviceError ${code}, got ${inspect(error)}`);
  equal(actual.code, code, `${what}: Win32 error`);
  equal(actual.canceled, code === 'ERROR_OPERATION_ABORTED', `${what}: canceled flag`);
}

/**
 * Resolves with `promise`, or fails naming `what` if it has not settled within `ms`: a driver that
 * loses a completion must fail the suite, not hang it (node:test has no default timeout).
 */
export async function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConformanceFailure(`${what}: nothing after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
