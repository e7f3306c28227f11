/**
 * `checkWindowsBuildFiles(driverFolder)`: what can be proven on Linux about a rendered folder's
 * Windows build without MSBuild. The .sln lists exactly the folder's .vcxproj under its
 * ProjectGuid, with the project's configurations, each built; the project compiles every C
 * source render made for the WDK build (RENDERED.json) and no file that is missing or kept out of
 * that build; packages.config pins exactly WDK_NUGET_PACKAGES and Directory.Build.props imports
 * exactly those packages, each only once restored. Each problem names the file and the fix.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { compiledSources, elementsNamed, firstText, readXmlFile } from './msbuild-items.js';
import { isWdkBuildSource } from './render-common.js';
import { RENDER_RECORD_FILE, readRenderRecord } from './render-record.js';
import { checkSolution } from './solution-check.js';
import { WDK_NUGET_PACKAGES, wdkPackageImportCondition, type WdkNugetPackage } from './wdk-packages.js';
import { DIRECTORY_BUILD_PROPS_FILE, PACKAGES_CONFIG_FILE, solutionFile } from './windows-build-files.js';

const RENDER_AGAIN = 'render again (inverted-call-driver render <schema> --out <driver folder>), which rewrites it';

export function checkWindowsBuildFiles(driverFolder: string): string[] {
  const projects = readdirSync(driverFolder).filter((name) => name.endsWith('.vcxproj'));
  if (projects.length !== 1) {
    return [`${driverFolder} has ${projects.length === 0 ? 'no .vcxproj' : `${projects.length} .vcxproj files (${projects.join(', ')})`}; a rendered driver folder has exactly one: render it, or move the others out`];
  }
  const projectFile = projects[0]!;
  const driverName = basename(projectFile, '.vcxproj');
  let project;
  try {
    project = readXmlFile(join(driverFolder, projectFile));
  } catch (error) {
    return [`${(error as Error).message}; fix it, or delete it and render again for a fresh one`];
  }
  const guid = firstText(project, 'ProjectGuid');
  const configurations = elementsNamed(project, 'ProjectConfiguration').map((element) => element.getAttribute('Include') ?? '');
  const problems: string[] = [];
  if (!guid) problems.push(`${projectFile} has no <ProjectGuid>; restore the Globals PropertyGroup, or delete it and render again`);
  const solution = solutionFile(driverName);
  if (!existsSync(join(driverFolder, solution))) {
    problems.push(`${solution} is missing beside ${projectFile}; render again, which writes it when it does not exist`);
  } else if (guid) {
    problems.push(...checkSolution({ solution, text: readFileSync(join(driverFolder, solution), 'utf8'), projectFile, guid, configurations }));
  }
  problems.push(...checkSources(driverFolder, projectFile), ...checkPackagesConfig(driverFolder), ...checkBuildProps(driverFolder));
  return problems;
}

/** The project compiles each rendered WDK source once, and nothing missing or kept out of the WDK build. */
function checkSources(driverFolder: string, projectFile: string): string[] {
  const record = readRenderRecord(driverFolder);
  if (!record) return [`${driverFolder} has no ${RENDER_RECORD_FILE}, so the check cannot tell which sources render made; render the folder`];
  const { sources, problems } = compiledSources(join(driverFolder, projectFile));
  const rendered = new Set(record.files.map((file) => file.path));
  const expected = [...rendered].filter(isWdkBuildSource);
  const compiled = new Map<string, string[]>();
  for (const { path, from } of sources) compiled.set(path, [...(compiled.get(path) ?? []), from]);
  for (const path of expected) {
    if (!compiled.has(path)) problems.push(`${projectFile} does not compile ${path}, which render made for the WDK build; it belongs in the generated source list the project imports: restore that Import, or render again`);
  }
  for (const [path, from] of compiled) {
    if (from.length > 1) problems.push(`${path} is compiled ${from.length} times (ClCompile items in ${[...new Set(from)].join(' and ')}); keep one`);
    if (expected.includes(path)) continue;
    if (rendered.has(path)) problems.push(`${from[0]} compiles ${path}, which render keeps out of the WDK build; remove that ClCompile item`);
    else if (!existsSync(join(driverFolder, path))) problems.push(`${from[0]} compiles ${path}, which is not in the folder; remove that ClCompile item or add the file`);
    // Otherwise it is a source of the user's own, which the project invites them to add.
  }
  return problems;
}

