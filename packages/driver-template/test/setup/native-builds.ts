/**
 * Vitest global setup: builds the native programs of the portable core once per run, before any
 * test file starts, and hands their paths to the files that run them (differential.test.ts,
 * core-conformance.test.ts) through `inject('nativeBuild')`. Global setup has no time limit, so a
 * slow build on a loaded machine makes the run slower, never a hook time out; and the two ASan
 * builds happen once, not once per describe block or file.
 */
import type { TestProject } from 'vitest/node';
import { buildHarness, type NativeBuildPaths } from '../support/native.js';

declare module 'vitest' {
  export interface ProvidedContext {
    nativeBuild: NativeBuildPaths;
  }
}

export default function setup(project: TestProject): () => void {
  const build = buildHarness();
  project.provide('nativeBuild', { dir: build.dir, harness: build.harness, coreTest: build.coreTest, verdictTest: build.verdictTest });
  return () => build.dispose();
}
