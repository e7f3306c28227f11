/**
 * What a user's CI sees when Wine is not usable: the apt command, and that their own workflow has
 * to run it. A loader that does not run stands in for a missing Wine (this machine has Wine in
 * the places ensureWine() searches); both messages end with the same advice.
 */
import { afterEach, expect, it } from 'vitest';
import { WINE_INSTALL_COMMAND, ensureWine } from '../src/index.js';

const saved = process.env.WINE_BED_WINE64;
afterEach(() => {
  if (saved === undefined) delete process.env.WINE_BED_WINE64;
  else process.env.WINE_BED_WINE64 = saved;
});

it('a Wine that does not run: the apt command, and that the CI workflow must install it', () => {
  process.env.WINE_BED_WINE64 = '/nonexistent/wine64';
  let message = '';
  try {
    ensureWine();
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toContain('/nonexistent/wine64 --version failed');
  expect(message).toContain(`Install it as root: ${WINE_INSTALL_COMMAND}`);
  expect(WINE_INSTALL_COMMAND).toBe('apt-get update && apt-get install -y --no-install-recommends wine64 wine');
  expect(message).toContain('in CI, your workflow must run that command before the tests that use the bed');
});

it('the real Wine of this machine is found once the override is gone', () => {
  delete process.env.WINE_BED_WINE64;
  expect(ensureWine().version).toMatch(/^wine-\d+/);
});
