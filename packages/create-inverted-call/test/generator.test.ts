/**
 * The generator, run with yeoman-test: what defaults, flags and prompt answers produce, and that
 * a project is consistent from its first commit (its schema is valid, its generated code and
 * driver are what `npm run check` expects).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate as codegen, staleFiles } from '@inverted-call/codegen';
import { flavourOfFolder, renderKmdfDriver, renderWdmDriver, staleDriverFiles } from '@inverted-call/driver-template';
import { loadDeviceSchema } from '@inverted-call/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { CreateError, loadVersions } from '../src/index.js';
import { filesUnder, generate, readJson, readText, repositoryRoot } from './support.js';

/** What `npm run check` checks: the TS module and the driver folder match the schema. */
function expectUpToDate(project: string, stem: string, flavour: 'kmdf' | 'wdm'): void {
  const schemaFile = join(project, 'schema', `${stem}.device.json`);
  expect(staleFiles(codegen(schemaFile, { ts: join(project, 'src', 'generated', `${stem}.ts`) }))).toEqual([]);
  const render = flavour === 'wdm' ? renderWdmDriver : renderKmdfDriver;
  const driver = render(loadDeviceSchema(schemaFile), { schemaPath: `../schema/${stem}.device.json` });
  expect(staleDriverFiles(join(project, 'driver'), driver)).toEqual([]);
}

