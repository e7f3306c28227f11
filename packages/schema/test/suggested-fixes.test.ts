// A fix that names a value must name one that passes every check: each bad schema below is
// repaired by doing exactly what one option of its fix says, and must then validate cleanly.
// (Before this rule, batchBytes 100 got "use 104", which the record-size check then refused.)
import { describe, expect, it } from 'vitest';
import type { SchemaIssue } from '../src/errors.js';
import { validateDeviceSchema } from '../src/validate.js';
import { catchSchemaError } from './support/catch.js';
import { baseSchema, type Doc } from './support/schemas.js';

/** One edit of a fix option: set the value at a dotted path (as the validator writes paths). */
type Edit = [path: string, value: unknown];

/** Sets `value` at a path such as `channels.Process.capacity` or `structs.X.fields[1].name`. */
function setAt(doc: Doc, path: string, value: unknown): void {
  const keys = path.split(/\.|\[(\d+)\]/).filter((key) => key !== undefined && key !== '');
  let node = doc;
  for (const key of keys.slice(0, -1)) node = node[key] ??= {};
  node[keys.at(-1)!] = value;
}

/**
 * The options of a fix that name a value, each as the edits it asks for. An option without a value
 * ("make struct X smaller", "rename it") is for the author to judge and is left out.
 */
function valueOptions(issue: SchemaIssue): Edit[][] {
  const options: Edit[][] = [];
  for (const option of issue.fix.split(/, or |, (?=lower|make|raise)|; /)) {
    const edits: Edit[] = [];
    for (const match of option.matchAll(/(?:raise|lower|and) (\S+) to (?:at least )?(\d+)/g)) edits.push([match[1]!, Number(match[2])]);
    const written = /^write it as (\{.*\})/.exec(option);
    if (written) edits.push([issue.path, JSON.parse(written[1]!)]);
    const use = /^use (\d+)$/.exec(option);
    if (use) edits.push([issue.path, Number(use[1])]);
    const code = /(?:e\.g\.|next free one is) "(0x[0-9A-F]+)"/.exec(option);
    if (code) edits.push([issue.path.endsWith('.function') ? issue.path : 'device.cPrefix', code[1]!]);
    const prefix = /set device\.cPrefix to another prefix, e\.g\. "([A-Z0-9_]+)"/.exec(option);
    if (prefix) edits.push(['device.cPrefix', prefix[1]!]);
    const field = /^rename it, e\.g\. ([A-Za-z0-9]+)$/.exec(option);
    if (field) edits.push([issue.path, field[1]!]);
    if (edits.length) options.push(edits);
  }
  return options;
}

/** Every bad schema's issues must carry at least one valued fix, and each valued fix must repair it. */
function expectEveryValuedFixRepairs(mutate: (doc: Doc) => void): number {
  const doc = baseSchema();
  mutate(doc);
  const { issues } = catchSchemaError(() => validateDeviceSchema(doc));
  let tried = 0;
  for (const issue of issues) {
    const options = valueOptions(issue);
    expect(options.length, `${issue.path}: ${issue.fix}`).toBeGreaterThan(0);
    for (const edits of options) {
      // Every other issue is repaired by its own first option, so this option is judged alone.
      const repaired = structuredClone(doc);
      for (const other of issues) if (other !== issue) for (const [path, value] of valueOptions(other)[0]!) setAt(repaired, path, value);
      for (const [path, value] of edits) setAt(repaired, path, value);
      expect(() => validateDeviceSchema(repaired), `${issue.path}: ${JSON.stringify(edits)} from "${issue.fix}"`).not.toThrow();
      tried++;
    }
  }
  return tried;
}

const process = (doc: Doc): Doc => doc.channels.Process;

