/** Raised when a value cannot be encoded, or bytes cannot be decoded, as the schema says. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
  /** Where in the value, e.g. `ProcessCreated.imageName` or `Sample.points[2].x`. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
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