describe('defaults (--yes)', () => {
  let cwd = '';
  let project = '';
  let files: string[] = [];
  beforeAll(async () => {
    ({ cwd, project } = await generate({ yes: true }));
    files = filesUnder(project);
  });

  it('creates the project in a folder named after the default project name', () => {
    expect(project).toBe(join(cwd, 'my-device'));
    expect(files).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.gitignore',
        'README.md',
        'package.json',
        'schema/my-device.device.json',
        'src/generated/my-device.ts',
        'src/main.ts',
        'src/service.ts',
        'src/simulation.ts',
        'src/windows-service.ts',
        'test/device.test.ts',
        'test/service.test.ts',
        'tsconfig.build.json',
        'tsconfig.json',
        'driver/Handlers.c',
        'driver/my-device.h',
        'driver/MyDevice.inf',
        'driver/MyDevice.vcxproj',
        'driver/MyDevice.sources.props',
        'driver/MyDevice.sln',
        'driver/packages.config',
        'driver/Directory.Build.props',
        'scripts/windows/build-driver.ps1',
        'scripts/windows/enable-test-signing.ps1',
        'scripts/windows/install-driver.ps1',
        'scripts/windows/uninstall-driver.ps1',
        'scripts/windows/DriverScripts.psm1',
        'driver/RENDERED.json',
        'driver/README.md',
      ]),
    );
    expect(files.filter((file) => file.startsWith('.yo'))).toEqual([]);
  });

  it('writes a valid schema: device MyDevice, type 0x8000, GetVersion and the Process channel', () => {
    const model = loadDeviceSchema(join(project, 'schema', 'my-device.device.json'));
    expect(model.name).toBe('MyDevice');
    expect(model.deviceType.value).toBe(0x8000);
    expect(model.calls.map((call) => call.name)).toEqual(['GetVersion']);
    expect(model.channels.map((channel) => [channel.name, channel.events.map((event) => event.name)])).toEqual([['Process', ['Created', 'Exited']]]);
  });

  it('gives the Process channel the process monitor example’s structs, so Notify.c is rendered', () => {
    const example = readJson(repositoryRoot, 'examples', 'process-monitor', 'schema', 'process-monitor.device.json');
    const schema = readJson(project, 'schema', 'my-device.device.json');
    for (const name of ['ProcessCreated', 'ProcessExited']) expect(schema.structs[name]).toEqual(example.structs[name]);
    expect(schema.enums.ImageNameState).toEqual(example.enums.ImageNameState);
    expect(schema.channels.Process.events).toEqual(example.channels.Process.events);
    expect(files).toEqual(expect.arrayContaining(['driver/Notify.c', 'driver/Notify.h']));
  });

  it('renders the KMDF driver, and the generated files are what the check script expects', () => {
    // The KMDF declarations of the compile check, and the KMDF test-build state IOCTL the Wine bed asks.
    expect(files).toEqual(expect.arrayContaining(['driver/Queue.c', 'driver/check/KmdfSubset.h', 'driver/InvertedCallTest.c']));
    expect(readFileSync(join(project, 'driver', 'Queue.c'), 'utf8')).toContain('WdfRequestForwardToIoQueue');
    expectUpToDate(project, 'my-device', 'kmdf');
  });

  it('takes every version in package.json from the manifest', () => {
    const versions = loadVersions();
    const manifest = readJson(project, 'package.json');
    expect(manifest.name).toBe('my-device');
    expect(manifest.engines.node).toBe(versions.node.engines);
    const all = { ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.devDependencies } as Record<string, string>;
    for (const [name, range] of Object.entries(all)) {
      const version = versions.packages[name] ?? versions.tools[name];
      expect(range, name).toBe(name.startsWith('@inverted-call/') ? `^${version}` : version);
    }
    expect(Object.keys(manifest.devDependencies)).toEqual(expect.arrayContaining(['typescript', 'vitest', '@types/node', '@inverted-call/simulator', '@inverted-call/codegen', '@inverted-call/driver-template']));
    expect(Object.keys(manifest.dependencies)).toEqual(['@inverted-call/client', '@inverted-call/codec']);
  });

  it('has the scripts the README and CI name', () => {
    const { scripts } = readJson(project, 'package.json');
    expect(scripts.check).toBe(
      'inverted-call-codegen schema/my-device.device.json --ts src/generated/my-device.ts --check && inverted-call-driver render schema/my-device.device.json --out driver --check && inverted-call-driver scripts --out scripts/windows --check',
    );
    expect(scripts['driver:check']).toBe('inverted-call-driver check driver');
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['generate', 'check', 'typecheck', 'test', 'start', 'driver:check', 'service:install', 'service:uninstall', 'service:start', 'service:stop']));
    for (const command of ['install', 'uninstall', 'start', 'stop']) {
      expect(scripts[`service:${command}`]).toBe(`tsc -p tsconfig.build.json && node dist/windows-service.js ${command}`);
    }
    const readme = readText(project, 'README.md');
    const windows = ['build-driver', 'enable-test-signing', 'install-driver', 'uninstall-driver'].map((script) => `.\\scripts\\windows\\${script}.ps1`);
    for (const command of ['npm run check', 'npm test', 'npm start -- --simulate', 'npm run driver:check', 'driver/Handlers.c', 'src/service.ts', 'schema/my-device.device.json', ...windows, 'npm run service:install', 'npm run service:uninstall', 'src/windows-service.ts', 'logs/service.log', 'docs/windows.md', 'driver\\MyDevice.sln']) {
      expect(readme).toContain(command);
    }
  });

  it('writes a CI workflow that runs the codegen check, typecheck, tests, the driver compile check and the Windows build (test/workflow.test.ts has the rest)', () => {
    const versions = loadVersions();
    const ci = readText(project, '.github', 'workflows', 'ci.yml');
    for (const step of ['npm run check', 'npm run typecheck', 'npm test', 'npm run driver:check', 'gcc-mingw-w64-x86-64', 'clang', 'cppcheck', versions.actions.checkout, `node-version: "${versions.node.ci}"`, 'driver-windows:', 'nuget restore driver\\MyDevice.sln']) {
      expect(ci).toContain(step);
    }
  });

  it('writes tests for one call, one burst and one cancel (both targets), conformance, and a service with a --simulate mode', () => {
    const tests = readText(project, 'test', 'device.test.ts');
    expect(tests).toMatch(/openTestTarget\(myDevice\w*, \{ simulate: answerCalls \}\)/);
    expect(tests).toContain("await target.emit('Process', event.kind, event.data)");
    expect(tests).toContain('controller.abort()');
    expect(readText(project, 'test', 'conformance.test.ts')).toMatch(/describeDeviceConformance\((myDevice\w*), \(\) => openTestTarget\(\1\)\)/);
    expect(readText(project, 'src', 'simulation.ts')).toContain("simulator.handle('GetVersion', () => ({ major: 0, minor: 1, patch: 0, flags: 0 }))");
    // The driver's Handlers.c answers GetVersion as the simulation does.
    expect(readText(project, 'driver', 'Handlers.c')).toMatch(/NTSTATUS HandleGetVersion\([^)]*\)\n\{\n    \(void\)Context;\n[^}]*Output->Minor = 1;[^}]*return STATUS_SUCCESS;\n\}/);
    expect(readJson(project, 'package.json').scripts['test:driver']).toBe('inverted-call-wine test schema/my-device.device.json --driver driver -- vitest run');
    const main = readText(project, 'src', 'main.ts');
    expect(main).toContain('--simulate');
    expect(main).toContain("process.platform !== 'win32'");
    expect(readText(project, 'src', 'service.ts')).toMatch(/item\.type === 'loss'/);
  });

  it('writes a Windows service entry named after the device (not the driver\'s own service), logging beside the project', () => {
    const entry = readText(project, 'src', 'windows-service.ts');
    expect(entry).toContain("const SERVICE_NAME = 'MyDeviceService';");
    expect(entry).toContain('runAsWindowsService({ name: SERVICE_NAME, log, run: (signal) => runService({ signal, report: log }) })');
    expect(entry).toContain("new URL('../logs/service.log', import.meta.url)");
    expect(entry).toContain("args: [SCRIPT, 'run']");
    expect(readText(project, 'README.md')).toContain('registers MyDeviceService: LocalSystem, demand start');
    expect(readText(project, '.gitignore')).toContain('logs/');
  });
});

