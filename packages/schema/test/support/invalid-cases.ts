// Invalid schemas, each one mistake away from the valid process-monitor example, with the exact
// path the validator must name and a word its fix must contain. Shared by the validator tests and
// the JSON Schema tests (cases marked `structural` are wrong in shape, which the JSON Schema sees too).
import type { InvalidCase } from './invalid-case.js';
import { interfaceCases } from './invalid-cases-interface.js';
import { typeCases } from './invalid-cases-types.js';
import { verdictCases } from './invalid-cases-verdicts.js';

export type { InvalidCase } from './invalid-case.js';

export const invalidCases: InvalidCase[] = [...typeCases, ...interfaceCases, ...verdictCases];
