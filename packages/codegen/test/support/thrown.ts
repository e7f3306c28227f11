/**
 * Runs `action` and returns the error of class `type` it throws; fails the test if it throws
 * nothing, or something else (which is rethrown as it was).
 */
export function thrown<E extends Error>(type: abstract new (...args: never[]) => E, action: () => unknown): E {
  try {
    action();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}, but nothing was thrown`);
}
