import { describe, expect, it } from 'vitest';
import { ctlCode, requiredAccessOfCode, splitCtlCode } from '../src/index.js';

describe('ctlCode and splitCtlCode', () => {
  // CTL_CODE(DeviceType, Function, Method, Access) = (DeviceType << 16) | (Access << 14) | (Function << 2) | Method.
  const known: { name: string; parts: [number, number, number, number]; code: number }[] = [
    { name: 'CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)', parts: [0x22, 0x800, 0, 0], code: 0x222000 },
    { name: 'IOCTL_DISK_GET_DRIVE_GEOMETRY', parts: [0x07, 0x000, 0, 0], code: 0x70000 },
    { name: 'IOCTL_DISK_SET_DRIVE_LAYOUT', parts: [0x07, 0x004, 0, 3], code: 0x7c010 },
    { name: 'IOCTL_STORAGE_QUERY_PROPERTY', parts: [0x2d, 0x500, 0, 0], code: 0x2d1400 },
    { name: 'FSCTL_GET_RETRIEVAL_POINTERS', parts: [0x09, 28, 3, 0], code: 0x90073 },
  ];

  for (const { name, parts, code } of known) {
    it(`${name} = 0x${code.toString(16)}`, () => {
      expect(ctlCode(...parts)).toBe(code);
      const [deviceType, functionCode, method, access] = parts;
      expect(splitCtlCode(code)).toEqual({ deviceType, function: functionCode, method, access });
    });
  }

  it('stays an unsigned 32-bit number for vendor device types with the top bit set', () => {
    expect(ctlCode(0x8000, 0x800, 0, 0)).toBe(0x80002000);
    expect(ctlCode(0xffff, 0xfff, 3, 3)).toBe(0xffffffff);
    expect(splitCtlCode(0xffffffff)).toEqual({ deviceType: 0xffff, function: 0xfff, method: 3, access: 3 });
  });

  it('round-trips every part independently', () => {
    for (const deviceType of [0x22, 0x8000, 0x8337, 0xffff]) {
      for (const functionCode of [0x800, 0x801, 0xa5a, 0xffe]) {
        for (const method of [0, 1, 2, 3]) {
          for (const access of [0, 1, 2, 3]) {
            expect(splitCtlCode(ctlCode(deviceType, functionCode, method, access))).toEqual({ deviceType, function: functionCode, method, access });
          }
        }
      }
    }
  });
});

describe('requiredAccessOfCode', () => {
  it('reads the FILE_*_ACCESS bits, 14 and 15, and nothing else', () => {
    expect(requiredAccessOfCode(0x222000)).toBe(0);
    expect(requiredAccessOfCode(0x7c010)).toBe(3);
    expect(requiredAccessOfCode(ctlCode(0xffff, 0xfff, 3, 1))).toBe(1);
    expect(requiredAccessOfCode(ctlCode(0xffff, 0xfff, 3, 2))).toBe(2);
  });
});
