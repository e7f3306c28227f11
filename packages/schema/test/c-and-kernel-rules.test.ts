// The rules that keep a schema from breaking C or the kernel, each with its exact message and fix,
// and a schema just inside each rule that passes, so a rule that refuses too much fails here too.
import { describe, expect, it } from 'vitest';
import { reservedCIdentifierReason, reservedCPrefixReason } from '../src/c-identifiers.js';
import { validateDeviceSchema } from '../src/validate.js';
import { catchSchemaError } from './support/catch.js';
import { baseSchema, type Doc } from './support/schemas.js';

/** The one issue a mutated base schema has, as [path, message, fix]. */
function onlyIssue(mutate: (doc: Doc) => void): [string, string, string] {
  const doc = baseSchema();
  mutate(doc);
  const { issues } = catchSchemaError(() => validateDeviceSchema(doc));
  expect(issues).toHaveLength(1);
  return [issues[0]!.path, issues[0]!.message, issues[0]!.fix];
}

function passes(mutate: (doc: Doc) => void): void {
  const doc = baseSchema();
  mutate(doc);
  expect(() => validateDeviceSchema(doc)).not.toThrow();
}

const setField = (name: string) => (doc: Doc) => void (doc.structs.ProcessExited.fields[1].name = name);
const FIELD = 'structs.ProcessExited.fields[1].name';

