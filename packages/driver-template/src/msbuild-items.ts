/**
 * Reading MSBuild files as XML (a real parse, so a comment or a stray attribute cannot fool the
 * check) and collecting the C sources a project compiles: its own ClCompile items and those of
 * every file it imports from its own folder (the generated `.sources.props`), following imports
 * of imports. Imports through MSBuild properties (`$(VCTargetsPath)\...`) are the toolset's and
 * hold no sources of the driver. Conditions are not evaluated: every item counts, in every
 * configuration, which is how the rendered project has them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { DOMParser, onErrorStopParsing, type Document, type Element } from '@xmldom/xmldom';

/**
 * Parses an XML file; a file that is not well-formed XML is an error naming it. A leading byte
 * order mark, which Visual Studio and NuGet write when they save these files, is not content.
 */
export function readXmlFile(path: string): Document {
  try {
    return new DOMParser({ onError: onErrorStopParsing }).parseFromString(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), 'text/xml');
  } catch (error) {
    throw new Error(`${basename(path)} is not well-formed XML (${(error as Error).message.split('\n')[0]})`);
  }
}

/** Every element below `root` with this local name (namespace aside: MSBuild files may or may not declare theirs). */
export function elementsNamed(root: Document | Element, localName: string): Element[] {
  return Array.from(root.getElementsByTagName('*')).filter((element) => element.localName === localName);
}

/** The text of the first element with this local name, trimmed; undefined if there is none. */
export function firstText(root: Document | Element, localName: string): string | undefined {
  return elementsNamed(root, localName)[0]?.textContent?.trim();
}

export interface CompiledSource {
  /** Relative to the project's folder, with forward slashes. */
  path: string;
  /** The file whose ClCompile item names it. */
  from: string;
}

/** A path as an MSBuild item or import spells it, relative to the project's folder, with forward slashes. */
function itemPath(value: string): string {
  return value.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/** The ClCompile items `projectPath` builds, with the problems met on the way (a missing import, an item the check cannot read). */
export function compiledSources(projectPath: string): { sources: CompiledSource[]; problems: string[] } {
  const folder = dirname(projectPath);
  const sources: CompiledSource[] = [];
  const problems: string[] = [];
  const visited = new Set<string>();
  // An item's Include adds sources and its Remove takes back those added before it.
  const compile = (name: string, item: Element): void => {
    for (const attribute of ['Include', 'Remove'] as const) {
      const value = item.getAttribute(attribute) ?? '';
      for (const entry of value.split(';').map(itemPath).filter((entry) => entry !== '')) {
        if (/[*?]|\$\(|@\(/.test(entry)) {
          problems.push(`${name}: <ClCompile ${attribute}="${value}"> uses a wildcard or a property, so the check cannot tell which files it compiles; name each source`);
        } else if (attribute === 'Include') {
          sources.push({ path: entry, from: name });
        } else {
          for (let at = sources.findIndex((source) => source.path === entry); at >= 0; at = sources.findIndex((source) => source.path === entry)) sources.splice(at, 1);
        }
      }
    }
  };
  const importFile = (path: string, name: string, project: string): void => {
    if (project.includes('$(')) return;
    const target = join(dirname(path), itemPath(project));
    if (existsSync(target)) visit(target);
    else problems.push(`${name}: imports ${project}, which is not in ${basename(folder)}; render again if it is the generated source list, or remove the Import`);
  };
  const visit = (path: string): void => {
    if (visited.has(path)) return;
    visited.add(path);
    const name = relative(folder, path).replace(/\\/g, '/');
    let document: Document;
    try {
      document = readXmlFile(path);
    } catch (error) {
      problems.push(`${(error as Error).message}; fix it, or render again if render wrote it`);
      return;
    }
    // In document order, as MSBuild evaluates them: an Import brings its items in where it stands.
    for (const element of Array.from(document.getElementsByTagName('*'))) {
      if (element.localName === 'Import') importFile(path, name, element.getAttribute('Project') ?? '');
      else if (element.localName === 'ClCompile' && (element.parentNode as Element | null)?.localName === 'ItemGroup') compile(name, element);
      // A ClCompile under an ItemDefinitionGroup holds the compiler's settings, not a source.
    }
  };
  visit(projectPath);
  return { sources, problems };
}
