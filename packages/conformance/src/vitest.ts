/** `@inverted-call/conformance/vitest`: the suite as vitest tests. */
import { describe, it } from 'vitest';
import { runConformance as runWith, type ConformanceOptions } from './run.js';
import type { ConformanceTarget } from './target.js';

export function runConformance(name: string, makeTarget: () => Promise<ConformanceTarget>, options?: ConformanceOptions): void {
  runWith(name, makeTarget, { describe, it }, options);
}
