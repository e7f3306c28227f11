/** A struct codec: the generated `encodeInto`/`decodeFrom` plus whole-buffer helpers. */
import { CodecError } from './errors.js';

export interface StructCodecParts<T> {
  /** Struct name in the schema. */
  readonly name: string;
  /** sizeof on x64 and x86 (the schema only admits types whose layout is the same on both). */
  readonly size: number;
  readonly alignment: number;
  /** Writes `value` at `offset`; throws `CodecError` naming the first bad field. Padding is left untouched. */
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