describe('names that C or the Windows headers already own', () => {
  it('a field named like a Windows macro', () => {
    expect(onlyIssue(setField('NULL'))).toEqual([
      FIELD,
      'field name "NULL" is the C member NULL, which cannot be used: NULL is a macro of the Windows headers included before the generated header',
      'rename it, e.g. nullValue',
    ]);
  });

  it('a field whose C spelling (first letter capitalised) is a Windows type', () => {
    expect(onlyIssue(setField('pVOID'))).toEqual([
      FIELD,
      'field name "pVOID" is the C member PVOID, which cannot be used: PVOID is a type of the Windows headers, and in C++ a member of that name hides the type',
      'rename it, e.g. pvoidValue',
    ]);
  });

  it.each(['NULL', 'IN', 'OUT', 'OPTIONAL', 'TRUE', 'FALSE', 'VOID', 'CONST', 'BOOLEAN', 'PVOID', 'ULONG', 'UCHAR', 'NTSTATUS', 'UINT64', 'INT32', 'GUID', 'WCHAR', 'MAXULONG'])(
    'field %s is refused',
    (name) => {
      const [path, message] = onlyIssue(setField(name));
      expect(path).toBe(FIELD);
      expect(message).toContain(`the C member ${name}, which cannot be used`);
    },
  );

  it('the suggested name skips one the struct already has', () => {
    const [, , fix] = onlyIssue((doc) => doc.structs.ProcessExited.fields.push({ name: 'NULL', type: 'u8' }, { name: 'NullValue', type: 'u8' }));
    expect(fix).toBe('rename it, e.g. nullValue2');
  });

  it('boundary: the same words in other case reach C as Null, In, Pvoid and pass', () => {
    for (const name of ['null', 'in', 'pvoid', 'isNull', 'ulongValue', 'optionalFlags']) passes(setField(name));
  });

  it('a generated name that is a Windows macro (prefix MAX + struct Path = MAX_PATH)', () => {
    expect(
      onlyIssue((doc) => {
        doc.device.cPrefix = 'MAX';
        doc.structs.Path = { fields: [{ name: 'value', type: 'u32' }] };
      }),
    ).toEqual(['structs.Path', 'its C name MAX_PATH cannot be used: MAX_PATH is a macro of the Windows headers included before the generated header', 'rename it (or set device.cPrefix)']);
  });

  it('UNREFERENCED_PARAMETER as a generated name', () => {
    const [path, message] = onlyIssue((doc) => {
      doc.device.cPrefix = 'UNREFERENCED';
      doc.structs.Parameter = { fields: [{ name: 'value', type: 'u32' }] };
    });
    expect([path, message]).toEqual(['structs.Parameter', 'its C name UNREFERENCED_PARAMETER cannot be used: UNREFERENCED_PARAMETER is a macro of the Windows headers included before the generated header']);
  });

  it('a C prefix with two underscores in a row, or a trailing one', () => {
    expect(onlyIssue((doc) => void (doc.device.cPrefix = 'PROC__MON'))).toEqual([
      'device.cPrefix',
      'the C prefix PROC__MON puts two underscores in a row into generated names (PROC__MON_DEVICE_NAME), which C and C++ reserve for the compiler',
      'set device.cPrefix to another prefix, e.g. "PROC_MON"',
    ]);
    expect(onlyIssue((doc) => void (doc.device.cPrefix = 'PROCMON_'))[2]).toBe('set device.cPrefix to another prefix, e.g. "PROCMON"');
    // Folding STATUS_ gives STATUS, which is taken too, so the suggestion moves on.
    expect(onlyIssue((doc) => void (doc.device.cPrefix = 'STATUS_'))[2]).toBe('set device.cPrefix to another prefix, e.g. "STATUSDEV"');
  });

  it("a C prefix in a family of the Windows headers or the driver template", () => {
    expect(onlyIssue((doc) => void (doc.device.cPrefix = 'STATUS'))).toEqual([
      'device.cPrefix',
      'the C prefix STATUS puts every generated name into the STATUS_ family of names that the Windows headers define',
      'set device.cPrefix to another prefix, e.g. "STATUSDEV"',
    ]);
    expect(onlyIssue((doc) => void (doc.device.name = 'Device'))).toEqual([
      'device.name',
      'device name "Device" gives the C prefix DEVICE; the C prefix DEVICE puts every generated name into the DEVICE_ family of names that the driver template defines',
      'set device.cPrefix to another prefix, e.g. "DEVICEDEV"',
    ]);
  });

  it("names inside the protocol's INVERTED_CALL_ family", () => {
    expect(
      onlyIssue((doc) => {
        doc.device.cPrefix = 'INVERTED';
        doc.structs.CallBatchHeader = { fields: [{ name: 'value', type: 'u32' }] };
      }),
    ).toEqual([
      'structs.CallBatchHeader',
      'its C name INVERTED_CALL_BATCH_HEADER cannot be used: INVERTED_CALL_BATCH_HEADER is in the INVERTED_CALL_ family of names that the protocol section of every header and the driver template define',
      'rename it (or set device.cPrefix)',
    ]);
    expect(onlyIssue((doc) => void (doc.device.cPrefix = 'INVERTED_CALL_PM'))).toEqual([
      'device.cPrefix',
      "the C prefix INVERTED_CALL_PM is inside the protocol's own INVERTED_CALL_ names",
      'set device.cPrefix to another prefix, e.g. "DEV_PM"',
    ]);
  });

  it('boundary: a prefix that only starts with a family word passes, as does the suggestion', () => {
    passes((doc) => void (doc.device.cPrefix = 'STATUS_MON'));
    passes((doc) => void (doc.device.name = 'FileMonitor'));
    passes((doc) => void (doc.device.cPrefix = 'DEVICEDEV'));
    passes((doc) => void (doc.device.cPrefix = 'INVERTED'));
  });

  it("C's reserved spellings, which no schema name can reach today but the rule still owns", () => {
    expect(reservedCIdentifierReason('_Value')).toBe('_Value starts with an underscore and a capital letter, which C reserves for the compiler and its library');
    expect(reservedCIdentifierReason('A__B')).toBe('A__B contains two underscores in a row, which C and C++ reserve for the compiler and its library');
    expect(reservedCIdentifierReason('_value')).toBeUndefined();
    expect(reservedCIdentifierReason('ProcessId')).toBeUndefined();
    expect(reservedCPrefixReason('PROCESS_MONITOR')).toBeUndefined();
  });
});

