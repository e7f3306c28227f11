/** A struct codec: the generated `encodeInto`/`decodeFrom` plus whole-buffer helpers. */
import { CodecError } from './errors.js';

export interface StructCodecParts<T> {
  /** Struct name in the schema. */
  readonly name: string;
  /** sizeof on x64 and x86 (the schema only admits types whose layout is the same on both). */
  readonly size: number;
  readonly alignment: number;
  /**
   * The field names as TypeScript spells them, in declaration order. Generated codecs have it and
   * refuse any other key (`checkFields`); a codec without it ignores keys it does not read.
   */
  readonly fields?: ReadonlySet<string>;
  /** Writes `value` at `offset`; throws `CodecError` naming the first bad field or unknown key. Padding is left untouched. */
  encodeInto(view: DataView, offset: number, value: T, path?: string): void;
  decodeFrom(view: DataView, offset: number, path?: string): T;
}

export interface StructCodec<T> extends StructCodecParts<T> {
  /** A new zero-filled buffer of `size` bytes holding `value`. */
  encode(value: T): Uint8Array;
  /** Decodes `size` bytes at `offset`; throws `CodecError` if the bytes are too few. */
  decode(bytes: Uint8Array | ArrayBuffer | DataView, offset?: number): T;
}

/** The TypeScript type a codec carries. */
export type CodecValue<C> = C extends StructCodecParts<infer T> ? T : never;

export function toDataView(bytes: Uint8Array | ArrayBuffer | DataView): DataView {
  if (bytes instanceof DataView) return bytes;
  if (bytes instanceof ArrayBuffer) return new DataView(bytes);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function defineStruct<T>(parts: StructCodecParts<T>): StructCodec<T> {
  return {
    ...parts,
    encode(value: T): Uint8Array {
      const bytes = new Uint8Array(parts.size);
      parts.encodeInto(new DataView(bytes.buffer), 0, value, parts.name);
      return bytes;
    },
    decode(bytes: Uint8Array | ArrayBuffer | DataView, offset = 0): T {
      const view = toDataView(bytes);
      if (!Number.isInteger(offset) || offset < 0 || offset + parts.size > view.byteLength) {
        throw new CodecError(parts.name, `needs ${parts.size} bytes at offset ${offset}, but the buffer holds ${view.byteLength}`);
      }
      return parts.decodeFrom(view, offset, parts.name);
    },
  };
}

/**
 * Refuses an own enumerable key of `value` that the struct has no field for: a misspelt field
 * (`procesId`) would otherwise never reach the driver, which would see the real field as missing
 * or, worse, as zero. Looks at each key once and builds nothing (no list, no string) unless it throws.
 */
export function checkFields(value: object, path: string, struct: Pick<StructCodecParts<unknown>, 'name' | 'fields'>): void {
  const { fields } = struct;
  if (!fields) return;
  for (const key in value) {
    // Only own keys count: an enumerable property someone put on Object.prototype is not the caller's.
    if (!fields.has(key) && Object.prototype.hasOwnProperty.call(value, key)) {
      const closest = closestField(key, fields);
      const advice = closest === undefined ? `remove it or use one of ${[...fields].join(', ')}` : `did you mean "${closest}"?`;
      throw new CodecError(`${path}.${key}`, `${struct.name} has no field ${JSON.stringify(key)}; ${advice}`);
    }
  }
}

/** Longer keys are no typo of a field name, and the distance below costs key length times field length. */
const LONGEST_TYPO = 64;

/** The field `key` is an obvious typo of, if any: same letters in another case, or one slip per four letters. */
function closestField(key: string, fields: ReadonlySet<string>): string | undefined {
  if (key.length > LONGEST_TYPO) return undefined;
  let closest: string | undefined;
  let closestDistance = Infinity;
  for (const field of fields) {
    const distance = editDistance(key.toLowerCase(), field.toLowerCase());
    if (distance < closestDistance) {
      closest = field;
      closestDistance = distance;
    }
  }
  if (closest === undefined) return undefined;
  // A one-letter field is one slip away from every other one-letter key: no obvious typo there.
  return closestDistance <= Math.max(1, Math.floor(closest.length / 4)) && closestDistance < closest.length ? closest : undefined;
}

/** Edits that turn `from` into `to`; inserting, deleting, replacing or swapping two neighbours costs one each. */
function editDistance(from: string, to: string): number {
  // Three rows of the usual table suffice: a swap looks two rows back.
  let twoBack: number[] = [];
  let previous = Array.from({ length: to.length + 1 }, (_, column) => column);
  for (let row = 1; row <= from.length; row++) {
    const current = [row];
    for (let column = 1; column <= to.length; column++) {
      const same = from[row - 1] === to[column - 1];
      let distance = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + (same ? 0 : 1));
      if (row > 1 && column > 1 && from[row - 1] === to[column - 2] && from[row - 2] === to[column - 1]) {
        distance = Math.min(distance, twoBack[column - 2]! + 1);
      }
      current.push(distance);
    }
    twoBack = previous;
    previous = current;
  }
  return previous[to.length]!;
}
