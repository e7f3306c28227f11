/**
 * Reading a schema file: JSON or YAML, with syntax errors located by line and column and with
 * duplicate keys refused by path (JSON.parse would silently keep the last one).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { IssueList, joinPath } from './errors.js';
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
      issues.add('', `not valid JSON: ${(error as Error).message}`, 'fix the syntax at the position named (a trailing comma or a missing quote, usually)');
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
  return document.toJS({ maxAliasCount: 100 });
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
