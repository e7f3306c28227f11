// The MSVC layout engine and name conversions against values worked out by hand from the MSVC
// rules, so a regression shows as a wrong number rather than a changed one. (IOCTL codes are
// codec's, tested there.)
import { describe, expect, it } from 'vitest';
import type { PackValue } from '../src/input.js';
import { VALID_PACKS, layoutStruct, typeLayout, type LayoutLookup } from '../src/layout.js';
import { ARCHES, type Arch, type Layout, type PrimitiveName, type TypeRef } from '../src/model.js';
import { cFieldName, kebabCase, tsFieldName, upperSnake } from '../src/names.js';
import { PRIMITIVES, formatType } from '../src/types.js';

/** The types an array may hold (anything but strings and arrays). */
type ElementRef = Extract<TypeRef, { kind: 'array' }>['element'];

const prim = (name: PrimitiveName): ElementRef => ({ kind: 'primitive', name });
const struct = (name: string): ElementRef => ({ kind: 'struct', name });
const array = (element: ElementRef, length: number): TypeRef => ({ kind: 'array', element, length });
const wchar = (length: number): TypeRef => ({ kind: 'string', encoding: 'utf16', length });
const char = (length: number): TypeRef => ({ kind: 'string', encoding: 'latin1', length });
const GUID: ElementRef = { kind: 'guid' };

/** Nested structs used below, laid out by the engine itself under their own pack. */
const nested: Record<string, { fields: TypeRef[]; pack: PackValue }> = {
  // { UINT8; UINT64 } natural: 16 bytes, 8-aligned.
  Wide: { fields: [prim('u8'), prim('u64')], pack: 8 },
  // The same under pack(1): 9 bytes, 1-aligned.
  Packed: { fields: [prim('u8'), prim('u64')], pack: 1 },
};
const enumSizes: Record<string, number> = { Small: 1, Medium: 2, Large: 4 };

const lookup: LayoutLookup = {
  struct: (name: string, arch: Arch): Layout => {
    const entry = nested[name];
    if (!entry) throw new Error(`no struct ${name}`);
    return layoutStruct(entry.fields, entry.pack, arch, lookup);
  },
  enumSize: (name: string) => enumSizes[name]!,
};

const layout = (fields: TypeRef[], pack: PackValue = 8) => layoutStruct(fields, pack, 'x64', lookup);

describe('typeLayout', () => {
  it('gives every primitive its own size as alignment', () => {
    expect(typeLayout(prim('u8'), 'x64', lookup)).toEqual({ size: 1, alignment: 1 });
    expect(typeLayout(prim('i16'), 'x64', lookup)).toEqual({ size: 2, alignment: 2 });
    expect(typeLayout(prim('bool32'), 'x64', lookup)).toEqual({ size: 4, alignment: 4 });
    expect(typeLayout(prim('bool8'), 'x64', lookup)).toEqual({ size: 1, alignment: 1 });
    expect(typeLayout(prim('u64'), 'x86', lookup)).toEqual({ size: 8, alignment: 8 });
  });

  it('lays GUID out as { UINT32; UINT16; UINT16; UINT8[8] }: 16 bytes, 4-aligned', () => {
    expect(typeLayout(GUID, 'x64', lookup)).toEqual({ size: 16, alignment: 4 });
    expect(typeLayout(GUID, 'x86', lookup)).toEqual({ size: 16, alignment: 4 });
  });

  it('aligns strings to their code unit', () => {
    expect(typeLayout(wchar(260), 'x64', lookup)).toEqual({ size: 520, alignment: 2 });
    expect(typeLayout(char(13), 'x64', lookup)).toEqual({ size: 13, alignment: 1 });
  });

  it('aligns arrays to their element', () => {
    expect(typeLayout(array(prim('u32'), 5), 'x64', lookup)).toEqual({ size: 20, alignment: 4 });
    expect(typeLayout(array(GUID, 2), 'x64', lookup)).toEqual({ size: 32, alignment: 4 });
    expect(typeLayout(array(struct('Wide'), 3), 'x64', lookup)).toEqual({ size: 48, alignment: 8 });
  });

  it('sizes enums by their underlying type', () => {
    expect(typeLayout({ kind: 'enum', name: 'Medium' }, 'x64', lookup)).toEqual({ size: 2, alignment: 2 });
  });
});

