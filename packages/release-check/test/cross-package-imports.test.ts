// No test, bench or script file reaches into another package's src/ by path (see
// cross-package-imports.ts for why). The samples below are whole source texts: the guard reads
// the strings inside them, while in this file they are strings with spaces, which it skips.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NAMES_FILES_AS_DATA, checkedFiles, findViolations, stringsOf, workspaceViolations } from './cross-package-imports.js';
import { REPO } from './packages.js';

describe('no package reaches into another package\'s src/ by path', () => {
  it('checks the test, bench and script files of the packages and the example', () => {
    const files = checkedFiles(REPO);
    expect(files).toContain('packages/client/test/support.ts');
    expect(files).toContain('packages/client/bench/subscribe.bench.ts');
    expect(files).toContain('examples/process-monitor/scripts/golden.mjs');
    expect(files.some((file) => file.includes('/node_modules/'))).toBe(false);
  });

  it('the workspace has no violation', () => {
    expect(workspaceViolations(REPO)).toEqual([]);
  });

  it('leaves out only files that exist and would otherwise be reported (they name sources as data)', () => {
    for (const file of NAMES_FILES_AS_DATA) {
      expect(findViolations(file, readFileSync(join(REPO, file), 'utf8')).length, file).toBeGreaterThan(0);
    }
  });
});

describe('negative controls: each way of reaching in is reported', () => {
  const CLIENT_TEST = 'packages/client/test/sample.test.ts';

  // Each sample: the file it sits in, its text, and the package folder it reaches into. The path
  // reported is checked against the text, so that no path is spelled out here on its own.
  it.each([
    ['a relative import', CLIENT_TEST, "import { createSimulator } from '../../simulator/src/index.js';", 'packages/simulator'],
    ['a type-only import', CLIENT_TEST, "import type { Thing } from '../../conformance/src/device/thing.js';", 'packages/conformance'],
    ['a re-export', CLIENT_TEST, "export * from '../../codec/src/index.js';", 'packages/codec'],
    ['a dynamic import', CLIENT_TEST, "const module = await import('../../schema/src/index.js');", 'packages/schema'],
    ['a folder as a URL', CLIENT_TEST, "const dir = new URL('../../conformance/src/device', import.meta.url);", 'packages/conformance'],
    ['the example, from a package', CLIENT_TEST, "import { a } from '../../../examples/process-monitor/src/a.js';", 'examples/process-monitor'],
    ['a package, from a script of the example', 'examples/process-monitor/scripts/sample.mjs', "import { x } from '../../../packages/client/src/x.js';", 'packages/client'],
    ['a repository path', CLIENT_TEST, "const schema = join(REPO, 'packages/conformance/src/device/conformance.device.json');", 'packages/conformance'],
    ['a repository path in a template', CLIENT_TEST, 'const schema = `${REPO}packages/simulator/src/index.ts`;', 'packages/simulator'],
  ])('%s', (_name, file, text, target) => {
    const violations = findViolations(file, text);
    expect(violations.map((violation) => [violation.file, violation.target])).toEqual([[file, target]]);
    expect(text).toContain(violations[0]!.path.replace('\0', ''));
  });

  it('allows a package its own sources, other packages by name, and non-source files by path', () => {
    const text = [
      "import { thing } from '../src/index.js';",
      "import { createSimulator } from '@inverted-call/simulator';",
      "const schema = require.resolve('@inverted-call/conformance-device/conformance.device.json');",
      "const ownSources = join(REPO, 'packages/client/src');",
      "const header = new URL('../../conformance-device/device/conformance-device.h', import.meta.url);",
      "const message = 'see packages/simulator/src for details';",
    ].join('\n');
    expect(findViolations(CLIENT_TEST, text)).toEqual([]);
  });

  it('reads strings, not comments', () => {
    expect(stringsOf('sample.ts', "// '../../simulator/src/index.js'\nconst a = 'b';")).toEqual(['b']);
  });
});
