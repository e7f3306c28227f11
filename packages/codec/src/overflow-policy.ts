/**
 * What a full ring drops, and the number CHANNEL_INFO.OverflowPolicy carries for it on the wire
 * (protocol v1). Every TypeScript package that names, checks or encodes a policy asks here.
 */
import { CodecError } from './errors.js';

export const OVERFLOW_POLICY_CODES = { 'drop-newest': 0, 'drop-oldest': 1 } as const;

export type OverflowPolicy = keyof typeof OVERFLOW_POLICY_CODES;

/** Every policy, in the order of its code. */
export const OVERFLOW_POLICIES = Object.keys(OVERFLOW_POLICY_CODES) as readonly OverflowPolicy[];

export function isOverflowPolicy(value: unknown): value is OverflowPolicy {
  return typeof value === 'string' && Object.hasOwn(OVERFLOW_POLICY_CODES, value);
}

/** The policies as a reader would list them in a message: `'drop-newest' or 'drop-oldest'`. */
export function describeOverflowPolicies(): string {
  return OVERFLOW_POLICIES.map((policy) => `'${policy}'`).join(' or ');
}

export function encodeOverflowPolicy(policy: OverflowPolicy, path = 'overflow'): number {
  if (!isOverflowPolicy(policy)) throw new CodecError(path, `must be ${describeOverflowPolicies()}, got ${JSON.stringify(policy)}`);
  return OVERFLOW_POLICY_CODES[policy];
}

/** The policy a wire code stands for; throws `CodecError` for a code protocol v1 does not define. */
export function decodeOverflowPolicy(code: number, path = 'overflow'): OverflowPolicy {
  const policy = OVERFLOW_POLICIES.find((candidate) => OVERFLOW_POLICY_CODES[candidate] === code);
  if (policy === undefined) throw new CodecError(path, `unknown overflow policy ${code}`);
  return policy;
}
