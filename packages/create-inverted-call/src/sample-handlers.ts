/**
 * The project's first driver/Handlers.c: the driver template's stub, with the example calls
 * answered the way src/simulation.ts answers them (GetVersion: 0.1.0; an example call: its value
 * times two), so the same tests pass against the simulator and against the driver under Wine
 * from the first commit. Handlers.c is the user's from then on: the template never rewrites it.
 */
import type { CallContext } from './template-context.js';

/** C statements of each example call's answer (the structs' C fields are the schema's, capitalised). */
function sampleBody(call: CallContext): string[] {
  if (call.shape === 'version') {
    return [
      '    (void)Context;',
      '    /* The simulator (src/simulation.ts) answers the same: keep the two in step. */',
      '    Output->Major = 0;',
      '    Output->Minor = 1;',
      '    Output->Patch = 0;',
      '    Output->Flags = 0;',
      '    return STATUS_SUCCESS;',
    ];
  }
  return [
    '    (void)Context;',
    '    /* An example answer, the simulator\'s too (src/simulation.ts): replace both with yours. */',
    '    Output->Value = Input->Value * 2u;',
    '    return STATUS_SUCCESS;',
  ];
}

/** Replaces the body of each example call's handler in the rendered stub. */
export function sampleHandlers(stub: string, calls: readonly CallContext[], handlerNames: Record<string, string>): string {
  const lead = stub.indexOf(' */\n');
  let text = `${stub.slice(0, lead + 4)}/* The example calls below answer as src/simulation.ts does; the others refuse until you write them. */\n${stub.slice(lead + 4)}`;
  for (const call of calls) {
    const name = handlerNames[call.name]!;
    const start = text.indexOf(`NTSTATUS ${name}(`);
    const open = text.indexOf('\n{\n', start);
    const close = text.indexOf('\n}\n', open);
    if (start < 0 || open < 0 || close < 0) throw new Error(`create-inverted-call: the rendered Handlers.c has no ${name} to fill in`);
    text = `${text.slice(0, open)}\n{\n${sampleBody(call).join('\n')}${text.slice(close)}`;
  }
  return text;
}