/** `pins` against WDK_NUGET_PACKAGES, by id (NuGet ids ignore case): every package, each once, at the kit's version. */
function comparePins(file: string, pins: readonly WdkNugetPackage[], what: string): string[] {
  const problems: string[] = [];
  const byId = new Map<string, WdkNugetPackage[]>();
  for (const pin of pins) byId.set(pin.id.toLowerCase(), [...(byId.get(pin.id.toLowerCase()) ?? []), pin]);
  for (const pkg of WDK_NUGET_PACKAGES) {
    const found = byId.get(pkg.id.toLowerCase()) ?? [];
    byId.delete(pkg.id.toLowerCase());
    if (found.length === 0) problems.push(`${file} ${what} no ${pkg.id}; the kit pins ${pkg.id} ${pkg.version}: ${RENDER_AGAIN}`);
    else if (found.length > 1) problems.push(`${file} ${what} ${pkg.id} ${found.length} times; ${RENDER_AGAIN}`);
    else if (found[0]!.version !== pkg.version) problems.push(`${file} ${what} ${pkg.id} ${found[0]!.version}, but the kit pins ${pkg.version}; ${RENDER_AGAIN}`);
  }
  for (const [, [extra]] of byId) problems.push(`${file} ${what} ${extra!.id}, which the kit does not pin; ${RENDER_AGAIN}`);
  return problems;
}

function checkPackagesConfig(driverFolder: string): string[] {
  const path = join(driverFolder, PACKAGES_CONFIG_FILE);
  if (!existsSync(path)) return [`${PACKAGES_CONFIG_FILE} is missing; ${RENDER_AGAIN}`];
  try {
    const pins = elementsNamed(readXmlFile(path), 'package').map((element) => ({ id: element.getAttribute('id') ?? '', version: element.getAttribute('version') ?? '' }));
    return comparePins(PACKAGES_CONFIG_FILE, pins, 'pins');
  } catch (error) {
    return [`${(error as Error).message}; ${RENDER_AGAIN}`];
  }
}

/** An import of a restored package's props: `$(MSBuildThisFileDirectory)packages\<id>.<version>\build\native\<id>.props`. */
const PACKAGE_PROPS = /^\$\(MSBuildThisFileDirectory\)packages\\(.+)\\build\\native\\(.+)\.props$/;

function checkBuildProps(driverFolder: string): string[] {
  const path = join(driverFolder, DIRECTORY_BUILD_PROPS_FILE);
  if (!existsSync(path)) return [`${DIRECTORY_BUILD_PROPS_FILE} is missing; ${RENDER_AGAIN}`];
  const problems: string[] = [];
  const imported: WdkNugetPackage[] = [];
  try {
    for (const element of elementsNamed(readXmlFile(path), 'Import')) {
      const project = element.getAttribute('Project') ?? '';
      const match = PACKAGE_PROPS.exec(project);
      const id = match?.[2] ?? '';
      if (!match || !match[1]!.toLowerCase().startsWith(`${id.toLowerCase()}.`)) {
        problems.push(`${DIRECTORY_BUILD_PROPS_FILE} imports ${project}, which is not a restored package's props; ${RENDER_AGAIN}`);
        continue;
      }
      const pkg = { id, version: match[1]!.slice(id.length + 1) };
      imported.push(pkg);
      const condition = element.getAttribute('Condition') ?? '';
      if (condition !== wdkPackageImportCondition(pkg)) problems.push(`${DIRECTORY_BUILD_PROPS_FILE} imports ${id} under the condition "${condition}", not only once restored and for its platform ("${wdkPackageImportCondition(pkg)}"); ${RENDER_AGAIN}`);
    }
  } catch (error) {
    return [`${(error as Error).message}; ${RENDER_AGAIN}`];
  }
  return [...comparePins(DIRECTORY_BUILD_PROPS_FILE, imported, 'imports'), ...problems];
}
