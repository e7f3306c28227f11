/** Small checks shared by the validators; each records an issue and returns undefined on failure. */
import { IssueList, closest, joinPath } from './errors.js';
import { parseNumberLike } from './ioctl.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Checks that `value` is an object whose keys are all known and whose required keys are present.
 * Returns the object (even with unknown keys reported) so later checks still run.
 */
export function readObject(
  issues: IssueList,
  value: unknown,
  path: string,
  shape: { required: readonly string[]; optional: readonly string[] },
  what: string,
  /** Fixes for missing required keys that depend on the document (e.g. a free function code). */
  requiredFixes: Readonly<Record<string, () => string>> = {},
): JsonObject | undefined {
  if (!isObject(value)) {
    issues.add(path, `${what} must be an object, found ${describeValue(value)}`, `write ${what} as { ${shape.required.map((key) => `"${key}": ...`).join(', ')} }`);
    return undefined;
  }
  const known = [...shape.required, ...shape.optional];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const suggestion = closest(key, known);
      issues.add(joinPath(path, key), `unknown key "${key}" in ${what}`, suggestion ? `did you mean "${suggestion}"? Otherwise remove it` : `remove it, or use one of: ${known.join(', ')}`);
    }
  }
  for (const key of shape.required) {
    if (value[key] === undefined) {
      issues.add(joinPath(path, key), `${what} needs "${key}"`, requiredFixes[key]?.() ?? requiredFix(key));
    }
  }
  return value;
}

function requiredFix(key: string): string {
  switch (key) {
    case 'access':
      return 'state the access the caller needs: "FILE_READ_ACCESS", "FILE_WRITE_ACCESS", "FILE_READ_ACCESS | FILE_WRITE_ACCESS", or "FILE_ANY_ACCESS" if any handle may send it';
    case 'id':
      return 'give each event kind a stable number from 1 to 65535';
    default:
      return `add "${key}"`;
  }
}

export function readString(issues: IssueList, value: unknown, path: string, what: string): string | undefined {
  if (typeof value !== 'string') {
    issues.add(path, `${what} must be a string, found ${describeValue(value)}`, `write ${what} in double quotes`);
    return undefined;
  }
  return value;
}

export function readOptionalDescription(issues: IssueList, container: JsonObject, path: string): string | undefined {
  const value = container.description;
  if (value === undefined) return undefined;
  return readString(issues, value, joinPath(path, 'description'), 'a description');
}

export function readInteger(
  issues: IssueList,
  value: unknown,
  path: string,
  what: string,
  range: { min: number; max: number; format?: 'hex' | 'decimal' },
): number | undefined {
  const parsed = parseNumberLike(value);
  const show = (n: number) => (range.format === 'hex' ? `0x${n.toString(16).toUpperCase()}` : String(n));
  if (parsed === undefined) {
    issues.add(path, `${what} must be a whole number, found ${describeValue(value)}`, `write a number from ${show(range.min)} to ${show(range.max)}${range.format === 'hex' ? ' (as a number, or a string like "0x801")' : ''}`);
    return undefined;
  }
  if (parsed < range.min || parsed > range.max) {
    issues.add(path, `${what} ${show(parsed)} is out of range`, `use a number from ${show(range.min)} to ${show(range.max)}`);
    return undefined;
  }
  return parsed;
}

/** Validates a map keyed by names and calls `each` with its entries, in document order. */
export function readNamedMap(
  issues: IssueList,
  value: unknown,
  path: string,
  what: string,
  namePattern: RegExp,
  nameRule: string,
): [string, unknown][] {
  if (value === undefined) return [];
  if (!isObject(value)) {
    issues.add(path, `${what} must be an object keyed by name, found ${describeValue(value)}`, `write ${what} as { "Name": { ... } }`);
    return [];
  }
  const entries: [string, unknown][] = [];
  for (const [name, entry] of Object.entries(value)) {
    if (!namePattern.test(name)) {
      issues.add(joinPath(path, name), `name "${name}" is not valid`, nameRule);
      continue;
    }
    entries.push([name, entry]);
  }
  return entries;
}
