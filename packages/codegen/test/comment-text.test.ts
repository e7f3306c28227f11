// Description text is user input; in a generated C header or TS module it sits inside comments.
// A description that closes the comment must not turn its tail into code in either output, and
// the driver template uses the same sanitizer (exported from the package) for its sources.
import { validateDeviceSchema } from '@inverted-call/schema';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { emitCHeader, emitTsModule, sanitizeComment } from '../src/index.js';

/** Closes the comment, declares something in both languages, and reopens a comment. */
const HOSTILE = 'ends here */ int injected; export const injected = 1; /*\nsecond line';

const model = validateDeviceSchema({
  device: { name: 'Hostile', deviceType: 32768 },
  enums: { Mode: { type: 'u8', description: HOSTILE, values: { Off: 0, On: 1 } } },
  structs: {
    Request: { description: HOSTILE, fields: [{ name: 'value', type: 'u32', description: HOSTILE }, { name: 'mode', type: 'Mode' }] },
  },
  calls: { Apply: { function: 2048, access: 'FILE_WRITE_ACCESS', input: 'Request', description: HOSTILE } },
});
const info = { schemaPath: 'hostile.device.json', schemaHash: model.schemaHash };

/** C source with its block and line comments removed: what a compiler reads as code. */
function cCode(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, '');
}

/** Top-level TS declarations named `name`, found by the TypeScript parser. */
function tsDeclarationsNamed(source: string, name: string): number {
  const file = ts.createSourceFile('module.ts', source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  return file.statements.filter((statement) => ts.isVariableStatement(statement) && statement.declarationList.declarations.some((declaration) => declaration.name.getText(file) === name)).length;
}

describe('description text inside generated comments', () => {
  it('sanitizeComment breaks a comment terminator and joins lines', () => {
    expect(sanitizeComment('a */ b\r\nc\n\nd')).toBe('a * / b c d');
    expect(sanitizeComment('plain text')).toBe('plain text');
  });

  it('the C header keeps every description inside its comment', () => {
    const header = emitCHeader(model, info);
    expect(header).toContain('ends here * / int injected;');
    expect(cCode(header)).not.toContain('injected');
  });

  it('the TS module keeps every description inside its comment', () => {
    const module = emitTsModule(model, info);
    expect(module).toContain('ends here * / int injected;');
    expect(tsDeclarationsNamed(module, 'injected')).toBe(0);
  });

  it('negative control: both checks see the code an unsanitized description injects', () => {
    expect(cCode(`/* ${HOSTILE} */\n`)).toContain('injected');
    expect(tsDeclarationsNamed(`/** ${HOSTILE} */\n`, 'injected')).toBe(1);
  });
});
