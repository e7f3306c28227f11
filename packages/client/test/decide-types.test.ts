// Type-level checks of device.decide (verified by `tsc --noEmit`, the package's typecheck): the
// question and answer types come from the descriptor's verdict. vitest runs these as empty tests.
import { describe, expectTypeOf, it } from 'vitest';
import type { conformanceDevice } from '@inverted-call/conformance-device';
import type { Decider, DecisionContext, DecisionEvent, Device, VerdictHandler } from '../src/index.js';
import type { ProcessCreateAnswer, ProcessCreateQuestion, verdictDevice } from './verdict-fake.js';

type VerdictDevice = Device<typeof verdictDevice>;
type Decide = VerdictDevice['decide']['ProcessCreate'];

describe('decide types derived from the descriptor', () => {
  it('types the handler from the verdict question and answer', () => {
    expectTypeOf<Parameters<Decide>[0]>().toEqualTypeOf<VerdictHandler<ProcessCreateQuestion, ProcessCreateAnswer>>();
    expectTypeOf<Parameters<Parameters<Decide>[0]>[0]>().toEqualTypeOf<ProcessCreateQuestion>();
    expectTypeOf<Parameters<Parameters<Decide>[0]>[1]>().toEqualTypeOf<DecisionContext>();
    expectTypeOf<ReturnType<Parameters<Decide>[0]>>().toEqualTypeOf<ProcessCreateAnswer | Promise<ProcessCreateAnswer>>();
    expectTypeOf<ReturnType<Decide>>().toEqualTypeOf<Decider<ProcessCreateQuestion, ProcessCreateAnswer>>();
    expectTypeOf<DecisionContext['deadline']>().toEqualTypeOf<number>();
    expectTypeOf<DecisionContext['id']>().toEqualTypeOf<bigint>();
  });

  it('refuses answers of another shape and verdicts the descriptor does not have', () => {
    const decide = {} as Decide;
    const check = () => {
      decide((question) => ({ allow: question.processId }));
      decide(async (question, { signal }) => ({ allow: signal.aborted || question.imageName === 'x' ? 0 : 1 }));
      // @ts-expect-error the answer has no field `deny`
      decide(() => ({ deny: 1 }));
      // @ts-expect-error the answer's field is a number
      decide(() => ({ allow: 'yes' }));
      // @ts-expect-error the question has no field `pid`
      decide((question) => ({ allow: question.pid }));
    };
    expectTypeOf(check).toBeFunction();
    // @ts-expect-error a misspelt verdict does not exist
    void ({} as VerdictDevice['decide']['ProcessCreat']);
  });

  it('gives a device without verdicts an empty decide map', () => {
    expectTypeOf<keyof Device<Omit<typeof conformanceDevice, 'verdicts'> & { readonly verdicts: {} }>['decide']>().toEqualTypeOf<never>();
  });

  it('narrows decision events by type', () => {
    const narrow = (event: DecisionEvent<ProcessCreateQuestion, ProcessCreateAnswer>) => {
      if (event.type === 'answered') expectTypeOf(event.answer).toEqualTypeOf<ProcessCreateAnswer>();
      if (event.type === 'refused') expectTypeOf(event.reason).toEqualTypeOf<'late' | 'unknown-id' | 'already-answered' | 'other'>();
      expectTypeOf(event.question).toEqualTypeOf<ProcessCreateQuestion>();
    };
    expectTypeOf(narrow).toBeFunction();
  });
});
