/** Raised when a value cannot be encoded, or bytes cannot be decoded, as the schema says. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
  /** Where in the value, e.g. `ProcessCreated.imageName` or `Sample.points[2].x`. */
  readonly path: string;
  /** What is wrong there, without the path: for a caller that names the place in its own words. */
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.path = path;
    this.reason = reason;
  }
}

/**
 * Raised when bytes a driver returned break protocol v1's framing (a batch header or a record header
 * that contradicts the bytes). The message is the reason alone; the reader adds which request it was.
 */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

export function fieldPath(path: string, field: string): string {
  return field === '' ? path : `${path}.${field}`;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `bigint ${value}n`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
