/**
 * The files of a project that are made by code rather than from a template: the schema, what the
 * kit generates from it (the TypeScript module through codegen, the driver through the driver
 * template, with the same functions the project's `generate` script runs, so its `check` passes
 * from the first commit), and package.json, whose versions all come from the manifest.
 */
import { join } from 'node:path';
import { renderOutputs } from '@inverted-call/codegen';
import { WINDOWS_SCRIPTS_FOLDER, renderKmdfDriver, renderWdmDriver, windowsScriptFiles } from '@inverted-call/driver-template';
import { SchemaError, kebabCase, validateDeviceSchema, type DeviceModel } from '@inverted-call/schema';
import type { ProjectAnswers } from './answers.js';
import { CreateError } from './errors.js';
import { formatJson } from './json-format.js';
import { schemaOf } from './schema-of.js';
import { versionOf, type VersionManifest } from './versions.js';

export interface ProjectFile {
  /** Relative to the project folder, with forward slashes. */
  path: string;
  content: string;
}

/** Where things are in a project, relative to its folder. */
export interface ProjectLayout {
  schemaFile: string;
  tsModule: string;
  driverFolder: string;
  /** The kebab-case device name files are named after. */
  stem: string;
}

export function layoutOf(answers: ProjectAnswers): ProjectLayout {
  const stem = kebabCase(answers.deviceName);
  return { stem, schemaFile: `schema/${stem}.device.json`, tsModule: `src/generated/${stem}.ts`, driverFolder: 'driver' };
}

/** The model of the project's schema; a schema the kit refuses is reported as bad input (exit 2). */
export function modelOf(answers: ProjectAnswers, layout: ProjectLayout): DeviceModel {
  try {
    return validateDeviceSchema(schemaOf(answers), { source: layout.schemaFile });
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    const issues = error.issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}\n    fix: ${issue.fix}`).join('\n');
    throw new CreateError(`these answers make a device schema the kit refuses:\n${issues}\nChange the device, call or channel names accordingly.`, 2);
  }
}

/** Schema, generated TypeScript module, the rendered driver folder and the kit's Windows scripts. */
export function schemaAndGeneratedFiles(answers: ProjectAnswers, layout: ProjectLayout, model: DeviceModel, projectRoot: string): ProjectFile[] {
  const schemaText = formatJson(schemaOf(answers));
  // renderOutputs only needs the paths to name the schema relative to each output.
  const [tsModule] = renderOutputs(join(projectRoot, layout.schemaFile), model, { ts: join(projectRoot, layout.tsModule) });
  const render = answers.driver === 'wdm' ? renderWdmDriver : renderKmdfDriver;
  const driver = render(model, { schemaPath: `../${layout.schemaFile}` });
  return [
    { path: layout.schemaFile, content: schemaText },
    { path: layout.tsModule, content: tsModule!.content },
    ...driver.map((file) => ({ path: `${layout.driverFolder}/${file.path}`, content: file.content })),
    // Build, test-sign, install and uninstall the driver on Windows; `generate` refreshes them.
    ...windowsScriptFiles().map((file) => ({ path: `${WINDOWS_SCRIPTS_FOLDER}/${file.path}`, content: file.content })),
  ];
}

/** The project's scripts: the same commands its README and CI name. */
export function scriptsOf(_answers: ProjectAnswers, layout: ProjectLayout): Record<string, string> {
  const codegen = `inverted-call-codegen ${layout.schemaFile} --ts ${layout.tsModule}`;
  // No --flavour: the driver folder's RENDERED.json, written with the first render below,
  // records it, and render keeps it (a different flavour needs --switch-flavour).
  const driver = `inverted-call-driver render ${layout.schemaFile} --out ${layout.driverFolder}`;
  // The kit's PowerShell scripts (the same in every project): a kit upgrade plus `generate` refreshes them.
  const windowsScripts = `inverted-call-driver scripts --out ${WINDOWS_SCRIPTS_FOLDER}`;
  const build = 'tsc -p tsconfig.build.json';
  // The Windows service (src/windows-service.ts): each builds first; on Windows, from an elevated prompt.
  const service = (command: string) => `${build} && node dist/windows-service.js ${command}`;
  return {
    generate: `${codegen} && ${driver} && ${windowsScripts}`,
    check: `${codegen} --check && ${driver} --check && ${windowsScripts} --check`,
    typecheck: 'tsc --noEmit',
    test: 'vitest run',
    build,
    start: `${build} && node dist/main.js`,
    'driver:check': `inverted-call-driver check ${layout.driverFolder}`,
    // The same tests (device conformance included) against the driver itself, built for Wine.
    'test:driver': `inverted-call-wine test ${layout.schemaFile} --driver ${layout.driverFolder} -- vitest run`,
    'service:install': service('install'),
    'service:uninstall': service('uninstall'),
    'service:start': service('start'),
    'service:stop': service('stop'),
  };
}

export function packageJsonOf(answers: ProjectAnswers, layout: ProjectLayout, versions: VersionManifest): ProjectFile {
  const kit = (name: string) => `^${versionOf(versions, name)}`;
  const exact = (name: string) => versionOf(versions, name);
  const manifest = {
    name: answers.projectName,
    version: '0.1.0',
    private: true,
    description: `${answers.deviceName}: an inverted-call driver and its TypeScript service`,
    type: 'module',
    engines: { node: versions.node.engines },
    scripts: scriptsOf(answers, layout),
    dependencies: {
      '@inverted-call/client': kit('@inverted-call/client'),
      '@inverted-call/codec': kit('@inverted-call/codec'),
    },
    // The Win32 backend: what the service uses on Windows. Optional, so installing elsewhere
    // (CI on Linux, a Mac) never depends on its native part.
    optionalDependencies: {
      '@inverted-call/win32': kit('@inverted-call/win32'),
    },
    devDependencies: {
      '@inverted-call/codegen': kit('@inverted-call/codegen'),
      '@inverted-call/conformance': kit('@inverted-call/conformance'),
      '@inverted-call/driver-template': kit('@inverted-call/driver-template'),
      '@inverted-call/schema': kit('@inverted-call/schema'),
      '@inverted-call/simulator': kit('@inverted-call/simulator'),
      '@inverted-call/wine-bed': kit('@inverted-call/wine-bed'),
      '@types/node': exact('@types/node'),
      typescript: exact('typescript'),
      vitest: exact('vitest'),
    },
  };
  return { path: 'package.json', content: `${JSON.stringify(manifest, null, 2)}\n` };
}
