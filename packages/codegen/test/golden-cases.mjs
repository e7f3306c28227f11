// The fixture schemas whose generated outputs are committed and compared in CI.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures');
const golden = join(here, 'golden');

export const goldenCases = [
  ...readdirSync(fixtures)
    .filter((file) => /\.device\.(json|ya?ml)$/.test(file))
    .sort()
    .map((file) => {
      const name = file.replace(/\.device\.(json|ya?ml)$/, '');
      return { name, schema: join(fixtures, file), header: join(golden, `${name}.h`), ts: join(golden, `${name}.ts`) };
    }),
  {
    name: 'conformance device',
    schema: join(here, '../../conformance/src/device/conformance.device.json'),
    header: join(here, '../../conformance/src/device/conformance-device.h'),
    ts: join(here, '../../conformance/src/device/conformance-device.ts'),
  },
  {
    name: 'process-monitor (example)',
    schema: join(here, '../../../examples/process-monitor/schema/process-monitor.device.json'),
    // The example's header lives in its driver folder, where the driver template renders it.
    header: join(here, '../../../examples/process-monitor/driver/process-monitor.h'),
    ts: join(here, '../../../examples/process-monitor/generated/process-monitor.ts'),
  },
];
