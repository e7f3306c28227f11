/**
 * The README's section on verdicts (templates/shared/project/README-verdicts.md.tmpl), the same in
 * both flavours: the latency budget and the deadlock rules, opened by a sentence naming this
 * schema's verdicts with their deadlines and defaults, so the warning reads as this driver's.
 */
import type { DeviceModel, VerdictModel } from '@inverted-call/schema';
import { fillPlaceholders, readTemplateFile } from './template-files.js';

const SOURCE = 'project/README-verdicts.md.tmpl';

/** `allow = true, reason = 0`, or `all zero` for a default that names no field. */
function defaultText(verdict: VerdictModel): string {
  if (verdict.defaultAnswer.length === 0) return 'all zero';
  return verdict.defaultAnswer.map(({ field, value }) => `${field} = ${String(value)}`).join(', ');
}

function describeVerdict(verdict: VerdictModel): string {
  const trigger = verdict.on === 'process-create' ? ', asked by `Notify.c` on every process creation' : ', asked from your own code';
  return `\`${verdict.name}\` (deadline ${verdict.deadlineMs} ms, at most ${verdict.maxPending} pending${trigger}; default answer: ${defaultText(verdict)})`;
}

/** The sentence that names the schema's verdicts, or says there are none. */
export function verdictNote(model: DeviceModel): string {
  const { verdicts } = model;
  if (verdicts.length === 0) return 'This schema declares no verdicts, so this driver asks nothing; what follows applies once it does.';
  const list = verdicts.map(describeVerdict);
  return verdicts.length === 1 ? `This schema declares one: ${list[0]}.` : `This schema declares ${verdicts.length}: ${list.join('; ')}.`;
}

/** The filled section, for the `{{Verdicts}}` placeholder of both flavours' README. */
export function readmeVerdictsSection(model: DeviceModel): string {
  return fillPlaceholders(readTemplateFile(SOURCE, 'shared'), { VerdictNote: verdictNote(model) }, SOURCE).trimEnd();
}
