// Every invalid schema must be refused with one issue at the exact path of the mistake and a fix
// that names the way out, because the path and fix are all a schema author sees.
import { describe, expect, it } from 'vitest';
import { parseSchemaText } from '../src/load.js';
import { validateDeviceSchema } from '../src/validate.js';
import { catchSchemaError } from './support/catch.js';
import { invalidCases, type InvalidCase } from './support/invalid-cases.js';
import { baseSchema } from './support/schemas.js';

/** Parses (for text cases) and validates one case, as `loadDeviceSchema` would. */
function run(testCase: InvalidCase): void {
  const source = testCase.source ?? 'case.device.json';
  if (testCase.text) {
    validateDeviceSchema(parseSchemaText(testCase.text(), source), { source });
    return;
  }
  const doc = baseSchema();
  testCase.mutate!(doc);
  validateDeviceSchema(doc, { source });
}

describe('invalid schemas', () => {
  it('the base schema is valid, so each case fails for its own mutation only', () => {
    expect(() => validateDeviceSchema(baseSchema())).not.toThrow();
  });

  it('has at least 35 distinct cases', () => {
    expect(invalidCases.length).toBeGreaterThanOrEqual(35);
    expect(new Set(invalidCases.map((testCase) => testCase.name)).size).toBe(invalidCases.length);
  });

  for (const testCase of invalidCases) {
    it(`${testCase.name} -> ${testCase.path || '(document)'}`, () => {
      const { issues } = catchSchemaError(() => run(testCase));
      // Exactly one issue: a second would be a duplicate report or a cascade from the first.
      expect(issues.map((issue) => issue.path)).toEqual([testCase.path]);
      const issue = issues[0]!;
      expect(issue.fix.trim()).not.toBe('');
      expect(issue.fix).toContain(testCase.fix);
      if (testCase.message !== undefined) expect(issue.message).toContain(testCase.message);
    });
  }
});

describe('device limits', () => {
  it('take their documented defaults when left out, and each given one alone', () => {
    const defaults = { maxSubscriptions: 256, maxParkedPerHandle: 64, maxRingBytes: 64 * 1024 * 1024, maxRingBytesPerSubscription: 4 * 1024 * 1024 };
    expect(validateDeviceSchema(baseSchema()).limits).toEqual(defaults);
    const doc = baseSchema();
    doc.device.limits = { maxParkedPerHandle: '0x10' };
    expect(validateDeviceSchema(doc).limits).toEqual({ ...defaults, maxParkedPerHandle: 16 });
  });

  it('do not change the schema hash: they decide no byte on the wire', () => {
    const doc = baseSchema();
    doc.device.limits = { maxSubscriptions: 3 };
    expect(validateDeviceSchema(doc).schemaHash).toBe(validateDeviceSchema(baseSchema()).schemaHash);
  });
});

describe('METHOD_IN_DIRECT calls', () => {
  it('are valid with an input and no output: the driver only reads the second buffer', () => {
    const doc = baseSchema();
    doc.structs.Probe = { fields: [{ name: 'value', type: 'u32' }] };
    doc.calls.Configure = { function: '0x9F0', method: 'METHOD_IN_DIRECT', access: 'FILE_WRITE_ACCESS', input: 'Probe' };
    expect(() => validateDeviceSchema(doc)).not.toThrow();
  });
});

describe('messages that carry the reason', () => {
  it('a pointer-sized type names the x64/x86 difference and WOW64', () => {
    const doc = baseSchema();
    doc.structs.Probe = { fields: [{ name: 'handle', type: 'HANDLE' }] };
    const [issue] = catchSchemaError(() => validateDeviceSchema(doc)).issues;
    expect(issue!.message).toMatch(/x64.*x86.*WOW64/);
  });

  it('a JSON syntax error names line and column, whatever the Node version prints', () => {
    const text = '{\n  "device": {\n    "name": "X",\n  }\n}';
    const [issue] = catchSchemaError(() => parseSchemaText(text, 'broken.json')).issues;
    expect(issue!.path).toBe('');
    // The stray comma ends line 3; the parser stops at the "}" that follows, at line 4, column 3.
    expect(issue!.message).toMatch(/line 4,? column 3/);
  });

  it('a YAML syntax error names line and column', () => {
    const [issue] = catchSchemaError(() => parseSchemaText('device: [1, 2', 'broken.yaml')).issues;
    expect(issue!.path).toBe('');
    expect(issue!.message).toMatch(/^not valid YAML at line 1, column \d+/);
  });
});

describe('error reporting', () => {
  it('reports every problem of a schema at once, in document order', () => {
    const doc = baseSchema();
    doc.pack = 3;
    doc.structs.ProcessExited.fields[0].type = 'SIZE_T';
    doc.calls.GetVersion.access = 'FILE_READ';
    doc.channels.Process.events.Exited.id = 1;
    const error = catchSchemaError(() => validateDeviceSchema(doc, { source: 'several.device.json' }));
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'pack',
      'structs.ProcessExited.fields[0].type',
      'calls.GetVersion.access',
      'channels.Process.events.Exited.id',
    ]);
    // The message lists them all under the file name, so a CLI can print it as is.
    expect(error.source).toBe('several.device.json');
    expect(error.message).toContain('several.device.json: invalid device schema, 4 problems');
    for (const issue of error.issues) expect(error.message).toContain(`${issue.path}: ${issue.message}`);
  });

  it('reports a reserved function code even when the same call also lacks its access', () => {
    const doc = baseSchema();
    doc.calls.GetVersion.function = '0xFFF';
    delete doc.calls.GetVersion.access;
    const { issues } = catchSchemaError(() => validateDeviceSchema(doc));
    expect(issues.map((issue) => issue.path)).toEqual(['calls.GetVersion.access', 'calls.GetVersion.function']);
  });

  it('reports every duplicate key of a text at once', () => {
    const text = '{"device": {"name": "A", "name": "B", "deviceType": "0x8000"}, "pack": 8, "pack": 4}';
    const { issues } = catchSchemaError(() => parseSchemaText(text, 'dups.json'));
    expect(issues.map((issue) => issue.path)).toEqual(['device.name', 'pack']);
  });
});
