// What the service functions assume of winsvc.h, checked by a real compiler against mingw-w64's
// headers (x64): SERVICE_STATUS's size and field order, the state, control and accept numbers,
// every advapi32 prototype koffi-service-api.ts declares (each C function must be assignable to a
// pointer of the documented type, and each koffi type must have the width of its C parameter),
// the callback types, and the two structs koffi builds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as status from '../src/service-status.js';
import * as access from '../src/service-api.js';
import * as errors from '../src/service-errors.js';
import { compiles } from './support/mingw.js';

/** Each declared function's return type and parameters as winsvc.h documents them. */
const DOCUMENTED: Record<string, { returns: string; parameters: string[] }> = {
  StartServiceCtrlDispatcherW: { returns: 'BOOL', parameters: ['const SERVICE_TABLE_ENTRYW *'] },
  RegisterServiceCtrlHandlerExW: { returns: 'SERVICE_STATUS_HANDLE', parameters: ['LPCWSTR', 'LPHANDLER_FUNCTION_EX', 'LPVOID'] },
  SetServiceStatus: { returns: 'BOOL', parameters: ['SERVICE_STATUS_HANDLE', 'LPSERVICE_STATUS'] },
  OpenSCManagerW: { returns: 'SC_HANDLE', parameters: ['LPCWSTR', 'LPCWSTR', 'DWORD'] },
  CreateServiceW: { returns: 'SC_HANDLE', parameters: ['SC_HANDLE', 'LPCWSTR', 'LPCWSTR', 'DWORD', 'DWORD', 'DWORD', 'DWORD', 'LPCWSTR', 'LPCWSTR', 'LPDWORD', 'LPCWSTR', 'LPCWSTR', 'LPCWSTR'] },
  ChangeServiceConfig2W: { returns: 'BOOL', parameters: ['SC_HANDLE', 'DWORD', 'LPVOID'] },
  OpenServiceW: { returns: 'SC_HANDLE', parameters: ['SC_HANDLE', 'LPCWSTR', 'DWORD'] },
  StartServiceW: { returns: 'BOOL', parameters: ['SC_HANDLE', 'DWORD', 'LPCWSTR *'] },
  ControlService: { returns: 'BOOL', parameters: ['SC_HANDLE', 'DWORD', 'LPSERVICE_STATUS'] },
  QueryServiceStatus: { returns: 'BOOL', parameters: ['SC_HANDLE', 'LPSERVICE_STATUS'] },
  DeleteService: { returns: 'BOOL', parameters: ['SC_HANDLE'] },
  CloseServiceHandle: { returns: 'BOOL', parameters: ['SC_HANDLE'] },
};
/** The callback prototypes koffi declares: the winsvc.h pointer type each is, and its documented shape. */
const CALLBACKS: Record<string, { type: string; returns: string; parameters: string[] }> = {
  ServiceMainProc: { type: 'LPSERVICE_MAIN_FUNCTIONW', returns: 'void', parameters: ['DWORD', 'LPWSTR *'] },
  HandlerExProc: { type: 'LPHANDLER_FUNCTION_EX', returns: 'DWORD', parameters: ['DWORD', 'DWORD', 'LPVOID', 'LPVOID'] },
};

/** Bytes koffi passes for each type koffi-service-api.ts uses (x64); every pointer is 8. */
function koffiSize(type: string): number {
  if (type.endsWith('*') || type === 'intptr_t') return 8;
  const sizes: Record<string, number> = { uint32_t: 4, int32_t: 4 };
  const size = sizes[type];
  if (size === undefined) throw new Error(`no size known for koffi type ${type}`);
  return size;
}

interface Declaration {
  returns: string;
  name: string;
  parameters: string[];
}

function declarations(source: string): Declaration[] {
  return [...source.matchAll(/'(\w+) __stdcall (\w+)\(([^)]*)\)'/g)].map((match) => ({
    returns: match[1]!,
    name: match[2]!,
    parameters: match[3]!.trim() === '' ? [] : match[3]!.split(',').map((parameter) => parameter.trim().replace(/\s*\w+$/, '').replace(/\s*\*$/, ' *')),
  }));
}

