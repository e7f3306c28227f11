/**
 * The bit layout of an IOCTL code, CTL_CODE(DeviceType, Function, Method, Access) as winioctl.h and
 * wdm.h define it. The schema builds codes with it and the simulator and the driver tests read the
 * access bits back, as the I/O manager does; all of them take the layout from here.
 */

/** Where each part of an IOCTL code sits: shift from bit 0, and the mask once shifted down. */
export const CTL_CODE_PARTS = {
  deviceType: { shift: 16, mask: 0xffff },
  access: { shift: 14, mask: 0x3 },
  function: { shift: 2, mask: 0xfff },
  method: { shift: 0, mask: 0x3 },
} as const;

/** The access bits of an IOCTL code (winioctl.h's FILE_*_ACCESS): what a handle must have been opened with. */
export const FILE_ANY_ACCESS = 0;
export const FILE_READ_ACCESS = 1;
export const FILE_WRITE_ACCESS = 2;
/** The transfer method whose buffers the I/O manager copies through one system buffer (METHOD_BUFFERED). */
export const METHOD_BUFFERED = 0;

export interface CtlCodeParts {
  deviceType: number;
  function: number;
  method: number;
  access: number;
}

const { deviceType: DEVICE_TYPE, access: ACCESS, function: FUNCTION, method: METHOD } = CTL_CODE_PARTS;

/** CTL_CODE as an unsigned 32-bit number; each part is taken as given (the schema range-checks them). */
export function ctlCode(deviceType: number, functionCode: number, method: number, access: number): number {
  return ((deviceType << DEVICE_TYPE.shift) | (access << ACCESS.shift) | (functionCode << FUNCTION.shift) | (method << METHOD.shift)) >>> 0;
}

/** The four parts of an IOCTL code. */
export function splitCtlCode(code: number): CtlCodeParts {
  return {
    deviceType: (code >>> DEVICE_TYPE.shift) & DEVICE_TYPE.mask,
    access: requiredAccessOfCode(code),
    function: (code >>> FUNCTION.shift) & FUNCTION.mask,
    method: (code >>> METHOD.shift) & METHOD.mask,
  };
}

/** The FILE_*_ACCESS bits the I/O manager checks a handle against before the driver sees the request. */
export function requiredAccessOfCode(code: number): number {
  return (code >>> ACCESS.shift) & ACCESS.mask;
}