describe('layoutStruct', () => {
  // { UINT8 a; UINT32 b; UINT16 c; UINT64 d; } under each pack.
  const mixed = [prim('u8'), prim('u32'), prim('u16'), prim('u64')];

  it('uses natural alignment under the default pack 8', () => {
    expect(layout(mixed, 8)).toEqual({ size: 24, alignment: 8, offsets: [0, 4, 8, 16] });
  });

  it('packs tight under pack 1', () => {
    expect(layout(mixed, 1)).toEqual({ size: 15, alignment: 1, offsets: [0, 1, 5, 7] });
  });

  it('caps alignment at 2 under pack 2', () => {
    expect(layout(mixed, 2)).toEqual({ size: 16, alignment: 2, offsets: [0, 2, 6, 8] });
  });

  it('caps alignment at 4 under pack 4, so a UINT64 sits at a 4-byte boundary', () => {
    expect(layout(mixed, 4)).toEqual({ size: 20, alignment: 4, offsets: [0, 4, 8, 12] });
  });

  it('changes nothing under pack 16 for members no wider than 8', () => {
    expect(layout(mixed, 16)).toEqual(layout(mixed, 8));
  });

  it('adds trailing padding up to the struct alignment', () => {
    expect(layout([prim('u64'), prim('u8')])).toEqual({ size: 16, alignment: 8, offsets: [0, 8] });
    expect(layout([prim('u32'), prim('u8')])).toEqual({ size: 8, alignment: 4, offsets: [0, 4] });
    expect(layout([prim('u16'), prim('u8')])).toEqual({ size: 4, alignment: 2, offsets: [0, 2] });
    expect(layout([prim('u8'), prim('u8'), prim('u8')])).toEqual({ size: 3, alignment: 1, offsets: [0, 1, 2] });
  });

  it('places a nested struct at its alignment capped by the outer pack, keeping its own size', () => {
    // Wide is 16 bytes, 8-aligned; under the outer pack(4) it goes at 4, and the outer struct is 4-aligned.
    expect(layout([prim('u8'), struct('Wide'), prim('u8')], 4)).toEqual({ size: 24, alignment: 4, offsets: [0, 4, 20] });
    // Under the outer pack(8) the same struct goes at 8.
    expect(layout([prim('u8'), struct('Wide'), prim('u8')], 8)).toEqual({ size: 32, alignment: 8, offsets: [0, 8, 24] });
  });

  it('keeps a pack(1) nested struct unaligned inside a pack(8) struct', () => {
    // Packed is 9 bytes, 1-aligned: it follows the UINT8 directly; the UINT32 after it goes to 12.
    expect(layout([prim('u8'), struct('Packed'), prim('u32')], 8)).toEqual({ size: 16, alignment: 4, offsets: [0, 1, 12] });
  });

  it('lays out arrays, strings and GUIDs by their element alignment', () => {
    expect(layout([prim('u16'), array(prim('u16'), 3), prim('u32')])).toEqual({ size: 12, alignment: 4, offsets: [0, 2, 8] });
    expect(layout([prim('u8'), array(struct('Wide'), 2)])).toEqual({ size: 40, alignment: 8, offsets: [0, 8] });
    expect(layout([char(3), wchar(5)])).toEqual({ size: 14, alignment: 2, offsets: [0, 4] });
    expect(layout([prim('u8'), GUID])).toEqual({ size: 20, alignment: 4, offsets: [0, 4] });
    expect(layout([GUID, prim('u64')])).toEqual({ size: 24, alignment: 8, offsets: [0, 16] });
  });

  it('matches the process-monitor ProcessCreated event worked out by hand', () => {
    // 5 x UINT64 (40), UINT16 at 40, UINT8 enum at 42, WCHAR[260] at 44 (520 bytes) -> 564, padded to 568.
    const fields = [prim('u64'), prim('u64'), prim('u64'), prim('u64'), prim('i64'), prim('u16'), { kind: 'enum', name: 'Small' } as TypeRef, wchar(260)];
    expect(layout(fields)).toEqual({ size: 568, alignment: 8, offsets: [0, 8, 16, 24, 32, 40, 42, 44] });
  });
});

describe('x86 and x64 agree for every type the schema allows', () => {
  // MSVC aligns 8-byte integers to 8 inside structs on x86 too, so no allowed type differs.
  const allowed: TypeRef[] = [
    ...(Object.keys(PRIMITIVES) as PrimitiveName[]).map(prim),
    GUID,
    wchar(7),
    char(7),
    { kind: 'enum', name: 'Large' },
    struct('Wide'),
    struct('Packed'),
    array(prim('u64'), 3),
    array(GUID, 2),
    array(struct('Wide'), 2),
  ];

  for (const type of allowed) {
    it(formatType(type), () => {
      expect(typeLayout(type, 'x86', lookup)).toEqual(typeLayout(type, 'x64', lookup));
      for (const pack of VALID_PACKS) {
        // After a UINT8, so a difference in alignment would show as a different offset.
        const fields = [prim('u8'), type, prim('u8')];
        expect(layoutStruct(fields, pack, 'x86', lookup)).toEqual(layoutStruct(fields, pack, 'x64', lookup));
      }
    });
  }

  it('covers both targets', () => {
    expect([...ARCHES].sort()).toEqual(['x64', 'x86']);
  });
});

describe('names', () => {
  it('upperSnake splits words, acronyms and digits as a C macro would be written', () => {
    expect(upperSnake('ProcessCreated')).toBe('PROCESS_CREATED');
    expect(upperSnake('ProcessMonitor')).toBe('PROCESS_MONITOR');
    expect(upperSnake('GUIDInfo')).toBe('GUID_INFO');
    expect(upperSnake('IOCounters')).toBe('IO_COUNTERS');
    expect(upperSnake('Win32Error')).toBe('WIN32_ERROR');
    expect(upperSnake('DeviceType')).toBe('DEVICE_TYPE');
    expect(upperSnake('D0')).toBe('D0');
    expect(upperSnake('Echo')).toBe('ECHO');
  });

  it('tsFieldName gives camelCase, lowering a leading acronym', () => {
    expect(tsFieldName('processId')).toBe('processId');
    expect(tsFieldName('ProcessId')).toBe('processId');
    expect(tsFieldName('PID')).toBe('pid');
    expect(tsFieldName('GUIDValue')).toBe('guidValue');
    expect(tsFieldName('IOCount')).toBe('ioCount');
    expect(tsFieldName('X')).toBe('x');
  });

  it('cFieldName gives PascalCase and keeps the rest as written', () => {
    expect(cFieldName('processId')).toBe('ProcessId');
    expect(cFieldName('ProcessId')).toBe('ProcessId');
    expect(cFieldName('pid')).toBe('Pid');
    expect(cFieldName('imageNameLength')).toBe('ImageNameLength');
  });

  it('kebabCase gives file names', () => {
    expect(kebabCase('ProcessMonitor')).toBe('process-monitor');
    expect(kebabCase('UsbGadgetWatch')).toBe('usb-gadget-watch');
  });
});
