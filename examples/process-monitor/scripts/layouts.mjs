// `demo --layouts`: what the schema defines (IOCTL codes, struct layouts, the channel) and the proof
// that the generated header holds it: driver/process-monitor.h compiled with the Windows
// compilers (x64 and x86, kernel and user mode, -Wall -Wextra -Werror; every size, offset and
// IOCTL code in it is a static assert). Writes nothing. Exit 0, or 1 if a compile check fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KERNEL_PRELUDE, MINGW_DDK_INCLUDE, MINGW_X64, MINGW_X86, STRICT_FLAGS, USER_PRELUDE } from '@inverted-call/codegen';
import { hex, loadDeviceSchema } from '@inverted-call/schema';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const model = loadDeviceSchema(join(here, 'schema', 'process-monitor.device.json'));
const header = join(here, 'driver', 'process-monitor.h');

console.log(`Device ${model.name}: \\\\.\\${model.symbolicLink}, device type ${hex(model.deviceType.value)}, schema hash ${model.schemaHash.slice(0, 16)}...`);

console.log('\nIOCTLs');
const ioctls = [
  ['(built-in) ProtocolInfo', model.protocolInfo],
  ...model.calls.map((call) => [`call ${call.name}`, call.ioctl]),
  ...model.channels.map((channel) => [`subscribe ${channel.name}`, channel.ioctl]),
];
for (const [label, ioctl] of ioctls) console.log(`  ${label.padEnd(28)} ${ioctl.cName.padEnd(42)} ${hex(ioctl.code, 8)}`);

console.log('\nStructs (MSVC layout; x64 and x86 agree)');
for (const struct of model.structs) {
  const fields = struct.fields.map((field, index) => `${field.cName}@${struct.layout.x64.offsets[index]}`).join(' ');
  console.log(`  ${struct.cName.padEnd(36)} ${String(struct.layout.x64.size).padStart(4)} bytes  ${fields}`);
}
for (const channel of model.channels) {
  console.log(`\nChannel ${channel.name}: ring of ${channel.capacity} (${channel.overflow}), batches of ${channel.batchBytes} bytes, ` +
    `at least ${channel.minimumOutputBytes} bytes per subscribe request`);
  for (const event of channel.events) console.log(`  kind ${event.id} ${event.name.padEnd(10)} ${event.struct} (${event.recordBytes}-byte record)`);
}

console.log('\nCompiling driver/process-monitor.h (every size, offset and IOCTL code is a static assert)');
const work = mkdtempSync(join(tmpdir(), 'process-monitor-layouts-'));
let failures = 0;
try {
  const modes = {
    kernel: { prelude: KERNEL_PRELUDE, flags: [`-I${MINGW_DDK_INCLUDE}`] },
    user: { prelude: USER_PRELUDE, flags: [] },
  };
  for (const { command: compiler, args: targetArgs, arch } of [MINGW_X64, MINGW_X86]) {
    for (const [mode, { prelude, flags }] of Object.entries(modes)) {
      const unit = join(work, `${arch}-${mode}.c`);
      writeFileSync(unit, `${prelude}#include "${header}"\n`);
      const result = spawnSync(compiler, [...targetArgs, ...STRICT_FLAGS, ...flags, '-c', '-o', '/dev/null', unit], { encoding: 'utf8' });
      const ok = result.status === 0;
      if (!ok) failures++;
      console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${arch} ${mode.padEnd(6)} ${compiler}${result.error ? `: ${result.error.message}` : ''}`);
      if (!ok && result.stderr) console.log(result.stderr.split('\n').slice(0, 10).map((line) => `       ${line}`).join('\n'));
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(failures ? `\n${failures} compile check(s) failed.` : '\nAll four compile checks passed.');
process.exit(failures ? 1 : 0);
