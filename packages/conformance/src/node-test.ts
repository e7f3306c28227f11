/** `@inverted-call/conformance/node-test`: the suite as node:test tests (also under Windows node.exe in Wine). */
import { describe, it } from 'node:test';
import { runConformance as runWith, type ConformanceOptions } from './run.js';
import type { ConformanceTarget } from './target.js';

export function runConformance(name: string, makeTarget: () => Promise<ConformanceTarget>, options?: ConformanceOptions): void {
  runWith(name, makeTarget, { describe: (title, body) => void describe(title, body), it: (title, body) => void it(title, body) }, options);
}
