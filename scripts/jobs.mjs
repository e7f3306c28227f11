// The jobs of scripts/bootstrap.mjs (`npm test`, `npm run demo`, `npm run bench`): what each one
// runs and which system tools it needs. Data only, no side effects, so the tests can read it.
// Node built-ins only: bootstrap imports this before anything is installed.

/** Debian packages, and how to tell each tool is present (a command on PATH, or a file). */
export const SYSTEM_TOOLS = {
  mingwX64: { check: 'x86_64-w64-mingw32-gcc', packages: ['gcc-mingw-w64-x86-64', 'mingw-w64-x86-64-dev'] },
  mingwX86: { check: 'i686-w64-mingw32-gcc', packages: ['gcc-mingw-w64-i686', 'mingw-w64-i686-dev'] },
  mingwX64Cxx: { check: 'x86_64-w64-mingw32-g++', packages: ['g++-mingw-w64-x86-64'] },
  clang: { check: 'clang', packages: ['clang'] },
  // The driver compile check runs cppcheck on the rendered KMDF driver.
  cppcheck: { check: 'cppcheck', packages: ['cppcheck'] },
  // Native gcc with ASan/UBSan runs the driver core's unit tests and differential harness.
  gcc: { check: 'gcc', packages: ['gcc', 'libc6-dev'] },
  // The kernel-mode headers (ntddk.h, wdm.h) of the compile checks and of the WDM driver build.
  mingwDdk: { check: '/usr/share/mingw-w64/include/ddk/ntddk.h', packages: ['mingw-w64-common', 'mingw-w64-tools'] },
  // The Wine bed (packages/wine-bed) runs a Windows node.exe against a real driver under Wine 8:
  // 64-bit only (no i386, no X server). Debian puts the wine64 loader in /usr/lib/wine, not on PATH.
  wine64: { check: '/usr/lib/wine/wine64', packages: ['wine64', 'wine'] },
  wineserver: { check: 'wineserver', packages: ['wine'] },
  // util-linux's `script` gives create-inverted-call's Ctrl+C test a pseudo-terminal.
  script: { check: 'script', packages: ['bsdutils'] },
};

/**
 * Each job's command (run with pnpm) and the system tools it needs. A tool a job needs is
 * installed first, or the job fails before it starts: never a check skipped for want of it.
 */
export const JOBS = {
  // Everything: every compile check, the C harnesses and the Wine bed.
  // --continue: one failing package does not stop the others' tests, so a run reports every
  // failure and the totals count every test (turbo still exits non-zero).
  test: { command: ['turbo', 'run', 'build', 'typecheck', 'test', '--continue'], tools: Object.keys(SYSTEM_TOOLS) },
  // The simulated driver in TypeScript: nothing outside Node. (`demo --layouts` compiles the
  // header with mingw-w64: `npm test` installs it.)
  demo: { command: ['--filter', '@inverted-call/example-process-monitor', 'run', 'demo'], tools: [] },
  // The client and codegen benchmarks are TypeScript only. The Wine benchmark (wine-e2e) builds
  // the conformance WDM driver and a native client with x86_64 mingw-w64 gcc (the driver with
  // the DDK headers), and runs them under Wine.
  // One benchmark at a time: two running side by side on a 2-core machine disturb each other.
  bench: { command: ['turbo', 'run', 'bench', '--concurrency=1'], tools: ['mingwX64', 'mingwDdk', 'wine64', 'wineserver'] },
};

/** The tools (name, check, packages) that `job` needs. Throws on an unknown job or tool name. */
export function toolsFor(job) {
  const names = JOBS[job]?.tools;
  if (!names) throw new Error(`no job "${job}": ${Object.keys(JOBS).join(', ')}`);
  return names.map((name) => {
    const tool = SYSTEM_TOOLS[name];
    if (!tool) throw new Error(`job "${job}" needs "${name}", which is not in SYSTEM_TOOLS`);
    return { name, ...tool };
  });
}
