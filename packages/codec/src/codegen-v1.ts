/**
 * `@inverted-call/codec/codegen-v1`: the runtime a generated TypeScript module imports, and only
 * that. Generated modules name this subpath rather than the package root so that what they depend
 * on is a short, versioned contract: the root may grow (wire writers for tests, protocol
 * helpers) without every generated module seeming to depend on it, and a later generator can
 * move to a `codegen-v2` while modules generated for v1 keep working.
 *
 * A codegen test checks that this list is exactly the union of what the emitter can import, plus
 * `EnumTable`: no generated module names it, but the declarations of its enum tables do (their
 * type is inferred from defineEnum), and a type a declaration needs must be reachable from the
 * module the declaration imports.
 */
export {
  checkArray,
  checkObject,
  defineEnum,
  readArray,
  readEnum,
  readGuid,
  readLatin1,
  readUtf16,
  writeBool32,
  writeBool8,
  writeEnum,
  writeGuid,
  writeI16,
  writeI32,
  writeI64,
  writeI8,
  writeLatin1,
  writeU16,
  writeU32,
  writeU64,
  writeU8,
  writeUtf16,
  type EnumTable,
} from './scalars.js';
export { checkFields, defineStruct, type StructCodec } from './struct.js';
export { defineDevice, type ChannelEvent } from './descriptor.js';
