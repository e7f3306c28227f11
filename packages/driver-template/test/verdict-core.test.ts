// The portable core's verdict channels (templates/core/Verdict.c, rules V1-V9): its native unit
// tests (templates/core/test/verdict_test.c) under ASan/UBSan, built once per run by the global
// setup. Negative controls: Verdict.c with one rule broken (a mutant, made by replacing one
// exact line) must make the same tests fail, so no rule's checks pass vacuously.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CORE_DIR, compile, coreIncludes, runNative, verdictTestSources } from './support/native.js';

const native = inject('nativeBuild');
const scratch = mkdtempSync(join(tmpdir(), 'inverted-call-verdict-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PASSED = /verdict_test: \d+ checks, 0 failed/;

/** One rule taken out of Verdict.c: the exact text replaced, and what replaces it. */
interface Mutant {
  rule: string;
  find: string;
  replace: string;
}

const MUTANTS: readonly Mutant[] = [
  { rule: 'V2/V5: only the owning handle may answer', find: 'if (slot->Owner->File == File) {', replace: 'if (slot->Owner != NULL) {' },
  { rule: 'V3: the pending limit', find: 'verdict->Unsettled >= verdict->Config.MaxPending', replace: 'verdict->Unsettled > verdict->Config.MaxPending' },
  { rule: 'V4: a question past its deadline is never delivered', find: 'if (slot->DeadlineAtMs <= now) {', replace: 'if (slot->DeadlineAtMs < now - 1000u) {' },
  { rule: 'V5: the memory of settled ids', find: '            return Decider->SettledOutcomes[at];', replace: '            return CORE_VERDICT_OUTCOME_NONE;' },
  { rule: 'V6: no decider left settles the queue', find: 'if (verdict->DeciderCount == 0) {\n            VerdictDefaultQueued', replace: 'if (verdict->DeciderCount == 99u) {\n            VerdictDefaultQueued' },
  { rule: 'V7: the self-exemption', find: 'VerdictAskerIsDecider(verdict, AskerProcessId) ||', replace: '(AskerProcessId == 0xFFFFFFFFu && VerdictAskerIsDecider(verdict, AskerProcessId)) ||' },
  { rule: 'V8: whoever settles first wins', find: 'if (Ticket->Outcome == CORE_VERDICT_OUTCOME_NONE) {', replace: 'if (Ticket->Outcome == CORE_VERDICT_OUTCOME_ANSWERED) {\n        Ticket->Outcome = CORE_VERDICT_OUTCOME_TIMED_OUT;\n    } else if (Ticket->Outcome == CORE_VERDICT_OUTCOME_NONE) {' },
  { rule: 'parked ask requests count against MaxParkedPerHandle', find: 'if (status == STATUS_PENDING && CoreParkedLimitReached(Core, File)) {', replace: 'if (status == STATUS_PENDING && CoreParkedLimitReached(Core, File) && File == NULL) {' },
  { rule: 'ids: a per-device counter, never reused', find: 'slot->Id = table->NextQuestionId++;', replace: 'slot->Id = table->NextQuestionId + slotIndex;' },
];

// Time limits, from a measurement on the loaded 2-core machine: one ASan build of the verdict tests
// took about 3 s and a run under 0.1 s; 60 s per build is far above 3x.
describe('verdict core (Verdict.c) under ASan/UBSan', { timeout: 60_000 }, () => {
  it('verdict_test passes', () => {
    const result = runNative(native.verdictTest, '');
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(PASSED);
    expect(result.status).toBe(0);
  });

  it.each(MUTANTS.map((mutant) => [mutant.rule, mutant] as const))('negative control: breaking %s fails verdict_test', (_rule, mutant) => {
    const original = readFileSync(join(CORE_DIR, 'Verdict.c'), 'utf8');
    expect(original.split(mutant.find).length - 1).toBe(1); // the mutant changes exactly one place
    const source = join(scratch, `Verdict-${MUTANTS.indexOf(mutant)}.c`);
    writeFileSync(source, original.replace(mutant.find, mutant.replace));
    const program = join(scratch, `verdict_test-${MUTANTS.indexOf(mutant)}`);
    compile(program, coreIncludes(join(native.dir, 'device')), verdictTestSources(CORE_DIR, source));
    const result = runNative(program, '');
    expect(result.stdout).not.toMatch(PASSED);
    expect(result.status).not.toBe(0);
  });
});
