import { describe, expect, it } from 'vitest';
import { CodecError, OVERFLOW_POLICIES, decodeOverflowPolicy, describeOverflowPolicies, encodeOverflowPolicy, isOverflowPolicy } from '../src/index.js';

describe('overflow policies', () => {
  it('have the wire codes of CHANNEL_INFO.OverflowPolicy', () => {
    expect(OVERFLOW_POLICIES.map((policy) => [policy, encodeOverflowPolicy(policy)])).toEqual([['drop-newest', 0], ['drop-oldest', 1]]);
    expect([0, 1].map((code) => decodeOverflowPolicy(code))).toEqual(['drop-newest', 'drop-oldest']);
  });

  it('refuse a name or a code they do not define', () => {
    expect(isOverflowPolicy('drop-all')).toBe(false);
    expect(isOverflowPolicy('toString')).toBe(false);
    expect(() => encodeOverflowPolicy('drop-all' as never)).toThrow(CodecError);
    expect(() => decodeOverflowPolicy(2)).toThrow('unknown overflow policy 2');
  });

  it('are listed for messages', () => {
    expect(describeOverflowPolicies()).toBe("'drop-newest' or 'drop-oldest'");
  });
});