describe('flags', () => {
  it('name the project, device, type, calls and channels; a scoped name makes an unscoped folder', async () => {
    const { cwd, project } = await generate({ yes: true, projectName: '@acme/tank-monitor', deviceName: 'TankMonitor', deviceType: '0x9abc', calls: 'GetVersion,Reset', channels: 'Level, Alarm' });
    expect(project).toBe(join(cwd, 'tank-monitor'));
    expect(readJson(project, 'package.json').name).toBe('@acme/tank-monitor');
    const schema = readJson(project, 'schema', 'tank-monitor.device.json');
    expect(schema.device).toMatchObject({ name: 'TankMonitor', deviceType: '0x9ABC' });
    expect(Object.entries(schema.calls).map(([name, call]: [string, any]) => [name, call.function])).toEqual([['GetVersion', '0x800'], ['Reset', '0x801']]);
    expect(Object.entries(schema.channels).map(([name, channel]: [string, any]) => [name, channel.function])).toEqual([['Process', '0x802'], ['Level', '0x803'], ['Alarm', '0x804']]);
    const model = loadDeviceSchema(join(project, 'schema', 'tank-monitor.device.json'));
    expect(model.structs.map((struct) => struct.name)).toEqual(expect.arrayContaining(['ResetInput', 'ResetOutput', 'LevelEvent', 'AlarmEvent']));
    expect(readText(project, 'src', 'service.ts')).toContain('device.subscribe.Alarm({ depth: 8, signal })');
    expect(readText(project, 'src', 'simulation.ts')).toContain("simulator.handle('Reset'");
    expectUpToDate(project, 'tank-monitor', 'kmdf');
  });

  it('--driver wdm renders the WDM flavour and records it in driver/RENDERED.json, so its scripts need no --flavour', async () => {
    const { project } = await generate({ yes: true, projectName: 'legacy', driver: 'wdm' });
    const files = filesUnder(project);
    expect(files).toEqual(expect.arrayContaining(['driver/InvertedCallTest.c', 'driver/Queue.c', 'driver/Notify.c', 'driver/RENDERED.json', 'driver/Legacy.sources.props']));
    expect(files).not.toContain('driver/check/KmdfSubset.h');
    expect(flavourOfFolder(join(project, 'driver'))).toEqual({ flavour: 'wdm', from: 'record' });
    const { scripts } = readJson(project, 'package.json');
    expect(scripts.generate).toContain('--out driver');
    expect(scripts.check).toContain('--out driver --check');
    expect(`${scripts.generate} ${scripts.check}`).not.toContain('--flavour');
    expect(readText(project, 'README.md')).toContain('WDM driver');
    expectUpToDate(project, 'legacy', 'wdm');
  });

  it('--no-process-notify leaves out the Process channel and Notify.c', async () => {
    const { project } = await generate({ yes: true, projectName: 'quiet', processNotify: false, channels: 'Status' });
    const schema = readJson(project, 'schema', 'quiet.device.json');
    expect(Object.keys(schema.channels)).toEqual(['Status']);
    expect(schema.enums).toBeUndefined();
    expect(Object.keys(schema.structs)).toEqual(['DriverVersion', 'StatusEvent']);
    const files = filesUnder(project);
    expect(files).not.toContain('driver/Notify.c');
    expect(readText(project, 'src', 'service.ts')).not.toContain('describeProcess');
    expectUpToDate(project, 'quiet', 'kmdf');
  });

  it('a device with calls only gets a service test without subscriptions', async () => {
    const { project } = await generate({ yes: true, projectName: 'calls-only', processNotify: false, calls: 'GetVersion,Ping' });
    expect(Object.keys(readJson(project, 'schema', 'calls-only.device.json').channels)).toEqual([]);
    expect(readText(project, 'test', 'service.test.ts')).toContain('makes each call once');
    expect(readText(project, 'test', 'device.test.ts')).not.toContain('subscribe');
  });

  it('--directory puts the project elsewhere', async () => {
    const { cwd, project } = await generate({ yes: true, projectName: 'elsewhere', directory: 'nested/here' });
    expect(project).toBe(join(cwd, 'nested', 'here'));
    expect(readJson(project, 'package.json').name).toBe('elsewhere');
  });
});

