// The main job until the simulator demo exists: generate the process monitor's C header and TS
// module from its schema, show what they define, and prove the header with the real Windows
// compilers (x64 and x86, kernel and user mode, -Wall -Wextra -Werror).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, writeFiles } from '@inverted-call/codegen';
import { hex, loadDeviceSchema } from '@inverted-call/schema';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaFile = join(here, 'schema', 'process-monitor.device.json');
const outDir = join(here, 'generated');

const model = loadDeviceSchema(schemaFile);
const files = generate(schemaFile, { outDir });
writeFiles(files);

console.log(`Device ${model.name}: \\\\.\\${model.symbolicLink}, device type ${hex(model.deviceType.value)}, schema hash ${model.schemaHash.slice(0, 16)}...`);
for (const file of files) console.log(`  wrote ${relative(process.cwd(), file.path)} (${file.content.split('\n').length} lines)`);

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

console.log('\nCompiling the header (every size, offset and IOCTL code is a static assert)');
const header = files.find((file) => file.kind === 'header');
const work = mkdtempSync(join(tmpdir(), 'process-monitor-demo-'));
let failures = 0;
try {
  const modes = {
    kernel: { prelude: '#include <ntddk.h>\n', flags: ['-I/usr/share/mingw-w64/include/ddk'] },
    user: { prelude: '#include <windows.h>\n#include <winioctl.h>\n', flags: [] },
  };
  for (const [compiler, arch] of [['x86_64-w64-mingw32-gcc', 'x64'], ['i686-w64-mingw32-gcc', 'x86']]) {
    for (const [mode, { prelude, flags }] of Object.entries(modes)) {
      const unit = join(work, `${arch}-${mode}.c`);
      writeFileSync(unit, `${prelude}#include "${header.path}"\n`);
      const result = spawnSync(compiler, ['-DSTRICT', '-Wall', '-Wextra', '-Werror', ...flags, '-c', '-o', '/dev/null', unit], { encoding: 'utf8' });
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
