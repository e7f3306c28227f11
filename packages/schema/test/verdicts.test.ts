// A valid verdict's model: the IOCTLs, the wire sizes, the defaults and the default answer's bytes.
import { describe, expect, it } from 'vitest';
import { validateDeviceSchema } from '../src/validate.js';
import { baseSchema } from './support/schemas.js';
import { addVerdict, verdict } from './support/verdict-doc.js';

const model = () => {
  const doc = addVerdict(baseSchema());
  return { doc, run: () => validateDeviceSchema(doc) };
};

describe('a verdict model', () => {
  it('has both METHOD_BUFFERED IOCTLs with the verdict\'s access, and the wire sizes', () => {
    const [entry] = model().run().verdicts;
    expect(entry).toMatchObject({
      name: 'ProcessCreate',
      cName: 'PROCESS_MONITOR_VERDICT_PROCESS_CREATE',
      ask: { function: 0x820, method: 0, access: 2, code: 0x8337a080, cName: 'IOCTL_PROCESS_MONITOR_ASK_PROCESS_CREATE' },
      reply: { function: 0x821, method: 0, access: 2, code: 0x8337a084, cName: 'IOCTL_PROCESS_MONITOR_REPLY_PROCESS_CREATE' },
      question: 'ProcessCreateQuestion',
      answer: 'ProcessCreateAnswer',
      questionBytes: 568,
      answerBytes: 24,
      askOutputBytes: 16 + 568,
      replyInputBytes: 8 + 24,
      deadlineMs: 200,
      maxPending: 64,
      on: 'process-create',
    });
  });

  it('takes maxPending 64 when left out, and no trigger', () => {
    const { doc, run } = model();
    delete verdict(doc).maxPending;
    delete verdict(doc).on;
    const [entry] = run().verdicts;
    expect(entry!.maxPending).toBe(64);
    expect(entry!.on).toBeUndefined();
  });

  it('lays the default answer out as little-endian bytes of the answer struct, other fields 0', () => {
    const { doc, run } = model();
    verdict(doc).defaultAnswer = { Allow: true, Reason: '0x01020304' };
    const [entry] = run().verdicts;
    expect(entry!.defaultAnswer).toEqual([{ field: 'Allow', value: true }, { field: 'Reason', value: 0x01020304 }]);
    expect(entry!.defaultAnswerBytes).toEqual([1, 0, 0, 0, 4, 3, 2, 1, ...new Array(16).fill(0)]);
  });

  it('a process-create verdict allows by default (fail-open) unless Allow is given', () => {
    const { doc, run } = model();
    delete verdict(doc).defaultAnswer;
    expect(run().verdicts[0]!.defaultAnswer).toEqual([{ field: 'Allow', value: true }]);
    verdict(doc).defaultAnswer = { Allow: false };
    const [denying] = run().verdicts;
    expect(denying!.defaultAnswer).toEqual([{ field: 'Allow', value: false }]);
    expect(denying!.defaultAnswerBytes.every((byte) => byte === 0)).toBe(true);
  });

  it('any other verdict\'s unnamed fields are 0', () => {
    const { doc, run } = model();
    delete verdict(doc).on;
    delete verdict(doc).defaultAnswer;
    const [entry] = run().verdicts;
    expect(entry!.defaultAnswer).toEqual([]);
    expect(entry!.defaultAnswerBytes).toEqual(new Array(24).fill(0));
  });

  it('writes signed and 64-bit defaults in two\'s complement, past 2^53 as strings', () => {
    const { doc, run } = model();
    delete verdict(doc).on;
    doc.structs.Wide = { fields: [{ name: 'delta', type: 'i16' }, { name: 'big', type: 'u64' }, { name: 'flag', type: 'bool8' }] };
    verdict(doc).answer = 'Wide';
    verdict(doc).defaultAnswer = { delta: -2, big: '18446744073709551615', flag: 1 };
    const [entry] = run().verdicts;
    expect(entry!.defaultAnswer).toEqual([{ field: 'delta', value: -2 }, { field: 'big', value: (1n << 64n) - 1n }, { field: 'flag', value: true }]);
    expect(entry!.defaultAnswerBytes).toEqual([0xfe, 0xff, 0, 0, 0, 0, 0, 0, ...new Array(8).fill(0xff), 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('accepts a process-create answer whose Allow is spelt allow, or is u32 or bool8', () => {
    for (const [name, type] of [['allow', 'bool32'], ['Allow', 'u32'], ['Allow', 'bool8']]) {
      const { doc, run } = model();
      doc.structs.ProcessCreateAnswer.fields = [{ name, type }];
      verdict(doc).defaultAnswer = {};
      expect(run().verdicts[0]!.defaultAnswer).toEqual([{ field: name, value: type === 'u32' ? 1 : true }]);
    }
  });

  it('is empty for a schema without verdicts', () => {
    expect(validateDeviceSchema(baseSchema()).verdicts).toEqual([]);
  });
});
