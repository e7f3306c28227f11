// A valid verdict added to the base schema: the process-create verdict the design describes.
import type { Doc } from './schemas.js';

export const VERDICT_PATH = 'verdicts.ProcessCreate';

/** Adds structs ProcessCreateQuestion / ProcessCreateAnswer and verdicts.ProcessCreate to `doc`. */
export function addVerdict(doc: Doc): Doc {
  doc.structs.ProcessCreateQuestion = { fields: structuredClone(doc.structs.ProcessCreated.fields) };
  doc.structs.ProcessCreateAnswer = { fields: [{ name: 'Allow', type: 'bool32' }, { name: 'Reason', type: 'u32' }, { name: 'Note', type: 'wchar[8]' }] };
  doc.verdicts = {
    ProcessCreate: {
      description: 'Allow or deny a new process.',
      askFunction: '0x820',
      replyFunction: '0x821',
      access: 'FILE_WRITE_ACCESS',
      question: 'ProcessCreateQuestion',
      answer: 'ProcessCreateAnswer',
      deadlineMs: 200,
      defaultAnswer: { Allow: 1 },
      maxPending: 64,
      on: 'process-create',
    },
  };
  return doc;
}

export const verdict = (doc: Doc): Doc => doc.verdicts.ProcessCreate;

/** A case's mutation on top of the base schema with the verdict. */
export const withVerdict = (change: (doc: Doc) => void) => (doc: Doc): void => {
  addVerdict(doc);
  change(doc);
};
