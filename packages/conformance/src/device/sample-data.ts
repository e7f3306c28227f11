/**
 * Valid data for any struct of any device, found through its codec alone. A descriptor carries no
 * field list with types, only each struct's generated encoder and decoder; so the value is grown
 * byte by byte: a byte of a seeded pattern is kept where the struct still decodes to a value that
 * encodes and decodes back to itself, and left as it was where not (an enum's unknown value, a
 * text's last unit that must stay NUL). Every field type the codec has (integers, booleans,
 * enums, text, GUIDs, fixed arrays, nested structs) comes out valid and mostly non-zero, and the
 * value round-trips exactly, which is what a driver that copies the payload must give back.
 */
import { isDeepStrictEqual } from 'node:util';
import type { StructCodec } from '@inverted-call/codec';

/** Why `bytes` is no round-tripping value of `codec`, or undefined when it is one. */
function flaw(codec: StructCodec<unknown>, bytes: Uint8Array): string | undefined {
  try {
    const value = codec.decode(bytes);
    const again = codec.decode(codec.encode(value));
    return isDeepStrictEqual(value, again) ? undefined : 'the decoded value does not survive encoding and decoding again';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Printable ASCII, so that two pattern bytes never make a UTF-16 surrogate or a NUL; it differs
 * from one seed to the next at every position (17 and 94 share no factor).
 */
function patternByte(seed: number, index: number): number {
  return 0x21 + ((index * 31 + seed * 17) % 94);
}

/**
 * All zero bytes decode to a valid value unless an enum has no zero member: then each byte in
 * turn takes the first value that moves the failure on (to a later field, or away).
 */
function repairZeros(codec: StructCodec<unknown>, bytes: Uint8Array): void {
  let reason = flaw(codec, bytes);
  for (let index = 0; index < bytes.length && reason !== undefined; index++) {
    for (let candidate = 1; candidate < 0x100; candidate++) {
      bytes[index] = candidate;
      const next = flaw(codec, bytes);
      if (next !== reason) {
        reason = next;
        break;
      }
      bytes[index] = 0;
    }
  }
  if (reason !== undefined) throw new Error(`sample data for ${codec.name}: no bytes tried decode to a value that encodes back to itself (${reason}); check its codec, or regenerate it from the schema`);
}

/** A value of `codec`'s struct that encodes and decodes back to itself exactly; different seeds give different values. */
export function sampleValue<T>(codec: StructCodec<T>, seed: number): T {
  const untyped = codec as StructCodec<unknown>;
  const bytes = new Uint8Array(codec.size);
  repairZeros(untyped, bytes);
  for (let index = 0; index < bytes.length; index++) {
    const kept = bytes[index]!;
    bytes[index] = patternByte(seed, index);
    if (flaw(untyped, bytes) !== undefined) bytes[index] = kept;
  }
  return codec.decode(bytes);
}
