/**
 * inverted-call-wine: a project's own driver under Wine, from its npm scripts.
 *
 *   inverted-call-wine test <schema.device.json> [--driver driver] [--flavour kmdf|wdm] [--keep] [-- <test command>]
 */
import { parseArgs } from 'node:util';
import { runDriverTests } from './driver-test.js';

const USAGE = `usage: inverted-call-wine test <schema.device.json> [options] [-- <test command...>]

Builds the rendered driver folder as a test build for Wine (mingw-w64), loads it in a Wine prefix
of its own with the device bridge, then runs the test command (for example: -- npm test) with
INVERTED_CALL_DEVICE_BRIDGE set: tests that open their target with openTestTarget() (from
@inverted-call/wine-bed/target), the device conformance suite included, talk to the real driver.
Any KMDF-subset verifier stop in the session log fails the run.

options:
  --driver <folder>      the rendered driver folder (default: driver)
  --flavour kmdf|wdm     fail unless the folder was rendered as this flavour (default: its own)
  --keep                 keep the build folder for a look afterwards

needs: Wine 8 (64-bit) and mingw-w64 on x86_64 Linux. On Debian or Ubuntu:
  sudo apt-get install -y --no-install-recommends wine64 wine gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev
`;

function fail(message: string): number {
  process.stderr.write(`inverted-call-wine: ${message}\n\n${USAGE}`);
  return 2;
}

async function main(argv: readonly string[]): Promise<number> {
  const split = argv.indexOf('--');
  const own = split < 0 ? argv : argv.slice(0, split);
  const testCommand = split < 0 ? [] : argv.slice(split + 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...own],
      allowPositionals: true,
      options: {
        driver: { type: 'string' },
        flavour: { type: 'string' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [command, schemaFile, ...extra] = positionals;
  if (command !== 'test') return fail(command ? `unknown command "${command}"` : 'missing command');
  if (!schemaFile) return fail('missing the schema file (schema/<name>.device.json)');
  if (extra.length > 0) return fail(`unexpected argument "${extra[0]}" (put the test command after --)`);
  if (testCommand.length === 0) return fail('missing the test command after -- (for example: -- npm test)');
  const flavour = values.flavour;
  if (flavour !== undefined && flavour !== 'kmdf' && flavour !== 'wdm') return fail(`--flavour takes kmdf or wdm, got "${flavour}"`);
  return runDriverTests({
    schemaFile,
    driverDir: values.driver ?? 'driver',
    flavour,
    testCommand,
    keep: values.keep,
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`inverted-call-wine: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
