import { describe, expect, it } from 'vitest';
import { DeviceError, WIN32_ERRORS, accessBitsOf, isCanceled } from '../src/index.js';

describe('DeviceError', () => {
  it('carries the Win32 name, number and NTSTATUS', () => {
    const error = new DeviceError('ERROR_INSUFFICIENT_BUFFER', { operation: 'IOCTL 0x83376004' });
    expect(error).toMatchObject({ code: 'ERROR_INSUFFICIENT_BUFFER', errno: 122, ntstatus: 0xc0000023, canceled: false });
    expect(error.message).toBe('IOCTL 0x83376004: ERROR_INSUFFICIENT_BUFFER (122): the output buffer is too small');
  });

  it('marks cancellation, and only cancellation', () => {
    expect(new DeviceError('ERROR_OPERATION_ABORTED').canceled).toBe(true);
    expect(isCanceled(new DeviceError('ERROR_OPERATION_ABORTED'))).toBe(true);
    for (const name of Object.keys(WIN32_ERRORS)) {
      if (name !== 'ERROR_OPERATION_ABORTED') expect(new DeviceError(name as keyof typeof WIN32_ERRORS).canceled).toBe(false);
    }
  });

  it('maps the NTSTATUS a driver completes with to what user mode sees', () => {
    expect(DeviceError.fromNtStatus(0xc0000120).code).toBe('ERROR_OPERATION_ABORTED');
    expect(DeviceError.fromNtStatus(0xc0000010).code).toBe('ERROR_INVALID_FUNCTION');
    expect(DeviceError.fromNtStatus(0xc000000d).code).toBe('ERROR_INVALID_PARAMETER');
    expect(DeviceError.fromNtStatus(-0x3fffffdd).code).toBe('ERROR_INSUFFICIENT_BUFFER');
    // The verdict reply statuses (V5), as RtlNtStatusToDosError maps them.
    expect(DeviceError.fromNtStatus(0xc0000225)).toMatchObject({ code: 'ERROR_NOT_FOUND', errno: 1168 });
    expect(DeviceError.fromNtStatus(0xc00000b5)).toMatchObject({ code: 'ERROR_SEM_TIMEOUT', errno: 121 });
    expect(DeviceError.fromNtStatus(0xc0000184)).toMatchObject({ code: 'ERROR_BAD_COMMAND', errno: 22 });
    const unknown = DeviceError.fromNtStatus(0xc0001234);
    expect(unknown.code).toBe('ERROR_GEN_FAILURE');
    expect(unknown.message).toContain('NTSTATUS 0xC0001234');
    expect(unknown.ntstatus).toBe(0xc0001234);
  });

  it('keeps numbers it does not know', () => {
    expect(new DeviceError(1234)).toMatchObject({ code: 'WIN32_ERROR_1234', errno: 1234 });
  });

  it('maps access modes to FILE_*_ACCESS bits', () => {
    expect([accessBitsOf('read'), accessBitsOf('write'), accessBitsOf('read-write')]).toEqual([1, 2, 3]);
  });
});
