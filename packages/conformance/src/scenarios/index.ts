import type { Scenario } from '../scenario.js';

export const allScenarios: Scenario[] = [];