describe('function codes the driver keeps for itself', () => {
  it.each([
    [0xffb, "the test build's ask IOCTL"],
    [0xffc, "the test build's emit IOCTL"],
    [0xffd, "the test build's process-notify IOCTL"],
    [0xffe, "the test build's state IOCTL"],
    [0xfff, 'the built-in protocol-information call'],
  ])('0x%s is reserved', (code, owner) => {
    expect(onlyIssue((doc) => void (doc.calls.GetVersion.function = code))).toEqual([
      'calls.GetVersion.function',
      `function code 0x${code.toString(16).toUpperCase()} is reserved for ${owner}`,
      // GetVersion's own 0x800 is free once it moves.
      'use a free code from 0x800 to 0xFFA, e.g. "0x800"',
    ]);
  });

  it('boundary: 0xFFA passes', () => passes((doc) => void (doc.calls.GetVersion.function = '0xFFA')));

  it('a duplicate gets the next free code after it, past every code the document uses later', () => {
    expect(
      onlyIssue((doc) => {
        doc.calls.Again = { function: '0x800', access: 'FILE_READ_ACCESS' };
        doc.calls.Later = { function: '0x802', access: 'FILE_READ_ACCESS' };
      }),
    ).toEqual([
      'calls.Again.function',
      'function code 0x800 gives IOCTL code 0x83376000, already used by calls.GetVersion',
      'give every call, channel and verdict IOCTL its own function code: the next free one is "0x803"',
    ]);
  });

  it('two duplicates get two different codes, and the search wraps past 0xFFA to 0x800', () => {
    const doc = baseSchema();
    doc.calls.GetVersion.function = '0xFFA';
    doc.calls.First = { function: '0xFFA', access: 'FILE_READ_ACCESS' };
    doc.calls.Second = { function: '0xFFA', access: 'FILE_READ_ACCESS' };
    const fixes = catchSchemaError(() => validateDeviceSchema(doc)).issues.map((issue) => issue.fix);
    expect(fixes).toEqual([
      'give every call, channel and verdict IOCTL its own function code: the next free one is "0x800"',
      'give every call, channel and verdict IOCTL its own function code: the next free one is "0x802"',
    ]);
  });
});

describe("the kernel-memory budget of one subscription's ring", () => {
  // Process: records of 584 bytes (ProcessCreated); 4 MiB / 584 = 7182 slots.
  it('a ring over the default 4 MiB', () => {
    expect(onlyIssue((doc) => void (doc.channels.Process.capacity = 8192))).toEqual([
      'channels.Process.capacity',
      "one subscription's ring of channel Process is 8192 slots of 584 bytes = 4784128 bytes of non-paged memory, over the per-subscription limit of 4194304 (device.limits.maxRingBytesPerSubscription)",
      'lower channels.Process.capacity to 7182, make struct ProcessCreated (the largest record) smaller, or raise device.limits.maxRingBytesPerSubscription to 4784128',
    ]);
  });

  it('boundary: 7182 slots (4194288 bytes) pass, and so does a limit raised to exactly the ring', () => {
    passes((doc) => void (doc.channels.Process.capacity = 7182));
    passes((doc) => {
      doc.channels.Process.capacity = 8192;
      doc.device.limits = { maxRingBytesPerSubscription: 4784128 };
    });
  });

  it('raising the budget past maxRingBytes says to raise both', () => {
    const [, , fix] = onlyIssue((doc) => {
      doc.channels.Process.capacity = 8192;
      doc.device.limits = { maxRingBytes: 4_000_000 };
    });
    expect(fix).toBe('lower channels.Process.capacity to 6849, make struct ProcessCreated (the largest record) smaller, or raise device.limits.maxRingBytesPerSubscription to 4784128 and device.limits.maxRingBytes to 4784128');
  });

  it('offers no capacity when one record alone is over the budget, and no raise past UINT32', () => {
    expect(onlyIssue((doc) => void (doc.device.limits = { maxRingBytesPerSubscription: 500 }))[2]).toBe(
      'make struct ProcessCreated (the largest record) smaller, or raise device.limits.maxRingBytesPerSubscription to 2392064',
    );
    const [, message, fix] = onlyIssue((doc) => {
      doc.structs.Big = { fields: [{ name: 'data', type: 'u8[8192]' }] };
      doc.channels.Process.events.Big = { id: 3, struct: 'Big' };
      doc.channels.Process.capacity = 1 << 20;
      doc.channels.Process.batchBytes = 16384;
    });
    expect(message).toContain('1048576 slots of 8208 bytes = 8606711808 bytes');
    expect(fix).toBe('lower channels.Process.capacity to 511, or make struct Big (the largest record) smaller');
  });

  it('a per-subscription limit of 0 or past UINT32 is refused like the other limits', () => {
    expect(onlyIssue((doc) => void (doc.device.limits = { maxRingBytesPerSubscription: 0 }))).toEqual([
      'device.limits.maxRingBytesPerSubscription',
      'maxRingBytesPerSubscription (ring memory of one subscription, in bytes) 0 is out of range',
      'use a number from 1 to 4294967295',
    ]);
  });
});