describe('prompts', () => {
  it('asks for what the options leave out, and uses the answers', async () => {
    const { project, asked } = await generate(
      { interactive: true, deviceType: '0x8123' },
      { answers: { projectName: 'asked-device', deviceName: 'AskedDevice', processNotify: true, calls: 'GetVersion', channels: 'Heartbeat', driver: 'wdm' } },
    );
    expect(asked).toEqual(['projectName', 'deviceName', 'processNotify', 'calls', 'channels', 'driver']);
    const schema = readJson(project, 'schema', 'asked-device.device.json');
    expect(schema.device).toMatchObject({ name: 'AskedDevice', deviceType: '0x8123' });
    expect(Object.keys(schema.channels)).toEqual(['Process', 'Heartbeat']);
    expect(filesUnder(project)).toContain('driver/InvertedCallTest.c');
  });

  it('derives the default device name from the project name answered', async () => {
    const { project } = await generate({ interactive: true }, { answers: { projectName: 'pump-controller' } });
    expect(readJson(project, 'schema', 'pump-controller.device.json').device.name).toBe('PumpController');
  });

  it('refuses an answer the flag would refuse', async () => {
    await expect(generate({ interactive: true, projectName: 'answered' }, { answers: { deviceName: 'not-pascal' } })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('"not-pascal" is not a valid device name'),
    });
  });

  it('asks nothing with --yes, and nothing when every answer is given', async () => {
    expect((await generate({ interactive: true, yes: true })).asked).toEqual([]);
    const all = { projectName: 'full', deviceName: 'Full', deviceType: '0x8001', processNotify: false, calls: 'GetVersion', channels: '', driver: 'kmdf' };
    expect((await generate({ interactive: true, ...all })).asked).toEqual([]);
  });

  it('without a terminal and without --yes, names the answers missing', async () => {
    const error = await generate({ projectName: 'no-terminal' }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(CreateError);
    expect(error).toMatchObject({ exitCode: 2, message: expect.stringContaining('deviceName, deviceType, processNotify, calls, channels, driver') });
  });
});

