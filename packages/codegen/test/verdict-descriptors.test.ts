// Every verdict of every golden module: its descriptor entry says what the model says, and its
// decoded defaultAnswer encodes to exactly the bytes the C header's DEFAULT_ANSWER_INITIALIZER holds.
import type { DeviceDescriptorV1 } from '@inverted-call/codec';
import { loadDeviceSchema } from '@inverted-call/schema';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goldenCases } from './golden-cases.mjs';

const cases = await Promise.all(
  goldenCases.map(async (testCase) => {
    const module = (await import(testCase.ts)) as Record<string, unknown>;
    const descriptor = Object.values(module).find((value): value is DeviceDescriptorV1 => typeof value === 'object' && value !== null && 'specificationVersion' in value)!;
    return { ...testCase, model: loadDeviceSchema(testCase.schema), descriptor, header: readFileSync(testCase.header, 'utf8') };
  }),
);

describe('verdict descriptors', () => {
  it('at least one golden fixture declares a verdict', () => {
    expect(cases.some((testCase) => testCase.model.verdicts.length > 0)).toBe(true);
  });

  for (const testCase of cases) {
    it(`${testCase.name}: one entry per verdict, with the model's codes, sizes, limits and default`, () => {
      expect(Object.keys(testCase.descriptor.verdicts)).toEqual(testCase.model.verdicts.map((verdict) => verdict.name));
      for (const verdict of testCase.model.verdicts) {
        const entry = testCase.descriptor.verdicts[verdict.name]!;
        expect(entry).toMatchObject({
          name: verdict.name,
          askCode: verdict.ask.code,
          replyCode: verdict.reply.code,
          requiredAccess: verdict.ask.access,
          deadlineMs: verdict.deadlineMs,
          maxPending: verdict.maxPending,
          minimumOutputBytes: verdict.askOutputBytes,
        });
        expect([entry.question.name, entry.answer.name]).toEqual([verdict.question, verdict.answer]);
        expect([...entry.answer.encode(entry.defaultAnswer)]).toEqual(verdict.defaultAnswerBytes);
        // The C initializer holds the same bytes.
        const macro = new RegExp(`#define ${verdict.cName}_DEFAULT_ANSWER_INITIALIZER \\{([^}]*)\\}`).exec(testCase.header);
        expect(macro, `${verdict.cName}_DEFAULT_ANSWER_INITIALIZER`).not.toBeNull();
        expect(macro![1]!.split(',').map((byte) => Number(byte.replace(/\\\\|\s/g, '')))).toEqual(verdict.defaultAnswerBytes);
      }
    });
  }
});