describe('every value a fix suggests passes every check', () => {
  it.each<[string, (doc: Doc) => void]>([
    ['batchBytes 100: not a multiple of 8 and too small for a 584-byte record', (doc) => void (process(doc).batchBytes = 100)],
    ['batchBytes 612: not a multiple of 8', (doc) => void (process(doc).batchBytes = 612)],
    ['batchBytes 16380: not a multiple of 8', (doc) => void (process(doc).batchBytes = 16380)],
    ['batchBytes 512: too small for the record', (doc) => void (process(doc).batchBytes = 512)],
    ['a duplicate function code', (doc) => void (doc.calls.Again = { function: '0x800', access: 'FILE_READ_ACCESS' })],
    ['three calls on one function code', (doc) => {
      doc.calls.Again = { function: '0x800', access: 'FILE_READ_ACCESS' };
      doc.calls.Third = { function: '0x800', access: 'FILE_READ_ACCESS' };
    }],
    ['a test-build function code', (doc) => void (process(doc).function = '0xFFD')],
    ['the protocol function code', (doc) => void (doc.calls.GetVersion.function = '0xFFF')],
    ['a missing function code', (doc) => void delete doc.calls.GetVersion.function],
    ['a ring over the per-subscription budget', (doc) => void (process(doc).capacity = 8192)],
    ['a ring over both budgets', (doc) => {
      process(doc).capacity = 8192;
      doc.device.limits = { maxRingBytes: 4_000_000 };
    }],
    ['a ring over maxRingBytes', (doc) => void (doc.device.limits = { maxRingBytes: 4096 })],
    ['limits that are not an object', (doc) => void (doc.device.limits = 5)],
    ['a field named NULL', (doc) => void (doc.structs.ProcessExited.fields[1].name = 'NULL')],
    ['a field named NULL beside nullValue', (doc) => void doc.structs.ProcessExited.fields.push({ name: 'NULL', type: 'u8' }, { name: 'nullValue', type: 'u8' })],
    ['a C prefix with a trailing underscore', (doc) => void (doc.device.cPrefix = 'STATUS_')],
    ['a C prefix with two underscores', (doc) => void (doc.device.cPrefix = 'A__B')],
    ['a device name whose prefix the template owns', (doc) => void (doc.device.name = 'Core')],
  ])('%s', (_name, mutate) => {
    expect(expectEveryValuedFixRepairs(mutate)).toBeGreaterThan(0);
  });

  it('every C prefix the rules refuse, and a few that fold into one', () => {
    const families = ['STATUS', 'ERROR', 'FILE', 'METHOD', 'IRP', 'IO', 'CORE', 'DEVICE', 'DRIVER', 'NOTIFY', 'QUEUE', 'INVERTED_CALL'];
    const prefixes = [...families, ...families.map((word) => `${word}_`), 'A__B', 'PM_', 'INVERTED__CALL', 'INVERTED_CALL_PM', 'INVERTED_CALL_STATUS', 'INVERTED_CALL_1'];
    for (const prefix of prefixes) expectEveryValuedFixRepairs((doc) => void (doc.device.cPrefix = prefix));
  });

  // Sweeps rather than single points, so a rounding slip at some value cannot hide.
  it('every batchBytes from 40 to 1000', () => {
    for (let batchBytes = 40; batchBytes <= 1000; batchBytes++) {
      const doc = baseSchema();
      process(doc).batchBytes = batchBytes;
      if (batchBytes >= 608 && batchBytes % 8 === 0) expect(() => validateDeviceSchema(doc)).not.toThrow();
      else expectEveryValuedFixRepairs((target) => void (process(target).batchBytes = batchBytes));
    }
  });

  it('capacities over the budget, records of several sizes', () => {
    for (const bytes of [8, 1000, 65536, 1 << 19]) {
      for (const capacity of [7183, 100_000, 1 << 20]) {
        const mutate = (doc: Doc) => {
          doc.structs.Sized = { fields: [{ name: 'data', type: `u8[${Math.min(bytes, 65536)}]` }] };
          if (bytes > 65536) doc.structs.Sized.fields.push({ name: 'more', type: `u8[${65536}]` }, ...Array.from({ length: bytes / 65536 - 2 }, (_, index) => ({ name: `part${index}`, type: 'u8[65536]' })));
          process(doc).events.Sized = { id: 3, struct: 'Sized' };
          process(doc).capacity = capacity;
          process(doc).batchBytes = 1 << 20;
        };
        const doc = baseSchema();
        mutate(doc);
        let refused = true;
        try {
          validateDeviceSchema(doc);
          refused = false;
        } catch {}
        if (refused) expectEveryValuedFixRepairs(mutate);
      }
    }
  });

  it('the payload limit a fix names ("make struct X at most N bytes") fits the largest batch, and N + 8 does not', () => {
    const withPayload = (bytes: number) => (doc: Doc) => {
      doc.structs.Huge = { fields: [...Array.from({ length: 15 }, (_, index) => ({ name: `part${index}`, type: 'u8[65536]' })), { name: 'rest', type: `u8[${bytes - 15 * 65536}]` }] };
      process(doc).events.Huge = { id: 3, struct: 'Huge' };
      process(doc).capacity = 4;
      process(doc).batchBytes = 1 << 20;
    };
    const refused = baseSchema();
    withPayload(1048536 + 8)(refused);
    const [issue] = catchSchemaError(() => validateDeviceSchema(refused)).issues;
    expect(issue!.fix).toContain('make struct Huge at most 1048536 bytes');
    const fits = baseSchema();
    withPayload(1048536)(fits);
    expect(() => validateDeviceSchema(fits)).not.toThrow();
  });

  it('the repair check itself fails on a fix whose value does not repair (negative control)', () => {
    const issue: SchemaIssue = { path: 'channels.Process.batchBytes', message: '', fix: 'use 104' };
    const doc = baseSchema();
    for (const [path, value] of valueOptions(issue)[0]!) setAt(doc, path, value);
    expect(() => validateDeviceSchema(doc)).toThrow(/does not fit a 104-byte batch buffer/);
  });
});