function layoutSource(source: string): string {
  const lines = ['#include <windows.h>', '#include <winsvc.h>', '#include <stddef.h>'];
  status.SERVICE_STATUS_FIELDS.forEach((field, index) => {
    const cField = `dw${field[0]!.toUpperCase()}${field.slice(1)}`;
    lines.push(`_Static_assert(offsetof(SERVICE_STATUS, ${cField}) == ${index * 4}, "SERVICE_STATUS.${cField} is field ${index}");`);
  });
  lines.push(`_Static_assert(sizeof(SERVICE_STATUS) == ${status.SERVICE_STATUS_BYTES}, "SERVICE_STATUS size");`);
  for (const [name, value] of Object.entries(status.SERVICE_STATES)) lines.push(`_Static_assert(SERVICE_${name} == ${value}, "SERVICE_${name}");`);
  const numbers: Record<string, number> = {
    SERVICE_WIN32_OWN_PROCESS: status.SERVICE_WIN32_OWN_PROCESS,
    SERVICE_DEMAND_START: status.SERVICE_DEMAND_START,
    SERVICE_ERROR_NORMAL: status.SERVICE_ERROR_NORMAL,
    SERVICE_CONTROL_STOP: status.SERVICE_CONTROL_STOP,
    SERVICE_CONTROL_INTERROGATE: status.SERVICE_CONTROL_INTERROGATE,
    SERVICE_CONTROL_SHUTDOWN: status.SERVICE_CONTROL_SHUTDOWN,
    SERVICE_ACCEPT_STOP: status.SERVICE_ACCEPT_STOP,
    SERVICE_ACCEPT_SHUTDOWN: status.SERVICE_ACCEPT_SHUTDOWN,
    NO_ERROR: status.NO_ERROR,
    ERROR_CALL_NOT_IMPLEMENTED: status.ERROR_CALL_NOT_IMPLEMENTED,
    ERROR_SERVICE_SPECIFIC_ERROR: status.ERROR_SERVICE_SPECIFIC_ERROR,
    SC_MANAGER_CONNECT: access.SC_MANAGER_CONNECT,
    SC_MANAGER_CREATE_SERVICE: access.SC_MANAGER_CREATE_SERVICE,
    SERVICE_QUERY_STATUS: access.SERVICE_QUERY_STATUS,
    SERVICE_CHANGE_CONFIG: access.SERVICE_CHANGE_CONFIG,
    SERVICE_START: access.SERVICE_START,
    SERVICE_STOP: access.SERVICE_STOP,
    DELETE: access.DELETE,
    SERVICE_CONFIG_DESCRIPTION: access.SERVICE_CONFIG_DESCRIPTION,
    ERROR_SERVICE_REQUEST_TIMEOUT: errors.ERROR_SERVICE_REQUEST_TIMEOUT,
    ERROR_SERVICE_ALREADY_RUNNING: errors.ERROR_SERVICE_ALREADY_RUNNING,
    ERROR_SERVICE_DOES_NOT_EXIST: errors.ERROR_SERVICE_DOES_NOT_EXIST,
    ERROR_SERVICE_CANNOT_ACCEPT_CTRL: errors.ERROR_SERVICE_CANNOT_ACCEPT_CTRL,
    ERROR_SERVICE_NOT_ACTIVE: errors.ERROR_SERVICE_NOT_ACTIVE,
    ERROR_FAILED_SERVICE_CONTROLLER_CONNECT: errors.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT,
    ERROR_SERVICE_MARKED_FOR_DELETE: errors.ERROR_SERVICE_MARKED_FOR_DELETE,
    ERROR_SERVICE_EXISTS: errors.ERROR_SERVICE_EXISTS,
  };
  for (const [name, value] of Object.entries(numbers)) lines.push(`_Static_assert(${name} == ${value}, "${name} is ${value} here");`);
  lines.push('_Static_assert(sizeof(SERVICE_TABLE_ENTRYW) == 16 && offsetof(SERVICE_TABLE_ENTRYW, lpServiceProc) == 8, "SERVICE_TABLE_ENTRYW: two pointers");');
  lines.push('_Static_assert(sizeof(SERVICE_DESCRIPTIONW) == 8, "SERVICE_DESCRIPTIONW: one pointer");');

  const declared = declarations(source);
  for (const [name, documented] of Object.entries(DOCUMENTED)) {
    const koffi = declared.find((declaration) => declaration.name === name);
    if (!koffi) throw new Error(`koffi-service-api.ts declares no ${name}`);
    // The prototype itself: a pointer of exactly the documented type takes the function.
    lines.push(`${documented.returns} (WINAPI *const check${name})(${documented.parameters.join(', ')}) = ${name};`);
    lines.push(`_Static_assert(${documented.parameters.length} == ${koffi.parameters.length}, "${name}: koffi declares ${koffi.parameters.length} parameters");`);
    koffi.parameters.forEach((type, index) => {
      lines.push(`_Static_assert(sizeof(${documented.parameters[index]}) == ${koffiSize(type)}, "${name} parameter ${index + 1}: ${documented.parameters[index]} is not the ${type} koffi passes");`);
    });
    lines.push(`_Static_assert(sizeof(${documented.returns}) == ${koffiSize(koffi.returns)}, "${name}: the result is not the ${koffi.returns} koffi reads");`);
  }
  for (const [name, documented] of Object.entries(CALLBACKS)) {
    const koffi = declared.find((declaration) => declaration.name === name);
    if (!koffi) throw new Error(`koffi-service-api.ts declares no callback ${name}`);
    // A function of the documented shape is exactly what the winsvc.h pointer type takes.
    lines.push(`static ${documented.returns} WINAPI shape${name}(${documented.parameters.map((type, index) => `${type} p${index}`).join(', ')}) { ${documented.parameters.map((_type, index) => `(void)p${index};`).join(' ')}${documented.returns === 'void' ? '' : ' return 0;'} }`);
    lines.push(`${documented.type} const check${name} = shape${name};`);
    lines.push(`_Static_assert(${documented.parameters.length} == ${koffi.parameters.length}, "${name}: koffi declares ${koffi.parameters.length} parameters");`);
    koffi.parameters.forEach((type, index) => {
      lines.push(`_Static_assert(sizeof(${documented.parameters[index]}) == ${koffiSize(type)}, "${name} parameter ${index + 1}: ${documented.parameters[index]} is not the ${type} koffi passes");`);
    });
    if (documented.returns !== 'void' || koffi.returns !== 'void') lines.push(`_Static_assert(sizeof(${documented.returns}) == ${koffiSize(koffi.returns)}, "${name}: the result");`);
  }
  lines.push('');
  return lines.join('\n');
}

const SOURCE = readFileSync(new URL('../src/koffi-service-api.ts', import.meta.url), 'utf8');

describe('service layouts and declarations (mingw-w64 x64 winsvc.h)', () => {
  it('SERVICE_STATUS, the numbers and every koffi declaration of the service functions match the headers', () => {
    const result = compiles(layoutSource(SOURCE));
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('the check can fail: a CreateServiceW that takes a 32-bit handle does not compile', () => {
    const wrong = SOURCE.replace('CreateServiceW(intptr_t manager', 'CreateServiceW(uint32_t manager');
    expect(wrong).not.toBe(SOURCE);
    const result = compiles(layoutSource(wrong));
    expect(result.ok).toBe(false);
    expect(result.output).toContain('CreateServiceW parameter 1');
  });

  it('the check can fail: a parameter too few does not compile', () => {
    const wrong = SOURCE.replace('QueryServiceStatus(intptr_t service, void *status)', 'QueryServiceStatus(intptr_t service)');
    expect(wrong).not.toBe(SOURCE);
    expect(compiles(layoutSource(wrong)).ok).toBe(false);
  });
});
