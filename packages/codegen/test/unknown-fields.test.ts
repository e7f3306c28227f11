// What a user sees when an input carries a key the struct does not have, through a generated
// module whose structs nest: a rule set holds a rule and an array of rules, a rule holds a range.
// (roundtrip.test.ts checks the same property over every golden module with random values.)
import { CodecError } from '@inverted-call/codec';
import { describe, expect, it } from 'vitest';
import { thrown } from './support/thrown.js';
import { RuleSetCodec, type Rule, type RuleSet } from './golden/port-rules.js';

const rule = (first: number): Rule => ({ ports: { first, last: first + 10 }, allow: true });
const ruleSet: RuleSet = { fallback: rule(0), rules: [rule(100), rule(200), rule(300), rule(400)], count: 4 };

const encodeError = (value: unknown): CodecError => thrown(CodecError, () => RuleSetCodec.encode(value as RuleSet));

describe('generated codecs refuse keys their struct does not have', () => {
  it('accepts the exact fields', () => {
    expect(RuleSetCodec.decode(RuleSetCodec.encode(ruleSet))).toEqual(ruleSet);
  });

  it('at the top, suggesting the field a typo stands for', () => {
    const { count, ...rest } = ruleSet;
    expect(encodeError({ ...rest, cuont: count }).message).toBe('RuleSet.cuont: RuleSet has no field "cuont"; did you mean "count"?');
  });

  it('at the top, listing the fields when the key resembles none', () => {
    expect(encodeError({ ...ruleSet, priority: 1 }).message).toBe('RuleSet.priority: RuleSet has no field "priority"; remove it or use one of fallback, rules, count');
  });

  it('in a nested struct, two levels down', () => {
    const error = encodeError({ ...ruleSet, fallback: { ...rule(0), ports: { first: 1, last: 2, step: 1 } } });
    expect(error.path).toBe('RuleSet.fallback.ports.step');
    expect(error.message).toContain('PortRange has no field "step"');
  });

  it('in an element of an array of structs', () => {
    const rules = [...ruleSet.rules];
    rules[2] = { ...rule(300), Allow: false } as Rule;
    const error = encodeError({ ...ruleSet, rules });
    expect(error.path).toBe('RuleSet.rules[2].Allow');
    expect(error.message).toContain('Rule has no field "Allow"; did you mean "allow"?');
  });
});
