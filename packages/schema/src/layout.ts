/**
 * The layout engine: size, alignment and field offsets by MSVC's rules for x64 and x86.
 *
 * MSVC places each member at the next multiple of min(natural alignment, pack); a struct is
 * aligned to the largest such member alignment and its size is rounded up to that alignment.
 * On x86 MSVC (unlike the System V i386 ABI) 8-byte integers are 8-byte aligned inside structs,
 * so for the fixed-width types a schema allows, both targets agree; the engine still computes
 * each target separately, and the C header asserts each target separately, so that agreement is
 * checked by compilers rather than assumed.
 */
import type { Arch, Layout, StructLayout, TypeRef } from './model.js';
import type { PackValue } from './input.js';
import { PRIMITIVES } from './types.js';

export const VALID_PACKS: readonly PackValue[] = [1, 2, 4, 8, 16];

/** Natural size and alignment of named types, per target. */
export interface LayoutLookup {
  struct(name: string, arch: Arch): Layout;
  enumSize(name: string): number;
}

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/** Natural (unpacked) size and alignment of a type on a target. */
export function typeLayout(type: TypeRef, arch: Arch, lookup: LayoutLookup): Layout {
  switch (type.kind) {
    case 'primitive': {
      const size = PRIMITIVES[type.name].size;
      return { size, alignment: size };
    }
    case 'string': {
      const unit = type.encoding === 'utf16' ? 2 : 1;
      return { size: unit * type.length, alignment: unit };
    }
    case 'guid':
      // GUID is { UINT32; UINT16; UINT16; UINT8[8] }.
      return { size: 16, alignment: 4 };
    case 'enum': {
      const size = lookup.enumSize(type.name);
      return { size, alignment: size };
    }
    case 'struct':
      return lookup.struct(type.name, arch);
    case 'array': {
      const element = typeLayout(type.element, arch, lookup);
      return { size: element.size * type.length, alignment: element.alignment };
    }
  }
}

/** Lays out a struct's fields in order under a `#pragma pack(pack)`. */
export function layoutStruct(fieldTypes: readonly TypeRef[], pack: PackValue, arch: Arch, lookup: LayoutLookup): StructLayout {
  let offset = 0;
  let alignment = 1;
  const offsets: number[] = [];
  for (const type of fieldTypes) {
    const natural = typeLayout(type, arch, lookup);
    const effective = Math.min(natural.alignment, pack);
    offset = alignUp(offset, effective);
    offsets.push(offset);
    offset += natural.size;
    alignment = Math.max(alignment, effective);
  }
  return { size: alignUp(offset, alignment), alignment, offsets };
}
