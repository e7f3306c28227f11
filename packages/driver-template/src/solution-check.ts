/**
 * Checks a Visual Studio solution (.sln, a line-based text format, not XML) against the one
 * project it must list: the project's path and ProjectGuid, and one solution configuration per
 * project configuration, each mapped to that configuration (ActiveCfg) and built (Build.0), so
 * that `msbuild <Name>.sln /p:Configuration=... /p:Platform=...` builds the driver.
 */

/** Visual Studio's type GUID of a solution folder, which is not a project. */
const SOLUTION_FOLDER_TYPE = '2150E333-8FDC-42A3-9474-1A3956D46DE8';

const PROJECT_LINE = /^Project\("\{([^}]+)\}"\)\s*=\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*"\{([^}]+)\}"/;

export interface SolutionCheckInput {
  solution: string;
  text: string;
  projectFile: string;
  /** The .vcxproj's ProjectGuid, with or without braces. */
  guid: string;
  /** The .vcxproj's ProjectConfiguration items, as `Configuration|Platform`. */
  configurations: readonly string[];
}

/** The `key = value` lines of one GlobalSection. */
function section(lines: readonly string[], name: string): [string, string][] {
  const start = lines.findIndex((line) => line.startsWith(`GlobalSection(${name})`));
  if (start < 0) return [];
  const end = lines.indexOf('EndGlobalSection', start);
  return lines.slice(start + 1, end < 0 ? undefined : end).map((line) => {
    const at = line.indexOf('=');
    return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
  });
}

const bare = (guid: string) => guid.replace(/[{}]/g, '').toUpperCase();

export function checkSolution({ solution, text, projectFile, guid, configurations }: SolutionCheckInput): string[] {
  const problems: string[] = [];
  const fresh = `or delete ${solution} and render again for a fresh one`;
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const projectGuid = bare(guid);
  const projects = lines.map((line) => PROJECT_LINE.exec(line)).filter((match) => match !== null && bare(match[1]!) !== SOLUTION_FOLDER_TYPE);
  const listed = projects.map((match) => `${match![3]} {${bare(match![4]!)}}`).join(', ');
  const own = projects.find((match) => match![3]!.replace(/\\/g, '/').toLowerCase() === projectFile.toLowerCase());
  if (projects.length !== 1 || !own) {
    problems.push(`${solution} must list exactly one project, ${projectFile}, but lists ${listed || 'none'}; list only ${projectFile}, ${fresh}`);
  }
  if (own && bare(own[4]!) !== projectGuid) {
    problems.push(`${solution} lists ${projectFile} as {${bare(own[4]!)}}, but its ProjectGuid is {${projectGuid}}; use {${projectGuid}} on its Project line and its configuration lines, ${fresh}`);
  }

  const solutionConfigurations = section(lines, 'SolutionConfigurationPlatforms').map(([name]) => name);
  const mappings = new Map(section(lines, 'ProjectConfigurationPlatforms').map(([key, value]) => [key.toUpperCase(), value]));
  for (const configuration of configurations) {
    if (!solutionConfigurations.includes(configuration)) {
      problems.push(`${solution} has no solution configuration ${configuration}, which ${projectFile} builds; add "${configuration} = ${configuration}" to SolutionConfigurationPlatforms with its ActiveCfg and Build.0 lines, ${fresh}`);
      continue;
    }
    const key = `{${projectGuid}}.${configuration}`.toUpperCase();
    const active = mappings.get(`${key}.ACTIVECFG`);
    if (active === undefined) problems.push(`${solution} does not say which configuration of ${projectFile} ${configuration} builds; add "{${projectGuid}}.${configuration}.ActiveCfg = ${configuration}", ${fresh}`);
    else if (active !== configuration) problems.push(`${solution} maps ${configuration} to ${projectFile}'s ${active}; map it to ${configuration}, ${fresh}`);
    if (!mappings.has(`${key}.BUILD.0`)) problems.push(`${solution} does not build ${projectFile} in ${configuration}; add "{${projectGuid}}.${configuration}.Build.0 = ${configuration}", ${fresh}`);
  }
  for (const configuration of solutionConfigurations) {
    if (!configurations.includes(configuration)) problems.push(`${solution} has the solution configuration ${configuration}, which ${projectFile} does not have; remove it, ${fresh}`);
  }
  return problems;
}