describe('bad input', () => {
  it.each([
    [{ projectName: 'My Device' }, '"My Device" is not a valid npm package name'],
    [{ projectName: 'fs' }, '"fs" is reserved by npm or Node'],
    [{ deviceName: 'my_device' }, '--device: "my_device" is not a valid device name: use PascalCase'],
    [{ deviceType: '0x1234' }, "--device-type: device type 0x1234 is in Microsoft's range: use a vendor number from 0x8000 to 0xFFFF"],
    [{ deviceType: '0x10000' }, '--device-type: device type 0x10000 is larger than 16 bits'],
    [{ deviceType: 'big' }, '--device-type: device type "big" is not a number'],
    [{ calls: 'GetVersion,get-state' }, '--calls: "get-state" is not a valid call name'],
    [{ channels: 'Status,Status' }, '--channels: channel Status is named twice'],
    [{ channels: 'Process' }, '--channels: channel Process is the process-notification channel'],
    [{ driver: 'umdf' }, '--driver: driver "umdf" is not a flavour this generator has: use kmdf (the default) or wdm'],
    [{ processNotify: false, calls: '' }, 'the device would have no call and no channel'],
    [{ deviceName: 'InvertedCall' }, 'the C prefix INVERTED_CALL is the protocol'],
  ])('%o is refused with exit code 2: %s', async (options, message) => {
    let cwd = '';
    const error = await generate({ yes: true, ...options }, { prepare: (folder) => (cwd = folder) }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(CreateError);
    expect((error as CreateError).exitCode).toBe(2);
    expect((error as CreateError).message).toContain(message);
    expect(filesUnder(cwd)).toEqual([]);
  });

  it('reports every problem at once', async () => {
    const error = (await generate({ yes: true, projectName: 'Bad Name', deviceType: '7', driver: 'x' }).catch((reason: unknown) => reason)) as CreateError;
    expect(error.message.split('\n')[0]).toBe('3 problems:');
  });
});

describe('a folder that is not empty', () => {
  const userFiles = {
    'README.md': '# my notes\n',
    'package.json': '{ "name": "mine" }\n',
    'driver/Handlers.c': '/* my handlers */\n',
    'binary.dat': Buffer.from([0xff, 0xfe, 0x00, 0x80]),
  };
  const putUserFiles = (folder: string) => {
    for (const [path, content] of Object.entries(userFiles)) {
      mkdirSync(join(folder, path, '..'), { recursive: true });
      writeFileSync(join(folder, path), content);
    }
  };

  it('is refused without --force (exit code 1), and nothing in it changes', async () => {
    let target = '';
    const error = await generate({ yes: true, projectName: 'taken' }, { prepare: (cwd) => putUserFiles((target = join(cwd, 'taken'))) }).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ exitCode: 1, message: expect.stringContaining('the folder taken is not empty (README.md, binary.dat, driver, package.json): create the project in a new folder') });
    expect(error).toMatchObject({ message: expect.stringContaining('or pass --force') });
    expect(filesUnder(target)).toEqual(['README.md', 'binary.dat', 'driver/Handlers.c', 'package.json']);
  });

  it('with --force gets the project, and every file the user had stays byte for byte', async () => {
    let target = '';
    const { project, generator } = await generate({ yes: true, projectName: 'taken', allowNonEmpty: true }, { prepare: (cwd) => putUserFiles((target = join(cwd, 'taken'))) });
    expect(project).toBe(target);
    for (const [path, content] of Object.entries(userFiles)) expect(readFileSync(join(project, path)), path).toEqual(Buffer.from(content));
    expect(generator.report.kept.sort()).toEqual(['README.md', 'driver/Handlers.c', 'package.json']);
    expect(filesUnder(project)).toEqual(expect.arrayContaining(['src/service.ts', 'driver/Queue.c', 'schema/taken.device.json']));
  });

  it('with --force counts a file identical to the project’s as unchanged, not as kept', async () => {
    const first = await generate({ yes: true, projectName: 'again' });
    const gitignore = readText(first.project, '.gitignore');
    const { generator } = await generate({ yes: true, projectName: 'again', allowNonEmpty: true }, { prepare: (cwd) => {
      mkdirSync(join(cwd, 'again'));
      writeFileSync(join(cwd, 'again', '.gitignore'), gitignore);
    } });
    expect(generator.report.unchanged).toEqual(['.gitignore']);
    expect(generator.report.kept).toEqual([]);
  });

  it('at a terminal, with --force, has yeoman’s conflicter ask about each file the user has', async () => {
    const all = { projectName: 'asked', deviceName: 'Asked', deviceType: '0x8001', processNotify: true, calls: 'GetVersion', channels: '', driver: 'kmdf' };
    const prepare = (cwd: string) => {
      mkdirSync(join(cwd, 'asked'));
      writeFileSync(join(cwd, 'asked', 'README.md'), '# mine\n');
    };
    // The user answers "skip": their file stays.
    const skipped = await generate({ interactive: true, allowNonEmpty: true, ...all }, { prepare, answers: { action: 'skip' }, environment: { force: false } });
    expect(skipped.asked).toEqual(['action']);
    expect(skipped.generator.report.asked).toEqual(['README.md']);
    expect(readText(skipped.project, 'README.md')).toBe('# mine\n');
    // The user answers "write": the project's README replaces theirs, because they said so.
    const written = await generate({ interactive: true, allowNonEmpty: true, ...all }, { prepare, answers: { action: 'write' }, environment: { force: false } });
    expect(readText(written.project, 'README.md')).toContain('# asked');
  });

  it('with --force stops before writing anything when a folder is where a file goes, or a file where a folder goes', async () => {
    let target = '';
    const prepare = (cwd: string) => {
      target = join(cwd, 'blocked');
      mkdirSync(join(target, 'README.md'), { recursive: true });
      writeFileSync(join(target, 'src'), 'a file named src\n');
    };
    const error = await generate({ yes: true, projectName: 'blocked', allowNonEmpty: true }, { prepare }).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ exitCode: 1, message: expect.stringMatching(/^(README\.md|src) is in the way of the project's/) });
    expect(filesUnder(target)).toEqual(['src']);
  });

  it('is fine when it holds only .git', async () => {
    const { project } = await generate({ yes: true, projectName: 'repo' }, { prepare: (cwd) => mkdirSync(join(cwd, 'repo', '.git'), { recursive: true }) });
    expect(filesUnder(project)).toContain('package.json');
  });
});
