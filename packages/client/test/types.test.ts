// Type-level checks (verified by `tsc --noEmit`, which the test command runs): what a service
// author's editor sees from a generated descriptor. vitest runs these as empty tests.
import { describe, expectTypeOf, it } from 'vitest';
import type { CodecError as CodecErrorOfCodec } from '@inverted-call/codec';
import type { CodecError, Device, LossNotice, SubscriptionItem } from '../src/index.js';
import type { conformanceDevice } from '@inverted-call/conformance-device';

type TestDevice = Device<typeof conformanceDevice>;

describe('types derived from the descriptor', () => {
  it('types call inputs and outputs end to end', () => {
    expectTypeOf<TestDevice['call']['Echo']>().parameter(0).toEqualTypeOf<{ value: number; text: string }>();
    expectTypeOf<ReturnType<TestDevice['call']['Echo']>>().resolves.toEqualTypeOf<{ value: number; text: string }>();
    expectTypeOf<ReturnType<TestDevice['call']['ReadCounter']>>().resolves.toEqualTypeOf<{ value: bigint }>();
    expectTypeOf<ReturnType<TestDevice['call']['Ping']>>().resolves.toEqualTypeOf<void>();
    // @ts-expect-error a misspelt call does not exist
    void ({} as TestDevice['call']['Eco']);
  });

  it('exports the codec error type with its path', () => {
    expectTypeOf<CodecError>().toEqualTypeOf<CodecErrorOfCodec>();
    expectTypeOf<CodecError['path']>().toEqualTypeOf<string>();
  });

  it('narrows subscription items by type and kind', () => {
    type Item = SubscriptionItem<typeof conformanceDevice.channels.Events>;
    const narrow = (item: Item) => {
      if (item.type === 'loss') {
        expectTypeOf(item).toEqualTypeOf<LossNotice>();
        return;
      }
      expectTypeOf(item.sequence).toEqualTypeOf<bigint>();
      if (item.kind === 'Large') expectTypeOf(item.data.text).toEqualTypeOf<string>();
      else expectTypeOf(item.data.value).toEqualTypeOf<number>();
    };
    expectTypeOf(narrow).toBeFunction();
  });
});
