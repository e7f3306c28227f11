// The inverted-call-driver CLI: render into a folder, --check for staleness, the compile check,
// and clear errors with exit code 2 for bad usage or a bad schema.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMAS } from './support/schemas.js';

const CLI = fileURLToPath(new URL('../bin/inverted-call-driver.mjs', import.meta.url));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Time limit, from measurements on the 2-core machine: at load average 6-9 the slowest test (render
// WDM, --check, and the gcc check of both configurations) took 14 s; at load average 10-12 (the
// whole suite beside two CPU hogs and other builds) it took 83 s. 240 s is about 3x the worst.
const CLI_MS = 240_000;

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'inverted-call-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('inverted-call-driver', { timeout: CLI_MS }, () => {
  it('render writes the driver, keeps the user files on a second run, and --check sees staleness', () => {
    const first = cli('render', SCHEMAS.conformance, '--out', dir);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/: wrote 38 file\(s\) for .*conformance\.device\.json \(kmdf\)\n$/); // no Notify.c: this device has no process events
    writeFileSync(join(dir, 'Handlers.c'), '/* my handlers */\n');
    const second = cli('render', SCHEMAS.conformance, '--out', dir);
    expect(second.stdout).toContain('kept your Handlers.c, ConformanceDevice.inf, ConformanceDevice.vcxproj, ConformanceDevice.sln, README.md');
    expect(readFileSync(join(dir, 'Handlers.c'), 'utf8')).toBe('/* my handlers */\n');
    const clean = cli('render', SCHEMAS.conformance, '--out', dir, '--check');
    expect(clean.status).toBe(0);
    // The folder once, then the schema and the flavour: never "driver in driver".
    expect(clean.stdout).toBe(`${dir}/: up to date with ${SCHEMAS.conformance} (kmdf)\n`);
    writeFileSync(join(dir, 'Handlers.h'), '/* edited */\n');
    writeFileSync(join(dir, 'Queue.c'), '/* edited */\n');
    rmSync(join(dir, 'Core.h'));
    const stale = cli('render', SCHEMAS.conformance, '--out', dir, '--check');
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('Handlers.h: differs from what the schema generates');
    expect(stale.stderr).toContain('Queue.c: differs from the template');
    expect(stale.stderr).toContain('Core.h: missing');
    expect(stale.stderr).toContain(`run inverted-call-driver render ${SCHEMAS.conformance} --out ${dir}\n`);
    // The banner names the schema as seen from the driver folder.
    expect(readFileSync(join(dir, 'DeviceTable.c'), 'utf8')).toMatch(/from "[^"]*conformance\.device\.json"/);
  });

  it('--process-notify off and Channel:Created:Exited', () => {
    expect(cli('render', SCHEMAS.processMonitor, '--out', dir, '--process-notify', 'off').status).toBe(0);
    expect(readFileSync(join(dir, 'DeviceTable.h'), 'utf8')).toContain('#define DEVICE_PROCESS_NOTIFY 0');
    const bad = cli('render', SCHEMAS.conformance, '--out', dir, '--process-notify', 'Events:Small:Large');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('structs.Small.fields');
    expect(bad.stderr).toContain('fix:');
  });

  it('--flavour wdm renders the WDM driver, --check knows it, and check takes its folder', () => {
    const first = cli('render', SCHEMAS.minimal, '--out', dir, '--flavour', 'wdm');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(readFileSync(join(dir, 'Queue.c'), 'utf8')).toContain('IoCsqInsertIrpEx');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('(WDM)');
    expect(existsSync(join(dir, 'check'))).toBe(false);
    expect(cli('render', SCHEMAS.minimal, '--out', dir, '--flavour', 'wdm', '--check').status).toBe(0);
    // The folder remembers its flavour: --check without --flavour checks it as WDM.
    expect(cli('render', SCHEMAS.minimal, '--out', dir, '--check').stdout).toContain('(wdm)');
    // The KMDF flavour of the same schema is another driver: --check names the cause.
    const kmdf = cli('render', SCHEMAS.minimal, '--out', dir, '--flavour', 'kmdf', '--check');
    expect(kmdf.status).toBe(1);
    expect(kmdf.stderr).toContain('flavour differs: RENDERED.json records wdm, --flavour asks for kmdf');
    const check = cli('check', dir, '--tool', 'gcc');
    expect(check.stdout).toBe('ok   gcc\n');
    expect(check.status).toBe(0);
  });

  it('removing the Process channel: --check names the stale Notify files, render removes them, --check is then clean', () => {
    const schema = join(dir, 'process-monitor.device.json');
    const out = join(dir, 'driver');
    const text = JSON.parse(readFileSync(SCHEMAS.processMonitor, 'utf8')) as { channels: Record<string, unknown>; verdicts?: unknown };
    writeFileSync(schema, JSON.stringify(text));
    expect(cli('render', schema, '--out', out).status).toBe(0);
    text.channels = {};
    delete text.verdicts; // its verdict is asked on process creation, which needs the process channel
    writeFileSync(schema, JSON.stringify(text));
    const before = cli('render', schema, '--out', out, '--check');
    expect(before.status).toBe(1);
    expect(before.stderr).toContain(`${out}/Notify.c: stale extra file: the schema and template no longer make it`);
    const rendered = cli('render', schema, '--out', out);
    expect(rendered.status).toBe(0);
    expect(rendered.stdout).toContain('removed Notify.c, NotifyTest.c, NotifyTestInput.c, Notify.h, NotifyTest.h (no longer rendered, unchanged)');
    for (const name of ['Notify.c', 'Notify.h', 'NotifyTest.c', 'NotifyTest.h', 'NotifyTestInput.c']) expect(existsSync(join(out, name)), name).toBe(false);
    const after = cli('render', schema, '--out', out, '--check');
    expect(after.stderr).toBe('');
    expect(after.status).toBe(0);
  });

  it('a changed Notify.c is reported, not removed, and --check fails naming it', () => {
    const schema = join(dir, 'process-monitor.device.json');
    const out = join(dir, 'driver');
    const text = JSON.parse(readFileSync(SCHEMAS.processMonitor, 'utf8')) as { channels: Record<string, unknown>; verdicts?: unknown };
    writeFileSync(schema, JSON.stringify(text));
    expect(cli('render', schema, '--out', out).status).toBe(0);
    writeFileSync(join(out, 'Notify.c'), '/* my change */\n', { flag: 'a' });
    text.channels = {};
    delete text.verdicts; // its verdict is asked on process creation, which needs the process channel
    writeFileSync(schema, JSON.stringify(text));
    const rendered = cli('render', schema, '--out', out);
    expect(rendered.status).toBe(0);
    expect(rendered.stderr).toContain(`${out}/Notify.c: no longer rendered, but you changed it, so it stays`);
    expect(readFileSync(join(out, 'Notify.c'), 'utf8')).toContain('/* my change */');
    const check = cli('render', schema, '--out', out, '--check');
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(`${out}/Notify.c: stale extra file that you changed`);
    expect(check.stderr).toContain('delete the changed files render no longer makes');
  });

  it('render --flavour wdm on a KMDF folder is refused naming the switch; --switch-flavour switches; the folder then stays WDM', () => {
    expect(cli('render', SCHEMAS.minimal, '--out', dir).status).toBe(0);
    const refused = cli('render', SCHEMAS.minimal, '--out', dir, '--flavour', 'wdm');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('holds a KMDF driver (recorded in RENDERED.json), not WDM');
    expect(refused.stderr).toContain('render with --switch-flavour wdm');
    expect(existsSync(join(dir, 'check', 'KmdfSubset.h'))).toBe(true); // nothing written
    const switched = cli('render', SCHEMAS.minimal, '--out', dir, '--switch-flavour', 'wdm');
    expect(switched.stderr).toBe('');
    expect(switched.status).toBe(0);
    expect(switched.stdout).toContain('removed check/KmdfSubset.h, check/WdmAdditions.h');
    expect(switched.stdout).toContain('rewrote Echo.inf, Echo.vcxproj, Echo.sln, README.md for wdm');
    expect(existsSync(join(dir, 'check'))).toBe(false);
    // The documented render command, without --flavour, keeps it WDM.
    const again = cli('render', SCHEMAS.minimal, '--out', dir);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('(wdm)');
    expect(readFileSync(join(dir, 'Queue.c'), 'utf8')).toContain('IoCsqInsertIrpEx');
    expect(existsSync(join(dir, 'check'))).toBe(false);
    expect(cli('render', SCHEMAS.minimal, '--out', dir, '--check').status).toBe(0);
  });

  it('a folder rendered as WDM before records existed stays WDM without --flavour', () => {
    expect(cli('render', SCHEMAS.minimal, '--out', dir, '--flavour', 'wdm').status).toBe(0);
    rmSync(join(dir, 'RENDERED.json'));
    const again = cli('render', SCHEMAS.minimal, '--out', dir);
    expect(again.status).toBe(0);
    expect(readFileSync(join(dir, 'Queue.c'), 'utf8')).toContain('IoCsqInsertIrpEx');
    expect(existsSync(join(dir, 'check'))).toBe(false);
    // Its files tell it is WDM, so another flavour is refused there too.
    rmSync(join(dir, 'RENDERED.json'));
    const refused = cli('render', SCHEMAS.minimal, '--out', dir, '--flavour', 'kmdf');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('holds a WDM driver (told by its files: it has no RENDERED.json yet, and no check/KmdfSubset.h), not KMDF');
    expect(refused.stderr).toContain('--switch-flavour kmdf');
  });

  it('check runs the chosen tool on a rendered driver', () => {
    cli('render', SCHEMAS.minimal, '--out', dir);
    const result = cli('check', dir, '--tool', 'gcc');
    expect(result.stdout).toBe('ok   gcc\n');
    expect(result.status).toBe(0);
  });

  it.each([
    [['render'], /render expects exactly one schema file, got 0/],
    [['render', 'x.json'], /render needs --out <dir>/],
    [['render', 'missing.json', '--out', 'x'], /schema file not found: missing\.json/],
    [['render', 'a.json', '--out', 'x', '--process-notify', 'Only:Two'], /--process-notify takes auto, off or Channel:CreatedKind:ExitedKind/],
    [['render', 'a.json', '--out', 'x', '--flavour', 'umdf'], /--flavour takes kmdf or wdm, got "umdf"/],
    [['render', 'a.json', '--out', 'x', '--switch-flavour', 'umdf'], /--switch-flavour takes kmdf or wdm, got "umdf"/],
    [['render', 'a.json', '--out', 'x', '--flavour', 'kmdf', '--switch-flavour', 'wdm'], /--flavour kmdf and --switch-flavour wdm disagree/],
    [['render', 'a.json', '--out', 'x', '--switch-flavour', 'wdm', '--check'], /--switch-flavour writes files; run it without --check/],
    [['check'], /check expects exactly one driver folder/],
    [['check', '.', '--tool', 'msvc'], /unknown --tool msvc/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['scripts'], /scripts needs --out <dir>/],
    [['scripts', 'extra', '--out', 'x'], /scripts takes no positional arguments, got extra/],
    [[], /missing command/],
    [['render', 'a.json', '--bogus'], /Unknown option '--bogus'/],
  ])('bad usage %j exits 2 with a message', (args, message) => {
    const result = cli(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('scripts writes the Windows scripts, and --check names each missing or changed one', () => {
    const out = join(dir, 'scripts', 'windows');
    const missing = cli('scripts', '--out', out, '--check');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`${out}/build-driver.ps1: missing\n`);
    const written = cli('scripts', '--out', out);
    expect(written.stderr).toBe('');
    expect(written.status).toBe(0);
    expect(written.stdout).toBe(`${out}/: wrote DriverScripts.psm1, build-driver.ps1, enable-test-signing.ps1, install-driver.ps1, uninstall-driver.ps1\n`);
    expect(cli('scripts', '--out', out, '--check').stdout).toBe(`${out}/: the Windows scripts are up to date\n`);
    // A checkout with CRLF line endings (git on Windows) is the same script.
    const install = join(out, 'install-driver.ps1');
    writeFileSync(install, readFileSync(install, 'utf8').replace(/\n/g, '\r\n'));
    expect(cli('scripts', '--out', out, '--check').status).toBe(0);
    writeFileSync(join(out, 'build-driver.ps1'), '# edited\n', { flag: 'a' });
    rmSync(join(out, 'uninstall-driver.ps1'));
    const stale = cli('scripts', '--out', out, '--check');
    expect(stale.status).toBe(1);
    expect(stale.stderr).toBe(
      `${out}/build-driver.ps1: differs from the kit's script (edited, or from another kit version)\n` +
        `${out}/uninstall-driver.ps1: missing\n` +
        `inverted-call-driver: ${out}/ is out of date: 2 script(s) above; run inverted-call-driver scripts --out ${out}\n`,
    );
  });

  it('check of an empty folder says what to do', () => {
    const result = cli('check', dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no .c files');
  });

  it('a bad schema exits 2 with the path and the fix', () => {
    const schema = join(dir, 'bad.device.json');
    writeFileSync(schema, JSON.stringify({ device: { name: 'bad name', deviceType: '0x8000' } }));
    const result = cli('render', schema, '--out', join(dir, 'out'));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/device\.name/);
    expect(result.stderr).toContain('fix:');
  });
});
