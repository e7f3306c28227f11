/**
 * Reading a schema file: JSON or YAML, with syntax errors located by line and column and with
 * duplicate keys refused by path (JSON.parse would silently keep the last one).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { IssueList, SchemaError, joinPath } from './errors.js';
import type { DeviceModel } from './model.js';
import { validateDeviceSchema } from './validate.js';

export type SchemaFormat = 'json' | 'yaml';

export function formatOf(fileName: string): SchemaFormat {
  return /\.ya?ml$/i.test(fileName) ? 'yaml' : 'json';
}

/** Parses schema text into plain data; throws `SchemaError` for syntax errors and duplicate keys. */
export function parseSchemaText(text: string, source = 'schema.json', format: SchemaFormat = formatOf(source)): unknown {
  const issues = new IssueList();
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      issues.add('', `not valid JSON${jsonErrorLocation(text, message)}: ${message}`, 'fix the syntax at the position named (a trailing comma or a missing quote, usually)');
      issues.throwIfAny(source);
    }
  }
  const document = parseDocument(text, { uniqueKeys: false, prettyErrors: true, version: '1.2' });
  for (const error of document.errors) {
    const where = error.linePos?.[0] ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
    issues.add('', `not valid ${format.toUpperCase()}${where}: ${error.message.split('\n')[0]}`, 'fix the syntax at the position named');
  }
  issues.throwIfAny(source);
  findDuplicateKeys(document.contents as Node | null, '', issues);
  issues.throwIfAny(source);
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias to a missing anchor, or too many aliases, is only found while converting.
    throw new SchemaError([{ path: '', message: `not valid ${format.toUpperCase()}: ${(error as Error).message}`, fix: 'define each anchor (&name) before an alias (*name) uses it, and keep aliases under 100' }], source);
  }
}

/** " at line L, column C" for a JSON.parse error that names only a character position (Node 20 does). */
function jsonErrorLocation(text: string, message: string): string {
  const position = /at position (\d+)/.exec(message);
  if (!position || /\bline \d+/.test(message)) return '';
  const before = text.slice(0, Number(position[1]));
  return ` at line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}`;
}

function findDuplicateKeys(node: Node | null, path: string, issues: IssueList): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const childPath = joinPath(path, key);
      if (seen.has(key)) {
        issues.add(childPath, `"${key}" is defined twice`, 'keep one definition; names must be unique within their section');
      }
      seen.add(key);
      findDuplicateKeys(pair.value as Node | null, childPath, issues);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => findDuplicateKeys(item as Node | null, joinPath(path, index), issues));
  }
}

/** Reads, parses and validates a schema file. */
export function loadDeviceSchema(file: string): DeviceModel {
  const source = basename(file);
  const text = readFileSync(file, 'utf8');
  return validateDeviceSchema(parseSchemaText(text, source), { source });
}

/**
 * What a command-line tool should print when `loadDeviceSchema(file)` threw `error`: the list of
 * problems for an invalid schema, a plain sentence for a missing file; undefined for anything
 * else (a bug, to be rethrown).
 */
export function describeSchemaLoadError(error: unknown, file: string, program: string): string | undefined {
  if (error instanceof SchemaError) return error.message;
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return `${program}: schema file not found: ${file}`;
  return undefined;
}
