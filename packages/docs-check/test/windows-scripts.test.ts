/**
 * Every `scripts/windows/<name>.ps1 -Parameter ...` command the docs and the READMEs a user reads
 * show names a script the kit ships and only parameters it declares (see src/windows-scripts.ts).
 */
import { expect, it } from 'vitest';
import { checkScriptCommands, scriptDocPages, shippedScripts } from '../src/windows-scripts.js';

it('every Windows script command in the docs and READMEs names a shipped script and its declared parameters', async () => {
  const pages = scriptDocPages();
  const { checked, problems } = checkScriptCommands(pages, await shippedScripts());
  console.log(`docs-check: ${checked} Windows script commands checked in ${pages.length} pages`);
  // The example's README shows all four scripts.
  expect(checked).toBeGreaterThanOrEqual(4);
  expect(problems).toEqual([]);
});
