// The README's section on verdicts: in both flavours, naming this schema's verdicts, their
// deadlines and defaults, with the latency budget and the deadlock rules.
import { readFileSync } from 'node:fs';
import { validateDeviceSchema } from '@inverted-call/schema';
import { describe, expect, it } from 'vitest';
import { renderKmdfDriver, renderWdmDriver } from '../src/index.js';
import { verdictNote } from '../src/readme-verdicts.js';
import { SCHEMAS, model, render, renderWdm } from './support/schemas.js';

const readmeOf = (files: ReturnType<typeof render>) => files.find((file) => file.path === 'README.md')!.content;
const HEADING = '### Verdicts: the latency budget and the deadlock rules';

/** The minimal fixture (no process channel) with two verdicts asked from the driver's own code. */
function twoVerdicts() {
  const doc = JSON.parse(readFileSync(SCHEMAS.minimal, 'utf8'));
  doc.structs.Verdict = { fields: [{ name: 'code', type: 'i32' }, { name: 'grant', type: 'bool8' }] };
  doc.verdicts = {
    OpenFile: { askFunction: '0x810', replyFunction: '0x811', access: 'FILE_WRITE_ACCESS', question: 'EchoRequest', answer: 'Verdict', deadlineMs: 40 },
    Unload: { askFunction: '0x812', replyFunction: '0x813', access: 'FILE_WRITE_ACCESS', question: 'EchoRequest', answer: 'Verdict', deadlineMs: 5000, maxPending: 2, defaultAnswer: { code: -5, grant: true } },
  };
  return validateDeviceSchema(doc);
}

describe('the README on verdicts', () => {
  it('both flavours carry the section, with the budget and the rules', () => {
    for (const readme of [readmeOf(render('processMonitor')), readmeOf(renderWdm('processMonitor'))]) {
      expect(readme.split(HEADING)).toHaveLength(2);
      expect(readme).toMatch(/\*\*The latency budget\.\*\*[\s\S]*up to the verdict's `deadlineMs`/);
      expect(readme).toMatch(/\*\*fail-open\*\* unless the schema says otherwise/);
      expect(readme).toMatch(/\*\*No decider waits for itself \(V7\)\.\*\*/);
      expect(readme).toMatch(/\*\*Only the asker waits, at `PASSIVE_LEVEL`, with a timeout \(V8\)\.\*\*/);
      expect(readme).toContain('never from a path your decider\'s own I/O\n  needs');
      // The section sits in "Where your code goes", after "Adding a call", before the next numbered section.
      expect(readme.indexOf('### Adding a call')).toBeLessThan(readme.indexOf(HEADING));
      expect(readme.slice(readme.indexOf(HEADING)).match(/^## \d+\./m)).not.toBeNull();
    }
  });

  it('names the process monitor\'s verdict, its deadline, its trigger and its fail-open default', () => {
    const note = 'This schema declares one: `ProcessCreate` (deadline 250 ms, at most 64 pending, asked by `Notify.c` on every process creation; default answer: allow = true).';
    expect(verdictNote(model('processMonitor'))).toBe(note);
    expect(readmeOf(render('processMonitor'))).toContain(`\n\n${note}\n\n`);
  });

  it('lists several verdicts, each with its own default, and says which are asked from your code', () => {
    const device = twoVerdicts();
    expect(verdictNote(device)).toBe(
      'This schema declares 2: `OpenFile` (deadline 40 ms, at most 64 pending, asked from your own code; default answer: all zero); '
        + '`Unload` (deadline 5000 ms, at most 2 pending, asked from your own code; default answer: code = -5, grant = true).',
    );
    for (const files of [renderKmdfDriver(device, { schemaPath: 'x' }), renderWdmDriver(device, { schemaPath: 'x' })]) {
      expect(readmeOf(files)).toContain('`Unload` (deadline 5000 ms');
    }
  });

  it('says so when the schema declares none', () => {
    const readme = readmeOf(render('minimal'));
    expect(readme).toContain(HEADING);
    expect(readme).toContain('This schema declares no verdicts, so this driver asks nothing; what follows applies once it does.');
  });
});
