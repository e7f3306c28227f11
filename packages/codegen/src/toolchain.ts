/**
 * The Windows C toolchain this project checks C with on a Linux machine without MSVC or the WDK:
 * mingw-w64 gcc for x64 and x86 (with Debian's mingw-w64 Windows SDK and DDK headers), and clang
 * with MSVC's targets (MSVC's layout rules; no Windows headers there). Its one owner: codegen's
 * compile tests, the driver template's compile check and build, and the example's
 * `demo --layouts` all take compiler names, targets, flags and include folders from here.
 */
import type { Arch } from '@inverted-call/schema';

/** Debian's mingw-w64 headers (packages mingw-w64-x86-64-dev / mingw-w64-common). */
export const MINGW_INCLUDE = '/usr/share/mingw-w64/include';
/** The DDK part of them: <ntddk.h>, <wdm.h>. */
export const MINGW_DDK_INCLUDE = `${MINGW_INCLUDE}/ddk`;

/** STRICT makes the Windows headers' handle types distinct, so mixing them up does not compile. */
export const STRICT_DEFINE = '-DSTRICT';
/** Anything gcc or clang warns about fails the check. */
export const WARNINGS_AS_ERRORS: readonly string[] = ['-Wall', '-Wextra', '-Werror'];
/** What every check of a generated header compiles with. */
export const STRICT_FLAGS: readonly string[] = [STRICT_DEFINE, ...WARNINGS_AS_ERRORS];

/** A driver's target: Windows 10 x64 kernel mode. */
export const KERNEL_TARGET_DEFINES: readonly string[] = [STRICT_DEFINE, '-D_WIN32_WINNT=0x0A00', '-DNTDDI_VERSION=0x0A000000'];
/** The C dialect and warnings every kernel-mode compile of driver sources uses. */
export const KERNEL_C_FLAGS: readonly string[] = ['-std=c11', ...WARNINGS_AS_ERRORS];

/** What a generated header needs included before it, in kernel mode and in user mode. */
export const KERNEL_PRELUDE = '#include <ntddk.h>\n';
export const USER_PRELUDE = '#include <windows.h>\n#include <winioctl.h>\n';

export interface CompilerTarget {
  /** Shown in test names and messages. */
  name: string;
  command: string;
  /** Arguments that select the target, before any flag. */
  args: readonly string[];
  /** The layout the target must agree with (`_WIN64` or not in a generated header). */
  arch: Arch;
  language: 'c' | 'c++';
  /** How to get the command on Debian/Ubuntu. */
  installHint: string;
}

export const MINGW_X64: CompilerTarget = {
  name: 'mingw x64', command: 'x86_64-w64-mingw32-gcc', args: [], arch: 'x64', language: 'c',
  installHint: 'apt-get install gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev',
};
export const MINGW_X86: CompilerTarget = {
  name: 'mingw x86', command: 'i686-w64-mingw32-gcc', args: [], arch: 'x86', language: 'c',
  installHint: 'apt-get install gcc-mingw-w64-i686 mingw-w64-i686-dev',
};
/** User-mode clients are often C++: a generated header must work there too (static_assert path). */
export const MINGW_CXX_X64: CompilerTarget = {
  name: 'mingw C++ x64', command: 'x86_64-w64-mingw32-g++', args: [], arch: 'x64', language: 'c++',
  installHint: 'apt-get install g++-mingw-w64-x86-64',
};

const CLANG_INSTALL_HINT = 'apt-get install clang';
/** clang with MSVC's ABI and layout rules; no Windows headers, so sources bring their own declarations. */
export const CLANG_MSVC_X64: CompilerTarget = {
  name: 'clang msvc x64', command: 'clang', args: ['-target', 'x86_64-pc-windows-msvc'], arch: 'x64', language: 'c', installHint: CLANG_INSTALL_HINT,
};
export const CLANG_MSVC_X86: CompilerTarget = {
  name: 'clang msvc x86', command: 'clang', args: ['-target', 'i686-pc-windows-msvc'], arch: 'x86', language: 'c', installHint: CLANG_INSTALL_HINT,
};
/** clang on mingw-w64's x64 target: reads driver sources against the mingw DDK headers (static analysis). */
export const CLANG_MINGW_X64: CompilerTarget = {
  name: 'clang mingw x64', command: 'clang', args: ['-target', 'x86_64-w64-mingw32'], arch: 'x64', language: 'c', installHint: CLANG_INSTALL_HINT,
};
