// Valid schemas the tests start from: the process-monitor example (the base every invalid case
// mutates) and every codegen fixture, so the tests exercise the same documents users see.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSchemaText } from '../../src/load.js';

/** A parsed schema document, loose on purpose: invalid cases write values no input type allows. */
export type Doc = Record<string, any>;

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const BASE_SCHEMA_FILE = `${repoRoot}examples/process-monitor/schema/process-monitor.device.json`;
const FIXTURE_DIR = `${repoRoot}packages/codegen/test/fixtures/`;

const baseText = readFileSync(BASE_SCHEMA_FILE, 'utf8');
const baseDoc = parseSchemaText(baseText, 'process-monitor.device.json') as Doc;
// The base leaves the example's verdicts out: its verdict asks with the ProcessCreated struct, so a
// mistake in that struct or its enum would be reported twice (event and question), and its codes
// would change the free-code suggestions the call and channel cases check. Verdict cases start from
// support/verdict-doc.ts; the whole example, verdicts included, is still among validSchemaFiles().
delete baseDoc.verdicts;

/** A fresh deep clone of the process-monitor schema without its verdicts, safe to mutate. */
export function baseSchema(): Doc {
  return structuredClone(baseDoc);
}

/** Every valid schema file the repository ships, parsed (JSON and YAML alike). */
export function validSchemaFiles(): { file: string; doc: Doc }[] {
  const fixtures = readdirSync(FIXTURE_DIR)
    .filter((name) => /\.device\.(json|ya?ml)$/.test(name))
    .sort()
    .map((name) => `${FIXTURE_DIR}${name}`);
  return [BASE_SCHEMA_FILE, ...fixtures].map((file) => ({
    file,
    doc: parseSchemaText(readFileSync(file, 'utf8'), file.slice(file.lastIndexOf('/') + 1)) as Doc,
  }));
}
