// The schema hash is what the protocol call compares (rule R7): it must ignore what does not reach
// the wire (names, descriptions), so harmless edits keep a client and driver paired, and must change
// with anything that does, so a mismatched pair is refused instead of misreading bytes.
import { describe, expect, it } from 'vitest';
import { validateDeviceSchema } from '../src/validate.js';
import { baseSchema, type Doc } from './support/schemas.js';
import { addVerdict, verdict } from './support/verdict-doc.js';

const baseHash = validateDeviceSchema(baseSchema()).schemaHash;

function hashAfter(mutate: (doc: Doc) => void): string {
  const doc = baseSchema();
  mutate(doc);
  return validateDeviceSchema(doc).schemaHash;
}

describe('schemaHash', () => {
  it('is a SHA-256 in hex, the same for the same schema', () => {
    expect(baseHash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashAfter(() => {})).toBe(baseHash);
  });

  const unchanged: [string, (doc: Doc) => void][] = [
    ['a field renamed', (doc) => void (doc.structs.ProcessExited.fields[0].name = 'pid')],
    ['a field of a call output renamed', (doc) => void (doc.structs.DriverVersion.fields[3].name = 'buildFlags')],
    ['a field description edited', (doc) => void (doc.structs.ProcessCreated.fields[4].description = 'FILETIME units.')],
    ['a struct description removed', (doc) => void delete doc.structs.ProcessCreated.description],
    ['the device description edited', (doc) => void (doc.device.description = 'Something else.')],
    ['a channel and a call description edited', (doc) => {
      doc.channels.Process.description = 'Changed.';
      doc.calls.GetVersion.description = 'Changed.';
    }],
    ['an enum member renamed', (doc) => {
      const values = doc.enums.ImageNameState.values;
      values.Partial = values.Truncated;
      delete values.Truncated;
    }],
  ];
  for (const [name, mutate] of unchanged) {
    it(`stays the same when ${name}`, () => {
      expect(hashAfter(mutate)).toBe(baseHash);
    });
  }

  const changed: [string, (doc: Doc) => void][] = [
    ['a field type changes size', (doc) => void (doc.structs.ProcessExited.fields[1].type = 'i32')],
    // Same size and offset, other meaning: u64 read as i64 would misread large values.
    ['a field type changes signedness only', (doc) => void (doc.structs.ProcessExited.fields[0].type = 'i64')],
    ['a string gets longer', (doc) => void (doc.structs.ProcessCreated.fields[7].type = 'wchar[261]')],
    ['a field is added', (doc) => void doc.structs.ProcessExited.fields.push({ name: 'exitCode', type: 'i32' })],
    ['a struct gets another pack', (doc) => void (doc.structs.ProcessCreated.pack = 1)],
    ['a call function code changes', (doc) => void (doc.calls.GetVersion.function = '0x802')],
    ['a call access changes', (doc) => void (doc.calls.GetVersion.access = 'FILE_ANY_ACCESS')],
    ['a channel function code changes', (doc) => void (doc.channels.Process.function = '0x803')],
    ['the device type changes', (doc) => void (doc.device.deviceType = '0x8338')],
    ['an event id changes', (doc) => void (doc.channels.Process.events.Exited.id = 3)],
    ['an enum value changes', (doc) => void (doc.enums.ImageNameState.values.Unavailable = 3)],
  ];
  for (const [name, mutate] of changed) {
    it(`changes when ${name}`, () => {
      expect(hashAfter(mutate)).not.toBe(baseHash);
    });
  }
});

describe('schemaHash of verdicts', () => {
  const verdictHash = validateDeviceSchema(addVerdict(baseSchema())).schemaHash;
  const hashWith = (mutate: (doc: Doc) => void) => {
    const doc = addVerdict(baseSchema());
    mutate(doc);
    return validateDeviceSchema(doc).schemaHash;
  };

  it('changes when a verdict is added', () => {
    expect(verdictHash).not.toBe(baseHash);
  });

  it('stays the same when a verdict description is edited', () => {
    expect(hashWith((doc) => void (verdict(doc).description = 'Other words.'))).toBe(verdictHash);
  });

  const changed: [string, (doc: Doc) => void][] = [
    ['the verdict is renamed', (doc) => {
      doc.verdicts.Spawn = verdict(doc);
      delete doc.verdicts.ProcessCreate;
    }],
    ['the ask function changes', (doc) => void (verdict(doc).askFunction = '0x830')],
    ['the reply function changes', (doc) => void (verdict(doc).replyFunction = '0x831')],
    ['the access changes', (doc) => void (verdict(doc).access = 'FILE_READ_ACCESS')],
    ['the deadline changes', (doc) => void (verdict(doc).deadlineMs = 201)],
    ['maxPending changes', (doc) => void (verdict(doc).maxPending = 63)],
    ['the default answer changes', (doc) => void (verdict(doc).defaultAnswer = { Allow: 0 })],
    ['the answer struct grows', (doc) => void doc.structs.ProcessCreateAnswer.fields.push({ name: 'extra', type: 'u8' })],
    ['the question struct changes', (doc) => void (doc.structs.ProcessCreateQuestion.fields[7].type = 'wchar[100]')],
  ];
  for (const [name, mutate] of changed) {
    it(`changes when ${name}`, () => {
      expect(hashWith(mutate)).not.toBe(verdictHash);
    });
  }
});
