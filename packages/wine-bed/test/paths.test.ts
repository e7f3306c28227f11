import { describe, expect, it } from 'vitest';
import { driverServiceReg, parseRegQuery, toLinuxPath, toWindowsPath } from '../src/index.js';

describe('path conversion', () => {
  it('maps Linux paths to drive Z:', () => {
    expect(toWindowsPath('/work/main/x.js')).toBe('Z:\\work\\main\\x.js');
    expect(toWindowsPath('/tmp/a b/')).toBe('Z:\\tmp\\a b');
    expect(toWindowsPath('/')).toBe('Z:\\');
    expect(toWindowsPath('C:\\windows/system32')).toBe('C:\\windows\\system32');
  });

  it('maps Z: and C: back', () => {
    expect(toLinuxPath('Z:\\work\\main\\x.js')).toBe('/work/main/x.js');
    expect(toLinuxPath('c:\\windows\\system32\\drivers\\a.sys', '/p')).toBe('/p/drive_c/windows/system32/drivers/a.sys');
    expect(() => toLinuxPath('C:\\x')).toThrow(/prefix/);
    expect(() => toLinuxPath('D:\\x')).toThrow(/only drives/);
    expect(() => toLinuxPath('relative\\x')).toThrow(/absolute/);
  });
});

describe('driver service registration', () => {
  it('writes a kernel service (Type 1) with escaped strings', () => {
    const text = driverServiceReg({ name: 'Demo', start: 3, imagePath: '\\SystemRoot\\System32\\drivers\\Demo.sys', displayName: 'A "demo"' });
    expect(text.split('\r\n')).toEqual([
      'Windows Registry Editor Version 5.00',
      '',
      '[HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\Demo]',
      '"Type"=dword:00000001',
      '"Start"=dword:00000003',
      '"ErrorControl"=dword:00000001',
      '"ImagePath"="\\\\SystemRoot\\\\System32\\\\drivers\\\\Demo.sys"',
      '"DisplayName"="A \\"demo\\""',
      '',
    ]);
  });

  it('reads reg query output', () => {
    const text = '\r\nHKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\Demo\r\n    ImagePath    REG_SZ    \\SystemRoot\\System32\\drivers\\Demo.sys\r\n    Start    REG_DWORD    0x2\r\n';
    expect(parseRegQuery(text)).toEqual({ ImagePath: '\\SystemRoot\\System32\\drivers\\Demo.sys', Start: '0x2' });
  });
});
